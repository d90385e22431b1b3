//! Every identifier the generator derives from a spec name, in one place:
//! case conversion, keyword escaping and the `proc_macro2` identifiers the
//! Rust emitter builds from them.
//!
//! The policy is unchanged from before the consolidation: type names are
//! UpperCamelCase, methods and fields snake_case with Rust keywords escaped
//! as raw identifiers (`r#type`), and constants SCREAMING_SNAKE_CASE.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// UpperCamelCase form of a spec name: type and variant names (`card_trade` -> `CardTrade`).
pub(crate) fn upper_camel(name: &str) -> String {
    name.to_upper_camel_case()
}

/// snake_case form of a spec name, not escaped (`getWalletDetail` -> `get_wallet_detail`).
pub(crate) fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// A method or field name: snake_case, a keyword escaped (`type` -> `r#type`).
pub(crate) fn snake_escaped(name: &str) -> String {
    escape(&snake(name))
}

/// A name without its raw-identifier prefix (`r#type` -> `type`): how it is spelt in text.
pub(crate) fn unraw(name: &str) -> &str {
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
pub(crate) fn escape(name: &str) -> String {
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

/// An identifier for a type or variant name (already UpperCamelCase, never a keyword).
pub(crate) fn type_ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A constant's identifier from a (possibly escaped) method name: `r#type` -> `TYPE`.
pub(crate) fn screaming(name: &str) -> Ident {
    Ident::new(&unraw(name).to_shouty_snake_case(), Span::call_site())
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
    }

    #[test]
    fn raw_names() {
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("card_no"), "card_no");
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("card_no").to_string(), "card_no");
        assert_eq!(type_ident("CardTrade").to_string(), "CardTrade");
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
