//! The Rust emitter: builds each module of the client with `quote`, parses it
//! with `syn` (so a generator bug is an error, not broken code on disk) and
//! formats it with `prettyplease`. One emitter per kind of item; the pieces
//! they share (doc attributes, field types and attributes) are here.

mod api;
mod enums;
mod format;
mod objects;
mod open_enum;
mod service;
mod shapes;
mod webhooks;

pub(crate) use api::{api_module, response_tokens};
pub(crate) use enums::enums_module;
pub(crate) use format::{HEADER, format_module};
pub(crate) use objects::{MAX_NEW_ARGS, requests_module, types_module};
pub(crate) use service::service_module;
pub(crate) use webhooks::webhooks_module;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::prose::{inline, md, zh_en};
use crate::model::{Field, Source, Type};
use crate::naming::{field_name, object_ident, type_ident, unraw};

/// `#[doc]` attributes, one per line, with the space rustdoc expects.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// Inner (`//!`) doc attributes for a module.
pub(crate) fn module_doc(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    quote!(#(#lines)*)
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
        Type::Money => facts.push(match money_unit {
            Some(unit) => format!("exact decimal in {}", inline(unit)),
            None => "exact decimal".into(),
        }),
        Type::DateTime => {
            facts.push("`YYYY-MM-DD HH:MM:SS`, time zone not documented by the vendor".into())
        }
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
        Type::Money | Type::Decimal => quote!(::rust_decimal::Decimal),
        Type::DateTime => quote!(::time::PrimitiveDateTime),
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

/// For a type whose innermost values have a wire form of their own (money, decimals, dates,
/// datetimes), the `serde_as` adapter mirroring it: `Exact`, `Vec<Vec<Exact>>`,
/// `BTreeMap<Same, VendorDateTime>`. `None` when serde's own form is the wire form.
pub(crate) fn wire_adapter(t: &Type) -> Option<String> {
    fn adapter(t: &Type) -> String {
        match t {
            Type::Money | Type::Decimal => "::apigen_runtime::serde_as::Exact".into(),
            Type::DateTime => "::apigen_runtime::serde_as::VendorDateTime".into(),
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
        Type::Money | Type::Decimal | Type::DateTime | Type::Date
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
    let with = match (&f.ty, opt) {
        (Type::Money | Type::Decimal, false) => Some("::apigen_runtime::serde::decimal"),
        (Type::Money | Type::Decimal, true) => Some("::apigen_runtime::serde::decimal_opt"),
        (Type::DateTime, false) => Some("::apigen_runtime::serde::datetime"),
        (Type::DateTime, true) => Some("::apigen_runtime::serde::datetime_opt"),
        (Type::Date, false) => Some("::apigen_runtime::serde::date"),
        (Type::Date, true) => Some("::apigen_runtime::serde::date_opt"),
        (Type::String, true) if f.nullable => Some("::apigen_runtime::serde::string_opt"),
        _ => None,
    };
    if let Some(w) = with {
        parts.push(quote!(with = #w));
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
