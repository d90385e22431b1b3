//! Stage 2: validate the raw files and resolve them into the model.
//!
//! Every check runs to the end and all problems are returned together, each
//! pointing at the place in the spec that causes it.

use std::collections::HashMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;

use crate::diag::{Diagnostic, FileId, Sources, Span, did_you_mean, offset_of_line_col, span_of};
use crate::load::Loaded;
use crate::model::{self, Api, Code, Type};
use crate::raw::{self, Key, Location, Spanned};

const PRIMITIVES: [&str; 8] = [
    "long", "int", "string", "bool", "money", "decimal", "datetime", "date",
];

/// Validate and resolve. All problems are reported at once.
pub fn resolve(loaded: &Loaded) -> Result<Api, Vec<Diagnostic>> {
    let mut cx = Cx {
        sources: &loaded.sources,
        diags: Vec::new(),
    };
    let merged = cx.merge(loaded);
    let api = cx.build(&merged);
    if cx.diags.is_empty()
        && let Some(api) = api {
            return Ok(api);
        }
    // Sort by place so the report reads top to bottom, file by file.
    let mut diags = cx.diags;
    diags.sort_by_key(|d| d.span.as_ref().map(|s| (s.file, s.range.start)));
    Err(diags)
}

/// An item of the raw model and the file it came from.
struct In<'a, T> {
    file: FileId,
    key: &'a Key,
    item: &'a T,
}

#[derive(Default)]
struct Merged<'a> {
    service: Option<(FileId, &'a Spanned<raw::Service>)>,
    errors: Vec<(FileId, &'a Spanned<raw::ErrorCode>)>,
    groups: Vec<In<'a, raw::Group>>,
    enums: Vec<In<'a, raw::Enum>>,
    objects: Vec<In<'a, raw::Object>>,
    endpoints: Vec<In<'a, raw::Endpoint>>,
    webhooks: Option<(FileId, &'a Spanned<raw::Webhooks>)>,
}

struct Cx<'s> {
    sources: &'s Sources,
    diags: Vec<Diagnostic>,
}

/// What a type name in the spec refers to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Named {
    Enum,
    Object,
}

impl<'s> Cx<'s> {
    fn span(&self, file: FileId, loc: &Location) -> Span {
        span_of(self.sources, file, loc)
    }

    fn err(&mut self, file: FileId, loc: &Location, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::at(self.span(file, loc), message);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn place(&self, file: FileId, loc: &Location) -> String {
        format!("{}:{}:{}", self.sources.name(file), loc.line(), loc.column())
    }

    /// Gather the sections of every file, reporting items defined twice.
    fn merge<'a>(&mut self, loaded: &'a Loaded) -> Merged<'a> {
        let mut m = Merged::default();
        let mut indexes: [HashMap<&str, usize>; 4] = Default::default();
        for (file, f) in &loaded.files {
            let file = *file;
            if let Some(s) = &f.service {
                if let Some((pf, prev)) = m.service {
                    let first = self.place(pf, &prev.referenced);
                    let d = Diagnostic::at(self.span(file, &s.referenced), "`service` is defined twice")
                        .label("second definition")
                        .hint(format!("the first is at {first}; keep one"));
                    self.diags.push(d);
                } else {
                    m.service = Some((file, s));
                }
            }
            if let Some(w) = &f.webhooks {
                if let Some((pf, prev)) = m.webhooks {
                    let first = self.place(pf, &prev.referenced);
                    let d = Diagnostic::at(self.span(file, &w.referenced), "`webhooks` is defined twice")
                        .label("second definition")
                        .hint(format!("the first is at {first}; keep one"));
                    self.diags.push(d);
                } else {
                    m.webhooks = Some((file, w));
                }
            }
            m.errors.extend(f.errors.iter().map(|e| (file, e)));
            self.merge_map(file, "group", &f.groups, &mut m.groups, &mut indexes[0]);
            self.merge_map(file, "enum", &f.enums, &mut m.enums, &mut indexes[1]);
            self.merge_map(file, "object", &f.objects, &mut m.objects, &mut indexes[2]);
            self.merge_map(file, "endpoint", &f.endpoints, &mut m.endpoints, &mut indexes[3]);
        }
        m
    }

    fn merge_map<'a, T>(
        &mut self,
        file: FileId,
        what: &str,
        map: &'a IndexMap<Key, T>,
        out: &mut Vec<In<'a, T>>,
        index: &mut HashMap<&'a str, usize>,
    ) {
        for (key, item) in map {
            if let Some(prev) = index.get(key.value.as_str()).map(|&i| &out[i]) {
                let first = self.place(prev.file, &prev.key.loc);
                self.err(file, &key.loc, format!("duplicate {what} name `{}`", key.value))
                    .set_label("defined again here")
                    .hint = Some(format!("the first definition is at {first}; rename or remove one"));
            } else {
                index.insert(&key.value, out.len());
                out.push(In { file, key, item });
            }
        }
    }

    fn build(&mut self, m: &Merged<'_>) -> Option<Api> {
        let mut r = Resolver {
            cx: self,
            types: HashMap::new(),
            type_names: HashMap::new(),
            hoisted: Vec::new(),
            type_errors: false,
        };
        // Names the generated code defines itself.
        for reserved in ["Page", "Auth", "ErrorEnvelope"] {
            r.type_names.insert(reserved.to_string(), (reserved.to_string(), "generated by apigen".to_string()));
        }
        // Enums and objects share one namespace, compared after conversion.
        for (kind, file, key) in m
            .enums
            .iter()
            .map(|e| (Named::Enum, e.file, e.key))
            .chain(m.objects.iter().map(|o| (Named::Object, o.file, o.key)))
        {
            let rust = key.value.to_upper_camel_case();
            r.claim_type(&rust, &key.value, file, &key.loc);
            r.types.insert(key.value.clone(), kind);
        }

        let service = m.service.and_then(|(file, s)| r.service(file, s));
        if m.service.is_none() {
            r.cx.diags.push(
                Diagnostic::global("the spec has no `service` section")
                    .hint("add `service:` (title, base_url, path_prefix, version, auth, envelope, pagination) to spec/service.yaml"),
            );
        }
        let errors = r.errors(&m.errors);
        if let Some((file, svc)) = m.service
            && let Some(rl) = &svc.value.envelope.rate_limit_code
                && !errors.iter().any(|e| e.code == rl.value) {
                    r.cx
                        .err(file, &rl.referenced, format!("rate-limit code {} is not one of the listed `errors`", rl.value))
                        .hint = Some("add it under `errors` so clients can name it".into());
                }
        let groups = r.groups(&m.groups);
        let enums: Vec<model::Enum> = m.enums.iter().filter_map(|e| r.enum_(e)).collect();
        let mut objects: Vec<model::Object> = m.objects.iter().map(|o| r.object(o)).collect();
        let endpoints = r.endpoints(&m.endpoints, &groups, service.as_ref(), &mut objects);
        objects.append(&mut r.hoisted);
        let webhooks = m
            .webhooks
            .and_then(|(file, w)| r.webhooks(file, w, &endpoints, &objects));

        let api = Api::new(service?, errors, groups, enums, objects, endpoints, webhooks);
        if !r.type_errors {
            r.check_examples(m, &api);
        }
        Some(api)
    }
}

struct Resolver<'c, 's> {
    cx: &'c mut Cx<'s>,
    /// Enum and object names as written in the spec.
    types: HashMap<String, Named>,
    /// Every Rust type name taken so far: (name as written, where).
    type_names: HashMap<String, (String, String)>,
    /// Objects hoisted from inline `type: object` fields.
    hoisted: Vec<model::Object>,
    /// A type did not resolve: examples are not checked, to avoid echo errors.
    type_errors: bool,
}

impl Resolver<'_, '_> {
    /// Take the Rust type name `rust` (written `written` at `loc`); report a
    /// clash with any type, request or inline object that already has it.
    fn claim_type(&mut self, rust: &str, written: &str, file: FileId, loc: &Location) -> bool {
        if !is_ident(rust) {
            self.cx.err(file, loc, format!("`{written}` is not usable as a type name"))
                .hint = Some("use letters, digits and underscores, starting with a letter".into());
            return false;
        }
        if let Some((other, place)) = self.type_names.get(rust) {
            let msg = if other == written {
                format!("type name `{rust}` is already taken")
            } else {
                format!("type name `{written}` collides with `{other}`: both become `{rust}` in Rust")
            };
            let hint = format!("`{other}` is {}; rename one of them", if place.contains(':') { format!("at {place}") } else { place.clone() });
            self.cx.err(file, loc, msg).set_label("collides").hint = Some(hint);
            return false;
        }
        let place = self.cx.place(file, loc);
        self.type_names.insert(rust.to_string(), (written.to_string(), place));
        true
    }

    fn service(&mut self, file: FileId, s: &Spanned<raw::Service>) -> Option<model::Service> {
        let v = &s.value;
        if !v.path_prefix.value.contains("{version}") {
            self.cx
                .err(file, &v.path_prefix.referenced, "`path_prefix` has no `{version}` segment")
                .hint = Some("write it like `/{version}/openApi`".into());
        }
        let auth = self.fields(file, &v.auth, v.source, "Auth");
        let request = self.fields(file, &v.pagination.request, v.pagination.source, "Page");
        if !v.pagination.request.keys().any(|k| k.value == v.pagination.page_field.value) {
            let names: Vec<&str> = v.pagination.request.keys().map(|k| k.value.as_str()).collect();
            self.cx
                .err(file, &v.pagination.page_field.referenced, format!(
                    "page field `{}` is not one of the pagination request fields",
                    v.pagination.page_field.value
                ))
                .hint = did_you_mean(&v.pagination.page_field.value, names);
        }
        if let Some(f) = request.iter().find(|f| f.name == v.pagination.page_field.value)
            && (f.ty != Type::Int || f.required) {
                self.cx
                    .err(file, &v.pagination.page_field.referenced, format!(
                        "page field `{}` must be an optional `int`",
                        f.name
                    ))
                    .hint = Some("write it `{ type: int, required: false, ... }`".into());
            }
        let response = self.fields(file, &v.pagination.response, v.pagination.source, "Page");
        match response.iter().find(|f| f.name == v.pagination.total_field) {
            Some(f) if matches!(f.ty, Type::Long | Type::Int) => {}
            Some(_) => {
                self.cx
                    .err(file, &s.referenced, format!("total field `{}` must be `long` or `int`", v.pagination.total_field))
                    .hint = Some("the total counts rows".into());
            }
            None => {
                let names: Vec<&str> = v.pagination.response.keys().map(|k| k.value.as_str()).collect();
                self.cx
                    .err(file, &s.referenced, format!(
                        "total field `{}` is not one of the pagination response fields",
                        v.pagination.total_field
                    ))
                    .hint = did_you_mean(&v.pagination.total_field, names)
                    .or_else(|| Some("declare it under `pagination.response`".into()));
            }
        }
        Some(model::Service {
            title: v.title.clone(),
            title_en: v.title_en.clone(),
            description: v.description.clone(),
            base_url: v.base_url.clone(),
            path_prefix: v.path_prefix.value.clone(),
            default_version: v.version.default.clone(),
            version_source: v.version.source,
            auth,
            envelope: model::Envelope {
                code: v.envelope.code.clone(),
                message: v.envelope.message.clone(),
                data: v.envelope.data.clone(),
                success: v.envelope.success,
                rate_limit_code: v.envelope.rate_limit_code.as_ref().map(|c| c.value),
                source: v.envelope.source,
            },
            pagination: model::Pagination {
                request,
                page_field: v.pagination.page_field.value.clone(),
                total_field: v.pagination.total_field.clone(),
                list_field: v.pagination.list_field.clone(),
                response,
                source: v.pagination.source,
            },
            source: v.source,
            package: self.package(file, v),
        })
    }

    /// The generated crate's package metadata, defaults filled in, names checked.
    fn package(&mut self, file: FileId, v: &raw::Service) -> model::Package {
        let p = v.package.as_ref();
        let name = match p.and_then(|p| p.name.as_ref()) {
            Some(n) => {
                if !is_crate_name(&n.value) {
                    self.cx
                        .err(file, &n.referenced, format!("`{}` is not a valid crate name", n.value))
                        .hint = Some(
                        "use ASCII letters, digits, `-` and `_`, starting with a letter (at most 64 characters)".into(),
                    );
                }
                n.value.clone()
            }
            None => default_crate_name(&v.title_en),
        };
        let version = match p.and_then(|p| p.version.as_ref()) {
            Some(ver) => {
                if !is_semver(&ver.value) {
                    self.cx
                        .err(file, &ver.referenced, format!("`{}` is not a version `MAJOR.MINOR.PATCH`", ver.value))
                        .hint = Some("write it like `0.1.0` or `1.2.3-beta.1`".into());
                }
                ver.value.clone()
            }
            None => "0.1.0".to_owned(),
        };
        let description = p
            .and_then(|p| p.description.clone())
            .unwrap_or_else(|| format!("Typed client for the {}.", v.title_en.trim()));
        model::Package {
            name,
            version,
            description: description.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    fn errors(&mut self, errs: &[(FileId, &Spanned<raw::ErrorCode>)]) -> Vec<model::ErrorCode> {
        let mut out: Vec<model::ErrorCode> = Vec::new();
        let mut seen_codes: HashMap<i64, String> = HashMap::new();
        let mut seen_names: HashMap<String, String> = HashMap::new();
        for (file, e) in errs {
            let v = &e.value;
            let variant = v.name.value.to_upper_camel_case();
            let here = self.cx.place(*file, &e.referenced);
            if let Some(first) = seen_codes.get(&v.code) {
                self.cx.err(*file, &e.referenced, format!("duplicate error code {}", v.code))
                    .hint = Some(format!("it is already defined at {first}"));
                continue;
            }
            if let Some(first) = seen_names.get(&variant) {
                self.cx
                    .err(*file, &v.name.referenced, format!(
                        "error name `{}` collides with another: both become `{variant}`",
                        v.name.value
                    ))
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            if variant == "Unknown" {
                self.cx.err(*file, &v.name.referenced, "`UNKNOWN` is reserved for codes the spec does not list")
                    .hint = Some("choose another name".into());
                continue;
            }
            seen_codes.insert(v.code, here.clone());
            seen_names.insert(variant.clone(), here);
            out.push(model::ErrorCode {
                code: v.code,
                variant,
                zh: v.zh.clone(),
                en: v.en.clone(),
                action: v.action.clone(),
                source: v.source,
            });
        }
        out
    }

    fn groups(&mut self, groups: &[In<'_, raw::Group>]) -> Vec<model::Group> {
        let mut out: Vec<(u32, usize, model::Group)> = Vec::new();
        let mut taken: HashMap<String, String> = HashMap::new();
        for (i, g) in groups.iter().enumerate() {
            let snake = g.key.value.to_snake_case();
            if !is_ident(&snake) {
                self.cx
                    .err(g.file, &g.key.loc, format!("`{}` is not usable as a group name", g.key.value))
                    .hint = Some("group keys become method names: use letters, digits and underscores, starting with a letter".into());
                continue;
            }
            if let Some(first) = taken.get(&snake) {
                self.cx
                    .err(g.file, &g.key.loc, format!("group `{}` collides with another: both become `client.{snake}()`", g.key.value))
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            taken.insert(snake.clone(), self.cx.place(g.file, &g.key.loc));
            let accessor = escape(&snake);
            out.push((
                g.item.order.unwrap_or(u32::MAX),
                i,
                model::Group {
                    key: g.key.value.clone(),
                    accessor,
                    type_name: format!("{}Api", g.key.value.to_upper_camel_case()),
                    zh: g.item.zh.clone(),
                    en: g.item.en.clone(),
                },
            ));
        }
        out.sort_by_key(|(order, i, _)| (*order, *i));
        out.into_iter().map(|(_, _, g)| g).collect()
    }

    fn enum_(&mut self, e: &In<'_, raw::Enum>) -> Option<model::Enum> {
        let v = e.item;
        let mut values: Vec<model::EnumValue> = Vec::new();
        let mut codes: HashMap<Code, Location> = HashMap::new();
        let mut names: HashMap<String, (String, Location)> = HashMap::new();
        for val in &v.values {
            let val = &val.value;
            let code = match (&val.code.value, v.repr) {
                (raw::Code::Int(i), raw::EnumRepr::Int) => Code::Int(*i),
                (raw::Code::Str(s), raw::EnumRepr::String) => Code::Str(s.clone()),
                (raw::Code::Str(s), raw::EnumRepr::Int) => {
                    self.cx
                        .err(e.file, &val.code.referenced, format!("code `{s}` is not an integer, but `{}` has `repr: int`", e.key.value))
                        .hint = Some("write an integer code, or set `repr: string` on the enum".into());
                    continue;
                }
                (raw::Code::Int(i), raw::EnumRepr::String) => {
                    self.cx
                        .err(e.file, &val.code.referenced, format!("code {i} is an integer, but `{}` has `repr: string`", e.key.value))
                        .hint = Some(format!("quote it (`\"{i}\"`), or use `repr: int`"));
                    continue;
                }
            };
            if let Some(first) = codes.get(&code) {
                let first = self.cx.place(e.file, first);
                self.cx
                    .err(e.file, &val.code.referenced, format!("duplicate code {code} in enum `{}`", e.key.value))
                    .set_label("used again")
                    .hint = Some(format!("first used at {first}"));
                continue;
            }
            let variant = val.name.value.to_upper_camel_case();
            if !is_ident(&variant) {
                self.cx
                    .err(e.file, &val.name.referenced, format!("`{}` is not usable as a variant name", val.name.value))
                    .hint = Some("use letters, digits and underscores, starting with a letter".into());
                continue;
            }
            if variant == "Unknown" {
                self.cx
                    .err(e.file, &val.name.referenced, "`Unknown` is reserved for the fallback that keeps unlisted codes")
                    .hint = Some("name the value after its meaning, e.g. `UNSPECIFIED`".into());
                continue;
            }
            if let Some((first_name, first)) = names.get(&variant) {
                let first = self.cx.place(e.file, first);
                let msg = if *first_name == val.name.value {
                    format!("duplicate name `{}` in enum `{}`", val.name.value, e.key.value)
                } else {
                    format!(
                        "`{}` collides with `{first_name}` in enum `{}`: both become `{variant}`",
                        val.name.value, e.key.value
                    )
                };
                self.cx.err(e.file, &val.name.referenced, msg).hint =
                    Some(format!("the other is at {first}; rename one"));
                continue;
            }
            codes.insert(code.clone(), val.code.referenced);
            names.insert(variant.clone(), (val.name.value.clone(), val.name.referenced));
            values.push(model::EnumValue {
                code,
                name: val.name.value.clone(),
                variant,
                zh: val.zh.clone(),
                en: val.en.clone(),
            });
        }
        if v.values.is_empty() {
            self.cx.err(e.file, &e.key.loc, format!("enum `{}` has no values", e.key.value));
        }
        Some(model::Enum {
            name: e.key.value.to_upper_camel_case(),
            zh: v.zh.clone(),
            en: v.en.clone(),
            description: v.description.clone(),
            repr: v.repr,
            closed: v.closed,
            source: v.source,
            values,
        })
    }

    fn object(&mut self, o: &In<'_, raw::Object>) -> model::Object {
        let name = o.key.value.to_upper_camel_case();
        let fields = self.fields(o.file, &o.item.fields, o.item.source, &name);
        model::Object {
            name,
            kind: model::ObjectKind::Shared,
            zh: o.item.zh.clone(),
            en: o.item.en.clone(),
            description: o.item.description.clone(),
            source: o.item.source,
            fields,
        }
    }

    /// Resolve a field list. `owner` is the Rust name of the struct they
    /// belong to (used to name hoisted inline objects).
    fn fields(
        &mut self,
        file: FileId,
        fields: &IndexMap<Key, raw::Field>,
        source: raw::Source,
        owner: &str,
    ) -> Vec<model::Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, (String, Location)> = HashMap::new();
        for (key, f) in fields {
            let rust_name = escape(&key.value.to_snake_case());
            if !is_ident(rust_name.trim_start_matches("r#")) {
                self.cx
                    .err(file, &key.loc, format!("`{}` is not usable as a field name", key.value))
                    .hint = Some("use letters, digits and underscores, starting with a letter".into());
                continue;
            }
            if let Some((other, loc)) = rust_names.get(&rust_name) {
                let first = self.cx.place(file, loc);
                self.cx
                    .err(file, &key.loc, format!(
                        "field `{}` collides with `{other}`: both become `{rust_name}`",
                        key.value
                    ))
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            rust_names.insert(rust_name.clone(), (key.value.clone(), key.loc));
            let field_source = f.source.unwrap_or(source);
            let Some(ty) = self.field_type(file, key, f, owner, field_source) else {
                continue;
            };
            if f.redact.is_some() && !f.sensitive {
                self.cx
                    .err(file, &key.loc, format!("`redact` on `{}`, which is not sensitive", key.value))
                    .hint = Some("add `sensitive: true`, or drop `redact`".into());
            }
            out.push(model::Field {
                name: key.value.clone(),
                rust_name,
                ty,
                required: f.required,
                nullable: f.nullable,
                sensitive: f.sensitive,
                redact_last4: f.redact == Some(raw::Redact::Last4),
                zh: f.zh.clone(),
                en: f.en.clone(),
                note: f.note.clone(),
                source: field_source,
            });
        }
        out
    }

    fn field_type(
        &mut self,
        file: FileId,
        key: &Key,
        f: &raw::Field,
        owner: &str,
        source: raw::Source,
    ) -> Option<Type> {
        let text = f.ty.value.trim();
        let (inner, array) = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(inner) => (inner.trim(), true),
            None => (text, false),
        };
        let wrap = |t: Type| if array { Type::Array(Box::new(t)) } else { t };
        if inner == "object" {
            let Some(fields) = &f.fields else {
                self.type_errors = true;
                self.cx
                    .err(file, &f.ty.referenced, format!("`{}` is an inline object without `fields`", key.value))
                    .hint = Some("add `fields:` under it, or name a type from `objects`".into());
                return None;
            };
            let name = format!("{owner}{}", key.value.to_upper_camel_case());
            if !self.claim_type(&name, &name, file, &key.loc) {
                return None;
            }
            let fields = self.fields(file, fields, source, &name);
            self.hoisted.push(model::Object {
                name: name.clone(),
                kind: model::ObjectKind::Inline,
                zh: f.zh.clone(),
                en: f.en.clone().unwrap_or_else(|| key.value.clone()),
                description: f.note.clone(),
                source,
                fields,
            });
            return Some(wrap(Type::Object(name)));
        }
        if f.fields.is_some() {
            self.cx
                .err(file, &f.ty.referenced, format!("`fields` given, but the type is `{text}`"))
                .hint = Some("an inline object is written `type: object` (or `[object]`) with `fields:`".into());
            return None;
        }
        let t = match inner {
            "long" => Type::Long,
            "int" => Type::Int,
            "string" => Type::String,
            "bool" => Type::Bool,
            "money" => Type::Money,
            "decimal" => Type::Decimal,
            "datetime" => Type::DateTime,
            "date" => Type::Date,
            other => match self.types.get(other) {
                Some(Named::Enum) => Type::Enum(other.to_upper_camel_case()),
                Some(Named::Object) => Type::Object(other.to_upper_camel_case()),
                None => {
                    self.type_errors = true;
                    let mut candidates: Vec<&str> = PRIMITIVES.to_vec();
                    candidates.extend(self.types.keys().map(String::as_str));
                    candidates.sort_unstable();
                    let hint = did_you_mean(other, candidates).unwrap_or_else(|| {
                        "use long, int, string, bool, money, decimal, datetime, date, an enum or object name, or [T]".into()
                    });
                    self.cx
                        .err(file, &f.ty.referenced, format!("unknown type `{other}`"))
                        .set_label("not a primitive, enum or object")
                        .hint = Some(hint);
                    return None;
                }
            },
        };
        Some(wrap(t))
    }

    fn endpoints(
        &mut self,
        eps: &[In<'_, raw::Endpoint>],
        groups: &[model::Group],
        service: Option<&model::Service>,
        objects: &mut Vec<model::Object>,
    ) -> Vec<model::Endpoint> {
        let mut out: Vec<(usize, usize, model::Endpoint)> = Vec::new();
        let mut paths: HashMap<String, String> = HashMap::new();
        let mut ops: HashMap<String, String> = HashMap::new();
        for (i, e) in eps.iter().enumerate() {
            let v = e.item;
            let file = e.file;
            let name = e.key.value.to_snake_case();
            if !is_ident(&name) {
                self.cx.err(file, &e.key.loc, format!("`{}` is not usable as an operation name", e.key.value));
                continue;
            }
            let name = escape(&name);
            if let Some(first) = ops.get(&name) {
                self.cx
                    .err(file, &e.key.loc, format!("endpoint `{}` collides with another: both become `{name}`", e.key.value))
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            ops.insert(name.clone(), self.cx.place(file, &e.key.loc));

            let group_pos = groups.iter().position(|g| g.key == v.group.value);
            if group_pos.is_none() {
                let hint = did_you_mean(&v.group.value, groups.iter().map(|g| g.key.as_str()))
                    .unwrap_or_else(|| "declare it under `groups` in spec/service.yaml".into());
                self.cx
                    .err(file, &v.group.referenced, format!("unknown group `{}`", v.group.value))
                    .hint = Some(hint);
            }
            if !v.path.value.starts_with('/') {
                self.cx
                    .err(file, &v.path.referenced, format!("path `{}` does not start with `/`", v.path.value))
                    .hint = Some(format!("write `/{}`", v.path.value));
            }
            if let Some(first) = paths.get(&v.path.value) {
                self.cx
                    .err(file, &v.path.referenced, format!("duplicate path `{}`", v.path.value))
                    .set_label("already used")
                    .hint = Some(format!("it is already the path of {first}"));
            } else {
                paths.insert(v.path.value.clone(), format!("`{}`", e.key.value));
            }

            let request_type = format!("{}Request", name.trim_start_matches("r#").to_upper_camel_case());
            if !self.claim_type(&request_type, &request_type, file, &e.key.loc)
                && let Some(d) = self.cx.diags.last_mut() {
                    d.message = format!("the request type `{request_type}` of endpoint `{}` is already taken", e.key.value);
                }

            let response = match &v.response.value {
                raw::Response::Object(t) => self.response_type(file, t, Named::Object).map(model::Response::Object),
                raw::Response::Array(t) => self.response_type(file, t, Named::Object).map(model::Response::Array),
                raw::Response::Page(t) => self.response_type(file, t, Named::Object).map(model::Response::Page),
                raw::Response::Empty => Some(model::Response::Empty),
            };
            let paginated = v.pagination.is_some();
            if let Some(marker) = &v.pagination
                && !matches!(v.response.value, raw::Response::Page(_)) {
                    self.cx
                        .err(file, &marker.referenced, "`pagination: page` on a response that is not a page")
                        .set_label("pagination marker")
                        .hint = Some("write the response as `{ page: T }`, or drop `pagination`".into());
                }

            let mut fields = self.fields(file, &v.request, v.source, &request_type);
            if paginated
                && let Some(s) = service {
                    for pf in &s.pagination.request {
                        if fields.iter().any(|f| f.rust_name == pf.rust_name) {
                            continue;
                        }
                        fields.push(pf.clone());
                    }
                }
            if let Some(s) = service {
                for f in &fields {
                    if let Some(a) = s.auth.iter().find(|a| a.name == f.name) {
                        let loc = v.request.keys().find(|k| k.value == f.name).map(|k| k.loc);
                        if let Some(loc) = loc {
                            self.cx
                                .err(file, &loc, format!("`{}` is an auth field; it is added to every request", a.name))
                                .hint = Some("remove it from `request`".into());
                        }
                    }
                }
            }

            if let Some(key) = &v.idempotency_key {
                if !v.request.keys().any(|k| k.value == key.value) {
                    let hint = did_you_mean(&key.value, v.request.keys().map(|k| k.value.as_str()))
                        .unwrap_or_else(|| format!("add `{}` to `request`", key.value));
                    self.cx
                        .err(file, &key.referenced, format!(
                            "idempotency field `{}` is not a request field of `{}`",
                            key.value, e.key.value
                        ))
                        .hint = Some(hint);
                } else if let Some(f) = v.request.iter().find(|(k, _)| k.value == key.value)
                    && !f.1.required {
                        self.cx
                            .err(file, &key.referenced, format!("idempotency field `{}` is optional", key.value))
                            .hint = Some("an idempotency key must be sent on every call; make it required".into());
                    }
            }
            let retry = match v.retry.value {
                raw::Retry::Safe => model::Retry::Safe,
                raw::Retry::Never => model::Retry::Never,
            };
            if v.moves_money && retry == model::Retry::Safe {
                self.cx
                    .err(file, &v.retry.referenced, format!("`{}` moves money but is marked `retry: safe`", e.key.value))
                    .hint = Some("money-moving calls are `retry: never` with an `idempotency_key`".into());
            }
            if v.moves_money && v.idempotency_key.is_none() {
                self.cx
                    .err(file, &e.key.loc, format!("`{}` moves money but names no `idempotency_key`", e.key.value))
                    .hint = Some("name the request field that identifies the order, e.g. `idempotency_key: out_order_id`".into());
            }

            let Some(response) = response else { continue };
            let full_path = match service {
                Some(s) => format!("{}{}", s.path_prefix.trim_end_matches('/'), v.path.value),
                None => v.path.value.clone(),
            };
            objects.push(model::Object {
                name: request_type.clone(),
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
                    name,
                    group: v.group.value.clone(),
                    zh: v.zh.clone(),
                    en: v.en.clone(),
                    description: v.description.clone(),
                    path: v.path.value.clone(),
                    full_path,
                    source: v.source,
                    request_type,
                    response,
                    paginated,
                    retry,
                    idempotency_key: v.idempotency_key.as_ref().map(|k| k.value.clone()),
                    moves_money: v.moves_money,
                    recovery: v.recovery.clone(),
                    examples: examples(&v.examples, v.source),
                },
            ));
        }
        out.sort_by_key(|(g, i, _)| (*g, *i));
        out.into_iter().map(|(_, _, e)| e).collect()
    }

    fn response_type(&mut self, file: FileId, t: &Spanned<String>, want: Named) -> Option<String> {
        if self.types.get(t.value.as_str()) != Some(&want) {
            self.type_errors = true;
        }
        match self.types.get(t.value.as_str()) {
            Some(k) if *k == want => Some(t.value.to_upper_camel_case()),
            Some(_) => {
                self.cx
                    .err(file, &t.referenced, format!("`{}` is an enum; a response holds an object", t.value))
                    .hint = Some("declare an object under `objects` with the fields of `data`".into());
                None
            }
            None => {
                let names: Vec<&str> = self
                    .types
                    .iter()
                    .filter(|(_, k)| **k == want)
                    .map(|(n, _)| n.as_str())
                    .collect();
                let hint = did_you_mean(&t.value, names).unwrap_or_else(|| "declare it under `objects`".into());
                self.cx
                    .err(file, &t.referenced, format!("unknown type `{}`", t.value))
                    .set_label("not an object")
                    .hint = Some(hint);
                None
            }
        }
    }

    fn webhooks(
        &mut self,
        file: FileId,
        w: &Spanned<raw::Webhooks>,
        endpoints: &[model::Endpoint],
        objects: &[model::Object],
    ) -> Option<model::Webhooks> {
        let v = &w.value;
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&v.ack.body.value) {
            self.cx
                .err(file, &v.ack.body.referenced, format!("the acknowledgement body is not JSON: {e}"))
                .hint = Some("write it as JSON text, e.g. '{\"code\":0,\"message\":\"success\"}'".into());
        }
        let mut kinds = Vec::new();
        let mut tags: HashMap<String, String> = HashMap::new();
        let mut variants: HashMap<String, String> = HashMap::new();
        let mut kind_names: HashMap<String, String> = HashMap::new();
        for (key, k) in &v.kinds {
            let kind_variant = key.value.to_upper_camel_case();
            if !is_ident(&kind_variant) {
                self.cx
                    .err(file, &key.loc, format!("`{}` is not usable as a webhook kind", key.value))
                    .hint = Some("use letters, digits and underscores, starting with a letter".into());
                continue;
            }
            if let Some(first) = kind_names.get(&kind_variant) {
                self.cx
                    .err(file, &key.loc, format!("webhook kind `{}` collides with another: both become `{kind_variant}`", key.value))
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            kind_names.insert(kind_variant, self.cx.place(file, &key.loc));
            let payload = self.response_type(file, &k.payload, Named::Object);
            let mut events = Vec::new();
            for ev in &k.events {
                let ev = &ev.value;
                let here = self.cx.place(file, &ev.tag.referenced);
                if let Some(first) = tags.get(&ev.tag.value) {
                    self.cx
                        .err(file, &ev.tag.referenced, format!("duplicate webhook tag `{}`", ev.tag.value))
                        .set_label("used again")
                        .hint = Some(format!("first used at {first}"));
                    continue;
                }
                tags.insert(ev.tag.value.clone(), here.clone());
                let variant = ev.name.value.to_upper_camel_case();
                if !is_ident(&variant) || variant == "Unknown" {
                    self.cx
                        .err(file, &ev.name.referenced, format!("`{}` is not usable as an event name", ev.name.value))
                        .hint = Some("`Unknown` is reserved for unlisted tags; otherwise use letters and digits".into());
                    continue;
                }
                if let Some(first) = variants.get(&variant) {
                    self.cx
                        .err(file, &ev.name.referenced, format!("event name `{}` collides with another: both become `{variant}`", ev.name.value))
                        .hint = Some(format!("the other is at {first}; rename one"));
                    continue;
                }
                variants.insert(variant.clone(), self.cx.place(file, &ev.name.referenced));
                events.push(model::WebhookEvent {
                    tag: ev.tag.value.clone(),
                    variant,
                    zh: ev.zh.clone(),
                    en: ev.en.clone(),
                    source: ev.source.unwrap_or(k.source),
                });
            }
            let refetch = k.refetch.as_ref().and_then(|r| {
                let r_loc = r.value.endpoint.referenced;
                let Some(ep) = endpoints.iter().find(|e| e.name == r.value.endpoint.value) else {
                    let hint = did_you_mean(&r.value.endpoint.value, endpoints.iter().map(|e| e.name.as_str()));
                    self.cx
                        .err(file, &r_loc, format!("unknown endpoint `{}`", r.value.endpoint.value))
                        .hint = hint;
                    return None;
                };
                let req = objects.iter().find(|o| o.name == ep.request_type)?;
                let pay = payload.as_ref().and_then(|p| objects.iter().find(|o| &o.name == p))?;
                if !matches!(ep.response, model::Response::Object(_)) {
                    self.cx
                        .err(file, &r_loc, format!("`{}` does not return one object, so it cannot re-fetch", ep.name))
                        .hint = Some("refetch through a detail endpoint (`response: { object: T }`)".into());
                    return None;
                }
                let mut pairs = Vec::new();
                let mut unknown_key = false;
                for (rk, pf) in &r.value.fields {
                    let Some(rf) = req.fields.iter().find(|f| f.name == rk.value) else {
                        unknown_key = true;
                        self.cx
                            .err(file, &rk.loc, format!("`{}` is not a request field of `{}`", rk.value, ep.name))
                            .hint = did_you_mean(&rk.value, req.fields.iter().map(|f| f.name.as_str()));
                        continue;
                    };
                    let Some(pfield) = pay.fields.iter().find(|f| &f.name == pf) else {
                        self.cx
                            .err(file, &rk.loc, format!("`{pf}` is not a field of the payload `{}`", pay.name))
                            .hint = did_you_mean(pf, pay.fields.iter().map(|f| f.name.as_str()));
                        continue;
                    };
                    if rf.ty != pfield.ty || (!rf.is_option() && pfield.is_option()) {
                        self.cx
                            .err(file, &rk.loc, format!(
                                "payload field `{pf}` ({}{}) cannot fill request field `{}` ({}{})",
                                pfield.ty.spec_name(),
                                if pfield.is_option() { ", optional" } else { "" },
                                rk.value,
                                rf.ty.spec_name(),
                                if rf.is_option() { ", optional" } else { "" },
                            ))
                            .hint = Some("map fields of the same type; a required request field needs a required payload field".into());
                        continue;
                    }
                    pairs.push((rk.value.clone(), pf.clone()));
                }
                // After a misspelt key, the "missing" field is most likely that key: one report.
                for f in req.fields.iter().filter(|f| !f.is_option() && !unknown_key) {
                    if !r.value.fields.keys().any(|rk| rk.value == f.name) {
                        self.cx
                            .err(file, &r_loc, format!("re-fetching through `{}` needs its required field `{}`", ep.name, f.name))
                            .hint = Some(format!("add `{}: <payload field>` to `refetch.fields`", f.name));
                    }
                }
                Some(model::Refetch {
                    endpoint: ep.name.clone(),
                    fields: pairs,
                })
            });
            let Some(payload) = payload else { continue };
            kinds.push(model::WebhookKind {
                key: key.value.clone(),
                variant: key.value.to_upper_camel_case(),
                zh: k.zh.clone(),
                en: k.en.clone(),
                source: k.source,
                payload,
                refetch,
                events,
                examples: examples(&k.examples, k.source),
            });
        }
        Some(model::Webhooks {
            tag_field: v.tag_field.clone(),
            data_field: v.data_field.clone(),
            ack_status: v.ack.status,
            ack_body: v.ack.body.value.clone(),
            ack_source: v.ack.source,
            source: v.source,
            kinds,
        })
    }

    /// Check every example against its declared types.
    fn check_examples(&mut self, m: &Merged<'_>, api: &Api) {
        for e in &m.endpoints {
            let Some(ep) = api.endpoint(&escape(&e.key.value.to_snake_case())) else {
                continue;
            };
            for ex in &e.item.examples {
                if let Some(req) = &ex.value.request {
                    self.check_example(e.file, req, api, Target::Request(ep), &ex.value.name);
                }
                if let Some(resp) = &ex.value.response {
                    self.check_example(e.file, resp, api, Target::Response(ep), &ex.value.name);
                }
            }
        }
        if let (Some((file, w)), Some(hooks)) = (m.webhooks, &api.webhooks) {
            for (key, k) in &w.value.kinds {
                let Some(kind) = hooks.kinds.iter().find(|x| x.key == key.value) else { continue };
                for ex in &k.examples {
                    if let Some(body) = &ex.value.request {
                        self.check_example(file, body, api, Target::Webhook(hooks, kind), &ex.value.name);
                    }
                    if ex.value.response.is_some() {
                        self.cx
                            .err(file, &ex.referenced, "a webhook example has a body (`request`) only")
                            .hint = Some("the acknowledgement is `webhooks.ack`".into());
                    }
                }
            }
        }
    }

    fn check_example(&mut self, file: FileId, text: &Spanned<String>, api: &Api, target: Target<'_>, name: &str) {
        let value: serde_json::Value = match serde_json::from_str(&text.value) {
            Ok(v) => v,
            Err(e) => {
                let at = offset_of_line_col(&text.value, e.line() as u64, e.column().max(1) as u64);
                let span = self.block_span(file, text, Some(at));
                let message = format!("example `{name}` is not valid JSON: {}", e.to_string().split(" at line ").next().unwrap_or(""));
                self.cx.diags.push(
                    Diagnostic::at(span, message)
                        .label("here")
                        .hint("examples are JSON text; check commas, quotes and brackets"),
                );
                return;
            }
        };
        let mut problems = Vec::new();
        let checker = Checker { api };
        match target {
            Target::Request(ep) => {
                if let Some(req) = api.request_object(ep) {
                    let extra: Vec<&model::Field> = api.service.auth.iter().collect();
                    checker.object_fields(&value, &req.fields, &extra, "$", &mut problems);
                }
            }
            Target::Response(ep) => checker.envelope(&value, ep, &mut problems),
            Target::Webhook(hooks, kind) => checker.webhook(&value, hooks, kind, &mut problems),
        }
        for (path, msg) in problems {
            let at = json_path_offset(&text.value, &path);
            let span = self.block_span(file, text, at);
            let d = Diagnostic::at(span, format!("example `{name}` does not match its type at `{path}`: {msg}"))
                .label("here")
                .hint("fix the example, or the declared type if the example is the vendor's");
            self.cx.diags.push(d);
        }
    }

    /// The place in the spec file of byte `at` of an example's JSON text (a
    /// block scalar keeps the JSON's lines, indented), or the example itself.
    fn block_span(&self, file: FileId, text: &Spanned<String>, at: Option<usize>) -> Span {
        let block = span_of(self.cx.sources, file, &text.referenced);
        let Some(at) = at else { return block };
        let src = self.cx.sources.text(file);
        let json = &text.value;
        let line_idx = json[..at.min(json.len())].matches('\n').count();
        let col = at - json[..at].rfind('\n').map_or(0, |i| i + 1);
        let first = json.lines().next().unwrap_or("").trim();
        if first.is_empty() {
            return block;
        }
        // The file line holding the JSON's first line, at or after the example's start.
        let mut offset = src[..block.range.start].rfind('\n').map_or(0, |i| i + 1);
        let mut lines = src[offset..].split_inclusive('\n');
        let mut indent = None;
        for l in lines.by_ref() {
            if l.trim() == first || (l.trim_start().starts_with(first) && !l.contains('|')) {
                indent = Some(l.find(first).unwrap_or(0));
                break;
            }
            offset += l.len();
        }
        let Some(indent) = indent else { return block };
        let mut line_start = offset;
        for l in src[offset..].split_inclusive('\n').take(line_idx) {
            line_start += l.len();
        }
        let line_end = src[line_start..].find('\n').map_or(src.len(), |i| line_start + i);
        let start = if line_idx == 0 { line_start + indent + col } else { line_start + indent.min(line_end - line_start) + col };
        if start >= line_end {
            return block;
        }
        Span {
            file,
            range: start..token_end_json(src, start, line_end),
        }
    }
}

/// End of the JSON token at `start` (a string with its quotes, or a scalar), within the line.
fn token_end_json(src: &str, start: usize, line_end: usize) -> usize {
    let bytes = src.as_bytes();
    if bytes[start] == b'"' {
        let mut i = start + 1;
        while i < line_end {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        return line_end;
    }
    if matches!(bytes[start], b'{' | b'[') {
        return start + 1;
    }
    let mut i = start;
    while i < line_end && !matches!(bytes[i], b',' | b'}' | b']' | b' ') {
        i += 1;
    }
    i.max(start + 1)
}

/// Byte offset in `json` of the key (or, for array items and the root, the
/// value) that a checker path like `$.data.list[1].status` names.
fn json_path_offset(json: &str, path: &str) -> Option<usize> {
    let mut segs = Vec::new();
    for part in path.trim_start_matches('$').split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                segs.push(Seg::Key(&rest[..i]));
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                segs.push(Seg::Index(rest[1..end].parse().ok()?));
                rest = &rest[end + 1..];
            }
        } else {
            segs.push(Seg::Key(rest));
        }
    }
    let mut scanner = JsonScanner { b: json.as_bytes(), i: 0 };
    scanner.find(&segs)
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Just enough of a JSON reader to find where a path is (the text is known to be valid).
struct JsonScanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonScanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.i;
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some((start + 1, self.i - 1));
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn skip(&mut self) -> Option<()> {
        self.ws();
        match *self.b.get(self.i)? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while self.i < self.b.len() {
                    match self.b[self.i] {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                None
            }
            _ => {
                while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']') {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    /// Offset of the path below the value starting here.
    fn find(&mut self, path: &[Seg<'_>]) -> Option<usize> {
        self.ws();
        let Some((seg, rest)) = path.split_first() else { return Some(self.i) };
        match (seg, *self.b.get(self.i)?) {
            (Seg::Key(key), b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key_at = self.i;
                    let (s, e) = self.string()?;
                    self.ws();
                    self.i += 1; // ':'
                    if &self.b[s..e] == key.as_bytes() {
                        return if rest.is_empty() { Some(key_at) } else { self.find(rest) };
                    }
                    self.skip()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b',') {
                        return None;
                    }
                    self.i += 1;
                }
            }
            (Seg::Index(n), b'[') => {
                self.i += 1;
                for _ in 0..*n {
                    self.skip()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b',') {
                        return None;
                    }
                    self.i += 1;
                }
                self.find(rest)
            }
            _ => None,
        }
    }
}

enum Target<'a> {
    Request(&'a model::Endpoint),
    Response(&'a model::Endpoint),
    Webhook(&'a model::Webhooks, &'a model::WebhookKind),
}

/// (JSON path, message)
type Problem = (String, String);

struct Checker<'a> {
    api: &'a Api,
}

impl Checker<'_> {
    fn envelope(&self, v: &serde_json::Value, ep: &model::Endpoint, out: &mut Vec<Problem>) {
        let env = &self.api.service.envelope;
        let Some(map) = v.as_object() else {
            out.push(("$".into(), "a response example is the whole envelope object".into()));
            return;
        };
        match map.get(&env.code).and_then(serde_json::Value::as_i64) {
            None => out.push((format!("$.{}", env.code), "missing or not an integer".into())),
            Some(code) if code != env.success => return, // an error example: data is free-form
            Some(_) => {}
        }
        if !map.get(&env.message).is_some_and(serde_json::Value::is_string) {
            out.push((format!("$.{}", env.message), "missing or not a string".into()));
        }
        let data = map.get(&env.data).unwrap_or(&serde_json::Value::Null);
        let path = format!("$.{}", env.data);
        match &ep.response {
            model::Response::Empty => {
                if !(data.is_null() || data.as_object().is_some_and(|m| m.is_empty())) {
                    out.push((path, "this endpoint's data is empty (null or {})".into()));
                }
            }
            model::Response::Object(t) => self.value(data, &Type::Object(t.clone()), &path, out),
            model::Response::Array(t) => {
                self.value(data, &Type::Array(Box::new(Type::Object(t.clone()))), &path, out)
            }
            model::Response::Page(t) => {
                let p = &self.api.service.pagination;
                let Some(m) = data.as_object() else {
                    out.push((path, "expected a page object".into()));
                    return;
                };
                let list = m.get(&p.list_field).unwrap_or(&serde_json::Value::Null);
                let lp = format!("{path}.{}", p.list_field);
                self.value(list, &Type::Array(Box::new(Type::Object(t.clone()))), &lp, out);
                let rest: serde_json::Map<String, serde_json::Value> =
                    m.iter().filter(|(k, _)| **k != p.list_field).map(|(k, v)| (k.clone(), v.clone())).collect();
                self.object_fields(&serde_json::Value::Object(rest), &p.response, &[], &path, out);
            }
        }
    }

    fn webhook(&self, v: &serde_json::Value, hooks: &model::Webhooks, kind: &model::WebhookKind, out: &mut Vec<Problem>) {
        let Some(map) = v.as_object() else {
            out.push(("$".into(), "a webhook body is a JSON object".into()));
            return;
        };
        match map.get(&hooks.tag_field).and_then(serde_json::Value::as_str) {
            Some(tag) if kind.events.iter().any(|e| e.tag == tag) => {}
            Some(tag) => out.push((
                format!("$.{}", hooks.tag_field),
                format!("`{tag}` is not a tag of this kind"),
            )),
            None => out.push((format!("$.{}", hooks.tag_field), "missing event tag".into())),
        }
        let ty = Type::Object(kind.payload.clone());
        match map.get(&hooks.data_field) {
            Some(data) => self.value(data, &ty, &format!("$.{}", hooks.data_field), out),
            None => {
                let flat: serde_json::Map<String, serde_json::Value> =
                    map.iter().filter(|(k, _)| **k != hooks.tag_field).map(|(k, v)| (k.clone(), v.clone())).collect();
                if let Some(o) = self.api.object(&kind.payload) {
                    self.object_fields(&serde_json::Value::Object(flat), &o.fields, &[], "$", out);
                }
            }
        }
    }

    fn object_fields(
        &self,
        v: &serde_json::Value,
        fields: &[model::Field],
        also_allowed: &[&model::Field],
        path: &str,
        out: &mut Vec<Problem>,
    ) {
        let Some(map) = v.as_object() else {
            out.push((path.into(), format!("expected an object, found {}", kind_of(v))));
            return;
        };
        for f in fields {
            match map.get(&f.name) {
                None if f.required => out.push((path.into(), format!("required field `{}` is missing", f.name))),
                None => {}
                Some(x) => self.field(x, f, &format!("{path}.{}", f.name), out),
            }
        }
        for (k, x) in map {
            if fields.iter().any(|f| &f.name == k) {
                continue;
            }
            match also_allowed.iter().find(|f| &f.name == k) {
                Some(f) => self.field(x, f, &format!("{path}.{k}"), out),
                None => out.push((
                    format!("{path}.{k}"),
                    "this field is not declared".into(),
                )),
            }
        }
    }

    fn field(&self, v: &serde_json::Value, f: &model::Field, path: &str, out: &mut Vec<Problem>) {
        let empty = v.is_null() || v.as_str() == Some("");
        let may_be_empty = f.nullable || !f.required;
        let empty_ok = matches!(f.ty, Type::DateTime | Type::Date) && (may_be_empty || v.is_null());
        if empty && (empty_ok || (v.is_null() && may_be_empty)) {
            return;
        }
        self.value(v, &f.ty, path, out);
    }

    fn value(&self, v: &serde_json::Value, ty: &Type, path: &str, out: &mut Vec<Problem>) {
        use serde_json::Value as J;
        let mut bad = |want: &str| {
            out.push((path.into(), format!("expected {want}, found {}", kind_of(v))));
        };
        match ty {
            Type::Long => {
                if !v.is_i64() {
                    bad("an integer (long)")
                }
            }
            Type::Int => {
                if v.as_i64().is_none_or(|i| i32::try_from(i).is_err()) {
                    bad("a 32-bit integer (int)")
                }
            }
            Type::String => {
                if !v.is_string() {
                    bad("a string")
                }
            }
            Type::Bool => {
                if !v.is_boolean() {
                    bad("a boolean")
                }
            }
            Type::Money | Type::Decimal => {
                if !v.is_number() {
                    bad("a decimal number")
                }
            }
            Type::DateTime => {
                if !v.as_str().is_some_and(is_datetime) {
                    bad("a datetime \"YYYY-MM-DD HH:MM:SS\"")
                }
            }
            Type::Date => {
                if !v.as_str().is_some_and(is_date) {
                    bad("a date \"YYYY-MM-DD\"")
                }
            }
            Type::Enum(name) => {
                let Some(e) = self.api.enum_(name) else { return };
                let code = match (e.repr, v) {
                    (model::EnumRepr::Int, J::Number(n)) => n.as_i64().map(Code::Int),
                    (model::EnumRepr::String, J::String(s)) => Some(Code::Str(s.clone())),
                    _ => None,
                };
                match code {
                    None => bad(if e.repr == model::EnumRepr::Int { "an integer code" } else { "a string code" }),
                    Some(c) if e.closed && !e.values.iter().any(|x| x.code == c) => out.push((
                        path.into(),
                        format!("{c} is not a code of the closed enum `{name}`"),
                    )),
                    Some(_) => {}
                }
            }
            Type::Object(name) => {
                if let Some(o) = self.api.object(name) {
                    self.object_fields(v, &o.fields, &[], path, out);
                }
            }
            Type::Array(inner) => match v.as_array() {
                Some(items) => {
                    for (i, x) in items.iter().enumerate() {
                        self.value(x, inner, &format!("{path}[{i}]"), out);
                    }
                }
                None => bad("an array"),
            },
        }
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        serde_json::Value::Number(_) => "a decimal number",
        serde_json::Value::String(s) if s.is_empty() => "an empty string",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn examples(raw: &[Spanned<raw::Example>], source: raw::Source) -> Vec<model::Example> {
    raw.iter()
        .map(|e| model::Example {
            name: e.value.name.clone(),
            source: e.value.source.unwrap_or(source),
            request: e.value.request.as_ref().map(|s| s.value.clone()),
            response: e.value.response.as_ref().map(|s| s.value.clone()),
        })
        .collect()
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19 && is_date(&s[..10]) && b[10] == b' ' && digits(&b[11..13]) && b[13] == b':' && digits(&b[14..16]) && b[16] == b':' && digits(&b[17..19])
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && digits(&b[..4]) && b[4] == b'-' && digits(&b[5..7]) && b[7] == b'-' && digits(&b[8..10])
}

fn digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

/// Is `s` a plain Rust identifier (before keyword escaping)?
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}

/// Escape a snake_case name that is a Rust keyword: `type` -> `r#type`;
/// the few that cannot be raw identifiers get a trailing underscore.
pub fn escape(name: &str) -> String {
    const RAW: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
        "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
        "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    match name {
        "self" | "super" | "crate" | "Self" => format!("{name}_"),
        n if RAW.contains(&n) => format!("r#{n}"),
        n => n.to_string(),
    }
}

/// A crate name cargo accepts: ASCII letters, digits, `-`, `_`; starts with a letter.
fn is_crate_name(s: &str) -> bool {
    s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !matches!(s, "test" | "core" | "std" | "alloc" | "proc_macro" | "proc-macro" | "self" | "crate" | "super")
}

/// The crate name made from the English title: kebab-case ASCII, `api-client` when nothing usable remains.
fn default_crate_name(title_en: &str) -> String {
    use heck::ToKebabCase as _;
    let ascii: String = title_en
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let name = ascii.to_kebab_case();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let name: String = name.chars().take(64).collect();
    let name = name.trim_end_matches('-').to_owned();
    if is_crate_name(&name) { name } else { "api-client".to_owned() }
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` or `+build` suffix of `[0-9A-Za-z.-]`.
fn is_semver(s: &str) -> bool {
    let (core, rest) = match s.find(['-', '+']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "1"),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
}

#[cfg(test)]
mod package_tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(default_crate_name("Card and wallet OPEN-API"), "card-and-wallet-open-api");
        assert_eq!(default_crate_name("3PL Parcel API"), "pl-parcel-api");
        assert_eq!(default_crate_name("卡与钱包"), "api-client");
        assert_eq!(default_crate_name(""), "api-client");
        assert!(is_crate_name("card-wallet"));
        assert!(!is_crate_name("3pl"));
        assert!(!is_crate_name("std"));
        assert!(!is_crate_name("a b"));
    }

    #[test]
    fn versions() {
        for ok in ["0.1.0", "1.2.3-beta.1", "10.0.0+build.5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0.0", ""] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
