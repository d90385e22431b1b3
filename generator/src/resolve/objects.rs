//! Lowering of `objects` and of field lists: field names, field types
//! (primitives, enums, objects, arrays) and inline objects hoisted into
//! named types.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::merge::In;
use super::type_expr::{self, TypeExpr};
use super::{Named, Resolver, WireForms};
use crate::diag::{FileId, did_you_mean};
use crate::model::{self, ObjectName, Type};
use crate::naming::{field_name, is_ident, object_type_name, unraw};
use crate::raw::{self, Key, Location, Spanned};

/// The primitive type names of the spec, for did-you-mean hints.
const PRIMITIVES: [&str; 8] = [
    "long", "int", "string", "bool", "money", "decimal", "datetime", "date",
];

impl Resolver<'_> {
    pub(super) fn object(&mut self, o: &In<'_, raw::Object>) -> model::Object {
        let name = ObjectName::Declared(o.key.value.clone());
        let fields = self.fields(o.file, &o.item.fields, o.item.source, &name);
        let provenance = self.provenance(
            o.file,
            &format!("object `{}`", o.key.value),
            Some(o.item.source),
            &o.item.provenance,
        );
        model::Object {
            name,
            kind: model::ObjectKind::Shared,
            zh: o.item.zh.clone(),
            en: o.item.en.clone(),
            description: o.item.description.clone(),
            source: o.item.source,
            provenance,
            fields,
        }
    }

    /// Resolve a field list. `owner` is the struct they belong to (what
    /// hoisted inline objects are named after).
    pub(super) fn fields(
        &mut self,
        file: FileId,
        fields: &IndexMap<Key, raw::Field>,
        source: raw::Source,
        owner: &ObjectName,
    ) -> Vec<model::Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, (String, Location)> = HashMap::new();
        for (key, f) in fields {
            let rust_name = field_name(&key.value);
            if !is_ident(unraw(&rust_name)) {
                self.report
                    .err(
                        file,
                        &key.loc,
                        format!("`{}` is not usable as a field name", key.value),
                    )
                    .hint = Some(
                    "use ASCII letters, digits, `_` and `-` (names become Rust identifiers)".into(),
                );
                continue;
            }
            if let Some((other, loc)) = rust_names.get(&rust_name) {
                let first = self.report.place(file, loc);
                self.report
                    .err(
                        file,
                        &key.loc,
                        format!(
                            "field `{}` collides with `{other}`: both become `{rust_name}`",
                            key.value
                        ),
                    )
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            rust_names.insert(rust_name.clone(), (key.value.clone(), key.loc));
            let field_source = f.source.unwrap_or(source);
            let Some(ty) = self.field_type(file, key, f, owner, field_source) else {
                continue;
            };
            if f.redact.is_some() && !f.sensitive {
                self.report
                    .err(
                        file,
                        &key.loc,
                        format!("`redact` on `{}`, which is not sensitive", key.value),
                    )
                    .hint = Some("add `sensitive: true`, or drop `redact`".into());
            }
            let carrier = self.carrier(file, key, f, owner, &ty);
            out.push(model::Field {
                wire_name: key.value.clone(),
                ty,
                required: f.required,
                nullable: f.nullable,
                sensitive: f.sensitive,
                redact_last4: f.redact == Some(raw::Redact::Last4),
                boxed: false,
                zh: f.zh.clone(),
                en: f.en.clone(),
                note: f.note.clone(),
                source: field_source,
                carrier,
                computed: f.computed.as_ref().is_some_and(|c| c.value),
            });
        }
        out
    }

    /// The type of a field: a primitive, an enum or object by name, an inline object (hoisted
    /// as its own object), or arrays and maps of these, nested as written.
    pub(super) fn field_type(
        &mut self,
        file: FileId,
        key: &Key,
        f: &raw::Field,
        owner: &ObjectName,
        source: raw::Source,
    ) -> Option<Type> {
        let text = f.ty.value.trim();
        let written = match type_expr::parse(text) {
            Ok(written) => written,
            Err(malformed) => {
                self.report
                    .err(file, &f.ty.referenced, malformed.message)
                    .hint = Some(malformed.hint);
                return None;
            }
        };
        let inner = written.innermost();
        let wrap = |t: Type| wrap_as(&written, t);
        let wire = self.field_wire_forms(file, key, f, inner)?;
        if inner == "object" {
            let name = self.inline_object(file, key, f, owner, source)?;
            return Some(wrap(Type::Object(name)));
        }
        if f.fields.is_some() {
            self.report
                .err(
                    file,
                    &f.ty.referenced,
                    format!("`fields` given, but the type is `{text}`"),
                )
                .hint = Some(
                "an inline object is written `type: object` (or `[object]`) with `fields:`".into(),
            );
            return None;
        }
        let t = self.named_type(file, &f.ty, inner, wire)?;
        Some(wrap(t))
    }

    /// The wire forms of a field's values: the service's, unless the field's `wire` (money,
    /// decimals) or `format` (datetimes) says otherwise. `None` (reported) when either is given
    /// on a field whose values are of another type.
    fn field_wire_forms(
        &mut self,
        file: FileId,
        key: &Key,
        f: &raw::Field,
        inner: &str,
    ) -> Option<WireForms> {
        let mut forms = self.wire_defaults;
        let mut usable = true;
        if let Some(wire) = &f.wire {
            if matches!(inner, "money" | "decimal") {
                forms.money = super::service::money_wire(wire.value);
            } else {
                self.report
                    .err(
                        file,
                        &wire.referenced,
                        format!(
                            "`wire` on `{}`, whose type `{}` holds no money or decimal",
                            key.value,
                            f.ty.value.trim()
                        ),
                    )
                    .hint = Some(if inner == "datetime" {
                    "a datetime's wire form is set with `format:` (vendor, rfc3339, epoch_s, epoch_ms)".into()
                } else {
                    "`wire: string | number` applies to `money` and `decimal` (also inside `[T]` and `map<T>`); drop it".into()
                });
                usable = false;
            }
        }
        if let Some(format) = &f.format {
            if inner == "datetime" {
                forms.datetime = super::service::datetime_format(format.value);
            } else {
                self.report
                    .err(
                        file,
                        &format.referenced,
                        format!(
                            "`format` on `{}`, whose type `{}` holds no datetime",
                            key.value,
                            f.ty.value.trim()
                        ),
                    )
                    .hint = Some(match inner {
                    "date" => "a `date` is always `YYYY-MM-DD`; `format` applies to `datetime` only; drop it".into(),
                    "money" | "decimal" => "money and decimals are written with `wire: string | number`".into(),
                    _ => "`format: vendor | rfc3339 | epoch_s | epoch_ms` applies to `datetime` (also inside `[T]` and `map<T>`); drop it".into(),
                });
                usable = false;
            }
        }
        usable.then_some(forms)
    }

    /// Hoists the inline object of field `key` (owned by `owner`) into its own object; its name.
    fn inline_object(
        &mut self,
        file: FileId,
        key: &Key,
        f: &raw::Field,
        owner: &ObjectName,
        source: raw::Source,
    ) -> Option<ObjectName> {
        let Some(fields) = &f.fields else {
            self.report
                .err(
                    file,
                    &f.ty.referenced,
                    format!("`{}` is an inline object without `fields`", key.value),
                )
                .hint = Some("add `fields:` under it, or name a type from `objects`".into());
            return None;
        };
        let name = ObjectName::Inline(Box::new(owner.clone()), key.value.clone());
        let rust = object_type_name(&name);
        if !self.claim_type(&rust, &rust, file, &key.loc) {
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
            provenance: Vec::new(),
            fields,
        });
        Some(name)
    }

    /// A primitive, enum or object type by its spec name; `None` (reported) if unknown.
    /// Money, decimals and datetimes take the wire forms `wire`.
    fn named_type(
        &mut self,
        file: FileId,
        ty: &Spanned<String>,
        inner: &str,
        wire: WireForms,
    ) -> Option<Type> {
        Some(match inner {
            "long" => Type::Long,
            "int" => Type::Int,
            "string" => Type::String,
            "bool" => Type::Bool,
            "money" => Type::Money(wire.money),
            "decimal" => Type::Decimal(wire.money),
            "datetime" => Type::DateTime(wire.datetime),
            "date" => Type::Date,
            other => match self.types.get(other) {
                Some(Named::Enum) => Type::Enum(other.to_string()),
                Some(Named::Object) => Type::Object(ObjectName::Declared(other.to_string())),
                None => {
                    let mut candidates: Vec<&str> = PRIMITIVES.to_vec();
                    candidates.extend(self.types.keys().map(String::as_str));
                    candidates.sort_unstable();
                    let hint = did_you_mean(other, candidates).unwrap_or_else(|| {
                        "use long, int, string, bool, money, decimal, datetime, date, an enum or object name, [T] or map<T>".into()
                    });
                    self.report
                        .err(file, &ty.referenced, format!("unknown type `{other}`"))
                        .set_label("not a primitive, enum or object")
                        .hint = Some(hint);
                    return None;
                }
            },
        })
    }

    /// The type of a response value (`{ value: T }`, `{ array: T }`, `{ map: T }`): any field
    /// type but an inline object, which has no field to be named after.
    pub(super) fn value_type(&mut self, file: FileId, ty: &Spanned<String>) -> Option<Type> {
        let written = match type_expr::parse(&ty.value) {
            Ok(written) => written,
            Err(malformed) => {
                self.report
                    .err(file, &ty.referenced, malformed.message)
                    .hint = Some(malformed.hint);
                return None;
            }
        };
        if written.innermost() == "object" {
            self.report
                .err(
                    file,
                    &ty.referenced,
                    "a response cannot hold an inline `object`",
                )
                .hint = Some("declare the object under `objects` and name it here".into());
            return None;
        }
        let inner = self.named_type(file, ty, written.innermost(), self.wire_defaults)?;
        Some(wrap_as(&written, inner))
    }

    pub(super) fn response_type(
        &mut self,
        file: FileId,
        t: &Spanned<String>,
        want: Named,
    ) -> Option<String> {
        match self.types.get(t.value.as_str()) {
            Some(k) if *k == want => Some(t.value.clone()),
            Some(_) => {
                self.report
                    .err(
                        file,
                        &t.referenced,
                        format!("`{}` is an enum; an object is needed here", t.value),
                    )
                    .hint = Some(format!(
                    "name an object from `objects` (an endpoint answering one enum value says `response: {{ value: {} }}`)",
                    t.value
                ));
                None
            }
            None => {
                let names: Vec<&str> = self
                    .types
                    .iter()
                    .filter(|(_, k)| **k == want)
                    .map(|(n, _)| n.as_str())
                    .collect();
                let hint = did_you_mean(&t.value, names)
                    .unwrap_or_else(|| "declare it under `objects`".into());
                self.report
                    .err(file, &t.referenced, format!("unknown type `{}`", t.value))
                    .set_label("not an object")
                    .hint = Some(hint);
                None
            }
        }
    }
}

/// `inner` inside the arrays and maps of `written`.
fn wrap_as(written: &TypeExpr<'_>, inner: Type) -> Type {
    match written {
        TypeExpr::Name(_) => inner,
        TypeExpr::Array(t) => Type::Array(Box::new(wrap_as(t, inner))),
        TypeExpr::Map(t) => Type::Map(Box::new(wrap_as(t, inner))),
    }
}
