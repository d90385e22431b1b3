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
use crate::raw;

/// The names already taken by earlier endpoints, for the collision checks.
#[derive(Default)]
struct Taken {
    /// Path -> the endpoint that has it.
    paths: HashMap<String, String>,
    /// Method and constant name -> where it is declared.
    ops: HashMap<String, String>,
    /// Methods of each group's API struct: (group, method) -> (what, where).
    methods: HashMap<(String, String), (String, String)>,
}

impl Resolver<'_> {
    pub(super) fn endpoints(
        &mut self,
        eps: &[In<'_, raw::Endpoint>],
        groups: &[model::Group],
        service: Option<&model::Service>,
        objects: &mut Vec<model::Object>,
    ) -> Vec<model::Endpoint> {
        let mut out: Vec<(usize, usize, model::Endpoint)> = Vec::new();
        let mut taken = Taken::default();
        for (i, e) in eps.iter().enumerate() {
            let Some((name, here)) = self.operation_name(e, &mut taken.ops) else {
                continue;
            };
            let method = self.group_method_name(e).unwrap_or_else(|| name.clone());
            self.check_methods(e, &method, &here, &mut taken.methods);
            let group_pos = self.endpoint_group(e, groups);
            self.check_endpoint_path(e, &mut taken.paths);
            let request_name = model::ObjectName::Request(e.key.value.clone());
            let request_type = self.claim_request_type(e, &request_name);
            let response = self.endpoint_response(e, service);
            let fields = self.request_fields(e, service, &request_name, &request_type);
            self.check_idempotency_key(e);
            let retry = self.retry_class(e);
            let method = self.http_method(e, &fields);
            let Some(response) = response else { continue };
            let provenance = self.provenance(
                e.file,
                &format!("endpoint `{}`", e.key.value),
                Some(e.item.source),
                &e.item.provenance,
            );
            let examples = self.examples(e.file, &e.item.examples, e.item.source);
            objects.push(request_object(e, &name, request_name, fields));
            let mut endpoint = lower_endpoint(e, service, response, retry);
            endpoint.provenance = provenance;
            endpoint.examples = examples;
            endpoint.method = method;
            out.push((group_pos.unwrap_or(usize::MAX), i, endpoint));
        }
        out.sort_by_key(|(g, i, _)| (*g, *i));
        out.into_iter().map(|(_, _, e)| e).collect()
    }

    /// The method name of an endpoint and where it is declared, or `None` (reported) when
    /// it is no identifier or collides with an earlier one.
    fn operation_name(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        ops: &mut HashMap<String, String>,
    ) -> Option<(String, String)> {
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
            return None;
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
            return None;
        }
        let here = self.report.place(file, &e.key.loc);
        ops.insert(name.clone(), here.clone());
        ops.insert(konst, here.clone());
        Some((name, here))
    }

    /// The group method name given by `fn_name`, escaped; `None` without one, or (reported)
    /// when it is no identifier.
    fn group_method_name(&mut self, e: &In<'_, raw::Endpoint>) -> Option<String> {
        let fn_name = e.item.fn_name.as_ref()?;
        let name = method_name(&fn_name.value);
        if is_ident(unraw(&name)) && !fn_name.value.trim().is_empty() {
            return Some(name);
        }
        self.report
            .err(
                e.file,
                &fn_name.referenced,
                format!("`{}` is not usable as a method name", fn_name.value),
            )
            .hint = Some(
            "`fn_name` becomes the method within the group: use ASCII letters, digits, `_` and `-`, e.g. `fn_name: cancel`"
                .into(),
        );
        None
    }

    /// Checks that the method, and for a paginated endpoint its `*_stream` twin (and a
    /// recovering method), are unique in the namespace of the group's API struct.
    fn check_methods(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        name: &str,
        here: &str,
        methods: &mut HashMap<(String, String), (String, String)>,
    ) {
        let v = e.item;
        // A collision of a method named by `fn_name` is reported at `fn_name`.
        let (what, loc) = match &v.fn_name {
            Some(f) => (
                format!("endpoint `{}` (`fn_name: {}`)", e.key.value, f.value),
                f.referenced,
            ),
            None => (format!("endpoint `{}`", e.key.value), e.key.loc),
        };
        let mut own = vec![(unraw(name).to_string(), what)];
        if v.pagination.is_some() {
            own.push((
                stream_method(name),
                format!("the stream method of `{}`", e.key.value),
            ));
        }
        if let Some(raw::Recovery::Lookup(_)) = &v.recovery {
            own.push((
                recover_method(name),
                format!("the recovering method of `{}`", e.key.value),
            ));
        }
        for (method, what) in own {
            let key = (v.group.value.clone(), method.clone());
            if let Some((other, first)) = methods.get(&key) {
                self.report
                    .err(
                        e.file,
                        &loc,
                        format!("{what} collides with {other}: both are the method `{method}` of group `{}`", v.group.value),
                    )
                    .set_label("collides")
                    .hint = Some(format!("the other is at {first}; rename one, give one another `fn_name`, or move one to another group"));
            } else {
                methods.insert(key, (what, here.to_string()));
            }
        }
    }

    /// The index of the endpoint's group in `groups`, or `None` (reported) if it is unknown.
    fn endpoint_group(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        groups: &[model::Group],
    ) -> Option<usize> {
        let v = e.item;
        let group_pos = groups.iter().position(|g| g.spec_key == v.group.value);
        if group_pos.is_none() {
            let hint = did_you_mean(&v.group.value, groups.iter().map(|g| g.spec_key.as_str()))
                .unwrap_or_else(|| "declare it under `groups` in spec/service.yaml".into());
            self.report
                .err(
                    e.file,
                    &v.group.referenced,
                    format!("unknown group `{}`", v.group.value),
                )
                .hint = Some(hint);
        }
        group_pos
    }

    /// Checks that the path starts with `/` and is not the path of an earlier endpoint.
    fn check_endpoint_path(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        paths: &mut HashMap<String, String>,
    ) {
        let (file, v) = (e.file, e.item);
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
    }

    /// The Rust name of the endpoint's request struct, claimed (reported if already taken).
    fn claim_request_type(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        request_name: &model::ObjectName,
    ) -> String {
        let request_type = object_type_name(request_name);
        if !self.claim_type(&request_type, &request_type, e.file, &e.key.loc)
            && let Some(d) = self.report.last_mut()
        {
            d.message = format!(
                "the request type `{request_type}` of endpoint `{}` is already taken",
                e.key.value
            );
        }
        request_type
    }

    /// The endpoint's response, and checks that a page response and the `pagination`
    /// marker go together and that the service has a page convention.
    fn endpoint_response(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        service: Option<&model::Service>,
    ) -> Option<model::Response> {
        let (file, v) = (e.file, e.item);
        let response = match &v.response.value {
            raw::Response::Object(t) => self
                .response_type(file, t, Named::Object)
                .map(model::Response::Object),
            // An array of objects keeps its own shape (pages, refetch and recovery know it).
            raw::Response::Array(t) if self.types.get(t.value.trim()) == Some(&Named::Object) => {
                Some(model::Response::Array(t.value.trim().to_owned()))
            }
            raw::Response::Array(t) => self
                .value_type(file, t)
                .map(|t| model::Response::Value(model::Type::Array(Box::new(t)))),
            raw::Response::Map(t) => self
                .value_type(file, t)
                .map(|t| model::Response::Value(model::Type::Map(Box::new(t)))),
            raw::Response::Value(t) => match self.value_type(file, t)? {
                model::Type::Object(model::ObjectName::Declared(name)) => {
                    Some(model::Response::Object(name))
                }
                other => Some(model::Response::Value(other)),
            },
            raw::Response::Page(t) => self
                .response_type(file, t, Named::Object)
                .map(model::Response::Page),
            raw::Response::CursorPage(t) => self
                .response_type(file, t, Named::Object)
                .map(model::Response::CursorPage),
            raw::Response::Empty => Some(model::Response::Empty),
        };
        self.check_pagination_marker(e, service);
        response
    }

    /// Checks that a page (or cursor page) response and the `pagination: page` (or `cursor`)
    /// marker go together, and that the service has the convention it needs.
    fn check_pagination_marker(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        service: Option<&model::Service>,
    ) {
        let (file, v) = (e.file, e.item);
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
        if matches!(v.response.value, raw::Response::CursorPage(_))
            && service.is_some_and(|s| s.cursor_pagination.is_none())
        {
            self.report
                .err(
                    file,
                    &v.response.referenced,
                    "a cursor page response, but the spec has no cursor convention",
                )
                .hint = Some(
                "declare `service.cursor_pagination` (cursor field, next cursor field, list field), or return `{ array: T }`"
                    .into(),
            );
        }
        let Some(marker) = &v.pagination else { return };
        let (fits, word, shape) = match marker.value {
            raw::PaginationMarker::Page => (
                matches!(v.response.value, raw::Response::Page(_)),
                "page",
                "`{ page: T }`",
            ),
            raw::PaginationMarker::Cursor => (
                matches!(v.response.value, raw::Response::CursorPage(_)),
                "cursor",
                "`{ cursor_page: T }`",
            ),
        };
        if !fits {
            let what = match v.response.value {
                raw::Response::Page(_) => "a page (numbered)",
                raw::Response::CursorPage(_) => "a cursor page",
                _ => "not a page",
            };
            self.report
                .err(
                    file,
                    &marker.referenced,
                    format!("`pagination: {word}` on a response that is {what}"),
                )
                .set_label("pagination marker")
                .hint = Some(format!(
                "write the response as {shape}, or drop `pagination`"
            ));
        }
    }

    /// The request fields, with the service's page fields added to a paginated endpoint;
    /// checks their setters and that no auth field is declared.
    fn request_fields(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        service: Option<&model::Service>,
        request_name: &model::ObjectName,
        request_type: &str,
    ) -> Vec<model::Field> {
        let (file, v) = (e.file, e.item);
        let mut fields = self.fields(file, &v.request, v.source, request_name);
        let optional: Vec<&model::Field> = fields.iter().filter(|f| f.is_option()).collect();
        self.check_setters(
            file,
            &v.request,
            &optional,
            reserved::SETTERS,
            "request field",
            request_type,
        );
        let added = match v.pagination.as_ref().map(|m| m.value) {
            Some(raw::PaginationMarker::Page) => {
                service.and_then(|s| s.pagination.as_ref().map(|p| &p.request))
            }
            Some(raw::PaginationMarker::Cursor) => {
                service.and_then(|s| s.cursor_pagination.as_ref().map(|p| &p.request))
            }
            None => None,
        };
        if let Some(added) = added {
            for pf in added {
                if let Some(own) = fields
                    .iter()
                    .find(|f| field_name(&f.wire_name) == field_name(&pf.wire_name))
                {
                    // The stream sets the page or cursor field: a declared one must be alike.
                    if (&own.ty, own.is_option()) != (&pf.ty, pf.is_option()) {
                        self.report_shadowed_page_field(e, own, pf);
                    }
                    continue;
                }
                fields.push(pf.clone());
            }
        }
        if let Some(s) = service {
            self.check_no_auth_fields(e, s, &fields);
        }
        fields
    }

    /// Reports a declared request field that the endpoint's page (or cursor) convention also
    /// adds, with another type or optionality.
    fn report_shadowed_page_field(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        own: &model::Field,
        added: &model::Field,
    ) {
        let Some(key) = e.item.request.keys().find(|k| k.value == own.wire_name) else {
            return;
        };
        let optional = |f: &model::Field| {
            if f.is_option() {
                "optional"
            } else {
                "required"
            }
        };
        self.report
            .err(
                e.file,
                &key.loc,
                format!(
                    "request field `{}` ({} `{}`) is also a field of the pagination convention ({} `{}`)",
                    own.wire_name,
                    optional(own),
                    own.ty.spec_name(),
                    optional(added),
                    added.ty.spec_name()
                ),
            )
            .hint = Some(
            "remove it from `request`: a paginated endpoint takes the convention's fields".into(),
        );
    }

    /// Checks that no declared request field is one of the auth fields added to every request.
    fn check_no_auth_fields(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        s: &model::Service,
        fields: &[model::Field],
    ) {
        for f in fields {
            if let Some(a) = s.auth.iter().find(|a| a.wire_name == f.wire_name) {
                let loc = e
                    .item
                    .request
                    .keys()
                    .find(|k| k.value == f.wire_name)
                    .map(|k| k.loc);
                if let Some(loc) = loc {
                    self.report
                        .err(
                            e.file,
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

    /// Checks that the idempotency field names a required request field.
    fn check_idempotency_key(&mut self, e: &In<'_, raw::Endpoint>) {
        let (file, v) = (e.file, e.item);
        let Some(key) = &v.idempotency_key else {
            return;
        };
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
                .hint =
                Some("an idempotency key must be sent on every call; make it required".into());
        }
    }

    /// The retry class; checks that a money-moving endpoint is `retry: never` and names an
    /// idempotency key.
    fn retry_class(&mut self, e: &In<'_, raw::Endpoint>) -> model::Retry {
        let (file, v) = (e.file, e.item);
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
        retry
    }
}

/// The request struct of an endpoint, as an object.
fn request_object(
    e: &In<'_, raw::Endpoint>,
    name: &str,
    request_name: model::ObjectName,
    fields: Vec<model::Field>,
) -> model::Object {
    let v = e.item;
    model::Object {
        name: request_name,
        kind: model::ObjectKind::Request,
        zh: format!("{} 请求参数", v.zh),
        en: format!("Request of `{name}` ({}).", v.en),
        description: None,
        source: v.source,
        provenance: Vec::new(),
        fields,
    }
}

/// The model endpoint, once its checks are done.
fn lower_endpoint(
    e: &In<'_, raw::Endpoint>,
    service: Option<&model::Service>,
    response: model::Response,
    retry: model::Retry,
) -> model::Endpoint {
    let v = e.item;
    let full_path = match service {
        Some(s) => format!("{}{}", s.path_prefix.trim_end_matches('/'), v.path.value),
        None => v.path.value.clone(),
    };
    model::Endpoint {
        spec_name: e.key.value.clone(),
        group_key: v.group.value.clone(),
        fn_name: v.fn_name.as_ref().map(|n| n.value.clone()),
        zh: v.zh.clone(),
        en: v.en.clone(),
        description: v.description.clone(),
        path: v.path.value.clone(),
        full_path,
        method: model::HttpMethod::Post,
        source: v.source,
        provenance: Vec::new(),
        response,
        paginated: v.pagination.is_some(),
        retry,
        idempotency_key: v.idempotency_key.as_ref().map(|k| k.value.clone()),
        moves_money: v.moves_money,
        recovery: v
            .recovery
            .as_ref()
            .and_then(|r| r.text())
            .map(str::to_owned),
        recover: None,
        examples: Vec::new(),
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
