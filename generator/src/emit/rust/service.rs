//! The `service` module: version, envelope, credentials and the business
//! error codes.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{doc, module_doc, rust_type};
use crate::emit::prose::{md, source_word, zh_en};
use crate::model::{Api, Type};
use crate::naming::{ident, type_ident, unraw};

pub(crate) fn service_module(api: &Api) -> TokenStream {
    let s = &api.service;
    let version = &s.default_version;
    let base_url = &s.base_url;
    let env = &s.envelope;
    let (code, message, data, success) = (&env.code, &env.message, &env.data, env.success);
    let rate = match env.rate_limit_code {
        Some(c) => quote!(Some(#c)),
        None => quote!(None),
    };
    let title = format!("{} ({})", s.title_en, s.title);
    let mdoc = module_doc(&format!(
        "Service-wide items of the {}: version, envelope, credentials and business error codes.",
        md(&title)
    ));
    let version_doc = doc(&format!(
        "Default value of the `{{version}}` path segment (`{}`); source: {}.",
        s.path_prefix,
        source_word(s.version_source)
    ));
    let base_doc = doc(
        "The placeholder host of the vendor's docs. The real host is issued per customer and\nenvironment: pass it to [`Client::builder`](crate::Client::builder).",
    );

    // Credentials: one struct field per auth field; sensitive strings are secrets.
    let auth = &s.auth;
    let cred_fields = auth.iter().map(|f| {
        let n = ident(&f.rust_name);
        let t = if f.sensitive {
            quote!(SecretString)
        } else {
            rust_type(&f.ty)
        };
        quote!(#n: #t,)
    });
    let params = auth.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.sensitive || f.ty == Type::String {
            quote!(#n: impl Into<String>)
        } else {
            let t = rust_type(&f.ty);
            quote!(#n: #t)
        }
    });
    let inits = auth.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.sensitive {
            quote!(#n: SecretString::from(#n.into()))
        } else if f.ty == Type::String {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    });
    let debug_fields = auth.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = unraw(&f.rust_name);
        if f.sensitive {
            quote!(.field(#wire, &crate::runtime::redact::Redacted))
        } else {
            quote!(.field(#wire, &self.#n))
        }
    });
    let entries = auth.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.sensitive {
            quote!(map.serialize_entry(#wire, self.0.#n.expose_secret())?;)
        } else {
            quote!(map.serialize_entry(#wire, &self.0.#n)?;)
        }
    });
    let accessors = auth.iter().filter(|f| !f.sensitive).map(|f| {
        let n = ident(&f.rust_name);
        let t = rust_type(&f.ty);
        let d = doc(&format!(
            "The `{}` sent with every request ({}).",
            f.wire_name,
            zh_en(&f.zh, f.en.as_deref())
        ));
        if f.ty == Type::String {
            quote!(#d pub fn #n(&self) -> &str { &self.#n })
        } else {
            quote!(#d pub fn #n(&self) -> #t { self.#n })
        }
    });
    let n_auth = Literal::usize_unsuffixed(auth.len());
    let arg_list: Vec<String> = auth
        .iter()
        .map(|f| format!("`{}` ({})", f.wire_name, md(&f.zh)))
        .collect();
    let cred_doc = doc(&format!(
        "The authentication fields sent in the JSON body of every request: {}.\n\n\
         Secret fields are held as [`SecretString`]: `Debug` prints `<redacted>`, and they\n\
         never appear in logs or error messages.",
        arg_list.join(", ")
    ));

    // Error codes.
    let errs = &api.errors;
    let variants: Vec<Ident> = errs.iter().map(|e| type_ident(&e.variant)).collect();
    let codes: Vec<i64> = errs.iter().map(|e| e.code).collect();
    let zh: Vec<&str> = errs.iter().map(|e| e.zh.as_str()).collect();
    let en: Vec<&str> = errs.iter().map(|e| e.en.as_str()).collect();
    let vdocs = errs.iter().map(|e| {
        let mut t = format!("`{}` — {} ({}).", e.code, md(&e.zh), md(&e.en));
        if let Some(a) = &e.action {
            t.push_str(&format!(" {}", md(a)));
        }
        doc(&t)
    });
    let n_err = Literal::usize_unsuffixed(errs.len());
    let mut table =
        String::from("| code | variant | 中文 | English | source |\n|---|---|---|---|---|\n");
    for e in errs {
        table.push_str(&format!(
            "| {} | [`{}`](ErrorCode::{}) | {} | {} | {:?} |\n",
            e.code,
            e.variant,
            e.variant,
            md(&e.zh),
            md(&e.en),
            e.source
        ));
    }
    let err_doc = doc(&format!(
        "A business error code from the envelope's `{code}` (any value but {success}).\n\n{table}\n\
         Open: a code this version does not list is kept as [`ErrorCode::Unknown`]."
    ));

    quote! {
        #mdoc
        use std::fmt;
        use secrecy::{ExposeSecret as _, SecretString};
        use serde::ser::SerializeMap as _;
        use crate::runtime::EnvelopeSpec;

        #version_doc
        pub const DEFAULT_VERSION: &str = #version;

        #base_doc
        pub const DOCUMENTED_BASE_URL: &str = #base_url;

        /// Field names and codes of the response envelope.
        pub(crate) const ENVELOPE: EnvelopeSpec = EnvelopeSpec {
            code: #code,
            message: #message,
            data: #data,
            success: #success,
            rate_limit_code: #rate,
        };

        #cred_doc
        #[derive(Clone)]
        pub struct Credentials { #(#cred_fields)* }

        impl Credentials {
            /// Creates the credentials.
            pub fn new(#(#params),*) -> Self { Self { #(#inits),* } }
            #(#accessors)*
            /// The auth fields as a serializable map. This exposes the secrets: it exists
            /// only for building request bodies.
            #[doc(hidden)]
            pub fn fields(&self) -> AuthFields<'_> { AuthFields(self) }
        }

        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials") #(#debug_fields)* .finish()
            }
        }

        /// Serializes the auth fields as a map; flattened into every request body.
        #[doc(hidden)]
        pub struct AuthFields<'a>(&'a Credentials);

        impl serde::Serialize for AuthFields<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(#n_auth))?;
                #(#entries)*
                map.end()
            }
        }

        #err_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#vdocs #variants,)*
            /// A code this version of the client does not know.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every known code, in spec order.
            pub const KNOWN: [Self; #n_err] = [#(Self::#variants),*];
            /// The variant for a wire code; an unlisted code is kept in `Unknown`.
            pub const fn from_code(code: i64) -> Self {
                match code { #(#codes => Self::#variants,)* other => Self::Unknown(other) }
            }
            /// The wire code.
            pub const fn code(&self) -> i64 {
                match self { #(Self::#variants => #codes,)* Self::Unknown(code) => *code }
            }
            /// The Chinese label; `None` for an unknown code.
            pub const fn label_zh(&self) -> Option<&'static str> {
                match self { #(Self::#variants => Some(#zh),)* Self::Unknown(_) => None }
            }
            /// The English label; `None` for an unknown code.
            pub const fn label_en(&self) -> Option<&'static str> {
                match self { #(Self::#variants => Some(#en),)* Self::Unknown(_) => None }
            }
        }

        impl fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.label_en() {
                    Some(label) => write!(f, "{label} ({})", self.code()),
                    None => write!(f, "unknown error code {}", self.code()),
                }
            }
        }
    }
}
