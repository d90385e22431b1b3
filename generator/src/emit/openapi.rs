//! An OpenAPI 3.0.3 document of the same spec (`openapi.json`), for every tool
//! of that ecosystem: validators, mock servers, other generators. 3.0.3
//! because the widest range of tools accepts it (progenitor rejects 3.1).
//!
//! What OpenAPI cannot say natively is carried in `x-` extensions: enum names
//! and labels, provenance, retry class, idempotency field, sensitivity,
//! business error codes and webhooks.

use serde_json::{Map, Value, json};

use crate::emit::EmitError;
use crate::emit::prose::{code, inline, md, run_in};
use crate::model::{
    Api, Code, Endpoint, Enum, EnumRepr, Field, Object, ObjectKind, Response, Retry, Source, Type,
    Webhooks,
};
use crate::naming::{
    method_name, object_type_name, page_schema_name, response_schema_name, type_name, unraw,
};

/// Pattern of the vendor's datetimes; the empty string means absent.
const DATETIME_PATTERN: &str = r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$";

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn type_schema(t: &Type) -> Value {
    match t {
        Type::Long => json!({ "type": "integer", "format": "int64" }),
        Type::Int => json!({ "type": "integer", "format": "int32" }),
        Type::String => json!({ "type": "string" }),
        Type::Bool => json!({ "type": "boolean" }),
        // `true`, or the unit of `service.money` (filled in by `openapi`).
        Type::Money => json!({ "type": "number", "format": "decimal", "x-money": true }),
        Type::Decimal => json!({ "type": "number", "format": "decimal" }),
        Type::DateTime => {
            json!({ "type": "string", "pattern": DATETIME_PATTERN, "example": "2023-10-30 05:35:14" })
        }
        Type::Date => json!({ "type": "string", "format": "date" }),
        Type::Enum(n) => schema_ref(&type_name(n)),
        Type::Object(n) => schema_ref(&object_type_name(n)),
        Type::Array(inner) => json!({ "type": "array", "items": type_schema(inner) }),
        Type::Map(inner) => json!({ "type": "object", "additionalProperties": type_schema(inner) }),
    }
}

fn field_schema(f: &Field) -> Value {
    let mut s = type_schema(&f.ty);
    let mut desc = inline(&f.zh);
    if let Some(en) = &f.en {
        desc.push_str(&format!(" — {}", inline(en)));
    }
    if let Some(n) = &f.note {
        if n.trim().contains('\n') {
            desc.push_str(&format!("\n\n{}", md(n)));
        } else {
            desc.push_str(&format!(" ({})", inline(n)));
        }
    }
    let is_ref = s.get("$ref").is_some();
    let mut extra = Map::new();
    extra.insert("description".into(), desc.into());
    if f.nullable {
        extra.insert("nullable".into(), true.into());
    }
    if f.sensitive {
        extra.insert("x-sensitive".into(), true.into());
        if f.ty == Type::String {
            extra.insert("format".into(), "password".into());
        }
    }
    extra.insert("x-source".into(), f.source.as_str().into());
    if is_ref {
        // 3.0.3 ignores siblings of `$ref`; wrap it so the description survives.
        let mut wrapped = Map::new();
        wrapped.insert("allOf".into(), json!([s]));
        wrapped.extend(extra);
        return Value::Object(wrapped);
    }
    if let Some(map) = s.as_object_mut() {
        map.extend(extra);
    }
    s
}

fn object_schema(fields: &[&Field], title: &str, description: String, src: Source) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        props.insert(f.wire_name.clone(), field_schema(f));
        if f.required {
            required.push(Value::from(f.wire_name.clone()));
        }
    }
    let mut s = json!({
        "type": "object",
        "title": title,
        "description": description,
        "properties": props,
        "x-source": src.as_str(),
    });
    if !required.is_empty() {
        s["required"] = Value::Array(required);
    }
    s
}

fn object(o: &Object, extra_fields: &[Field]) -> Value {
    let fields: Vec<&Field> = extra_fields.iter().chain(&o.fields).collect();
    let mut d = format!("{} — {}", inline(&o.zh), inline(&o.en));
    if let Some(x) = &o.description {
        d.push_str(&format!("\n\n{}", md(x)));
    }
    object_schema(&fields, &object_type_name(&o.name), d, o.source)
}

fn response_name(e: &Endpoint) -> String {
    response_schema_name(&e.spec_name)
}

fn data_schema(api: &Api, e: &Endpoint) -> Value {
    match &e.response {
        Response::Object(t) => schema_ref(&type_name(t)),
        Response::Array(t) => json!({ "type": "array", "items": schema_ref(&type_name(t)) }),
        Response::Page(t) => schema_ref(&page_schema_name(t)),
        Response::Value(t) => type_schema(t),
        Response::Empty => {
            let _ = api;
            json!({ "type": "object", "nullable": true, "description": "empty: null or {}" })
        }
    }
}

/// Build the document.
fn openapi(api: &Api) -> Value {
    let mut schemas = Map::new();
    for e in &api.enums {
        schemas.insert(type_name(&e.name), enum_schema(e));
    }
    object_schemas(api, &mut schemas);
    auth_and_error_schemas(api, &mut schemas);
    let paths = endpoint_paths(api, &mut schemas);
    let mut doc = document(api, schemas, paths);
    if let Some(w) = &api.webhooks {
        doc["x-webhooks"] = Value::Object(webhook_operations(w));
        doc["x-webhook-tag-field"] = w.tag_field.clone().into();
    }
    if let Some(unit) = &api.service.money_unit {
        money_unit(&mut doc, unit);
    }
    doc
}

/// The schema of an enum: its codes, names, labels and provenance.
fn enum_schema(e: &Enum) -> Value {
    let (ty, values): (&str, Vec<Value>) = match e.repr {
        EnumRepr::Int => (
            "integer",
            e.values
                .iter()
                .map(|v| match &v.code {
                    Code::Int(i) => Value::from(*i),
                    Code::Str(x) => Value::from(x.clone()),
                })
                .collect(),
        ),
        EnumRepr::String => (
            "string",
            e.values
                .iter()
                .map(|v| match &v.code {
                    Code::Int(i) => Value::from(i.to_string()),
                    Code::Str(x) => Value::from(x.clone()),
                })
                .collect(),
        ),
    };
    let mut desc = format!("{} — {}", inline(&e.zh), inline(&e.en));
    if let Some(d) = &e.description {
        desc.push_str(&format!("\n\n{}", md(d)));
    }
    desc.push('\n');
    for v in &e.values {
        desc.push_str(&format!(
            "\n- {}: {} {} / {}",
            code(&v.code.to_string()),
            inline(&v.spec_name),
            inline(&v.zh),
            inline(&v.en)
        ));
    }
    let mut schema = json!({
        "type": ty,
        "title": type_name(&e.name),
        "description": desc,
        "enum": values,
        "x-enum-varnames": e.values.iter().map(|v| type_name(&v.spec_name)).collect::<Vec<_>>(),
        "x-enum-names": e.values.iter().map(|v| v.spec_name.clone()).collect::<Vec<_>>(),
        "x-enum-labels-zh": e.values.iter().map(|v| v.zh.clone()).collect::<Vec<_>>(),
        "x-enum-descriptions": e.values.iter().map(|v| v.en.clone()).collect::<Vec<_>>(),
        "x-open-enum": !e.closed,
        "x-source": e.source.as_str(),
    });
    if ty == "integer" {
        schema["format"] = "int64".into();
    }
    schema
}

/// The schemas of the shared and inline objects, and of the page of each paginated response.
fn object_schemas(api: &Api, schemas: &mut Map<String, Value>) {
    // By type name, as the schemas are named.
    let paged: std::collections::BTreeMap<String, &str> = api
        .endpoints
        .iter()
        .filter_map(|e| match &e.response {
            Response::Page(t) => Some((type_name(t), t.as_str())),
            _ => None,
        })
        .collect();
    for o in api.objects.iter().filter(|o| o.kind != ObjectKind::Request) {
        schemas.insert(object_type_name(&o.name), object(o, &[]));
    }
    // `paged` is empty without a page convention: the resolver refuses page responses then.
    if let Some(p) = &api.service.pagination {
        for (t, key) in paged {
            let mut page = object_schema(
                &p.response.iter().collect::<Vec<_>>(),
                &page_schema_name(key),
                format!("A page of {t} (page convention, {}).", p.source.as_str()),
                p.source,
            );
            page["properties"][p.list_field.as_str()] =
                json!({ "type": "array", "items": schema_ref(&t) });
            if let Some(req) = page["required"].as_array_mut() {
                req.push(p.list_field.clone().into());
            }
            schemas.insert(page_schema_name(key), page);
        }
    }
}

/// The schemas of the auth fields and of the error envelope.
fn auth_and_error_schemas(api: &Api, schemas: &mut Map<String, Value>) {
    let s = &api.service;
    let env = &s.envelope;
    schemas.insert(
        "Auth".into(),
        object_schema(
            &s.auth.iter().collect::<Vec<_>>(),
            "Auth",
            "The authentication fields sent in the JSON body of every request.".into(),
            s.source,
        ),
    );
    schemas.insert(
        "ErrorEnvelope".into(),
        json!({
            "type": "object",
            "title": "ErrorEnvelope",
            "description": format!("A business error: HTTP 200 with `{}` other than {}; see x-error-codes.", env.code, env.success),
            "properties": {
                env.code.as_str(): code_schema(&env.success),
                env.message.as_str(): { "type": "string" },
                env.data.as_str(): { "nullable": true, "description": "null or {} on error" },
            },
            "required": [env.code, env.message],
            "x-source": env.source.as_str(),
        }),
    );
}

/// The path item of every endpoint, adding its request and response schemas to `schemas`.
fn endpoint_paths(api: &Api, schemas: &mut Map<String, Value>) -> Map<String, Value> {
    let mut paths = Map::new();
    for e in &api.endpoints {
        let Some(req) = api.request_object(e) else {
            continue;
        };
        let resp_name = endpoint_schemas(api, e, req, schemas);
        paths.insert(
            e.path.clone(),
            json!({ "post": operation(api, e, req, &resp_name) }),
        );
    }
    paths
}

/// Adds the request and success envelope schemas of an endpoint; returns the envelope's name.
fn endpoint_schemas(
    api: &Api,
    e: &Endpoint,
    req: &Object,
    schemas: &mut Map<String, Value>,
) -> String {
    let s = &api.service;
    let env = &s.envelope;
    let mut req_schema = object(req, &s.auth);
    req_schema["description"] = format!(
        "Request of {} (auth fields included).",
        method_name(&e.spec_name)
    )
    .into();
    schemas.insert(object_type_name(&req.name), req_schema);
    let resp_name = response_name(e);
    schemas.insert(
        resp_name.clone(),
        json!({
            "type": "object",
            "title": resp_name,
            "description": format!("Envelope of a successful {} (`{}` = {}).", method_name(&e.spec_name), env.code, env.success),
            "properties": {
                env.code.as_str(): success_schema(&env.success),
                env.message.as_str(): { "type": "string" },
                env.data.as_str(): data_schema(api, e),
            },
            "required": [env.code, env.message],
        }),
    );
    resp_name
}

/// The operation of an endpoint: summary, request body, response, examples and `x-` extensions.
fn operation(api: &Api, e: &Endpoint, req: &Object, resp_name: &str) -> Value {
    let env = &api.service.envelope;
    let mut description = e.description.as_deref().map(md).unwrap_or_default();
    if let Some(r) = &e.recovery {
        description.push_str(&format!("\n\n{}", run_in("Recovery: ", r)));
    }
    let mut op = json!({
        "operationId": unraw(&method_name(&e.spec_name)),
        "summary": format!("{} — {}", e.zh, e.en),
        "description": description.trim(),
        "tags": [e.group_key],
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": schema_ref(&object_type_name(&req.name)) } }
        },
        "responses": {
            "200": {
                "description": format!("Envelope: `{}` = {} with `{}`; any other code is a business error (ErrorEnvelope).", env.code, env.success, env.data),
                "content": { "application/json": { "schema": schema_ref(resp_name) } }
            }
        },
        "x-source": e.source.as_str(),
        "x-retry": match e.retry { Retry::Safe => "safe", Retry::Never => "never" },
        "x-moves-money": e.moves_money,
        "x-paginated": e.paginated,
    });
    if let Some(k) = &e.idempotency_key {
        op["x-idempotency-key"] = k.clone().into();
    }
    if let Some(ex) = e.examples.iter().find_map(|x| x.request.as_ref())
        && let Ok(v) = serde_json::from_str::<Value>(ex)
    {
        op["requestBody"]["content"]["application/json"]["example"] = v;
    }
    if let Some(ex) = e.examples.iter().find_map(|x| x.response.as_ref())
        && let Ok(v) = serde_json::from_str::<Value>(ex)
    {
        op["responses"]["200"]["content"]["application/json"]["example"] = v;
    }
    op
}

/// The document around the schemas and paths: info, server, tags, error codes.
fn document(api: &Api, schemas: Map<String, Value>, paths: Map<String, Value>) -> Value {
    let s = &api.service;
    let tags: Vec<Value> = api
        .groups
        .iter()
        .map(|g| json!({ "name": g.spec_key, "description": format!("{} — {}", inline(&g.zh), inline(&g.en)) }))
        .collect();
    let errors: Vec<Value> = api
        .errors
        .iter()
        .map(|e| json!({ "code": code_value(&e.code), "name": type_name(&e.name), "zh": e.zh, "en": e.en, "action": e.action, "x-source": e.source.as_str() }))
        .collect();
    let server = format!(
        "{}{}",
        s.base_url.trim_end_matches('/'),
        s.path_prefix.trim_end_matches('/')
    );
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("{} — {}", s.title_en, s.title),
            "description": s.description.as_deref().map(md).unwrap_or_default(),
            "version": s.default_version,
        },
        "servers": [{
            "url": server,
            "description": "The base URL the spec gives; clients take the host of their environment as a setting.",
            "variables": { "version": { "default": s.default_version } }
        }],
        "tags": tags,
        "paths": paths,
        "components": { "schemas": schemas },
        "x-generated": "@generated by apigen from the API spec. Do not edit: change the spec and run `cargo xtask gen`.",
        "x-auth-fields": s.auth.iter().map(|f| f.wire_name.clone()).collect::<Vec<_>>(),
        "x-error-codes": errors,
    })
}

/// One operation per webhook event tag, keyed by the tag.
fn webhook_operations(w: &Webhooks) -> Map<String, Value> {
    let mut hooks = Map::new();
    for k in &w.kinds {
        for ev in &k.events {
            hooks.insert(
                ev.tag.clone(),
                json!({
                    "post": {
                        "summary": format!("{} — {}", ev.zh, ev.en),
                        "x-source": ev.source.as_str(),
                        "requestBody": { "content": { "application/json": { "schema": {
                            "type": "object",
                            "properties": {
                                w.tag_field.as_str(): { "type": "string", "enum": [ev.tag] },
                                w.data_field.as_str(): schema_ref(&type_name(&k.payload)),
                            },
                            "required": [w.tag_field],
                        } } } },
                        "responses": { w.ack_status.to_string(): {
                            "description": "Acknowledgement",
                            "content": { "application/json": { "example": serde_json::from_str::<Value>(&w.ack_body).unwrap_or(Value::Null) } }
                        } },
                        "x-refetch": k.refetch.as_ref().map(|r| method_name(&r.endpoint)),
                    }
                }),
            );
        }
    }
    hooks
}

/// Every `"x-money": true` becomes the spec's unit.
fn money_unit(v: &mut Value, unit: &str) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == "x-money" && *x == Value::Bool(true) {
                    *x = unit.into();
                } else {
                    money_unit(x, unit);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| money_unit(x, unit)),
        _ => {}
    }
}

/// The document as pretty JSON text with a trailing newline.
pub(super) fn openapi_json(api: &Api) -> Result<String, EmitError> {
    let mut text = serde_json::to_string_pretty(&openapi(api))
        .map_err(|e| EmitError::new("openapi.json", e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// The schema of the envelope's code: an integer or a string, as the spec's success code is.
fn code_schema(success: &Code) -> Value {
    match success {
        Code::Int(_) => json!({ "type": "integer", "format": "int64" }),
        Code::Str(_) => json!({ "type": "string" }),
    }
}

/// The schema of the envelope's code on success: [`code_schema`] fixed to the success code.
fn success_schema(success: &Code) -> Value {
    let mut schema = code_schema(success);
    schema["enum"] = json!([code_value(success)]);
    schema
}

/// A business code as JSON.
fn code_value(code: &Code) -> Value {
    match code {
        Code::Int(c) => json!(c),
        Code::Str(c) => json!(c),
    }
}
