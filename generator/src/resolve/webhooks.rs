//! Lowering of `webhooks`: kinds, event tags and names, and re-fetching
//! through a detail endpoint.

use std::collections::HashMap;

use super::field_map::FieldMap;
use super::{Named, Resolver};
use crate::diag::{FileId, did_you_mean};
use crate::model;
use crate::naming::{is_ident, object_type_name, reserved, type_name, webhook_test_fn};
use crate::raw::{self, Spanned};

/// The names already taken by earlier webhook kinds and events, for the collision checks.
#[derive(Default)]
struct Taken {
    /// Event tag -> where it is first used.
    tags: HashMap<String, String>,
    /// Event variant -> where its name is written.
    variants: HashMap<String, String>,
    /// Kind variant and test function name -> where the kind is declared.
    kind_names: HashMap<String, String>,
}

impl Resolver<'_> {
    pub(super) fn webhooks(
        &mut self,
        file: FileId,
        w: &Spanned<raw::Webhooks>,
        endpoints: &[model::Endpoint],
        objects: &[model::Object],
    ) -> Option<model::Webhooks> {
        let v = &w.value;
        self.check_ack_body(file, v);
        let mut kinds = Vec::new();
        let mut taken = Taken::default();
        for (key, k) in &v.kinds {
            if !self.check_kind_name(file, key, &mut taken.kind_names) {
                continue;
            }
            let payload = self.response_type(file, &k.payload, Named::Object);
            let events = self.webhook_events(file, k, &mut taken);
            let refetch = k
                .refetch
                .as_ref()
                .and_then(|r| self.refetch(file, r, payload.as_ref(), endpoints, objects));
            let Some(payload) = payload else { continue };
            let provenance = self.provenance(
                file,
                &format!("webhook kind `{}`", key.value),
                Some(k.source),
                &k.provenance,
            );
            let examples = self.examples(file, &k.examples, k.source);
            kinds.push(model::WebhookKind {
                spec_key: key.value.clone(),
                zh: k.zh.clone(),
                en: k.en.clone(),
                vendor_title: k.vendor_title.clone(),
                source: k.source,
                provenance,
                payload,
                refetch,
                events,
                examples,
            });
        }
        let provenance =
            self.provenance(file, "the webhooks section", Some(v.source), &v.provenance);
        Some(model::Webhooks {
            tag_field: v.tag_field.clone(),
            tag_field_source: v.tag_field_source.unwrap_or(v.source),
            data_field: v.data_field.clone(),
            ack_status: v.ack.status,
            ack_body: v.ack.body.value.clone(),
            ack_source: v.ack.source,
            source: v.source,
            provenance,
            kinds,
        })
    }

    /// Checks that the acknowledgement body is JSON.
    fn check_ack_body(&mut self, file: FileId, v: &raw::Webhooks) {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&v.ack.body.value) {
            self.report
                .err(
                    file,
                    &v.ack.body.referenced,
                    format!("the acknowledgement body is not JSON: {e}"),
                )
                .hint =
                Some("write it as JSON text, e.g. '{\"code\":0,\"message\":\"success\"}'".into());
        }
    }

    /// Checks that a kind's key makes an identifier (its variant and the test function of
    /// its examples) that no earlier kind makes; false (reported) if not.
    fn check_kind_name(
        &mut self,
        file: FileId,
        key: &raw::Key,
        kind_names: &mut HashMap<String, String>,
    ) -> bool {
        let kind_variant = type_name(&key.value);
        // The kind's examples become test functions named after the key.
        let test_fn = webhook_test_fn(&key.value, 1);
        if !is_ident(&kind_variant) || !is_ident(&test_fn) {
            self.report
                .err(
                    file,
                    &key.loc,
                    format!("`{}` is not usable as a webhook kind", key.value),
                )
                .hint = Some(
                "use ASCII letters, digits, `_` and `-` (names become Rust identifiers)".into(),
            );
            return false;
        }
        if let Some((first, made)) = kind_names
            .get(&kind_variant)
            .map(|f| (f, kind_variant.clone()))
            .or_else(|| kind_names.get(&test_fn).map(|f| (f, test_fn.clone())))
        {
            self.report
                .err(
                    file,
                    &key.loc,
                    format!(
                        "webhook kind `{}` collides with another: both become `{made}`",
                        key.value
                    ),
                )
                .set_label("collides")
                .hint = Some(format!("the other is at {first}; rename one"));
            return false;
        }
        let here = self.report.place(file, &key.loc);
        kind_names.insert(kind_variant, here.clone());
        kind_names.insert(test_fn, here);
        true
    }

    /// The events of a kind whose tag is unique and whose name makes an unreserved variant
    /// no other event makes; the others are reported and left out.
    fn webhook_events(
        &mut self,
        file: FileId,
        k: &raw::WebhookKind,
        taken: &mut Taken,
    ) -> Vec<model::WebhookEvent> {
        let mut events = Vec::new();
        for ev in &k.events {
            let ev = &ev.value;
            let here = self.report.place(file, &ev.tag.referenced);
            if let Some(first) = taken.tags.get(&ev.tag.value) {
                self.report
                    .err(
                        file,
                        &ev.tag.referenced,
                        format!("duplicate webhook tag `{}`", ev.tag.value),
                    )
                    .set_label("used again")
                    .hint = Some(format!("first used at {first}"));
                continue;
            }
            taken.tags.insert(ev.tag.value.clone(), here.clone());
            let variant = type_name(&ev.name.value);
            if !is_ident(&variant) || reserved::VARIANTS.contains(&variant.as_str()) {
                self.report
                    .err(
                        file,
                        &ev.name.referenced,
                        format!("`{}` is not usable as an event name", ev.name.value),
                    )
                    .hint = Some(
                    "`Unknown` is reserved for unlisted tags; otherwise use letters and digits"
                        .into(),
                );
                continue;
            }
            if let Some(first) = taken.variants.get(&variant) {
                self.report
                    .err(
                        file,
                        &ev.name.referenced,
                        format!(
                            "event name `{}` collides with another: both become `{variant}`",
                            ev.name.value
                        ),
                    )
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            taken
                .variants
                .insert(variant, self.report.place(file, &ev.name.referenced));
            events.push(model::WebhookEvent {
                tag: ev.tag.value.clone(),
                name: ev.name.value.clone(),
                zh: ev.zh.clone(),
                en: ev.en.clone(),
                source: ev.source.unwrap_or(k.source),
            });
        }
        events
    }

    /// The re-fetch of a kind: its endpoint must be known and return one object; `None`
    /// (reported unless the request or payload is already missing) if not.
    fn refetch(
        &mut self,
        file: FileId,
        r: &Spanned<raw::Refetch>,
        payload: Option<&String>,
        endpoints: &[model::Endpoint],
        objects: &[model::Object],
    ) -> Option<model::Refetch> {
        let r_loc = r.value.endpoint.referenced;
        // The operation name as written in the spec, not its Rust method name.
        let Some(ep) = endpoints
            .iter()
            .find(|e| e.spec_name == r.value.endpoint.value)
        else {
            let hint = did_you_mean(
                &r.value.endpoint.value,
                endpoints.iter().map(|e| e.spec_name.as_str()),
            );
            self.report
                .err(
                    file,
                    &r_loc,
                    format!("unknown endpoint `{}`", r.value.endpoint.value),
                )
                .hint = hint;
            return None;
        };
        let request = model::ObjectName::Request(ep.spec_name.clone());
        let req = objects.iter().find(|o| o.name == request)?;
        let pay = payload.and_then(|p| {
            let p = model::ObjectName::Declared(p.clone());
            objects.iter().find(|o| o.name == p)
        })?;
        if !matches!(ep.response, model::Response::Object(_)) {
            self.report
                .err(
                    file,
                    &r_loc,
                    format!(
                        "`{}` does not return one object, so it cannot re-fetch",
                        ep.spec_name
                    ),
                )
                .hint =
                Some("refetch through a detail endpoint (`response: { object: T }`)".into());
            return None;
        }
        Some(model::Refetch {
            endpoint: ep.spec_name.clone(),
            fields: self.refetch_fields(file, r, ep, req, pay),
        })
    }

    /// The (request field, payload field) pairs of a re-fetch; checks that each names
    /// fields that exist and fit, and that every required request field is filled.
    fn refetch_fields(
        &mut self,
        file: FileId,
        r: &Spanned<raw::Refetch>,
        ep: &model::Endpoint,
        req: &model::Object,
        pay: &model::Object,
    ) -> Vec<(String, String)> {
        let (pairs, _) = self.field_map(&FieldMap {
            file,
            fields: &r.value.fields,
            endpoint_loc: &r.value.endpoint.referenced,
            endpoint: &ep.spec_name,
            target: req,
            source: pay,
            source_desc: format!("a field of the payload `{}`", object_type_name(&pay.name)),
            roles: ("payload", "request"),
            verb: "re-fetching",
            add_hint: ("payload field".to_owned(), "refetch"),
        });
        pairs
    }
}
