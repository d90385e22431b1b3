//! Lowering of an endpoint's structured `recovery: { lookup, fields, note }`:
//! the lookup endpoint and how this endpoint's request fills its request.
//! Checked like a webhook's `refetch`, once every endpoint is resolved.

use super::Resolver;
use super::merge::In;
use crate::diag::did_you_mean;
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
            let hint = did_you_mean(
                &r.lookup.value,
                endpoints.iter().map(|x| x.spec_name.as_str()),
            );
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
        let file = e.file;
        let name = &e.key.value;
        let mut pairs = Vec::new();
        let mut unknown_key = false;
        let mut failed = false;
        for (lk, of) in &r.fields {
            let Some(lf) = lreq.fields.iter().find(|f| f.wire_name == lk.value) else {
                unknown_key = true;
                failed = true;
                self.report
                    .err(
                        file,
                        &lk.loc,
                        format!(
                            "`{}` is not a request field of `{}`",
                            lk.value, lookup.spec_name
                        ),
                    )
                    .hint =
                    did_you_mean(&lk.value, lreq.fields.iter().map(|f| f.wire_name.as_str()));
                continue;
            };
            let Some(ofield) = own.fields.iter().find(|f| &f.wire_name == of) else {
                failed = true;
                self.report
                    .err(
                        file,
                        &lk.loc,
                        format!("`{of}` is not a request field of `{name}`"),
                    )
                    .hint = did_you_mean(of, own.fields.iter().map(|f| f.wire_name.as_str()));
                continue;
            };
            if lf.ty != ofield.ty || (!lf.is_option() && ofield.is_option()) {
                failed = true;
                self.report
                    .err(
                        file,
                        &lk.loc,
                        format!(
                            "request field `{of}` ({}{}) cannot fill lookup field `{}` ({}{})",
                            ofield.ty.spec_name(),
                            if ofield.is_option() { ", optional" } else { "" },
                            lk.value,
                            lf.ty.spec_name(),
                            if lf.is_option() { ", optional" } else { "" },
                        ),
                    )
                    .hint = Some(
                    "map fields of the same type; a required lookup field needs a required request field".into(),
                );
                continue;
            }
            pairs.push((lk.value.clone(), of.clone()));
        }
        // After a misspelt key, the "missing" field is most likely that key: one report.
        if !unknown_key && !self.check_required_lookup_fields(e, r, lookup, lreq) {
            failed = true;
        }
        (!failed).then_some(pairs)
    }

    /// Checks that the mapping fills every required request field of the lookup; false
    /// (reported) if not.
    fn check_required_lookup_fields(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        r: &raw::RecoveryLookup,
        lookup: &model::Endpoint,
        lreq: &model::Object,
    ) -> bool {
        let name = &e.key.value;
        let mut filled = true;
        for f in lreq.fields.iter().filter(|f| !f.is_option()) {
            if !r.fields.keys().any(|k| k.value == f.wire_name) {
                filled = false;
                self.report
                    .err(
                        e.file,
                        &r.lookup.referenced,
                        format!(
                            "looking up through `{}` needs its required field `{}`",
                            lookup.spec_name, f.wire_name
                        ),
                    )
                    .hint = Some(format!(
                    "add `{}: <{name} request field>` to `recovery.fields`",
                    f.wire_name
                ));
            }
        }
        filled
    }
}
