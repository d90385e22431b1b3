//! The `api` modules: per group, the client's accessor and one async method per endpoint
//! (plus a `*_stream` method for paginated ones); and `api/mod.rs`, which re-exports them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::format::Module;
use super::{doc, module_doc, response_adapter};
use crate::emit::prose::{inline, md, per_statement, run_in, source_word, sourced, zh_en};
use crate::model::{Api, Endpoint, Group, HttpMethod, ObjectName, Response, Retry};
use crate::naming::{
    field_ident, field_name, group_accessor, group_module, group_struct, ident, method_ident,
    method_name, object_ident, recover_method, screaming, stream_method, type_ident, unraw,
};

/// `api/mod.rs`: one private module per group, its items re-exported (so the public paths
/// are `crate::api::WalletApi`), and the `Recovered` alias the `*_and_recover` methods share.
pub(crate) fn api_index_module(api: &Api) -> TokenStream {
    let mdoc = module_doc(
        "The endpoints, by group. Reach a group from the client: `client.<group>().<endpoint>(&request)`.\n\n\
         Each group is a module of its own (one file per group, regenerated only when its part of\n\
         the spec changes); its items are re-exported here.",
    );
    let mods = group_modules(api);
    let recovered = recovered_alias(api);
    quote! {
        #mdoc
        #(#mods)*
        #recovered
    }
}

/// `#[rustfmt::skip] mod <group>;` for each group with endpoints, then `pub use <group>::*;`
/// for each.
pub(crate) fn group_modules(api: &Api) -> Vec<TokenStream> {
    let mods: Vec<_> = api
        .groups
        .iter()
        .filter(|g| api.group_endpoints(&g.spec_key).next().is_some())
        .map(|g| ident(&group_module(&g.spec_key)))
        .collect();
    let decls = mods.iter().map(|m| {
        quote! {
            #[rustfmt::skip]
            mod #m;
        }
    });
    let uses = mods.iter().map(|m| quote!(pub use #m::*;));
    decls.chain(uses).collect()
}

/// `api/<group>.rs`: the group's accessor on `Client`, its API struct with one method per
/// endpoint, and the `Operation` constants of its endpoints. `api` needs to hold only what
/// [`crate::depends::group_inputs`] names for the group.
pub(crate) fn api_group_module<'a>(api: &'a Api, group_key: &'a str) -> Module<'a> {
    let Some(g) = api.groups.iter().find(|g| g.spec_key == group_key) else {
        return TokenStream::new().into();
    };
    let eps: Vec<&Endpoint> = api.group_endpoints(&g.spec_key).collect();
    let mdoc = module_doc(&format!(
        "The {} endpoints: [`{}`].",
        zh_en(&g.zh, Some(&g.en)),
        group_struct(&g.spec_key)
    ));
    let imports = imports(&eps);
    let (accessor, group) = group_items(api, g, &eps);
    let ops = eps.iter().map(|e| operation_const(e));
    let operations = quote! {
        /// What the client needs to know about each endpoint.
        mod operations {
            use ::apigen_runtime::{Method, Operation, RetryClass};
            #(#ops)*
        }
    };
    Module {
        head: quote!(#mdoc #imports),
        imports_from: &["enums", "requests", "types"],
        items: Box::new([quote!(impl Client { #accessor }), group, operations].into_iter()),
    }
}

/// A group's accessor on `Client` and its API struct with one method per endpoint.
fn group_items(api: &Api, g: &Group, eps: &[&Endpoint]) -> (TokenStream, TokenStream) {
    let acc = ident(&group_accessor(&g.spec_key));
    let ty = ident(&group_struct(&g.spec_key));
    let title = zh_en(&g.zh, Some(&g.en));
    let acc_doc = doc(&format!("{title} endpoints."));
    let accessor = quote!(#acc_doc pub fn #acc(&self) -> #ty<'_> { #ty { client: self } });
    let ty_doc = doc(&format!(
        "{title} endpoints, from [`Client::{}`].\n\n{}",
        unraw(&group_accessor(&g.spec_key)),
        method_list(g, eps)
    ));
    let methods = eps.iter().map(|e| method(api, e));
    let group = quote! {
        #ty_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'a> { client: &'a Client }
        impl #ty<'_> { #(#methods)* }
    };
    (accessor, group)
}

/// The Markdown list of a group's methods, for the doc of its API struct.
fn method_list(g: &Group, eps: &[&Endpoint]) -> String {
    let list: Vec<String> = eps
        .iter()
        .map(|e| {
            let mut line = format!(
                "- [`{0}`]({1}::{0}): {2}",
                unraw(&method_name(e.method_source())),
                group_struct(&g.spec_key),
                zh_en(&e.zh, Some(&e.en))
            );
            if e.recover.is_some() {
                line.push_str(&format!(
                    " (and [`{0}`]({1}::{0}), which settles an unknown outcome)",
                    recover_method(&method_name(e.method_source())),
                    group_struct(&g.spec_key),
                ));
            }
            line
        })
        .collect();
    list.join("\n")
}

/// The `Operation` constant of an endpoint, in the `operations` module.
fn operation_const(e: &Endpoint) -> TokenStream {
    let c = screaming(&method_name(&e.spec_name));
    let name = unraw(&method_name(&e.spec_name)).to_string();
    let path = &e.full_path;
    let retry = match e.retry {
        Retry::Safe => quote!(RetryClass::Safe),
        Retry::Never => quote!(RetryClass::Never),
    };
    let recovery = match &e.recovery {
        Some(text) => {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    let method = match e.method {
        HttpMethod::Get => quote!(Method::Get),
        HttpMethod::Post => quote!(Method::Post),
    };
    let moves_money = e.moves_money;
    quote!(pub(crate) const #c: Operation = Operation { name: #name, path: #path, method: #method, retry: #retry, recovery: #recovery, moves_money: #moves_money };)
}

/// The group module's `use` items but the crate's own modules (which the printer adds from
/// the paths the items name: [`Module::imports_from`]): only what its endpoints use, so no
/// `allow(unused_imports)` is needed; the runtime's items from the endpoints' responses.
fn imports(eps: &[&Endpoint]) -> TokenStream {
    let paged = eps
        .iter()
        .any(|e| e.paginated && matches!(e.response, Response::Page(_)));
    let cursor_paged = eps
        .iter()
        .any(|e| e.paginated && matches!(e.response, Response::CursorPage(_)));
    let empty = eps.iter().any(|e| e.response == Response::Empty);
    let stream_use = if paged || cursor_paged {
        quote!(
            use futures_util::Stream;
        )
    } else {
        quote!()
    };
    let mut runtime_items = Vec::new();
    if empty {
        runtime_items.push(format_ident!("Empty"));
    }
    if paged {
        runtime_items.push(format_ident!("paginate"));
    }
    if cursor_paged {
        runtime_items.push(format_ident!("paginate_cursor"));
    }
    let runtime_use = if runtime_items.is_empty() {
        quote!()
    } else {
        quote!(use ::apigen_runtime::{#(#runtime_items),*};)
    };
    let recovered_use = if eps.iter().any(|e| e.recover.is_some()) {
        quote!(
            use super::Recovered;
        )
    } else {
        quote!()
    };
    quote! {
        #stream_use
        #runtime_use
        #recovered_use
        use crate::{Client, Error};
    }
}

/// The `Recovered` alias, when some endpoint has a `*_and_recover` method.
fn recovered_alias(api: &Api) -> TokenStream {
    if !api.endpoints.iter().any(|e| e.recover.is_some()) {
        return quote!();
    }
    quote! {
        /// What a `*_and_recover` method found out about a call that must not be sent
        /// twice: [`Done`](::apigen_runtime::Recovered::Done) with the response,
        /// [`Found`](::apigen_runtime::Recovered::Found) with the lookup's record after an
        /// unknown outcome, or [`NotFound`](::apigen_runtime::Recovered::NotFound): the call
        /// did not take effect, and sending it again with the same idempotency key is safe
        /// (the caller decides; the method never re-sends). See [`::apigen_runtime::recover`].
        pub type Recovered<T, L> = ::apigen_runtime::Recovered<T, L, crate::ErrorCode>;
    }
}

fn retry_doc(api: &Api, e: &Endpoint) -> String {
    match e.retry {
        Retry::Safe => {
            let code = match &api.service.envelope.rate_limit_code {
                Some(c) => format!("and the rate-limit business code {c}, "),
                None => String::new(),
            };
            format!(
                "**Retry:** safe. Retried with backoff on connection errors, timeouts, HTTP 429 and 5xx,\n\
                 {code}as the client's [`RetryPolicy`](crate::RetryPolicy) allows."
            )
        }
        Retry::Never => {
            let mut t = String::from(
                "**Retry:** never. This call is not retried once the request may have reached the server\n\
                 (only a connection that was never established is retried).",
            );
            if e.moves_money {
                t.push_str(" It moves money.");
            }
            if let Some(k) = &e.idempotency_key {
                t.push_str(&format!(" The server identifies the order by `{k}`: reuse the same value when you retry."));
            }
            if let Some(r) = &e.recovery {
                t.push_str(&format!(
                    "\n\n{}",
                    run_in("**Recovery** after a timeout or transport error: ", r)
                ));
            }
            t
        }
    }
}

fn method(api: &Api, e: &Endpoint) -> TokenStream {
    let name = method_ident(e.method_source());
    let op = screaming(&method_name(&e.spec_name));
    let req = object_ident(&ObjectName::Request(e.spec_name.clone()));
    let d = doc(&method_doc(api, e));
    let req_ty = quote!(requests::#req);
    let mut out = match (&e.response, response_adapter(&e.response)) {
        (Response::Empty, _) => quote! {
            #d
            pub async fn #name(&self, request: &#req_ty) -> Result<(), Error> {
                self.client.runtime.execute::<_, Empty>(&operations::#op, request).await.map(|Empty| ())
            }
        },
        (_, Some(adapter)) => {
            let ret = response_tokens(e);
            quote! {
                #d
                pub async fn #name(&self, request: &#req_ty) -> Result<#ret, Error> {
                    self.client
                        .runtime
                        .execute::<_, ::apigen_runtime::serde_as::DeserializeAsWrap<#ret, #adapter>>(&operations::#op, request)
                        .await
                        .map(::apigen_runtime::serde_as::DeserializeAsWrap::into_inner)
                }
            }
        }
        (_, None) => {
            let ret = response_tokens(e);
            quote! {
                #d
                pub async fn #name(&self, request: &#req_ty) -> Result<#ret, Error> {
                    self.client.runtime.execute(&operations::#op, request).await
                }
            }
        }
    };
    if e.paginated {
        match &e.response {
            Response::Page(t) => out.extend(stream_method_tokens(e, t, &op, &req_ty)),
            Response::CursorPage(t) => out.extend(cursor_stream_method_tokens(e, t, &op, &req_ty)),
            _ => {}
        }
    }
    if let Some(r) = &e.recover {
        out.extend(recover_method_tokens(api, e, r, &name, &req_ty));
    }
    out
}

/// The doc text of an endpoint's method: title, path, description, retry, errors and examples.
fn method_doc(api: &Api, e: &Endpoint) -> String {
    let mut text = format!(
        "{}\n\n`{} {}` · source: {}{}\n",
        zh_en(&e.zh, Some(&e.en)),
        e.method.as_str(),
        e.full_path,
        source_word(e.source),
        per_statement(&e.provenance)
    );
    if let Some(d) = &e.description {
        text.push_str(&format!("\n{}\n", md(d)));
    }
    text.push_str(&format!("\n{}\n", retry_doc(api, e)));
    text.push_str("\n# Errors\n\n[`Error::Api`](crate::Error::Api) when the envelope's code is not success; otherwise a transport,\nHTTP or decode [`Error`](crate::Error) naming this endpoint.\n");
    for ex in &e.examples {
        text.push_str(&format!(
            "\n# Example: {} ({})\n",
            inline(&ex.name),
            sourced(ex.source, &ex.provenance)
        ));
        if let Some(r) = &ex.request {
            text.push_str(&format!(
                "\nRequest body:\n\n```json\n{}\n```\n",
                r.trim_end()
            ));
        }
        if let Some(r) = &ex.response {
            text.push_str(&format!("\nResponse:\n\n```json\n{}\n```\n", r.trim_end()));
        }
    }
    text
}

/// `<endpoint>_stream`: every row of a paginated endpoint, pages fetched lazily.
fn stream_method_tokens(
    e: &Endpoint,
    t: &str,
    op: &proc_macro2::Ident,
    req_ty: &TokenStream,
) -> TokenStream {
    let t = type_ident(t);
    let stream = ident(&stream_method(&method_name(e.method_source())));
    let sd = doc(&format!(
        "Every row of [`{0}`](Self::{0}), fetching pages lazily from the request's page\n\
             (default 1) until the total is reached. An error ends the stream after it is yielded.",
        unraw(&method_name(e.method_source()))
    ));
    quote! {
        #sd
        pub fn #stream(&self, request: #req_ty) -> impl Stream<Item = Result<types::#t, Error>> + Send + 'static {
            paginate::<_, _, types::Page<types::#t>>(self.client.runtime.clone(), &operations::#op, request)
        }
    }
}

/// `<endpoint>_stream` of a cursor-paginated endpoint: every row, pages fetched lazily.
fn cursor_stream_method_tokens(
    e: &Endpoint,
    t: &str,
    op: &proc_macro2::Ident,
    req_ty: &TokenStream,
) -> TokenStream {
    let t = type_ident(t);
    let stream = ident(&stream_method(&method_name(e.method_source())));
    let sd = doc(&format!(
        "Every row of [`{0}`](Self::{0}), fetching pages lazily from the request's cursor\n\
         (none: the first page) until a page names no next cursor. An error ends the stream\n\
         after it is yielded.",
        unraw(&method_name(e.method_source()))
    ));
    quote! {
        #sd
        pub fn #stream(&self, request: #req_ty) -> impl Stream<Item = Result<types::#t, Error>> + Send + 'static {
            paginate_cursor::<_, _, types::CursorPage<types::#t>>(self.client.runtime.clone(), &operations::#op, request)
        }
    }
}

/// The response type of `e`'s method, as written in the api module.
pub(crate) fn response_tokens(e: &Endpoint) -> TokenStream {
    match &e.response {
        Response::Object(t) => {
            let t = type_ident(t);
            quote!(types::#t)
        }
        Response::Array(t) => {
            let t = type_ident(t);
            quote!(::std::vec::Vec<types::#t>)
        }
        Response::Page(t) => {
            let t = type_ident(t);
            quote!(types::Page<types::#t>)
        }
        Response::CursorPage(t) => {
            let t = type_ident(t);
            quote!(types::CursorPage<types::#t>)
        }
        Response::Value(t) => super::rust_type(t),
        Response::Empty => quote!(()),
    }
}

/// `<endpoint>_and_recover`: the call once, then its lookup if the outcome is unknown.
fn recover_method_tokens(
    api: &Api,
    e: &Endpoint,
    r: &crate::model::Recover,
    name: &proc_macro2::Ident,
    req_ty: &TokenStream,
) -> TokenStream {
    let (Some(lookup), Some(own)) = (api.endpoint(&r.lookup), api.request_object(e)) else {
        return quote!();
    };
    let Some(lreq) = api.request_object(lookup) else {
        return quote!();
    };
    let lreq_ty = object_ident(&lreq.name);
    let accessor = ident(&group_accessor(&lookup.group_key));
    let lmethod = method_ident(lookup.method_source());
    let inits = lreq
        .fields
        .iter()
        .map(|f| lookup_field_init(api, r, own, f));
    let method = ident(&recover_method(&method_name(e.method_source())));
    let resp = response_tokens(e);
    let lresp = response_tokens(lookup);
    let call = unraw(&method_name(e.method_source())).to_string();
    let lcall = unraw(&method_name(lookup.method_source())).to_string();
    let lgroup = group_struct(&lookup.group_key);
    let mapped = r
        .fields
        .iter()
        .map(|(lk, of)| format!("`{lk}` = the request's `{of}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let key = match &e.idempotency_key {
        Some(k) => format!(" (the same `{k}`)"),
        None => String::new(),
    };
    let d = doc(&format!(
        "[`{call}`](Self::{call}), sent **once**, and settled with\n\
         [`{lcall}`](crate::api::{lgroup}::{lcall}) ({mapped}) if its outcome is unknown.\n\n\
         - Success: [`Done`](crate::runtime::Recovered::Done) with the response.\n\
         - A timeout, a dropped connection, an HTTP 5xx or an unreadable answer\n  \
         ([`Outcome::Unknown`](crate::runtime::Outcome::Unknown)): the lookup is sent (with its\n  \
         own safe retries). [`Found`](crate::runtime::Recovered::Found) with the record when it\n  \
         exists: the call took effect. [`NotFound`](crate::runtime::Recovered::NotFound) when the\n  \
         lookup answers with a business error (no such record): the call did not take effect, and\n  \
         sending it again with the same request{key}\n  \
         is safe. **The caller decides** whether to send it again: this method never re-sends.\n\n\
         # Errors\n\n\
         The call's own [`Error`](crate::Error), as is, when it was not sent or was rejected (no\n\
         lookup), and when the lookup could not settle the outcome either (its\n\
         [`outcome`](crate::Error::outcome) is then still `Unknown`)."
    ));
    quote! {
        #d
        pub async fn #method(&self, request: &#req_ty) -> Result<Recovered<#resp, #lresp>, Error> {
            ::apigen_runtime::recover(self.#name(request), || async move {
                let lookup = requests::#lreq_ty { #(#inits),* };
                self.client.#accessor().#lmethod(&lookup).await
            })
            .await
        }
    }
}

/// The initialiser of one lookup request field: from the mapped field of the call's own
/// request (cloned, unboxed or wrapped in `Some` as needed), else `None`.
fn lookup_field_init(
    api: &Api,
    r: &crate::model::Recover,
    own: &crate::model::Object,
    f: &crate::model::Field,
) -> TokenStream {
    let n = field_ident(&f.wire_name);
    match r.fields.iter().find(|(lk, _)| *lk == f.wire_name) {
        Some((_, of)) => {
            let ofield = own.fields.iter().find(|x| &x.wire_name == of);
            let on = ident(&ofield.map_or(of.clone(), |x| field_name(&x.wire_name)));
            let own_optional = ofield.is_some_and(|x| x.is_option());
            let boxed = ofield.is_some_and(|x| x.boxed);
            let value = match (boxed, own_optional) {
                (true, true) => quote!(request.#on.as_deref().cloned()),
                (true, false) => quote!((*request.#on).clone()),
                (false, _) if super::webhooks::is_copy(api, &f.ty) => quote!(request.#on),
                (false, _) => quote!(request.#on.clone()),
            };
            if f.is_option() && !own_optional {
                quote!(#n: Some(#value))
            } else {
                quote!(#n: #value)
            }
        }
        None => quote!(#n: None),
    }
}
