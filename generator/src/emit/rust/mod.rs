//! The Rust emitter: builds each module of the client with `quote`, parses it
//! with `syn` (so a generator bug is an error, not broken code on disk) and
//! formats it with `prettyplease`. One emitter per kind of item; the pieces
//! they share (doc attributes, field types and attributes) are here.

mod api;
mod cursor_page;
mod doc_marks;
mod enums;
mod format;
mod objects;
mod open_enum;
mod service;
mod service_file;
mod shapes;
mod webhooks;

pub(crate) use api::{api_group_module, api_index_module, response_tokens};
pub(crate) use enums::enums_module;
pub(crate) use format::{HEADER, Module, format_module};
pub(crate) use objects::{
    MAX_NEW_ARGS, requests_group_module, requests_index_module, types_module,
};
pub(crate) use service_file::service_file;
pub(crate) use webhooks::webhooks_module;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::prose::{inline, md, zh_en};
use crate::model::{DateTimeFormat, Field, MoneyWire, Source, Type};
use crate::naming::{field_name, object_ident, type_ident, unraw};

/// Doc comment lines (`///`) for `text` (see `doc_marks.rs` for how they reach the file).
pub(crate) fn doc(text: &str) -> TokenStream {
    doc_marks::mark(text, false)
}

/// Inner doc comment lines (`//!`) for a module.
pub(crate) fn module_doc(text: &str) -> TokenStream {
    doc_marks::mark(text, true)
}

/// Docs of a field; `money_unit` is the spec's `service.money.unit`.
pub(crate) fn field_doc(f: &Field, money_unit: Option<&str>) -> String {
    let mut s = zh_en(&f.zh, f.en.as_deref());
    if let Some(note) = &f.note {
        s.push_str(&format!("\n\n{}", md(note)));
    }
    let mut facts = vec![format!(
        "Wire name `{}`, `{}`",
        f.wire_name,
        f.ty.spec_name()
    )];
    if !f.required {
        facts.push("optional".into());
    } else if f.nullable {
        facts.push("always present, may be empty (read as `None`)".into());
    }
    match f.ty.innermost() {
        Type::Money(wire) => facts.push(match money_unit {
            Some(unit) => format!("exact decimal in {}{}", inline(unit), wire_note(*wire)),
            None => format!("exact decimal{}", wire_note(*wire)),
        }),
        Type::Decimal(MoneyWire::String) => facts.push("sent as a JSON string".into()),
        Type::DateTime(format) => facts.push(format.description().into()),
        _ => {}
    }
    if f.sensitive {
        facts.push(if f.redact_last4 && f.ty == Type::String {
            "sensitive: `Debug` shows only its last four characters".into()
        } else {
            "sensitive: redacted in `Debug`".into()
        });
    }
    if f.source != Source::Documented {
        facts.push(format!("source: {}", f.source.as_str()));
    }
    s.push_str(&format!("\n\n{}.", facts.join("; ")));
    s
}

/// How a field's docs say that money travels as a string (nothing for the default, a number).
fn wire_note(wire: MoneyWire) -> &'static str {
    match wire {
        MoneyWire::Number => "",
        MoneyWire::String => ", sent as a JSON string",
    }
}

/// The Rust type of a field type (without the `Option` for optional fields).
///
/// Everything from outside the crate is a full path, so a spec type named
/// `String`, `Date` or `Decimal` shadows nothing.
pub(crate) fn rust_type(t: &Type) -> TokenStream {
    match t {
        Type::Long => quote!(i64),
        Type::Int => quote!(i32),
        Type::String => quote!(::std::string::String),
        Type::Bool => quote!(bool),
        Type::Money(_) | Type::Decimal(_) => quote!(::rust_decimal::Decimal),
        Type::DateTime(DateTimeFormat::Vendor) => quote!(::time::PrimitiveDateTime),
        Type::DateTime(_) => quote!(::time::OffsetDateTime),
        Type::Date => quote!(::time::Date),
        Type::Enum(n) => {
            let n = type_ident(n);
            quote!(enums::#n)
        }
        Type::Object(n) => {
            let n = object_ident(n);
            quote!(types::#n)
        }
        Type::Array(inner) => {
            let inner = rust_type(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = rust_type(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
    }
}

pub(crate) fn field_type(f: &Field) -> TokenStream {
    let mut t = rust_type(&f.ty);
    if f.boxed {
        t = quote!(::std::boxed::Box<#t>);
    }
    if f.is_option() {
        quote!(::std::option::Option<#t>)
    } else {
        t
    }
}

/// For an array or map whose innermost values have a wire form of their own, the `serde_as`
/// adapter mirroring the type (see [`wire_adapter`]); `None` for other types, which serde (or a
/// field's `with` module) handles as they are.
fn nested_adapter(t: &Type) -> Option<String> {
    wire_adapter(t).filter(|_| matches!(t, Type::Array(_) | Type::Map(_)))
}

/// For a response that is a value with a wire form of its own (`{ value: money }`,
/// `{ array: datetime }`), its [`wire_adapter`] as a type, to decode and encode the whole `data`
/// through (`DeserializeAsWrap`, `SerializeAsWrap`); `None` for every other response.
pub(crate) fn response_adapter(response: &crate::model::Response) -> Option<TokenStream> {
    match response {
        crate::model::Response::Value(t) => wire_adapter(t)?.parse().ok(),
        _ => None,
    }
}

/// For a type whose innermost values have a wire form of their own (money, decimals, dates,
/// datetimes), the `serde_as` adapter mirroring it: `Exact`, `Vec<Vec<ExactString>>`,
/// `BTreeMap<Same, Rfc3339>`. `None` when serde's own form is the wire form.
pub(crate) fn wire_adapter(t: &Type) -> Option<String> {
    fn adapter(t: &Type) -> String {
        match t {
            Type::Money(wire) | Type::Decimal(wire) => format!(
                "::apigen_runtime::serde_as::{}",
                match wire {
                    MoneyWire::Number => "Exact",
                    MoneyWire::String => "ExactString",
                }
            ),
            Type::DateTime(format) => format!(
                "::apigen_runtime::serde_as::{}",
                match format {
                    DateTimeFormat::Vendor => "VendorDateTime",
                    DateTimeFormat::Rfc3339 => "Rfc3339",
                    DateTimeFormat::EpochS => "EpochSeconds",
                    DateTimeFormat::EpochMs => "EpochMillis",
                }
            ),
            Type::Date => "::apigen_runtime::serde_as::VendorDate".into(),
            Type::Array(inner) => format!("::std::vec::Vec<{}>", adapter(inner)),
            Type::Map(inner) => format!(
                "::std::collections::BTreeMap<::apigen_runtime::serde_as::Same, {}>",
                adapter(inner)
            ),
            _ => "::apigen_runtime::serde_as::Same".into(),
        }
    }
    let has_wire_form = matches!(
        t.innermost(),
        Type::Money(_) | Type::Decimal(_) | Type::DateTime(_) | Type::Date
    );
    has_wire_form.then(|| adapter(t))
}

/// The `#[serde(...)]` attribute of a field.
pub(crate) fn serde_attr(f: &Field) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    let rust = field_name(&f.wire_name);
    let rust = unraw(&rust);
    if rust != f.wire_name {
        let n = &f.wire_name;
        parts.push(quote!(rename = #n));
    }
    let opt = f.is_option();
    if opt {
        parts.push(quote!(default));
    }
    if let Some(adapter) = nested_adapter(&f.ty) {
        let adapter = if opt {
            format!("::std::option::Option<{adapter}>")
        } else {
            adapter
        };
        let with = format!("::apigen_runtime::serde_as::As::<{adapter}>");
        parts.push(quote!(with = #with));
    }
    let module = match &f.ty {
        Type::Money(wire) | Type::Decimal(wire) => Some(match wire {
            MoneyWire::Number => "decimal",
            MoneyWire::String => "decimal_string",
        }),
        Type::DateTime(format) => Some(match format {
            DateTimeFormat::Vendor => "datetime",
            DateTimeFormat::Rfc3339 => "rfc3339",
            DateTimeFormat::EpochS => "epoch_s",
            DateTimeFormat::EpochMs => "epoch_ms",
        }),
        Type::Date => Some("date"),
        Type::String if opt && f.nullable => Some("string"),
        _ => None,
    };
    if let Some(module) = module {
        let with = if opt {
            format!("::apigen_runtime::serde::{module}_opt")
        } else {
            format!("::apigen_runtime::serde::{module}")
        };
        parts.push(quote!(with = #with));
    }
    if !f.required {
        parts.push(quote!(
            skip_serializing_if = "::std::option::Option::is_none"
        ));
    }
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#parts),*)])
    }
}
