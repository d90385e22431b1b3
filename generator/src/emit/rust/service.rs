//! The `service` module: version, envelope, credentials and the business
//! error codes.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens as _, format_ident, quote};

use super::open_enum::{CodeKind, Flavour, OpenEnum, open_enum};
use super::{doc, module_doc, rust_type, shapes};
use crate::emit::prose::{cell, inline, run_in, source_word, zh_en};
use crate::model::{Api, Code, Field, Type};
use crate::naming::{accessor_ident, field_ident, field_name, type_ident, type_name, unraw};

/// The whole module as one token stream: what `service_file.rs` splices from pieces must
/// print as this does (tested there).
#[cfg(test)]
pub(crate) fn service_module(api: &Api) -> TokenStream {
    service_module_with(
        api,
        &shapes::shape_statics(api),
        &shapes::response_shape_body(api),
    )
}

/// [`service_module`] with the given shape `static`s and body of `response_shape` (what
/// `service_file.rs` replaces by markers to splice them).
pub(crate) fn service_module_with(
    api: &Api,
    shape_statics: &TokenStream,
    response_shape: &TokenStream,
) -> TokenStream {
    let s = &api.service;
    let version = &s.default_version;
    let base_url = &s.base_url;
    let env = &s.envelope;
    let (code, message, data) = (&env.code, &env.message, &env.data);
    let success = match &env.success {
        Code::Int(c) => quote!(::apigen_runtime::SuccessCode::Int(#c)),
        Code::Str(c) => quote!(::apigen_runtime::SuccessCode::Str(#c)),
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

    let client = client_items(api);
    let credentials = credentials_items(api);
    let error_codes = error_code_items(api);
    let crate_name = &s.package.name;
    // Values the runtime masks in server text: every field the spec marks sensitive, and the
    // header carrying a sensitive auth field (a server echoing `X-App-Key: …`).
    let sensitive: std::collections::BTreeSet<&str> = (s.auth.iter())
        .chain(api.objects.iter().flat_map(|o| o.fields.iter()))
        .filter(|f| f.sensitive)
        .flat_map(|f| std::iter::once(f.wire_name.as_str()).chain(f.header()))
        .collect();
    let sensitive = sensitive.into_iter();
    let webhook_payload_shape = shapes::webhook_payload_shape_fn(api);
    quote! {
        #mdoc
        use std::fmt;

        use ::apigen_runtime::drift;

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
            fn response_shape(endpoint: &str) -> Option<&'static drift::Shape> {
                #response_shape
            }
        }

        #shape_statics

        #webhook_payload_shape

        #client

        #credentials

        #error_codes
    }
}

/// `Client`, its builder and the `Error`/`Result` aliases.
fn client_items(api: &Api) -> TokenStream {
    let s = &api.service;
    let title_en = inline(&s.title_en);
    let client_doc = doc(&format!(
        "Client for the {title_en}. Cheap to clone (the state is shared behind an `Arc`).\n\n\
         Build one with [`Client::builder`]; reach the endpoints through the group methods\n\
         (see [`api`](crate::api)). Every call goes through the runtime's request path:\n\
         auth fields and request fields as one JSON body, a bounded response read, envelope\n\
         decoding and retries per endpoint.\n\n`Debug` does not print the credentials' secrets."
    ));
    quote! {
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
    }
}

/// `Credentials`: one field per auth field, secrets held as `SecretString`, accessors for the
/// rest, a redacting `Debug` and the runtime's `Auth`.
fn credentials_items(api: &Api) -> TokenStream {
    // Computed fields are the signer's, not credentials.
    let (computed, auth): (Vec<&Field>, Vec<&Field>) =
        api.service.auth.iter().partition(|f| f.computed);
    let auth = &auth[..];
    // Credentials: one struct field per auth field; sensitive strings are secrets.
    let cred_fields = auth.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        let t = if f.sensitive {
            quote!(::secrecy::SecretString)
        } else {
            rust_type(&f.ty)
        };
        quote!(#n: #t,)
    });
    let cred_doc = doc(&credentials_doc(auth, &computed));
    // Without fields, `new()` takes nothing: `Default` too (clippy's `new_without_default`).
    let derives = if auth.is_empty() {
        quote!(Clone, Default)
    } else {
        quote!(Clone)
    };
    let new_fn = credentials_new(auth);
    let accessors = auth
        .iter()
        .filter(|f| !f.sensitive)
        .copied()
        .map(credentials_accessor);
    let debug_impl = credentials_debug(auth);
    let auth_impl = credentials_auth(auth, &computed);
    quote! {
        #cred_doc
        #[derive(#derives)]
        pub struct Credentials { #(#cred_fields)* }

        impl Credentials {
            #new_fn
            #(#accessors)*
        }

        #debug_impl

        #auth_impl
    }
}

/// The doc of `Credentials`: the auth fields, and how secrets are held.
fn credentials_doc(auth: &[&Field], computed: &[&Field]) -> String {
    let arg_list: Vec<String> = auth
        .iter()
        .map(|f| match f.header() {
            None => format!("`{}` ({})", f.wire_name, inline(&f.zh)),
            Some(h) => format!("`{}` ({}, in header `{h}`)", f.wire_name, inline(&f.zh)),
        })
        .collect();
    let mut cred_text = if auth.is_empty() {
        "The authentication fields sent in the JSON body of every request: none in this API\n\
         (authenticate some other way, e.g. with the `reqwest::Client` you pass to the builder)."
            .to_owned()
    } else if auth.iter().any(|f| f.header().is_some()) {
        format!(
            "The authentication fields sent with every request, in the JSON body unless a header\n\
             is named: {}.",
            arg_list.join(", ")
        )
    } else {
        format!(
            "The authentication fields sent in the JSON body of every request: {}.",
            arg_list.join(", ")
        )
    };
    if !computed.is_empty() {
        let names: Vec<String> = computed
            .iter()
            .map(|f| format!("`{}`", f.wire_name))
            .collect();
        cred_text.push_str(&format!(
            "\n\nComputed per request by the signer the client is built with\n\
             ([`ClientBuilder::signer`](::apigen_runtime::ClientBuilder::signer), required): {}.",
            names.join(", ")
        ));
    }
    if auth.iter().any(|f| f.sensitive) {
        cred_text.push_str(
            "\n\nSecret fields are held as [`SecretString`](::secrecy::SecretString): `Debug` prints\n\
             `<redacted>`, and they never appear in logs or error messages.",
        );
    }
    cred_text
}

/// `Credentials::new`, taking every auth field (strings and secrets as `impl Into<String>`).
fn credentials_new(auth: &[&Field]) -> TokenStream {
    let params = auth.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        if f.sensitive || f.ty == Type::String {
            quote!(#n: impl Into<String>)
        } else {
            let t = rust_type(&f.ty);
            quote!(#n: #t)
        }
    });
    let inits = auth.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        if f.sensitive {
            quote!(#n: ::secrecy::SecretString::from(#n.into()))
        } else if f.ty == Type::String {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    });
    quote! {
        /// Creates the credentials.
        pub fn new(#(#params),*) -> Self { Self { #(#inits),* } }
    }
}

/// The accessor of a non-secret auth field.
fn credentials_accessor(f: &Field) -> TokenStream {
    let n = field_ident(&f.wire_name);
    // A field named like the constructor (or a trait method) is read with `new_()`.
    let getter = accessor_ident(&f.wire_name);
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
}

/// `Debug` for `Credentials`, secrets redacted.
fn credentials_debug(auth: &[&Field]) -> TokenStream {
    let debug_fields = auth.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        let wire = unraw(&field_name(&f.wire_name)).to_string();
        if f.sensitive {
            quote!(.field(#wire, &::apigen_runtime::redact::Redacted))
        } else {
            quote!(.field(#wire, &self.#n))
        }
    });
    quote! {
        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials") #(#debug_fields)* .finish()
            }
        }
    }
}

/// The runtime's `Auth` for `Credentials`: the body fields into the request body and the
/// header fields as headers, secrets exposed.
fn credentials_auth(auth: &[&Field], computed: &[&Field]) -> TokenStream {
    let (headers, body): (Vec<&Field>, Vec<&Field>) =
        auth.iter().partition(|f| f.header().is_some());
    let computed_const = (!computed.is_empty()).then(|| {
        let items = computed.iter().map(|f| {
            let name = &f.wire_name;
            let header = match f.header() {
                Some(h) => quote!(Some(#h)),
                None => quote!(None),
            };
            quote!(::apigen_runtime::sign::ComputedField { name: #name, header: #header })
        });
        quote! {
            const COMPUTED: &'static [::apigen_runtime::sign::ComputedField] = &[#(#items),*];
        }
    });
    let entries = body.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        let wire = &f.wire_name;
        if f.sensitive {
            quote!(map.serialize_entry(#wire, ::secrecy::ExposeSecret::expose_secret(&self.#n))?;)
        } else {
            quote!(map.serialize_entry(#wire, &self.#n)?;)
        }
    });
    let map = if body.is_empty() {
        format_ident!("_map")
    } else {
        format_ident!("map")
    };
    let headers_fn = (!headers.is_empty()).then(|| {
        let items = headers.iter().map(|f| {
            let n = field_ident(&f.wire_name);
            let name = f.header().unwrap_or_default();
            let sensitive = f.sensitive;
            let value = if sensitive {
                quote!(::secrecy::ExposeSecret::expose_secret(&self.#n))
            } else {
                quote!(&self.#n)
            };
            quote!(::apigen_runtime::AuthHeader { name: #name, value: #value, sensitive: #sensitive })
        });
        quote! {
            fn headers(&self) -> Vec<::apigen_runtime::AuthHeader<'_>> {
                vec![#(#items),*]
            }
        }
    });
    quote! {
        impl ::apigen_runtime::Auth for Credentials {
            #computed_const
            fn serialize_fields<M: ::serde::ser::SerializeMap>(&self, #map: &mut M) -> ::std::result::Result<(), M::Error> {
                #(#entries)*
                Ok(())
            }
            #headers_fn
        }
    }
}

/// `ErrorCode` (the open-enum template) and its `BusinessCode` impl.
fn error_code_items(api: &Api) -> TokenStream {
    let env = &api.service.envelope;
    let (code, success) = (&env.code, &env.success);
    let rate_limited = match &env.rate_limit_code {
        Some(Code::Int(c)) => quote!(Self::code(self) == #c),
        Some(Code::Str(c)) => quote!(Self::code(self) == #c),
        None => quote!(false),
    };
    // Error codes.
    let errs = &api.errors;
    let variants: Vec<Ident> = errs.iter().map(|e| type_ident(&e.name)).collect();
    let codes: Vec<TokenStream> = errs
        .iter()
        .map(|e| match &e.code {
            Code::Int(c) => Literal::i64_suffixed(*c).into_token_stream(),
            Code::Str(c) => Literal::string(c).into_token_stream(),
        })
        .collect();
    let kind = match success {
        Code::Int(_) => CodeKind::Int,
        Code::Str(_) => CodeKind::Str,
    };
    let zh: Vec<&str> = errs.iter().map(|e| e.zh.as_str()).collect();
    let en: Vec<&str> = errs.iter().map(|e| e.en.as_str()).collect();
    let vdocs = errs.iter().map(|e| {
        let mut t = format!("`{}` — {} ({}).", e.code, inline(&e.zh), inline(&e.en));
        if let Some(a) = &e.action {
            t = run_in(&format!("{t} "), a);
        }
        doc(&t)
    });
    let mut table =
        String::from("| code | variant | 中文 | English | source |\n|---|---|---|---|---|\n");
    for e in errs {
        table.push_str(&format!(
            "| {} | [`{}`](ErrorCode::{}) | {} | {} | {:?} |\n",
            e.code,
            type_name(&e.name),
            type_name(&e.name),
            cell(&e.zh),
            cell(&e.en),
            e.source
        ));
    }
    let err_doc = doc(&format!(
        "A business error code from the envelope's `{code}` (any value but {success}).\n\n{table}\n\
         Open: a code this version does not list is kept as [`ErrorCode::Unknown`]."
    ));
    let error_code = open_enum(&OpenEnum {
        name: &format_ident!("ErrorCode"),
        docs: err_doc,
        kind,
        flavour: Flavour::ErrorCode,
        variants: &variants,
        variant_docs: vdocs.collect(),
        codes: &codes,
        zh: &zh,
        en: &en,
    });

    let business_code = match kind {
        CodeKind::Int => quote! {
            type Code = i64;
            fn from_code(code: i64) -> Self {
                Self::from_code(code)
            }
            fn code(&self) -> i64 {
                Self::code(self)
            }
        },
        CodeKind::Str => quote! {
            type Code = ::std::string::String;
            fn from_code(code: ::std::string::String) -> Self {
                Self::from_code(&code)
            }
            fn code(&self) -> ::std::string::String {
                Self::code(self).to_owned()
            }
        },
    };
    quote! {
        #error_code

        impl ::apigen_runtime::BusinessCode for ErrorCode {
            #business_code
            fn is_rate_limited(&self) -> bool {
                #rate_limited
            }
            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }
    }
}
