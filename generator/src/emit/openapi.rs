//! An OpenAPI 3.0.3 document of the same spec (`openapi.json`), for every tool
//! of that ecosystem: validators, mock servers, other generators. 3.0.3
//! because the widest range of tools accepts it (progenitor rejects 3.1).
//!
//! What OpenAPI cannot say natively is carried in `x-` extensions: enum names
//! and labels, provenance (`x-source`, and `x-provenance` per statement where an
//! item mixes sources), vendor titles, retry class, idempotency field,
//! sensitivity, business error codes and webhooks.
//!
//! Every operation answers HTTP 200 with success or a business error: its 200
//! response is `oneOf` the success envelope and `ErrorEnvelope`, told apart by
//! the envelope's code. Examples keep the spec's text (key order, numbers).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::emit::EmitError;
use crate::emit::json_text::compact;
use crate::emit::prose::{code, inline, md, run_in};
use crate::emit::splice::{Reuse, Splicer};
use crate::incremental::digest::ItemDigests;
use crate::model::{
    Api, Code, DateTimeFormat, Endpoint, Enum, EnumRepr, Example, Field, HttpMethod, MoneyWire,
    Object, ObjectKind, Response, Retry, Source, Statement, Type, Webhooks,
};
use crate::naming::{
    cursor_page_schema_name, method_name, object_type_name, page_schema_name, response_schema_name,
    type_name, unraw,
};

/// Pattern of a datetime that must be present (a required, non-nullable field).
const DATETIME_PATTERN: &str = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$";

/// Pattern of money or a decimal sent as a JSON string (`"23.50"`).
const DECIMAL_PATTERN: &str = r"^-?\d+(\.\d+)?$";

/// Pattern of money or a decimal sent as a string that may be absent (`""` reads as none).
const DECIMAL_OR_EMPTY_PATTERN: &str = r"^(-?\d+(\.\d+)?)?$";

/// Pattern of a datetime that may be absent (an optional or nullable field): the vendor
/// sends `""`, which the client reads as none.
const DATETIME_OR_EMPTY_PATTERN: &str = r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$";

/// `x-source`, and `x-provenance` (the statements in spec order) when the item mixes sources.
fn provenance(source: Source, statements: &[Statement]) -> Map<String, Value> {
    let mut ext = Map::new();
    ext.insert("x-source".into(), source.as_str().into());
    if !statements.is_empty() {
        ext.insert("x-provenance".into(), statements_json(statements));
    }
    ext
}

/// The statements as `[{"about", "source"}]`, in spec order.
fn statements_json(statements: &[Statement]) -> Value {
    statements
        .iter()
        .map(|s| json!({ "about": s.about, "source": s.source.as_str() }))
        .collect()
}

/// Adds the keys of `ext` to the object `v`.
fn extend(v: &mut Value, ext: Map<String, Value>) {
    if let Some(map) = v.as_object_mut() {
        map.extend(ext);
    }
}

/// The spec's example texts, held out of the document until it is printed (see
/// [`openapi_json`]): a `serde_json::Value` would sort their keys.
#[derive(Default)]
struct Examples {
    texts: Vec<String>,
}

impl Examples {
    /// The placeholder for `text`, to be replaced by the text itself.
    fn hold(&mut self, text: &str) -> Value {
        self.texts.push(compact(text));
        Value::from(placeholder(self.texts.len() - 1))
    }
}

/// What the placeholder string of an example starts with; its index follows.
const PLACEHOLDER: &str = "apigen-example-";

/// The placeholder string of the `i`th example.
fn placeholder(i: usize) -> String {
    format!("{PLACEHOLDER}{i}")
}

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
        Type::Money(MoneyWire::Number) => {
            json!({ "type": "number", "format": "decimal", "x-money": true })
        }
        Type::Money(MoneyWire::String) => {
            json!({ "type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN, "x-money": true })
        }
        Type::Decimal(MoneyWire::Number) => json!({ "type": "number", "format": "decimal" }),
        Type::Decimal(MoneyWire::String) => {
            json!({ "type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN })
        }
        Type::DateTime(DateTimeFormat::Vendor) => {
            json!({ "type": "string", "pattern": DATETIME_PATTERN })
        }
        Type::DateTime(DateTimeFormat::Rfc3339) => {
            json!({ "type": "string", "format": "date-time" })
        }
        Type::DateTime(DateTimeFormat::EpochS) => {
            json!({ "type": "integer", "format": "int64", "x-epoch": "seconds" })
        }
        Type::DateTime(DateTimeFormat::EpochMs) => {
            json!({ "type": "integer", "format": "int64", "x-epoch": "milliseconds" })
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
    if f.is_option() {
        // The client reads `""` as none where a value may be absent.
        match f.ty {
            Type::DateTime(DateTimeFormat::Vendor) => {
                s["pattern"] = DATETIME_OR_EMPTY_PATTERN.into();
            }
            Type::Money(MoneyWire::String) | Type::Decimal(MoneyWire::String) => {
                s["pattern"] = DECIMAL_OR_EMPTY_PATTERN.into();
            }
            Type::DateTime(_) => {
                s = json!({ "anyOf": [s, { "type": "string", "maxLength": 0 }] });
            }
            _ => {}
        }
    }
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

fn object_schema(
    fields: &[&Field],
    title: &str,
    description: String,
    src: Map<String, Value>,
) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field_schema(f);
        if f.computed {
            schema["x-computed"] = true.into();
        }
        props.insert(f.wire_name.clone(), schema);
        if f.required {
            required.push(Value::from(f.wire_name.clone()));
        }
    }
    let mut s = json!({
        "type": "object",
        "title": title,
        "description": description,
        "properties": props,
    });
    extend(&mut s, src);
    if !required.is_empty() {
        s["required"] = Value::Array(required);
    }
    s
}

fn object(o: &Object, extra_fields: &[&Field]) -> Value {
    let fields: Vec<&Field> = extra_fields.iter().copied().chain(&o.fields).collect();
    let mut d = format!("{} — {}", inline(&o.zh), inline(&o.en));
    if let Some(x) = &o.description {
        d.push_str(&format!("\n\n{}", md(x)));
    }
    object_schema(
        &fields,
        &object_type_name(&o.name),
        d,
        provenance(o.source, &o.provenance),
    )
}

fn response_name(e: &Endpoint) -> String {
    response_schema_name(&e.spec_name)
}

fn data_schema(e: &Endpoint) -> Value {
    match &e.response {
        Response::Object(t) => schema_ref(&type_name(t)),
        Response::Array(t) => json!({ "type": "array", "items": schema_ref(&type_name(t)) }),
        Response::Page(t) => schema_ref(&page_schema_name(t)),
        Response::CursorPage(t) => schema_ref(&cursor_page_schema_name(t)),
        Response::Value(t) => type_schema(t),
        Response::Empty => {
            json!({ "type": "object", "nullable": true, "description": "empty: null or {}" })
        }
    }
}

/// The file this module renders.
const FILE: &str = "openapi.json";

/// What the placeholder of `components.schemas` is in the skeleton.
const SCHEMAS_MARKER: &str = "\"apigen-splice-schemas\"";

/// What the placeholder of `paths` is in the skeleton.
const PATHS_MARKER: &str = "\"apigen-splice-paths\"";

/// One entry of `components.schemas` or `paths`, rendered on its own: its fragment key (when
/// fragments are reused) and how to build its value (holding its examples' texts).
struct Entry<'a> {
    key: Option<String>,
    render: Box<dyn FnOnce(&mut Examples) -> Value + 'a>,
}

/// The keys of the fragments of `openapi.json`: every fragment is made from the service
/// section (which every value may read, `service.money_unit` at least) and its own items.
struct Keys<'a> {
    reuse: Option<&'a Reuse<'a>>,
}

impl Keys<'_> {
    fn key(&self, kind: &str, items: &[&str]) -> Option<String> {
        Some(self.reuse?.digests.service_key(FILE, kind, items))
    }
}

/// Entries by name, in the order the printer writes a JSON map's keys.
type Entries<'a> = BTreeMap<String, Entry<'a>>;

/// The entries of `components.schemas` and of `paths`, by name (a repeated name keeps the
/// last, as inserting into a JSON map does).
fn entries<'a>(api: &'a Api, keys: &Keys<'_>) -> (Entries<'a>, Entries<'a>) {
    let digests = keys.reuse.map(|r| r.digests);
    let item = |list: fn(&ItemDigests) -> &Vec<String>, i: usize| {
        digests.map_or("", |d| list(d)[i].as_str())
    };
    let mut schemas = BTreeMap::new();
    for (i, e) in api.enums.iter().enumerate() {
        schemas.insert(
            type_name(&e.name),
            Entry {
                key: keys.key("enum", &[item(|d| &d.enums, i)]),
                render: Box::new(move |_| enum_schema(e)),
            },
        );
    }
    object_schemas(api, keys, &mut schemas);
    let service = &api.service;
    schemas.insert(
        "Auth".into(),
        Entry {
            key: keys.key("auth", &[]),
            render: Box::new(move |_| auth_schema(service)),
        },
    );
    schemas.insert(
        "ErrorEnvelope".into(),
        Entry {
            key: keys.key("error-envelope", &[]),
            render: Box::new(move |_| error_schema(service)),
        },
    );
    let mut paths = BTreeMap::new();
    for (i, e) in api.endpoints.iter().enumerate() {
        let Some(req) = api.request_object(e) else {
            continue;
        };
        let req_at = api
            .object_position(&req.name)
            .map_or("", |p| item(|d| &d.objects, p));
        let parts = [item(|d| &d.endpoints, i), req_at];
        schemas.insert(
            object_type_name(&req.name),
            Entry {
                key: keys.key("request", &parts),
                render: Box::new(move |_| request_schema(service, e, req)),
            },
        );
        schemas.insert(
            response_name(e),
            Entry {
                key: keys.key("response", &parts),
                render: Box::new(move |_| response_schema(service, e)),
            },
        );
        paths.insert(
            e.path.clone(),
            Entry {
                key: keys.key("path", &parts),
                render: Box::new(move |examples| {
                    json!({ verb(e.method): operation(service, e, req, &response_name(e), examples) })
                }),
            },
        );
    }
    (schemas, paths)
}

/// The document without its schemas and paths (each a marker): info, servers, tags, error
/// codes, security, webhooks. Made from the service section, the groups, the error codes
/// and the webhooks.
fn skeleton(api: &Api) -> Value {
    let mut doc = document(api);
    doc["paths"] = Value::from(PATHS_MARKER.trim_matches('"'));
    doc["components"]["schemas"] = Value::from(SCHEMAS_MARKER.trim_matches('"'));
    if let Some(w) = &api.webhooks {
        doc["x-webhooks"] = Value::Object(webhook_operations(w));
        doc["x-webhook-tag-field"] = w.tag_field.clone().into();
        doc["x-webhook-tag-field-source"] = w.tag_field_source.as_str().into();
        let mut conventions = json!({ "data-field": w.data_field });
        extend(&mut conventions, provenance(w.source, &w.provenance));
        doc["x-webhook-conventions"] = conventions;
    }
    if let Some(unit) = &api.service.money_unit {
        money_unit(&mut doc, unit);
    }
    doc
}

/// The skeleton's text cut at its two markers: before the schemas, between the schemas and
/// the paths (`components` sorts before `paths`), after the paths.
fn skeleton_pieces(api: &Api) -> Result<[String; 3], EmitError> {
    let text = serde_json::to_string_pretty(&skeleton(api))
        .map_err(|e| EmitError::new(FILE, e.to_string()))?;
    let once = |marker: &str| match text.match_indices(marker).collect::<Vec<_>>()[..] {
        [(at, _)] => Ok(at),
        _ => Err(EmitError::new(
            FILE,
            "a splice marker is missing or repeated",
        )),
    };
    let (schemas, paths) = (once(SCHEMAS_MARKER)?, once(PATHS_MARKER)?);
    if paths < schemas {
        return Err(EmitError::new(FILE, "`paths` printed before the schemas"));
    }
    Ok([
        text[..schemas].to_owned(),
        text[schemas + SCHEMAS_MARKER.len()..paths].to_owned(),
        text[paths + PATHS_MARKER.len()..].to_owned(),
    ])
}

/// An entry as the pretty printer writes it inside a map at the depth `indent` stands for:
/// the indented key, then the value with every line after its first indented (the printer
/// writes a line break only between tokens, never inside a string), examples put back.
fn entry_text(
    name: &str,
    mut value: Value,
    examples: &Examples,
    indent: &str,
    unit: Option<&str>,
) -> Result<String, EmitError> {
    if let Some(unit) = unit {
        money_unit(&mut value, unit);
    }
    let error = |m: String| EmitError::new(FILE, m);
    let held = serde_json::to_string_pretty(&value).map_err(|e| error(e.to_string()))?;
    let printed = put_back(&held, &examples.texts)
        .ok_or_else(|| error("an example placeholder is missing or repeated".into()))?;
    let key = serde_json::to_string(name).map_err(|e| error(e.to_string()))?;
    let mut out = String::with_capacity(printed.len() + printed.len() / 8 + key.len() + 8);
    out.push_str(indent);
    out.push_str(&key);
    out.push_str(": ");
    let mut lines = printed.split('\n');
    out.push_str(lines.next().unwrap_or_default());
    for line in lines {
        out.push('\n');
        out.push_str(indent);
        out.push_str(line);
    }
    Ok(out)
}

/// Append a map of entries as the pretty printer writes it at depth `depth`.
fn splice_map(
    s: &mut Splicer<'_>,
    entries: Entries<'_>,
    depth: usize,
    unit: Option<&str>,
) -> Result<(), EmitError> {
    if entries.is_empty() {
        s.push("{}");
        return Ok(());
    }
    let indent = "  ".repeat(depth + 1);
    s.push("{\n");
    for (i, (name, entry)) in entries.into_iter().enumerate() {
        if i > 0 {
            s.push(",\n");
        }
        let render = entry.render;
        s.fragment(entry.key, || {
            let mut examples = Examples::default();
            let value = render(&mut examples);
            entry_text(&name, value, &examples, &indent, unit)
        })?;
    }
    s.push("\n");
    s.push(&"  ".repeat(depth));
    s.push("}");
    Ok(())
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
    });
    extend(&mut schema, provenance(e.source, &e.provenance));
    if let Some(t) = &e.vendor_title {
        schema["x-vendor-title"] = t.clone().into();
    }
    if ty == "integer" {
        schema["format"] = "int64".into();
    }
    schema
}

/// The schemas of the shared and inline objects, and of the page of each paginated response.
fn object_schemas<'a>(api: &'a Api, keys: &Keys<'_>, schemas: &mut Entries<'a>) {
    let digests = keys.reuse.map(|r| r.digests);
    for (i, o) in api.objects.iter().enumerate() {
        if o.kind == ObjectKind::Request {
            continue;
        }
        schemas.insert(
            object_type_name(&o.name),
            Entry {
                key: keys.key("object", &[digests.map_or("", |d| d.objects[i].as_str())]),
                render: Box::new(move |_| object(o, &[])),
            },
        );
    }
    // By type name, as the schemas are named.
    let paged: BTreeMap<String, &str> = api
        .endpoints
        .iter()
        .filter_map(|e| match &e.response {
            Response::Page(t) => Some((type_name(t), t.as_str())),
            _ => None,
        })
        .collect();
    // `paged` is empty without a page convention: the resolver refuses page responses then.
    if let Some(p) = &api.service.pagination {
        for (t, key) in paged {
            schemas.insert(
                page_schema_name(key),
                Entry {
                    key: keys.key("page", &[key]),
                    render: Box::new(move |_| {
                        let mut page = object_schema(
                            &p.response.iter().collect::<Vec<_>>(),
                            &page_schema_name(key),
                            format!("A page of {t} (page convention, {}).", p.source.as_str()),
                            provenance(p.source, &[]),
                        );
                        page["properties"][p.list_field.as_str()] =
                            json!({ "type": "array", "items": schema_ref(&t) });
                        require(&mut page, &p.list_field);
                        page
                    }),
                },
            );
        }
    }
    cursor_page_schemas(api, keys, schemas);
}

/// The schema of the cursor page of each cursor-paginated response.
fn cursor_page_schemas<'a>(api: &'a Api, keys: &Keys<'_>, schemas: &mut Entries<'a>) {
    // Cursor page responses without a cursor convention were refused by the resolver.
    let Some(p) = &api.service.cursor_pagination else {
        return;
    };
    let paged: BTreeMap<String, &str> = api
        .endpoints
        .iter()
        .filter_map(|e| match &e.response {
            Response::CursorPage(t) => Some((type_name(t), t.as_str())),
            _ => None,
        })
        .collect();
    for (t, key) in paged {
        schemas.insert(
            cursor_page_schema_name(key),
            Entry {
                key: keys.key("cursor-page", &[key]),
                render: Box::new(move |_| {
                    let mut page = object_schema(
                        &p.response.iter().collect::<Vec<_>>(),
                        &cursor_page_schema_name(key),
                        format!(
                            "A cursor page of {t} (cursor convention, {}); `{}` is the next page's cursor, and the listing ends when it is null, \"\" or absent.",
                            p.source.as_str(),
                            p.next_cursor_field
                        ),
                        provenance(p.source, &[]),
                    );
                    page["properties"][p.list_field.as_str()] =
                        json!({ "type": "array", "items": schema_ref(&t) });
                    require(&mut page, &p.list_field);
                    page
                }),
            },
        );
    }
}

/// Adds `field` to the `required` list of an object schema, creating the list when no other
/// field is required (indexing a missing key would leave `"required": null`, which is invalid).
fn require(schema: &mut Value, field: &str) {
    match schema.get_mut("required").and_then(Value::as_array_mut) {
        Some(required) => required.push(field.into()),
        None => schema["required"] = json!([field]),
    }
}

/// The auth fields carried in the JSON body.
fn body_auth(s: &crate::model::Service) -> Vec<&Field> {
    s.auth.iter().filter(|f| f.header().is_none()).collect()
}

/// One `apiKey` security scheme per auth field carried in a header, named after the field,
/// and the requirement that names them all (every request carries every one).
fn header_security(s: &crate::model::Service) -> Option<(Map<String, Value>, Value)> {
    let mut schemes = Map::new();
    let mut requirement = Map::new();
    for f in s.auth.iter().filter(|f| f.header().is_some()) {
        let mut description = inline(&f.zh);
        if let Some(en) = &f.en {
            description.push_str(&format!(" — {}", inline(en)));
        }
        schemes.insert(
            f.wire_name.clone(),
            json!({
                "type": "apiKey",
                "in": "header",
                "name": f.header(),
                "description": description,
                "x-computed": f.computed,
            }),
        );
        requirement.insert(f.wire_name.clone(), json!([]));
    }
    (!schemes.is_empty()).then(|| (schemes, json!([requirement])))
}

/// The schema of the auth fields carried in the body.
fn auth_schema(s: &crate::model::Service) -> Value {
    object_schema(
        &body_auth(s),
        "Auth",
        "The authentication fields sent in the JSON body of every request.".into(),
        provenance(s.source, &[]),
    )
}

/// The schema of the error envelope.
fn error_schema(s: &crate::model::Service) -> Value {
    let env = &s.envelope;
    let mut error = json!({
        "type": "object",
        "title": "ErrorEnvelope",
        "description": format!("A business error: HTTP 200 with `{}` other than {}; the known codes are in x-error-codes (a client keeps any other code).", env.code, env.success),
        "properties": {
            env.code.as_str(): error_code_schema(&env.success),
            env.message.as_str(): { "type": "string" },
            env.data.as_str(): { "nullable": true, "description": "null or {} on error" },
        },
        "required": [env.code, env.message],
    });
    extend(&mut error, provenance(env.source, &env.provenance));
    error
}

/// The request schema of an endpoint (the auth fields in the body included).
fn request_schema(s: &crate::model::Service, e: &Endpoint, req: &Object) -> Value {
    let mut req_schema = object(req, &body_auth(s));
    req_schema["description"] = format!(
        "Request of {} (auth fields included).",
        method_name(&e.spec_name)
    )
    .into();
    req_schema
}

/// The success envelope schema of an endpoint.
fn response_schema(s: &crate::model::Service, e: &Endpoint) -> Value {
    let env = &s.envelope;
    let resp_name = response_name(e);
    let mut required = vec![env.code.clone(), env.message.clone()];
    if e.response != Response::Empty {
        required.push(env.data.clone());
    }
    let mut success = json!({
        "type": "object",
        "title": resp_name,
        "description": format!("Envelope of a successful {} (`{}` = {}).", method_name(&e.spec_name), env.code, env.success),
        "properties": {
            env.code.as_str(): success_schema(&env.success),
            env.message.as_str(): { "type": "string" },
            env.data.as_str(): data_schema(e),
        },
        "required": required,
    });
    extend(&mut success, provenance(env.source, &env.provenance));
    success
}

/// The operation of an endpoint: summary, request body, response, examples and `x-` extensions.
fn operation(
    service: &crate::model::Service,
    e: &Endpoint,
    req: &Object,
    resp_name: &str,
    examples: &mut Examples,
) -> Value {
    let env = &service.envelope;
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
                "description": format!(
                    "HTTP 200 carries success and business errors alike: `{}` = {} is success ({resp_name}, result in `{}`); any other `{}` is a business error (ErrorEnvelope).",
                    env.code, env.success, env.data, env.code
                ),
                "content": { "application/json": { "schema": {
                    "oneOf": [schema_ref(resp_name), schema_ref("ErrorEnvelope")],
                    "x-discriminator": { "property": env.code, "success": Code::to_json(&env.success) },
                } } }
            }
        },
        "x-retry": match e.retry { Retry::Safe => "safe", Retry::Never => "never" },
        "x-moves-money": e.moves_money,
        "x-paginated": e.paginated,
    });
    extend(&mut op, provenance(e.source, &e.provenance));
    if let Some(k) = &e.idempotency_key {
        op["x-idempotency-key"] = k.clone().into();
    }
    let requests = example_map(&e.examples, |x| x.request.as_deref(), examples);
    if e.method == HttpMethod::Get {
        if let Some(map) = op.as_object_mut() {
            map.remove("requestBody");
        }
        let fields: Vec<&Field> = body_auth(service).into_iter().chain(&req.fields).collect();
        op["parameters"] = query_parameters(&fields);
        if !requests.is_empty() {
            // A query string has no JSON examples: the fields of each, as JSON.
            op["x-query-examples"] = Value::Object(requests);
        }
    } else if !requests.is_empty() {
        op["requestBody"]["content"]["application/json"]["examples"] = Value::Object(requests);
    }
    let responses = example_map(&e.examples, |x| x.response.as_deref(), examples);
    if !responses.is_empty() {
        op["responses"]["200"]["content"]["application/json"]["examples"] =
            Value::Object(responses);
    }
    op
}

/// The path item key of an HTTP method (`get`).
fn verb(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
    }
}

/// The `in: query` parameters of a `GET`, one per field (only scalars reach a `GET`).
fn query_parameters(fields: &[&Field]) -> Value {
    fields
        .iter()
        .map(|f| {
            let mut schema = field_schema(f);
            if f.computed {
                schema["x-computed"] = true.into();
            }
            json!({
                "name": f.wire_name,
                "in": "query",
                "required": f.required && !f.nullable,
                "schema": schema,
            })
        })
        .collect()
}

/// The OpenAPI `examples` map of the examples that have a `body`, keyed by name (a repeated
/// name gets ` (2)`, ` (3)`, …), each with its provenance and its text held in `examples`.
fn example_map<'a>(
    list: &'a [Example],
    body: impl Fn(&'a Example) -> Option<&'a str>,
    examples: &mut Examples,
) -> Map<String, Value> {
    let mut map = Map::new();
    for ex in list {
        let Some(text) = body(ex) else { continue };
        let mut key = ex.name.clone();
        let mut n = 1;
        while map.contains_key(&key) {
            n += 1;
            key = format!("{} ({n})", ex.name);
        }
        let mut entry = json!({ "summary": ex.name, "value": examples.hold(text) });
        extend(&mut entry, provenance(ex.source, &ex.provenance));
        map.insert(key, entry);
    }
    map
}

/// The document around the schemas and paths: info, server, tags, error codes.
fn document(api: &Api) -> Value {
    let s = &api.service;
    let tags: Vec<Value> = api
        .groups
        .iter()
        .map(|g| {
            let mut tag = json!({ "name": g.spec_key, "description": format!("{} — {}", inline(&g.zh), inline(&g.en)) });
            if let Some(t) = &g.vendor_title {
                tag["x-vendor-title"] = t.clone().into();
            }
            if !g.provenance.is_empty() {
                tag["x-provenance"] = statements_json(&g.provenance);
            }
            tag
        })
        .collect();
    let errors: Vec<Value> = api
        .errors
        .iter()
        .map(|e| json!({ "code": Code::to_json(&e.code), "name": type_name(&e.name), "zh": e.zh, "en": e.en, "action": e.action, "x-source": e.source.as_str() }))
        .collect();
    let server = format!(
        "{}{}",
        s.base_url.trim_end_matches('/'),
        s.path_prefix.trim_end_matches('/')
    );
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("{} — {}", s.title_en, s.title),
            "description": s.description.as_deref().map(md).unwrap_or_default(),
            // The version of this description (the generated crate's); the API's own version
            // is the `{version}` path segment of the server below.
            "version": s.package.version,
        },
        "servers": [{
            "url": server,
            "description": "The base URL the spec gives; clients take the host of their environment as a setting.",
            "variables": { "version": {
                "default": s.default_version,
                "description": format!("The API version path segment; the default is {}.", s.version_source.as_str()),
            } }
        }],
        "tags": tags,
        // Markers, replaced by the entries (see `skeleton`).
        "paths": null,
        "components": { "schemas": null },
        "x-generated": "@generated by apigen from the API spec. Do not edit: change the spec and run `cargo xtask gen`.",
        "x-auth-fields": s.auth.iter().map(|f| f.wire_name.clone()).collect::<Vec<_>>(),
        "x-error-codes": errors,
    });
    if let Some((schemes, requirement)) = header_security(s) {
        doc["components"]["securitySchemes"] = Value::Object(schemes);
        doc["security"] = requirement;
    }
    extend(&mut doc["info"], provenance(s.source, &s.provenance));
    if let Some(t) = &s.vendor_title {
        doc["info"]["x-vendor-title"] = t.clone().into();
    }
    doc
}

/// One operation per webhook event tag, keyed by the tag.
fn webhook_operations(w: &Webhooks) -> Map<String, Value> {
    let mut hooks = Map::new();
    for k in &w.kinds {
        let mut kind = json!({ "name": k.spec_key });
        extend(&mut kind, provenance(k.source, &k.provenance));
        if let Some(t) = &k.vendor_title {
            kind["x-vendor-title"] = t.clone().into();
        }
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
                        "x-kind": kind,
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

/// The document as pretty JSON text with a trailing newline, each example as the spec
/// writes it (compacted onto one line).
///
/// An example's placeholder is the string value of an Example Object's `value` key, so it
/// prints as `"value": "apigen-example-N"`. Spec text cannot print that way: inside a
/// printed string every `"` is escaped, so the sequence can only be the placeholder itself.
///
/// The document is assembled from fragments (see `emit/splice.rs`): the skeleton (everything
/// but the schemas and paths), each schema and each path item, each printed on its own at its
/// depth. With `reuse`, a fragment whose key is in the previous text is copied from it.
pub(super) fn openapi_json(api: &Api, reuse: Option<&Reuse<'_>>) -> Result<String, EmitError> {
    let keys = Keys { reuse };
    let mut skeleton_parts: Vec<&str> = Vec::new();
    if let Some(d) = reuse.map(|r| r.digests) {
        skeleton_parts.extend([d.errors.as_str(), d.webhooks.as_str()]);
        skeleton_parts.extend(d.groups.iter().map(String::as_str));
    }
    let skeleton_keys: [Option<String>; 3] =
        std::array::from_fn(|i| keys.key(&format!("skeleton-{i}"), &skeleton_parts));
    let (schemas, paths) = entries(api, &keys);
    let previous = reuse.and_then(|r| r.previous.get(Path::new(FILE)));
    let capacity = previous.map_or(0, |p| p.text_len() + p.text_len() / 16);
    let mut s = Splicer::new(previous, capacity);
    let kept: Option<[&str; 3]> = skeleton_keys
        .iter()
        .map(|k| k.as_deref().and_then(|k| s.previous(k)))
        .collect::<Option<Vec<_>>>()
        .and_then(|v| <[&str; 3]>::try_from(v).ok());
    let reused = kept.is_some();
    let pieces = match kept {
        Some(k) => k.map(str::to_owned),
        None => skeleton_pieces(api)?,
    };
    let unit = api.service.money_unit.as_deref();
    let [head, middle, tail] = pieces;
    let [k0, k1, k2] = skeleton_keys;
    s.put(k0, &head, reused);
    splice_map(&mut s, schemas, 2, unit)?;
    s.put(k1, &middle, reused);
    splice_map(&mut s, paths, 1, unit)?;
    s.put(k2, &tail, reused);
    s.push("\n");
    Ok(match reuse {
        Some(r) => r.record(FILE, s),
        None => s.finish().0,
    })
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
    schema["enum"] = json!([Code::to_json(success)]);
    schema
}

/// The schema of the envelope's code on error: [`code_schema`], anything but the success code.
fn error_code_schema(success: &Code) -> Value {
    let mut schema = code_schema(success);
    schema["not"] = json!({ "enum": [Code::to_json(success)] });
    schema
}

/// `held` with each `"value": "apigen-example-N"` replaced by `"value": <texts[N]>`, in one
/// pass; `None` unless every text is put back exactly once.
fn put_back(held: &str, texts: &[String]) -> Option<String> {
    let lead = format!("\"value\": \"{PLACEHOLDER}");
    let mut used = vec![false; texts.len()];
    let mut out = String::with_capacity(held.len() + texts.iter().map(String::len).sum::<usize>());
    let mut rest = held;
    while let Some(at) = rest.find(&lead) {
        let after = &rest[at + lead.len()..];
        let digits = after.find('"')?;
        let i: usize = after[..digits].parse().ok()?;
        if std::mem::replace(used.get_mut(i)?, true) {
            return None;
        }
        out.push_str(&rest[..at]);
        out.push_str("\"value\": ");
        out.push_str(&texts[i]);
        rest = &after[digits + 1..];
    }
    out.push_str(rest);
    used.iter().all(|u| *u).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{Examples, Field, Type, entry_text, put_back, query_parameters, require};
    use serde_json::json;

    #[test]
    fn an_entry_prints_as_it_does_inside_the_whole_document() {
        let value = json!({ "type": "object", "properties": { "a\"b": { "x": [1, 2], "y": {} } }, "e": [] });
        let whole = serde_json::to_string_pretty(&json!({ "outer": { "k": value.clone() } }))
            .expect("prints");
        let entry = entry_text("k", value, &Examples::default(), "    ", None).expect("prints");
        assert_eq!(whole, format!("{{\n  \"outer\": {{\n{entry}\n  }}\n}}"));
        let mut examples = Examples::default();
        let held = json!({ "value": examples.hold("{ \"z\": 1,\n \"a\": 2 }") });
        let entry = entry_text("ex", held, &examples, "  ", Some("cents")).expect("prints");
        assert_eq!(entry, "  \"ex\": {\n    \"value\": {\"z\":1,\"a\":2}\n  }");
    }

    #[test]
    fn a_required_field_is_added_to_a_list_that_may_not_exist_yet() {
        let mut none = json!({ "type": "object" });
        require(&mut none, "list");
        assert_eq!(none["required"], json!(["list"]));
        let mut some = json!({ "type": "object", "required": ["total"] });
        require(&mut some, "list");
        assert_eq!(some["required"], json!(["total", "list"]));
    }

    fn field(name: &str, ty: Type, required: bool, computed: bool) -> Field {
        Field {
            wire_name: name.into(),
            ty,
            required,
            nullable: false,
            sensitive: false,
            redact_last4: false,
            boxed: false,
            zh: "字段".into(),
            en: None,
            note: None,
            source: crate::model::Source::Documented,
            carrier: crate::model::Carrier::Body,
            computed,
        }
    }

    #[test]
    fn query_parameters_are_typed_and_say_which_are_required_or_computed() {
        let amount = field(
            "amount",
            Type::Money(crate::model::MoneyWire::Number),
            true,
            false,
        );
        let since = field(
            "since",
            Type::DateTime(crate::model::DateTimeFormat::Vendor),
            false,
            false,
        );
        let sign = field("sign", Type::String, true, true);
        let params = query_parameters(&[&amount, &since, &sign]);
        let names: Vec<&str> = params
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["amount", "since", "sign"]);
        for p in params.as_array().unwrap() {
            assert_eq!(p["in"], "query");
        }
        assert_eq!(params[0]["required"], true);
        assert_eq!(params[0]["schema"]["type"], "number");
        assert_eq!(params[1]["required"], false);
        assert_eq!(params[1]["schema"]["type"], "string");
        assert_eq!(params[2]["schema"]["x-computed"], true);
    }

    #[test]
    fn put_back_replaces_each_placeholder_once() {
        let held = "{\n  \"a\": { \"value\": \"apigen-example-1\" },\n  \"b\": { \"value\": \"apigen-example-0\" }\n}";
        let texts = [r#"{"z":1,"a":2}"#.to_string(), "[]".to_string()];
        assert_eq!(
            put_back(held, &texts).as_deref(),
            Some("{\n  \"a\": { \"value\": [] },\n  \"b\": { \"value\": {\"z\":1,\"a\":2} }\n}")
        );
    }

    #[test]
    fn put_back_refuses_a_missing_or_repeated_placeholder() {
        let one = "{ \"value\": \"apigen-example-0\" }";
        assert_eq!(put_back(one, &["1".into(), "2".into()]), None);
        let twice = "[{ \"value\": \"apigen-example-0\" }, { \"value\": \"apigen-example-0\" }]";
        assert_eq!(put_back(twice, &["1".into()]), None);
        // Spec text is printed escaped, so it never looks like a placeholder.
        let escaped =
            serde_json::to_string(&serde_json::json!({ "d": "\"value\": \"apigen-example-0\"" }))
                .unwrap();
        assert_eq!(put_back(&escaped, &[]), Some(escaped.clone()));
    }
}
