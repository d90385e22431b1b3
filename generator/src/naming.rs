//! Every identifier the generator derives from a spec name, in one place:
//! case conversion, keyword escaping, the reserved names of each namespace
//! and the `proc_macro2` identifiers the Rust emitter builds from them.
//!
//! The rules, applied in this order (the resolver checks the results for
//! collisions, so every rule here may be deterministic and simple):
//!
//! 1. case: type and variant names UpperCamelCase, methods and fields
//!    snake_case, constants SCREAMING_SNAKE_CASE;
//! 2. a name that starts with a digit after conversion gets a leading `_`
//!    (`3pl_unavailable` -> `_3plUnavailable`, `_3pl_unavailable`): rustc's
//!    case lints ignore leading underscores;
//! 3. keywords: `type` -> `r#type`; the four that cannot be raw identifiers
//!    are renamed: `self` -> `self_`, `super` -> `super_`, `crate` -> `crate_`,
//!    and the type or variant `Self` -> `SelfValue`;
//! 4. reserved names: a method that would collide with one the generated code
//!    defines itself on the same type gets a trailing `_` (a group `builder`
//!    is reached with `client.builder_()`, an optional field `new` is set with
//!    `.new_(..)`; an endpoint `new` is `new_`, as clippy wants `new` to
//!    return `Self`). Type names generated code defines are refused by the
//!    resolver (`reserved::TYPES`); everything else generated code uses from outside
//!    is written as a full path (`::std::string::String`), so a spec type
//!    named `String` or `Date` shadows nothing.
//!
//! A name that is still not an identifier (`卡号`, `a b`) is refused by the
//! resolver with its place.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

use crate::case_memo::{self, Case};
use crate::model::ObjectName;

/// The reserved-name table: what generated code itself defines or refers to
/// unqualified, per namespace.
pub(crate) mod reserved {
    /// Type names apigen defines beside the spec's types (in `types`, or as
    /// OpenAPI schemas). A spec type with one of these names is refused.
    pub(crate) const TYPES: &[&str] = &["Page", "CursorPage", "Auth", "ErrorEnvelope"];
    /// Variant names of every generated enum (`ErrorCode`, spec enums, `Event`):
    /// the fallback for values this version does not list.
    pub(crate) const VARIANTS: &[&str] = &["Unknown"];
    /// Inherent methods of `Client` besides the group accessors, and the names
    /// clippy expects to be trait methods (`should_implement_trait`) for an
    /// accessor `fn x(&self) -> XApi<'_>`.
    pub(crate) const CLIENT_METHODS: &[&str] = &[
        "builder", "runtime", "clone", "fmt", "from", "as_ref", "borrow", "deref",
        // clippy `new_ret_no_self`: a group accessor `new` returns the group's API struct.
        "new",
    ];
    /// Methods of a group's API struct besides the endpoints: `new` (clippy
    /// `new_ret_no_self`). The `*_stream` twins are checked by the resolver.
    pub(crate) const GROUP_METHODS: &[&str] = &["new"];
    /// Methods of request structs besides the setters `fn x(mut self, x: T) -> Self`:
    /// the constructor, and the operator names clippy expects to be trait methods.
    pub(crate) const SETTERS: &[&str] = &[
        "new", "add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor",
    ];
    /// Methods of `Credentials` besides the accessors `fn x(&self) -> T`: the
    /// constructor, and names clippy expects to be trait methods or to come with
    /// `is_empty`.
    pub(crate) const ACCESSORS: &[&str] = &[
        "new", "clone", "as_ref", "borrow", "deref", "fmt", "len", "is_empty",
    ];
    /// Functions and imports of `tests/endpoints.rs` besides the endpoint tests.
    pub(crate) const TEST_FNS: &[&str] = &[
        "client",
        "serve",
        "normalize",
        "assert_round_trip",
        "body_json",
        "method",
        "path",
    ];
    /// Crates every Rust crate can name (`std`, …) and path keywords: the generated crate
    /// cannot have one of these names. (Its dependencies are refused too, from the list in
    /// `emit::crate_files`.)
    pub(crate) const BUILTIN_CRATES: &[&str] = &[
        "std",
        "core",
        "alloc",
        "proc_macro",
        "test",
        "self",
        "crate",
        "super",
    ];
}

/// UpperCamelCase form of a spec name, not made an identifier (`card_trade` -> `CardTrade`).
pub fn upper_camel(name: &str) -> String {
    case_memo::convert(Case::UpperCamel, name, |n| n.to_upper_camel_case())
}

/// snake_case form of a spec name, not escaped (`getWalletDetail` -> `get_wallet_detail`).
pub fn snake(name: &str) -> String {
    case_memo::convert(Case::Snake, name, |n| n.to_snake_case())
}

/// A leading `_` for a name that starts with a digit.
fn digit_guard(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// A type or variant name from a spec name: UpperCamelCase, a leading digit
/// guarded, `Self` renamed (`card_trade` -> `CardTrade`, `3pl` -> `_3pl`,
/// `self` -> `SelfValue`). Check the result with `is_ident`.
pub fn type_name(name: &str) -> String {
    match digit_guard(upper_camel(name)) {
        n if n == "Self" => "SelfValue".to_string(),
        n => n,
    }
}

/// A method or field name: snake_case, a leading digit guarded, a keyword
/// escaped (`type` -> `r#type`, `self` -> `self_`, `3pl` -> `_3pl`).
pub fn snake_escaped(name: &str) -> String {
    escape(&digit_guard(snake(name)))
}

/// A method name in a namespace whose `reserved` names the generated code
/// already uses: `builder` -> `builder_` among `reserved::CLIENT_METHODS`.
/// `name` is already escaped.
pub fn method_in(name: &str, reserved: &[&str]) -> String {
    if reserved.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// The `*_and_recover` twin of an endpoint with a structured `recovery`.
pub(crate) fn recover_method(method: &str) -> String {
    format!("{}_and_recover", unraw(method).trim_end_matches('_'))
}

/// The `*_stream` twin of a paginated endpoint's method.
pub(crate) fn stream_method(method: &str) -> String {
    // `self_` (an escaped `self`) gives `self_stream`, not the non-snake-case `self__stream`.
    format!("{}_stream", unraw(method).trim_end_matches('_'))
}

/// The test function of a webhook kind's `n`-th example (from 1).
pub(crate) fn webhook_test_fn(kind_key: &str, n: usize) -> String {
    format!("{}_example_{n}", digit_guard(snake(kind_key)))
}

/// A name without its raw-identifier prefix (`r#type` -> `type`): how it is spelt in text.
pub fn unraw(name: &str) -> &str {
    name.trim_start_matches("r#")
}

/// Is `s` a plain Rust identifier (before keyword escaping)?
pub(crate) fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}

/// Escape a snake_case name that is a Rust keyword: `type` -> `r#type`;
/// the few that cannot be raw identifiers get a trailing underscore.
pub fn escape(name: &str) -> String {
    const RAW: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use",
        "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override",
        "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    match name {
        "self" | "super" | "crate" | "Self" => format!("{name}_"),
        n if RAW.contains(&n) => format!("r#{n}"),
        n => n.to_string(),
    }
}

/// An identifier from an escaped name; `r#type`-style names become raw identifiers.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type name of an object: a declared object's key converted, a
/// request named after its endpoint (`getWalletDetail` ->
/// `GetWalletDetailRequest`), an inline object after its owner and field key
/// (`Card` + `limits` -> `CardLimits`). Check the result with `is_ident`.
pub fn object_type_name(name: &ObjectName) -> String {
    match name {
        ObjectName::Declared(key) => type_name(key),
        ObjectName::Request(endpoint) => request_type_name(endpoint),
        ObjectName::Auth => "Auth".to_string(),
        ObjectName::Page => "Page".to_string(),
        ObjectName::CursorPage => "CursorPage".to_string(),
        ObjectName::Inline(owner, field) => {
            format!("{}{}", object_type_name(owner), upper_camel(field))
        }
    }
}

/// The request struct of an endpoint (`getWalletDetail` -> `GetWalletDetailRequest`).
pub fn request_type_name(endpoint: &str) -> String {
    type_name(&format!(
        "{}Request",
        upper_camel(unraw(&snake_escaped(endpoint)))
    ))
}

/// The OpenAPI schema of an endpoint's success envelope (`GetWalletDetailResponse`).
pub(crate) fn response_schema_name(endpoint: &str) -> String {
    format!(
        "{}Response",
        request_type_name(endpoint).trim_end_matches("Request")
    )
}

/// The OpenAPI schema of a page of objects (`card` -> `CardPage`).
pub(crate) fn page_schema_name(object_key: &str) -> String {
    format!("{}Page", type_name(object_key))
}

/// The OpenAPI schema name of a cursor page of an object (`LedgerEntry` ->
/// `LedgerEntryCursorPage`).
pub(crate) fn cursor_page_schema_name(object_key: &str) -> String {
    format!("{}CursorPage", type_name(object_key))
}

/// The identifier of a spec enum, shared object or variant (see [`type_name`]).
pub(crate) fn type_ident(spec_name: &str) -> Ident {
    Ident::new(&type_name(spec_name), Span::call_site())
}

/// The identifier of an object (see [`object_type_name`]).
pub(crate) fn object_ident(name: &ObjectName) -> Ident {
    Ident::new(&object_type_name(name), Span::call_site())
}

/// A struct field's name from its wire name, escaped (`cardNo` -> `card_no`, `type` -> `r#type`).
pub fn field_name(wire_name: &str) -> String {
    snake_escaped(wire_name)
}

/// A struct field's identifier from its wire name (see [`field_name`]).
pub(crate) fn field_ident(wire_name: &str) -> Ident {
    ident(&field_name(wire_name))
}

/// The setter of an optional request field (`new` -> `new_`, among [`reserved::SETTERS`]).
pub(crate) fn setter_ident(wire_name: &str) -> Ident {
    ident(&method_in(&field_name(wire_name), reserved::SETTERS))
}

/// The accessor of a `Credentials` field (`len` -> `len_`, among [`reserved::ACCESSORS`]).
pub(crate) fn accessor_ident(wire_name: &str) -> Ident {
    ident(&method_in(&field_name(wire_name), reserved::ACCESSORS))
}

/// The `Client` method returning a group (`pay_method`; `builder` -> `builder_`).
pub(crate) fn group_accessor(key: &str) -> String {
    method_in(&snake_escaped(key), reserved::CLIENT_METHODS)
}

/// The module holding a group's code in `api/` and `requests/` (`pay_method`; `loop` ->
/// `r#loop`, in the file `loop.rs`). It is the group's accessor, unique among the groups,
/// except that `mod` (whose file would be the folder's `mod.rs`) becomes `mod_`.
pub(crate) fn group_module(key: &str) -> String {
    let accessor = group_accessor(key);
    if unraw(&accessor) == "mod" {
        "mod_".to_owned()
    } else {
        accessor
    }
}

/// The struct holding a group's endpoint methods (`pay_method` -> `PayMethodApi`).
pub(crate) fn group_struct(key: &str) -> String {
    format!("{}Api", type_name(key))
}

/// An endpoint's method name, escaped (`getWalletDetail` -> `get_wallet_detail`,
/// `loop` -> `r#loop`, `new` -> `new_`). Without the `r#` it is the OpenAPI `operationId`.
pub fn method_name(endpoint: &str) -> String {
    method_in(&snake_escaped(endpoint), reserved::GROUP_METHODS)
}

/// An endpoint's method identifier (see [`method_name`]).
pub(crate) fn method_ident(endpoint: &str) -> Ident {
    ident(&method_name(endpoint))
}

/// A constant's name from a (possibly escaped) method name: `r#type` -> `TYPE`,
/// `_3pl` -> `_3PL`.
pub(crate) fn screaming_name(name: &str) -> String {
    let name = unraw(name);
    let lead = if name.starts_with('_') { "_" } else { "" };
    format!("{lead}{}", name.to_shouty_snake_case())
}

/// A constant's identifier from a (possibly escaped) method name (see [`screaming_name`]).
pub(crate) fn screaming(name: &str) -> Ident {
    Ident::new(&screaming_name(name), Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversion() {
        assert_eq!(upper_camel("card_trade"), "CardTrade");
        assert_eq!(upper_camel("NORMAL"), "Normal");
        assert_eq!(upper_camel("pay_method"), "PayMethod");
        assert_eq!(snake("getWalletDetail"), "get_wallet_detail");
        assert_eq!(snake("cardNo"), "card_no");
        assert_eq!(snake("HTTPStatus"), "http_status");
        assert_eq!(
            screaming("get_wallet_detail").to_string(),
            "GET_WALLET_DETAIL"
        );
        assert_eq!(screaming("r#type").to_string(), "TYPE");
        assert_eq!(screaming("_3pl_x").to_string(), "_3PL_X");
    }

    #[test]
    fn group_modules_are_accessors_except_mod() {
        assert_eq!(group_module("pay_method"), "pay_method");
        assert_eq!(group_module("loop"), "r#loop");
        assert_eq!(group_module("mod"), "mod_");
        assert_eq!(group_module("self"), "self_");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(escape("type"), "r#type");
        assert_eq!(escape("async"), "r#async");
        assert_eq!(escape("gen"), "r#gen");
        assert_eq!(escape("self"), "self_");
        assert_eq!(escape("Self"), "Self_");
        assert_eq!(escape("crate"), "crate_");
        assert_eq!(escape("card_no"), "card_no");
        assert_eq!(snake_escaped("Type"), "r#type");
        assert_eq!(snake_escaped("Self"), "self_");
        assert_eq!(snake_escaped("super"), "super_");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("card_trade"), "CardTrade");
        assert_eq!(type_name("Self"), "SelfValue");
        assert_eq!(type_name("self"), "SelfValue");
        assert_eq!(type_name("3pl_unavailable"), "_3plUnavailable");
        assert_eq!(type_name("in-transit"), "InTransit");
        assert_eq!(type_name("String"), "String");
        assert!(is_ident(&type_name("3pl")));
        assert!(!is_ident(&type_name("卡号")));
    }

    #[test]
    fn leading_digits_are_guarded() {
        assert_eq!(snake_escaped("3pl_unavailable"), "_3pl_unavailable");
        assert_eq!(webhook_test_fn("bill-notify", 1), "bill_notify_example_1");
        assert_eq!(webhook_test_fn("billNotify", 2), "bill_notify_example_2");
        assert_eq!(webhook_test_fn("3pl", 1), "_3pl_example_1");
    }

    #[test]
    fn reserved_methods_get_an_underscore() {
        assert_eq!(method_in("builder", reserved::CLIENT_METHODS), "builder_");
        assert_eq!(method_in("runtime", reserved::CLIENT_METHODS), "runtime_");
        assert_eq!(method_in("wallet", reserved::CLIENT_METHODS), "wallet");
        assert_eq!(method_in("new", reserved::SETTERS), "new_");
        assert_eq!(method_in("div", reserved::SETTERS), "div_");
        assert_eq!(method_in("len", reserved::ACCESSORS), "len_");
        assert_eq!(method_in("new", reserved::GROUP_METHODS), "new_");
        assert_eq!(method_in("client", reserved::TEST_FNS), "client_");
        assert_eq!(stream_method("r#loop"), "loop_stream");
        assert_eq!(stream_method("self_"), "self_stream");
    }

    #[test]
    fn every_result_is_an_identifier() {
        for name in [
            "type",
            "Self",
            "self",
            "super",
            "crate",
            "3pl",
            "in-transit",
            "r#",
            "builder",
            "new",
            "async",
            "list_results_stream",
            "_x",
            "A1",
        ] {
            for made in [type_name(name), snake_escaped(name)] {
                let _ = ident(&made);
            }
            let _ = screaming(&snake_escaped(name));
        }
    }

    #[test]
    fn raw_names() {
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("card_no"), "card_no");
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("card_no").to_string(), "card_no");
        assert_eq!(type_ident("card_trade").to_string(), "CardTrade");
    }

    #[test]
    fn screaming_names() {
        assert_eq!(screaming_name("get_wallet_detail"), "GET_WALLET_DETAIL");
        assert_eq!(screaming_name("r#type"), "TYPE");
        assert_eq!(screaming_name("_3pl"), "_3PL");
        assert_eq!(screaming_name("cardNo"), "CARD_NO");
    }

    /// Names generated code refers to from outside the spec's types. They are
    /// always emitted as full paths (`::std::option::Option`, `::time::Date`,
    /// `::rust_decimal::Decimal`, `::apigen_runtime::...`) or only inside
    /// modules that hold no spec type (`service`, `api`, `webhooks`), so a
    /// spec type may carry any of them.
    const QUALIFIED: &[&str] = &[
        "Result",
        "Option",
        "Some",
        "None",
        "Ok",
        "Err",
        "String",
        "Vec",
        "Box",
        "Self",
        "Date",
        "Decimal",
        "PrimitiveDateTime",
        "Client",
        "ClientBuilder",
        "Error",
        "ErrorCode",
        "Credentials",
        "Api",
        "Event",
        "Refetched",
        "Empty",
        "Value",
        "Serialize",
        "Deserialize",
        "Serializer",
        "Deserializer",
        "Stream",
        "Parser",
        "Ack",
    ];
    /// Modules of the generated crate (for the record: spec names never become
    /// modules, and a crate name equal to a dependency is refused).
    const MODULES: &[&str] = &[
        "api",
        "enums",
        "requests",
        "service",
        "types",
        "webhooks",
        "custom",
        "runtime",
        "generated",
    ];

    #[test]
    fn names_kept_for_the_record_stay_usable() {
        // A spec type may carry any name generated code writes as a full path: none is
        // refused, and each is kept as written (`Self` aside, which is renamed).
        for name in QUALIFIED {
            assert!(!reserved::TYPES.contains(name), "{name}");
            let made = type_name(name);
            assert!(is_ident(&made), "{name}");
            assert_eq!(made == *name, *name != "Self", "{name}");
        }
        // The generated crate's modules are plain snake_case identifiers, no keyword.
        for name in MODULES {
            assert_eq!(snake_escaped(name), *name);
            assert!(!reserved::BUILTIN_CRATES.contains(name), "{name}");
        }
    }

    #[test]
    fn identifiers() {
        assert!(is_ident("card_no"));
        assert!(is_ident("_x"));
        assert!(is_ident("A1"));
        assert!(!is_ident("_"));
        assert!(!is_ident(""));
        assert!(!is_ident("1a"));
        assert!(!is_ident("card-no"));
        assert!(!is_ident("卡号"));
    }
}
