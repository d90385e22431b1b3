//! The `enums` module: one type per spec enum, open (unknown codes kept) or
//! closed.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens as _, quote};

use super::format::Module;
use super::open_enum::{CodeKind, Flavour, OpenEnum, open_enum};
use super::{doc, module_doc};
use crate::emit::prose::{cell, code, inline, md, per_statement, source_word, zh_en};
use crate::model::{Api, Code, Enum, EnumRepr};
use crate::naming::{type_ident, type_name};

pub(crate) fn enums_module(api: &Api) -> Module<'_> {
    let items = api.enums.iter().map(enum_item);
    let doc = module_doc(
        "The API's constant enums.\n\n\
         Every enum is open unless the spec marks it closed: a code this version of the client\n\
         does not know is kept in `Unknown` and written back unchanged, so a new value from the\n\
         server never fails a response.",
    );
    let fmt_use = if api.enums.is_empty() {
        quote!()
    } else {
        quote!(
            use std::fmt;
        )
    };
    Module {
        head: quote!(#doc #fmt_use),
        imports_from: &[],
        items: Box::new(items),
    }
}

/// One spec enum: closed (a plain enum) or open (the open-enum template and its serde).
fn enum_item(e: &Enum) -> TokenStream {
    if e.closed {
        closed_enum_item(e)
    } else {
        open_enum_item(e)
    }
}

/// The variant of each value.
fn variant_idents(e: &Enum) -> Vec<Ident> {
    e.values.iter().map(|v| type_ident(&v.spec_name)).collect()
}

/// The doc of each variant: code and labels.
fn variant_docs(e: &Enum) -> Vec<TokenStream> {
    e.values
        .iter()
        .map(|v| {
            doc(&format!(
                "{} — {} ({}).",
                code(&v.code.to_string()),
                inline(&v.zh),
                inline(&v.en)
            ))
        })
        .collect()
}

/// The wire code of each value, as a literal.
fn code_literals(e: &Enum) -> Vec<TokenStream> {
    e.values
        .iter()
        .map(|v| match &v.code {
            Code::Int(i) => Literal::i64_unsuffixed(*i).into_token_stream(),
            Code::Str(s) => Literal::string(s).into_token_stream(),
        })
        .collect()
}

/// A closed enum: `ALL`, `from_code` returning `Option`, labels, `Display` and strict serde.
fn closed_enum_item(e: &Enum) -> TokenStream {
    let name = type_ident(&e.name);
    let int = e.repr == EnumRepr::Int;
    let docs = doc(&enum_doc(e));
    let variants = variant_idents(e);
    let variant_docs = variant_docs(e);
    let codes = code_literals(e);
    let zh: Vec<&str> = e.values.iter().map(|v| v.zh.as_str()).collect();
    let en: Vec<&str> = e.values.iter().map(|v| v.en.as_str()).collect();
    let n = Literal::usize_unsuffixed(e.values.len());
    let code_ty = if int {
        quote!(i64)
    } else {
        quote!(&'static str)
    };
    let (from_sig, from_body, de) = if int {
        (
            quote!(pub const fn from_code(code: i64) -> ::std::option::Option<Self>),
            quote!(match code { #(#codes => Some(Self::#variants),)* _ => None }),
            quote!(let code = i64::deserialize(deserializer)?;),
        )
    } else {
        (
            quote!(pub fn from_code(code: &str) -> ::std::option::Option<Self>),
            quote!(match code { #(#codes => Some(Self::#variants),)* _ => None }),
            quote!(let code = ::std::string::String::deserialize(deserializer)?; let code = code.as_str();),
        )
    };
    let ser = if int {
        quote!(serializer.serialize_i64(self.code()))
    } else {
        quote!(serializer.serialize_str(self.code()))
    };
    let unknown_msg = format!("unknown {} code {{code:?}}", e.en);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_docs #variants,)*
        }
        impl #name {
            /// Every value, in spec order.
            pub const ALL: [Self; #n] = [#(Self::#variants),*];
            /// The value for a wire code, or `None` if the code is not listed.
            #from_sig { #from_body }
            /// The wire code.
            pub const fn code(self) -> #code_ty { match self { #(Self::#variants => #codes,)* } }
            /// The Chinese (`zh`) label.
            pub const fn label_zh(self) -> &'static str { match self { #(Self::#variants => #zh,)* } }
            /// The English (`en`) label.
            pub const fn label_en(self) -> &'static str { match self { #(Self::#variants => #en,)* } }
        }
        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label_en()) }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> { #ser }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #de
                Self::from_code(code).ok_or_else(|| ::serde::de::Error::custom(format!(#unknown_msg)))
            }
        }
    }
}

/// An open enum: the open-enum template (unknown codes kept) and its serde.
fn open_enum_item(e: &Enum) -> TokenStream {
    let name = type_ident(&e.name);
    let int = e.repr == EnumRepr::Int;
    let variants = variant_idents(e);
    let codes = code_literals(e);
    let zh: Vec<&str> = e.values.iter().map(|v| v.zh.as_str()).collect();
    let en: Vec<&str> = e.values.iter().map(|v| v.en.as_str()).collect();
    let kind = if int { CodeKind::Int } else { CodeKind::Str };
    let open = open_enum(&OpenEnum {
        name: &name,
        docs: doc(&enum_doc(e)),
        kind,
        flavour: Flavour::Spec,
        variants: &variants,
        variant_docs: variant_docs(e),
        codes: &codes,
        zh: &zh,
        en: &en,
    });
    let serde_impls = open_serde_impls(&name, int);
    quote!(#open #serde_impls)
}

/// The enum's docs: labels, the table of codes and variants, source, open or closed.
fn enum_doc(e: &Enum) -> String {
    let mut text = format!("{}\n", zh_en(&e.zh, Some(&e.en)));
    if let Some(d) = &e.description {
        text.push_str(&format!("\n{}\n", md(d)));
    }
    text.push_str("\n| code | variant | 中文 | English |\n|---|---|---|---|\n");
    for v in &e.values {
        text.push_str(&format!(
            "| {} | [`{}`]({}::{}) | {} | {} |\n",
            code(&v.code.to_string()).replace('|', "\\|"),
            type_name(&v.spec_name),
            type_name(&e.name),
            type_name(&v.spec_name),
            cell(&v.zh),
            cell(&v.en)
        ));
    }
    text.push_str(&format!(
        "\nSource: {}.{}",
        source_word(e.source),
        per_statement(&e.provenance)
    ));
    if let Some(t) = &e.vendor_title {
        text.push_str(&format!(" Vendor title: {}.", inline(t)));
    }
    if e.closed {
        text.push_str(" Closed: an unlisted code is a decode error.");
    } else {
        text.push_str(&format!(
            " Open: an unlisted code is kept as [`{}::Unknown`].",
            type_name(&e.name)
        ));
    }
    text
}

/// `Serialize`/`Deserialize` (and `From<i64>` for integer codes) of an open enum.
///
/// Decoding an unlisted code tells the client's drift check (`drift::unknown_code_seen`).
fn open_serde_impls(name: &Ident, int: bool) -> TokenStream {
    let note_unknown = quote! {
        if matches!(value, Self::Unknown(_)) {
            ::apigen_runtime::drift::unknown_code_seen();
        }
    };
    if int {
        quote! {
            impl ::std::convert::From<i64> for #name {
                fn from(code: i64) -> Self { Self::from_code(code) }
            }
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.code())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = Self::from_code(::apigen_runtime::codes::int_or_string(deserializer)?);
                    #note_unknown
                    Ok(value)
                }
            }
        }
    } else {
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.code())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = Self::from_code(&::std::string::String::deserialize(deserializer)?);
                    #note_unknown
                    Ok(value)
                }
            }
        }
    }
}
