//! Lowering of `endpoints`: operation names, groups, paths, request structs,
//! responses, retry class and idempotency.

use std::collections::HashMap;

use super::merge::In;
use super::{Named, Resolver};
use crate::diag::did_you_mean;
use crate::model;
use crate::naming::{
    field_name, is_ident, method_in, method_name, object_type_name, recover_method, reserved,
    screaming_name, stream_method, unraw,
};
use crate::raw::{self, Spanned};

impl Resolver<'_> {
    pub(super) fn endpoints(
        &mut self,
        eps: &[In<'_, raw::Endpoint>],
        groups: &[model::Group],
        service: Option<&model::Service>,
        objects: &mut Vec<model::Object>,
    ) -> Vec<model::Endpoint> {
        let mut out: Vec<(usize, usize, model::Endpoint)> = Vec::new();
        let mut paths: HashMap<String, String> = HashMap::new();
        let mut ops: HashMap<String, String> = HashMap::new();
        // Methods of each group's API struct: (group, method) -> (what, where).
        let mut methods: HashMap<(String, String), (String, String)> = HashMap::new();
        for (i, e) in eps.iter().enumerate() {
            let v = e.item;
            let file = e.file;
            let name = method_name(&e.key.value);
            if !is_ident(unraw(&name)) {
                self.report
                    .err(
                        file,
                        &e.key.loc,
                        format!("`{}` is not usable as an operation name", e.key.value),
                    )
                    .hint = Some(
                    "operation names become method names: use ASCII letters, digits, `_` and `-`"
                        .into(),
                );
                continue;
            }
            let konst = screaming_name(&name);
            if let Some(first) = ops.get(&name).or_else(|| ops.get(&konst)) {
                self.report
                    .err(
                        file,
                        &e.key.loc,
                        format!(
                            "endpoint `{}` collides with another: both become `{name}`",
                            e.key.value
                        ),
                    )
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            let here = self.report.place(file, &e.key.loc);
            ops.insert(name.clone(), here.clone());
            ops.insert(konst, here.clone());
            // The method and, for a paginated endpoint, its `*_stream` twin share the
            // namespace of the group's API struct.
            let mut own = vec![(
                unraw(&name).to_string(),
                format!("endpoint `{}`", e.key.value),
            )];
            if v.pagination.is_some() {
                own.push((
                    stream_method(&name),
                    format!("the stream method of `{}`", e.key.value),
                ));
            }
            if let Some(raw::Recovery::Lookup(_)) = &v.recovery {
                own.push((
                    recover_method(&name),
                    format!("the recovering method of `{}`", e.key.value),
                ));
            }
            for (method, what) in own {
                let key = (v.group.value.clone(), method.clone());
                if let Some((other, first)) = methods.get(&key) {
                    self.report
                        .err(
                            file,
                            &e.key.loc,
                            format!("{what} collides with {other}: both are the method `{method}` of group `{}`", v.group.value),
                        )
                        .set_label("collides")
                        .hint = Some(format!("the other is at {first}; rename one, or move one to another group"));
                } else {
                    methods.insert(key, (what, here.clone()));
                }
            }

            let group_pos = groups.iter().position(|g| g.spec_key == v.group.value);
            if group_pos.is_none() {
                let hint = did_you_mean(&v.group.value, groups.iter().map(|g| g.spec_key.as_str()))
                    .unwrap_or_else(|| "declare it under `groups` in spec/service.yaml".into());
                self.report
                    .err(
                        file,
                        &v.group.referenced,
                        format!("unknown group `{}`", v.group.value),
                    )
                    .hint = Some(hint);
            }
            if !v.path.value.starts_with('/') {
                self.report
                    .err(
                        file,
                        &v.path.referenced,
                        format!("path `{}` does not start with `/`", v.path.value),
                    )
                    .hint = Some(format!("write `/{}`", v.path.value));
            }
            if let Some(first) = paths.get(&v.path.value) {
                self.report
                    .err(
                        file,
                        &v.path.referenced,
                        format!("duplicate path `{}`", v.path.value),
                    )
                    .set_label("already used")
                    .hint = Some(format!("it is already the path of {first}"));
            } else {
                paths.insert(v.path.value.clone(), format!("`{}`", e.key.value));
            }

            let request_name = model::ObjectName::Request(e.key.value.clone());
            let request_type = object_type_name(&request_name);
            if !self.claim_type(&request_type, &request_type, file, &e.key.loc)
                && let Some(d) = self.report.last_mut()
            {
                d.message = format!(
                    "the request type `{request_type}` of endpoint `{}` is already taken",
                    e.key.value
                );
            }

            let response = match &v.response.value {
                raw::Response::Object(t) => self
                    .response_type(file, t, Named::Object)
                    .map(model::Response::Object),
                raw::Response::Array(t) => self
                    .response_type(file, t, Named::Object)
                    .map(model::Response::Array),
                raw::Response::Page(t) => self
                    .response_type(file, t, Named::Object)
                    .map(model::Response::Page),
                raw::Response::Empty => Some(model::Response::Empty),
            };
            let paginated = v.pagination.is_some();
            if matches!(v.response.value, raw::Response::Page(_))
                && service.is_some_and(|s| s.pagination.is_none())
            {
                self.report
                    .err(
                        file,
                        &v.response.referenced,
                        "a page response, but the spec has no page convention",
                    )
                    .hint = Some(
                    "declare `service.pagination` (page field, total field, list field), or \
                     return `{ array: T }`"
                        .into(),
                );
            }
            if let Some(marker) = &v.pagination
                && !matches!(v.response.value, raw::Response::Page(_))
            {
                self.report
                    .err(
                        file,
                        &marker.referenced,
                        "`pagination: page` on a response that is not a page",
                    )
                    .set_label("pagination marker")
                    .hint =
                    Some("write the response as `{ page: T }`, or drop `pagination`".into());
            }

            let mut fields = self.fields(file, &v.request, v.source, &request_name);
            let optional: Vec<&model::Field> = fields.iter().filter(|f| f.is_option()).collect();
            self.check_setters(
                file,
                &v.request,
                &optional,
                reserved::SETTERS,
                "request field",
                &request_type,
            );
            if paginated && let Some(p) = service.and_then(|s| s.pagination.as_ref()) {
                for pf in &p.request {
                    if fields
                        .iter()
                        .any(|f| field_name(&f.wire_name) == field_name(&pf.wire_name))
                    {
                        continue;
                    }
                    fields.push(pf.clone());
                }
            }
            if let Some(s) = service {
                for f in &fields {
                    if let Some(a) = s.auth.iter().find(|a| a.wire_name == f.wire_name) {
                        let loc = v
                            .request
                            .keys()
                            .find(|k| k.value == f.wire_name)
                            .map(|k| k.loc);
                        if let Some(loc) = loc {
                            self.report
                                .err(
                                    file,
                                    &loc,
                                    format!(
                                        "`{}` is an auth field; it is added to every request",
                                        a.wire_name
                                    ),
                                )
                                .hint = Some("remove it from `request`".into());
                        }
                    }
                }
            }

            if let Some(key) = &v.idempotency_key {
                if !v.request.keys().any(|k| k.value == key.value) {
                    let hint = did_you_mean(&key.value, v.request.keys().map(|k| k.value.as_str()))
                        .unwrap_or_else(|| format!("add `{}` to `request`", key.value));
                    self.report
                        .err(
                            file,
                            &key.referenced,
                            format!(
                                "idempotency field `{}` is not a request field of `{}`",
                                key.value, e.key.value
                            ),
                        )
                        .hint = Some(hint);
                } else if let Some(f) = v.request.iter().find(|(k, _)| k.value == key.value)
                    && !f.1.required
                {
                    self.report
                        .err(
                            file,
                            &key.referenced,
                            format!("idempotency field `{}` is optional", key.value),
                        )
                        .hint = Some(
                        "an idempotency key must be sent on every call; make it required".into(),
                    );
                }
            }
            let retry = match v.retry.value {
                raw::Retry::Safe => model::Retry::Safe,
                raw::Retry::Never => model::Retry::Never,
            };
            if v.moves_money && retry == model::Retry::Safe {
                self.report
                    .err(
                        file,
                        &v.retry.referenced,
                        format!("`{}` moves money but is marked `retry: safe`", e.key.value),
                    )
                    .hint =
                    Some("money-moving calls are `retry: never` with an `idempotency_key`".into());
            }
            if v.moves_money && v.idempotency_key.is_none() {
                self.report
                    .err(file, &e.key.loc, format!("`{}` moves money but names no `idempotency_key`", e.key.value))
                    .hint = Some("name the request field that identifies the order, e.g. `idempotency_key: out_order_id`".into());
            }

            let Some(response) = response else { continue };
            let full_path = match service {
                Some(s) => format!("{}{}", s.path_prefix.trim_end_matches('/'), v.path.value),
                None => v.path.value.clone(),
            };
            objects.push(model::Object {
                name: request_name,
                kind: model::ObjectKind::Request,
                zh: format!("{} 请求参数", v.zh),
                en: format!("Request of `{name}` ({}).", v.en),
                description: None,
                source: v.source,
                fields,
            });
            out.push((
                group_pos.unwrap_or(usize::MAX),
                i,
                model::Endpoint {
                    spec_name: e.key.value.clone(),
                    group_key: v.group.value.clone(),
                    zh: v.zh.clone(),
                    en: v.en.clone(),
                    description: v.description.clone(),
                    path: v.path.value.clone(),
                    full_path,
                    source: v.source,
                    response,
                    paginated,
                    retry,
                    idempotency_key: v.idempotency_key.as_ref().map(|k| k.value.clone()),
                    moves_money: v.moves_money,
                    recovery: v
                        .recovery
                        .as_ref()
                        .and_then(|r| r.text())
                        .map(str::to_owned),
                    recover: None,
                    examples: lower_examples(&v.examples, v.source),
                },
            ));
        }
        out.sort_by_key(|(g, i, _)| (*g, *i));
        out.into_iter().map(|(_, _, e)| e).collect()
    }
}

impl Resolver<'_> {
    /// The setters (or accessors) of a struct's `fields` are methods beside
    /// the `reserved` ones; a reserved name gets a trailing `_`, and two
    /// fields whose methods end up alike are refused.
    pub(super) fn check_setters(
        &mut self,
        file: crate::diag::FileId,
        keys: &indexmap::IndexMap<raw::Key, raw::Field>,
        fields: &[&model::Field],
        reserved: &[&str],
        what: &str,
        owner: &str,
    ) {
        let mut seen: HashMap<String, String> = HashMap::new();
        for f in fields {
            let method = method_in(&field_name(&f.wire_name), reserved);
            let Some(key) = keys.keys().find(|k| k.value == f.wire_name) else {
                continue;
            };
            if let Some(first) = seen.get(&method) {
                self.report
                    .err(
                        file,
                        &key.loc,
                        format!(
                            "{what} `{}` collides with another: both have the method `{owner}::{}`",
                            key.value,
                            unraw(&method)
                        ),
                    )
                    .set_label("collides")
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            seen.insert(method, self.report.place(file, &key.loc));
        }
    }
}

pub(super) fn lower_examples(
    raw: &[Spanned<raw::Example>],
    source: raw::Source,
) -> Vec<model::Example> {
    raw.iter()
        .map(|e| model::Example {
            name: e.value.name.clone(),
            source: e.value.source.unwrap_or(source),
            request: e.value.request.as_ref().map(|s| s.value.clone()),
            response: e.value.response.as_ref().map(|s| s.value.clone()),
        })
        .collect()
}
