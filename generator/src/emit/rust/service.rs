//! The `service` module: version, envelope, credentials and the business
//! error codes.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{doc, module_doc, rust_type};
use crate::emit::prose::{cell, inline, run_in, source_word, zh_en};
use crate::model::{Api, Type};
use crate::naming::{ident, method_in, reserved, type_ident, unraw};

pub(crate) fn service_module(api: &Api) -> TokenStream {
    let s = &api.service;
    let version = &s.default_version;
    let base_url = &s.base_url;
    let env = &s.envelope;
    let (code, message, data, success) = (&env.code, &env.message, &env.data, env.success);
    let rate_limited = match env.rate_limit_code {
        Some(c) => quote!(self.code() == #c),
        None => quote!(false),
    };
    let title = format!("{} ({})", s.title_en, s.title);
    let mdoc = module_doc(&format!(
        "Service-wide items of the {}: version, envelope, credentials and business error codes.",
        inline(&title)
    ));
    let version_doc = doc(&format!(
        "Default value of the `{{version}}` path segment (`{}`); source: {}.",
        s.path_prefix,
        source_word(s.version_source)
    ));
    let base_doc = doc(
        "The base URL the spec gives (`service.base_url`). Pass the host of your environment to\n[`Client::builder`](crate::Client::builder): this one may be a placeholder.",
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
            quote!(.field(#wire, &::apigen_runtime::redact::Redacted))
        } else {
            quote!(.field(#wire, &self.#n))
        }
    });
    let entries = auth.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.sensitive {
            quote!(map.serialize_entry(#wire, self.#n.expose_secret())?;)
        } else {
            quote!(map.serialize_entry(#wire, &self.#n)?;)
        }
    });
    let accessors = auth.iter().filter(|f| !f.sensitive).map(|f| {
        let n = ident(&f.rust_name);
        // A field named like the constructor (or a trait method) is read with `new_()`.
        let getter = ident(&method_in(&f.rust_name, reserved::ACCESSORS));
        let t = rust_type(&f.ty);
        let d = doc(&format!(
            "The `{}` sent with every request ({}).",
            f.wire_name,
            zh_en(&f.zh, f.en.as_deref())
        ));
        if f.ty == Type::String {
            quote!(#d pub fn #getter(&self) -> &str { &self.#n })
        } else {
            quote!(#d pub fn #getter(&self) -> #t { self.#n })
        }
    });
    let arg_list: Vec<String> = auth
        .iter()
        .map(|f| format!("`{}` ({})", f.wire_name, inline(&f.zh)))
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
        let mut t = format!("`{}` — {} ({}).", e.code, inline(&e.zh), inline(&e.en));
        if let Some(a) = &e.action {
            t = run_in(&format!("{t} "), a);
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
            cell(&e.zh),
            cell(&e.en),
            e.source
        ));
    }
    let err_doc = doc(&format!(
        "A business error code from the envelope's `{code}` (any value but {success}).\n\n{table}\n\
         Open: a code this version does not list is kept as [`ErrorCode::Unknown`]."
    ));

    let crate_name = &api.service.package.name;
    // Values the runtime masks in server text: every auth field and every sensitive field.
    let sensitive: std::collections::BTreeSet<&str> = (s.auth.iter())
        .chain(
            api.objects
                .iter()
                .flat_map(|o| o.fields.iter().filter(|f| f.sensitive)),
        )
        .map(|f| f.wire_name.as_str())
        .collect();
    let sensitive = sensitive.into_iter();
    let title_en = inline(&s.title_en);
    let client_doc = doc(&format!(
        "Client for the {title_en}. Cheap to clone (the state is shared behind an `Arc`).\n\n\
         Build one with [`Client::builder`]; reach the endpoints through the group methods\n\
         (see [`api`](crate::api)). Every call goes through the runtime's request path:\n\
         auth fields and request fields as one JSON body, a bounded response read, envelope\n\
         decoding and retries per endpoint.\n\n`Debug` does not print the credentials' secrets."
    ));
    quote! {
        #mdoc
        use std::fmt;
        use secrecy::{ExposeSecret as _, SecretString};

        #version_doc
        pub const DEFAULT_VERSION: &str = #version;

        #base_doc
        pub const DOCUMENTED_BASE_URL: &str = #base_url;

        /// This API, described to the runtime: credentials, error codes, envelope and defaults.
        #[derive(Debug)]
        pub enum Api {}

        impl ::apigen_runtime::Service for Api {
            type Credentials = Credentials;
            type ErrorCode = ErrorCode;
            type Client = Client;
            const SPEC: ::apigen_runtime::ServiceSpec = ::apigen_runtime::ServiceSpec {
                name: #crate_name,
                default_version: DEFAULT_VERSION,
                user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
                envelope: ::apigen_runtime::EnvelopeSpec {
                    code: #code,
                    message: #message,
                    data: #data,
                    success: #success,
                },
                sensitive_fields: &[#(#sensitive),*],
            };
        }

        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) runtime: ::apigen_runtime::Client<Api>,
        }

        impl Client {
            /// Starts building a client for `base_url`, e.g. `https://api.example.com` (a path
            /// prefix such as `https://example.com/gateway` is kept; the endpoint paths are
            /// appended).
            pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
                ClientBuilder::new(base_url)
            }

            /// The runtime client underneath: base URL, version, credentials, and
            /// [`execute`](::apigen_runtime::Client::execute) for calling an operation by hand.
            pub fn runtime(&self) -> &::apigen_runtime::Client<Api> {
                &self.runtime
            }
        }

        impl From<::apigen_runtime::Client<Api>> for Client {
            fn from(runtime: ::apigen_runtime::Client<Api>) -> Self {
                Self { runtime }
            }
        }

        /// Builder for [`Client`]: base URL, credentials, version, timeouts, retries.
        pub type ClientBuilder = ::apigen_runtime::ClientBuilder<Api>;

        /// Everything that can go wrong when calling the API.
        pub type Error = ::apigen_runtime::Error<ErrorCode>;

        /// `Result` with this crate's [`Error`].
        pub type Result<T, E = Error> = ::std::result::Result<T, E>;

        #cred_doc
        #[derive(Clone)]
        pub struct Credentials { #(#cred_fields)* }

        impl Credentials {
            /// Creates the credentials.
            pub fn new(#(#params),*) -> Self { Self { #(#inits),* } }
            #(#accessors)*
        }

        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials") #(#debug_fields)* .finish()
            }
        }

        impl ::apigen_runtime::Auth for Credentials {
            fn serialize_fields<M: ::serde::ser::SerializeMap>(&self, map: &mut M) -> ::std::result::Result<(), M::Error> {
                #(#entries)*
                Ok(())
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

        impl ::apigen_runtime::BusinessCode for ErrorCode {
            fn from_code(code: i64) -> Self {
                Self::from_code(code)
            }
            fn code(&self) -> i64 {
                Self::code(self)
            }
            fn is_rate_limited(&self) -> bool {
                #rate_limited
            }
        }
    }
}
