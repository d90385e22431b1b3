//! Lowering of an endpoint's structured `recovery: { lookup, fields, note }`:
//! the lookup endpoint and how this endpoint's request fills its request.
//! Checked like a webhook's `refetch`, once every endpoint is resolved.

use super::Resolver;
use super::endpoint_ref::unknown_endpoint_hint;
use super::field_map::FieldMap;
use super::merge::In;
use crate::model;
use crate::raw;

impl Resolver<'_> {
    pub(super) fn recoveries(
        &mut self,
        eps: &[In<'_, raw::Endpoint>],
        endpoints: &mut [model::Endpoint],
        objects: &[model::Object],
    ) {
        for e in eps {
            let Some(raw::Recovery::Lookup(r)) = &e.item.recovery else {
                continue;
            };
            let recover = self.recovery(e, r, endpoints, objects);
            if let Some(ep) = endpoints.iter_mut().find(|x| x.spec_name == e.key.value) {
                ep.recover = recover;
            }
        }
    }

    /// The structured recovery of an endpoint: its lookup endpoint and the field mapping;
    /// `None` (reported unless a request object is already missing) if either is wrong.
    fn recovery(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        r: &raw::RecoveryLookup,
        endpoints: &[model::Endpoint],
        objects: &[model::Object],
    ) -> Option<model::Recover> {
        let name = &e.key.value;
        let lookup = self.lookup_endpoint(e, r, endpoints)?;
        let lreq = objects
            .iter()
            .find(|o| o.name == model::ObjectName::Request(lookup.spec_name.clone()))?;
        let own = objects
            .iter()
            .find(|o| o.name == model::ObjectName::Request(name.clone()))?;
        if r.fields.is_empty() {
            self.report
                .err(
                    e.file,
                    &r.lookup.referenced,
                    format!("the lookup of `{name}` maps no fields"),
                )
                .hint = Some(format!(
                "add `fields: {{ <{} request field>: <{name} request field> }}`, e.g. the idempotency key",
                lookup.spec_name
            ));
            return None;
        }
        let fields = self.lookup_fields(e, r, lookup, lreq, own)?;
        Some(model::Recover {
            lookup: lookup.spec_name.clone(),
            fields,
        })
    }

    /// The lookup endpoint: known, not the endpoint itself, returning one object and
    /// `retry: safe`; `None` (reported) if not.
    fn lookup_endpoint<'e>(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        r: &raw::RecoveryLookup,
        endpoints: &'e [model::Endpoint],
    ) -> Option<&'e model::Endpoint> {
        let file = e.file;
        let loc = r.lookup.referenced;
        let name = &e.key.value;
        // The operation name as written in the spec, not its Rust method name.
        let Some(lookup) = endpoints.iter().find(|x| x.spec_name == r.lookup.value) else {
            let hint = unknown_endpoint_hint(&r.lookup.value, endpoints);
            self.report
                .err(file, &loc, format!("unknown endpoint `{}`", r.lookup.value))
                .hint = hint;
            return None;
        };
        if lookup.spec_name == *name {
            self.report
                .err(file, &loc, format!("`{name}` cannot be its own lookup"))
                .hint = Some("name the detail endpoint that reads what this call creates".into());
            return None;
        }
        if !matches!(lookup.response, model::Response::Object(_)) {
            self.report
                .err(
                    file,
                    &loc,
                    format!(
                        "`{}` does not return one object, so it cannot settle `{name}`",
                        lookup.spec_name
                    ),
                )
                .hint =
                Some("look up through a detail endpoint (`response: { object: T }`)".into());
            return None;
        }
        if lookup.retry != model::Retry::Safe {
            self.report
                .err(
                    file,
                    &loc,
                    format!("`{}` is not `retry: safe`, so it cannot be the lookup of `{name}`", lookup.spec_name),
                )
                .hint = Some("the lookup is sent after an uncertain call and must be a read: use a `retry: safe` detail endpoint".into());
            return None;
        }
        Some(lookup)
    }

    /// The (lookup field, own request field) pairs; `None` (reported) unless each names
    /// fields that exist and fit and every required lookup field is filled.
    fn lookup_fields(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        r: &raw::RecoveryLookup,
        lookup: &model::Endpoint,
        lreq: &model::Object,
        own: &model::Object,
    ) -> Option<Vec<(String, String)>> {
        let name = &e.key.value;
        let (pairs, ok) = self.field_map(&FieldMap {
            file: e.file,
            fields: &r.fields,
            endpoint_loc: &r.lookup.referenced,
            endpoint: &lookup.spec_name,
            target: lreq,
            source: own,
            source_desc: format!("a request field of `{name}`"),
            roles: ("request", "lookup"),
            verb: "looking up",
            add_hint: (format!("{name} request field"), "recovery"),
        });
        ok.then_some(pairs)
    }
}
