//! One template for the open enums of a generated crate: the spec's open enums
//! (integer or string codes) and `ErrorCode`. Each is a list of known variants
//! plus `Unknown(code)`, with `KNOWN`, `from_code`, `code`, `label_zh`,
//! `label_en`, `Debug` and `Display` (both mask a card-like unknown code).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// What the codes of an open enum are, and so what `Unknown` holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeKind {
    /// `i64` codes: the enum is `Copy` and its methods `const`.
    Int,
    /// String codes: `Unknown` holds a `String`.
    Str,
}

/// Which open enum is rendered: the wording and signatures of spec enums and
/// of `ErrorCode` differ in small ways the generated crate keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// An enum of the spec.
    Spec,
    /// The business error codes (`ErrorCode`): integer or string codes, as the envelope has.
    ErrorCode,
}

/// An open enum to render.
pub(crate) struct OpenEnum<'a> {
    /// The type name.
    pub name: &'a Ident,
    /// Its `#[doc]` attributes.
    pub docs: TokenStream,
    /// The codes' kind.
    pub kind: CodeKind,
    /// Spec enum or `ErrorCode`.
    pub flavour: Flavour,
    /// The known variants, in spec order.
    pub variants: &'a [Ident],
    /// The `#[doc]` attributes of each variant.
    pub variant_docs: Vec<TokenStream>,
    /// The wire code of each variant, as a literal.
    pub codes: &'a [TokenStream],
    /// The Chinese label of each variant.
    pub zh: &'a [&'a str],
    /// The English label of each variant.
    pub en: &'a [&'a str],
}

/// The enum, its inherent `impl` (`KNOWN`, `from_code`, `code`, `label_zh`,
/// `label_en`) and `Display`. Trait impls (serde, `BusinessCode`) are the caller's.
pub(crate) fn open_enum(e: &OpenEnum<'_>) -> TokenStream {
    let OpenEnum {
        name,
        docs,
        variants,
        variant_docs,
        ..
    } = e;
    let error_code = e.flavour == Flavour::ErrorCode;
    let derive = match e.kind {
        CodeKind::Int => quote!(#[derive(Clone, Copy, PartialEq, Eq, Hash)]),
        CodeKind::Str => quote!(#[derive(Clone, PartialEq, Eq, Hash)]),
    };
    let unknown = match e.kind {
        CodeKind::Int => quote!(i64),
        CodeKind::Str => quote!(::std::string::String),
    };
    let unknown_doc = if error_code {
        quote!(#[doc = " A code this version of the client does not know."])
    } else {
        quote!(#[doc = " A code this version of the client does not know, kept as received."])
    };
    let methods = methods(e);
    let debug = debug(name, variants);
    let display = display(name, error_code);
    quote! {
        #docs
        #derive
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            #unknown_doc
            Unknown(#unknown),
        }
        #methods
        #debug
        #display
    }
}

/// `Debug`: the variant name, and for `Unknown` the code with card-like digit runs masked (a
/// card number can arrive in a status field).
fn debug(name: &Ident, variants: &[Ident]) -> TokenStream {
    let labels = variants.iter().map(Ident::to_string);
    quote! {
        impl fmt::Debug for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    #(Self::#variants => f.write_str(#labels),)*
                    Self::Unknown(code) => f
                        .debug_tuple("Unknown")
                        .field(&::apigen_runtime::redact::Masked(code))
                        .finish(),
                }
            }
        }
    }
}

/// The inherent `impl`: `KNOWN`, `from_code`, `code`, `label_zh`, `label_en`.
fn methods(e: &OpenEnum<'_>) -> TokenStream {
    let OpenEnum {
        name,
        variants,
        zh,
        en,
        ..
    } = e;
    let n = Literal::usize_unsuffixed(variants.len());
    let error_code = e.flavour == Flavour::ErrorCode;
    let doc = |spec: &str, error: &str| {
        let text = if error_code { error } else { spec };
        quote!(#[doc = #text])
    };
    let known_doc = doc(
        " Every known value, in spec order.",
        " Every known code, in spec order.",
    );
    let from_doc = doc(
        " The value for a wire code; an unlisted code is kept in `Unknown`.",
        " The variant for a wire code; an unlisted code is kept in `Unknown`.",
    );
    let code_doc = doc(
        " The wire code (an unknown code is returned unchanged).",
        " The wire code.",
    );
    let zh_doc = doc(
        " The Chinese (`zh`) label; `None` for an unknown code.",
        " The Chinese label; `None` for an unknown code.",
    );
    let en_doc = doc(
        " The English (`en`) label; `None` for an unknown code.",
        " The English label; `None` for an unknown code.",
    );
    let option = if error_code {
        quote!(Option)
    } else {
        quote!(::std::option::Option)
    };
    let (from_code, code, label_head) = code_methods(e);
    let receiver = if e.kind == CodeKind::Int && !error_code {
        quote!(self)
    } else {
        quote!(&self)
    };
    quote! {
        impl #name {
            #known_doc
            pub const KNOWN: [Self; #n] = [#(Self::#variants),*];
            #from_doc
            #from_code
            #code_doc
            #code
            #zh_doc
            #label_head label_zh(#receiver) -> #option<&'static str> {
                match self { #(Self::#variants => Some(#zh),)* Self::Unknown(_) => None }
            }
            #en_doc
            #label_head label_en(#receiver) -> #option<&'static str> {
                match self { #(Self::#variants => Some(#en),)* Self::Unknown(_) => None }
            }
        }
    }
}

/// `from_code` and `code`, and the head (`pub fn` or `pub const fn`) of the label methods.
fn code_methods(e: &OpenEnum<'_>) -> (TokenStream, TokenStream, TokenStream) {
    let OpenEnum {
        variants, codes, ..
    } = e;
    // Without known codes (a spec with no `errors`), every code is unknown: no one-arm match.
    let from_int = if variants.is_empty() {
        quote!(Self::Unknown(code))
    } else {
        quote!(match code { #(#codes => Self::#variants,)* other => Self::Unknown(other) })
    };
    // Spec enums take `self` when `Copy`; `ErrorCode` keeps `&self`.
    match (e.kind, e.flavour == Flavour::ErrorCode) {
        (CodeKind::Int, false) => (
            quote!(pub const fn from_code(code: i64) -> Self {
                #from_int
            }),
            quote!(pub const fn code(self) -> i64 {
                match self { #(Self::#variants => #codes,)* Self::Unknown(code) => code }
            }),
            quote!(pub const fn),
        ),
        (CodeKind::Int, true) => (
            quote!(pub const fn from_code(code: i64) -> Self {
                #from_int
            }),
            quote!(pub const fn code(&self) -> i64 {
                match self { #(Self::#variants => #codes,)* Self::Unknown(code) => *code }
            }),
            quote!(pub const fn),
        ),
        (CodeKind::Str, _) => (
            quote!(pub fn from_code(code: &str) -> Self {
                match code { #(#codes => Self::#variants,)* other => Self::Unknown(other.to_owned()) }
            }),
            quote!(pub fn code(&self) -> &str {
                match self { #(Self::#variants => #codes,)* Self::Unknown(code) => code }
            }),
            quote!(pub fn),
        ),
    }
}

/// `Display`: the English label (with the code, for `ErrorCode`), or the code
/// that was not recognised.
fn display(name: &Ident, error_code: bool) -> TokenStream {
    let (known, unknown) = if error_code {
        (
            quote!(write!(f, "{label} ({})", self.code())),
            quote!({
                let code = self.code().to_string();
                write!(f, "unknown error code {}", mask_card_numbers(code.as_str()))
            }),
        )
    } else {
        (
            quote!(f.write_str(label)),
            quote!({
                let code = self.code().to_string();
                write!(f, "unknown ({})", mask_card_numbers(code.as_str()))
            }),
        )
    };
    quote! {
        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                use ::apigen_runtime::redact::mask_card_numbers;
                match self.label_en() {
                    Some(label) => #known,
                    None => #unknown,
                }
            }
        }
    }
}
