//! Lowering of `webhooks`: kinds, event tags and names, and re-fetching
//! through a detail endpoint.

use std::collections::{HashMap, HashSet};

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

/// Object key -> its field names as written in the spec.
pub(super) type WrittenFields<'a> = HashMap<&'a str, HashSet<&'a str>>;

/// What the webhooks section refers to, already lowered.
pub(super) struct Known<'a> {
    pub endpoints: &'a [model::Endpoint],
    pub objects: &'a [model::Object],
    pub enums: &'a [model::Enum],
    /// Fields as written, to tell a misspelt field from one dropped for its own error.
    pub written: &'a WrittenFields<'a>,
}

impl Known<'_> {
    /// Whether `object` declares `field` in the spec (it may have been dropped for an error
    /// already reported where it is declared).
    fn written(&self, object: &model::ObjectName, field: &str) -> bool {
        let model::ObjectName::Declared(key) = object else {
            return false;
        };
        self.written
            .get(key.as_str())
            .is_some_and(|fields| fields.contains(field))
    }
}

impl Resolver<'_> {
    pub(super) fn webhooks(
        &mut self,
        file: FileId,
        w: &Spanned<raw::Webhooks>,
        known: &Known<'_>,
    ) -> Option<model::Webhooks> {
        let (endpoints, objects) = (known.endpoints, known.objects);
        let v = &w.value;
        self.check_ack_body(file, v);
        let mut kinds = Vec::new();
        let mut taken = Taken::default();
        for (key, k) in &v.kinds {
            if !self.check_kind_name(file, key, &mut taken.kind_names) {
                continue;
            }
            let payload = self.response_type(file, &k.payload, Named::Object);
            let pay = payload.as_ref().and_then(|p| {
                let p = model::ObjectName::Declared(p.clone());
                objects.iter().find(|o| o.name == p)
            });
            let events = self.webhook_events(file, k, &mut taken, pay, known);
            let delivery_key =
                pay.map_or_else(Vec::new, |pay| self.delivery_key(file, k, pay, known));
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
                delivery_key,
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
        pay: Option<&model::Object>,
        known: &Known<'_>,
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
                implies: pay.map_or_else(Vec::new, |pay| self.implies(file, ev, pay, known)),
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
            let hint =
                super::endpoint_ref::unknown_endpoint_hint(&r.value.endpoint.value, endpoints);
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
        let fields = self.refetch_fields(file, r, ep, req, pay);
        let identity = match &ep.response {
            model::Response::Object(name) => {
                let name = model::ObjectName::Declared(name.clone());
                objects
                    .iter()
                    .find(|o| o.name == name)
                    .map_or_else(Vec::new, |resp| identity_fields(&fields, resp, pay))
            }
            _ => Vec::new(),
        };
        Some(model::Refetch {
            endpoint: ep.spec_name.clone(),
            fields,
            identity,
        })
    }

    /// The kind's delivery key: payload fields with a single value each (not objects or
    /// lists); the others are reported and left out.
    fn delivery_key(
        &mut self,
        file: FileId,
        k: &raw::WebhookKind,
        pay: &model::Object,
        known: &Known<'_>,
    ) -> Vec<String> {
        let mut key = Vec::new();
        for name in &k.delivery_key {
            let Some(field) = pay.fields.iter().find(|f| f.wire_name == name.value) else {
                if known.written(&pay.name, &name.value) {
                    continue;
                }
                self.report
                    .err(
                        file,
                        &name.referenced,
                        format!(
                            "`{}` is not a field of the payload `{}`",
                            name.value,
                            object_type_name(&pay.name)
                        ),
                    )
                    .hint =
                    did_you_mean(&name.value, pay.fields.iter().map(|f| f.wire_name.as_str()));
                continue;
            };
            if matches!(field.ty, model::Type::Object(_) | model::Type::Array(_)) {
                self.report
                    .err(
                        file,
                        &name.referenced,
                        format!(
                            "`{}` is an object or a list, not a single value",
                            name.value
                        ),
                    )
                    .hint = Some("name the id and the status or update time of the payload".into());
                continue;
            }
            key.push(field.wire_name.clone());
        }
        key
    }

    /// The (field, value) pairs an event's tag implies; each must name a payload field of an
    /// enum, integer or string type and give one of its values (others are reported).
    fn implies(
        &mut self,
        file: FileId,
        ev: &raw::WebhookEvent,
        pay: &model::Object,
        known: &Known<'_>,
    ) -> Vec<(String, model::Code)> {
        let mut implied = Vec::new();
        for (key, code) in &ev.implies {
            let Some(field) = pay.fields.iter().find(|f| f.wire_name == key.value) else {
                if known.written(&pay.name, &key.value) {
                    continue;
                }
                self.report
                    .err(
                        file,
                        &key.loc,
                        format!(
                            "`{}` is not a field of the payload `{}`",
                            key.value,
                            object_type_name(&pay.name)
                        ),
                    )
                    .hint =
                    did_you_mean(&key.value, pay.fields.iter().map(|f| f.wire_name.as_str()));
                continue;
            };
            let code = match code {
                raw::Code::Int(i) => model::Code::Int(*i),
                raw::Code::Str(s) => model::Code::Str(s.clone()),
            };
            let fits = match (&field.ty, &code) {
                (model::Type::Long | model::Type::Int, model::Code::Int(_))
                | (model::Type::String, model::Code::Str(_)) => Ok(()),
                (model::Type::Enum(name), code) => {
                    match known.enums.iter().find(|e| &e.name == name) {
                        // An enum without values is reported where it is declared.
                        Some(e)
                            if e.values.is_empty() || e.values.iter().any(|v| &v.code == code) =>
                        {
                            Ok(())
                        }
                        Some(e) => Err(format!(
                            "one of the codes of `{}`: {}",
                            e.name,
                            e.values
                                .iter()
                                .map(|v| v.code.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                        None => Ok(()), // an unknown enum is reported where the field is declared
                    }
                }
                _ => Err("a value of an enum, integer or string field".into()),
            };
            if let Err(expected) = fits {
                self.report
                    .err(
                        file,
                        &key.loc,
                        format!("`{}` cannot imply `{}` = {code}", ev.tag.value, key.value),
                    )
                    .hint = Some(format!("give {expected}"));
                continue;
            }
            implied.push((field.wire_name.clone(), code));
        }
        implied
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

/// The (response field, payload field) pairs that identify a re-fetched object: every mapped
/// (request field, payload field) pair whose request field the response has too, with the
/// same single-value type as the payload field.
fn identity_fields(
    fields: &[(String, String)],
    resp: &model::Object,
    pay: &model::Object,
) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|(request_field, payload_field)| {
            let in_response = resp.fields.iter().find(|f| &f.wire_name == request_field);
            let in_payload = pay.fields.iter().find(|f| &f.wire_name == payload_field);
            match (in_response, in_payload) {
                (Some(r), Some(p)) => {
                    r.ty == p.ty && !matches!(r.ty, model::Type::Object(_) | model::Type::Array(_))
                }
                _ => false,
            }
        })
        .cloned()
        .collect()
}
