//! The `webhooks` module: one `Event` variant per tag with its typed payload,
//! the spec's acknowledgement, and re-fetching through the detail endpoints.
//! Parsing, verification and redaction of unknown payloads live in the
//! hand-written runtime (`runtime::webhook`), which this module re-exports.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, module_doc};
use crate::emit::prose::{cell, code, inline};
use crate::model::{
    Api, Code, EnumRepr, Field, Object, Refetch, Response, Type, WebhookKind, Webhooks,
};
use crate::naming::{
    field_ident, field_name, group_accessor, group_struct, ident, method_ident, method_name,
    object_ident, type_ident, type_name, unraw,
};

/// Is the Rust type of `ty` `Copy` (so it is copied, not cloned)?
pub(super) fn is_copy(api: &Api, ty: &Type) -> bool {
    match ty {
        Type::Long
        | Type::Int
        | Type::Bool
        | Type::Money(_)
        | Type::Decimal(_)
        | Type::DateTime(_)
        | Type::Date => true,
        Type::Enum(n) => api
            .enum_(n)
            .is_some_and(|e| e.repr == EnumRepr::Int || e.closed),
        Type::String | Type::Object(_) | Type::Array(_) | Type::Map(_) => false,
    }
}

/// The whole module: runtime re-exports, `SPEC`, `Event` and `Refetched`.
pub(crate) fn webhooks_module(api: &Api, w: &Webhooks) -> TokenStream {
    let arms = event_arms(api, w);
    let mdoc = module_doc(&module_text(w));
    let spec_items = spec_items(w);
    let has_rules = w.kinds.iter().any(|k| !k.events.is_empty());
    let has_implies = w
        .kinds
        .iter()
        .flat_map(|k| &k.events)
        .any(|e| !e.implies.is_empty());
    let rule_imports = match (has_rules, has_implies) {
        (false, _) => quote!(),
        (true, false) => quote!(
            use ::apigen_runtime::webhook::EventRule;
        ),
        (true, true) => quote!(
            use ::apigen_runtime::webhook::{EventRule, Implied};
        ),
    };
    let event_items = event_items(api, w, &arms);
    let webhook_event_impl = webhook_event_impl(&arms.decode_arms);
    let refetched_item = refetched_item(&arms.refetched);
    quote! {
        #mdoc
        #rule_imports
        use ::apigen_runtime::webhook::{WebhookEvent, WebhookSpec, decode};
        use crate::types;

        pub use ::apigen_runtime::webhook::{
            Ack, BlankSecret, Delivery, DeliveryKey, DeliveryStore, Handling, HmacSha256Verifier,
            MemoryStore, Receipt, SignatureError, UnknownEvent, Verifier, WebhookError,
        };

        #spec_items

        #event_items

        #webhook_event_impl

        #refetched_item
    }
}

/// The arms and variants gathered from every event of every kind.
#[derive(Default)]
struct EventArms {
    /// `Event` variants, one per tag.
    variants: Vec<TokenStream>,
    /// `Event::tag` arms, one per tag.
    tag_arms: Vec<TokenStream>,
    /// `Event::kind` arms, one per kind with events.
    kind_arms: Vec<TokenStream>,
    /// `from_parts` arms, one per tag.
    decode_arms: Vec<TokenStream>,
    /// `Event::refetch` arms, one per kind with events (and, if it has one, a usable detail endpoint).
    refetch_arms: Vec<TokenStream>,
    /// `Refetched` variants, one per kind with a usable detail endpoint.
    refetched: Vec<TokenStream>,
}

/// The variants and match arms of every event, kind by kind.
fn event_arms(api: &Api, w: &Webhooks) -> EventArms {
    let mut arms = EventArms::default();
    for k in &w.kinds {
        let payload = type_ident(&k.payload);
        let kind_key = &k.spec_key;
        let mut pats = Vec::new();
        let mut ignored = Vec::new();
        for e in &k.events {
            let v = type_ident(&e.name);
            let tag = &e.tag;
            let d = doc(&format!(
                "{} — {} ({}). Payload [`{}`](types::{}); kind `{}`.",
                code(tag),
                inline(&e.zh),
                inline(&e.en),
                type_name(&k.payload),
                type_name(&k.payload),
                k.spec_key
            ));
            arms.variants.push(quote!(#d #v(types::#payload),));
            arms.tag_arms.push(quote!(Self::#v(_) => #tag,));
            arms.decode_arms
                .push(quote!(#tag => Self::#v(decode(tag, data)?),));
            pats.push(quote!(Self::#v(payload)));
            ignored.push(quote!(Self::#v(_)));
        }
        if pats.is_empty() {
            continue;
        }
        arms.kind_arms
            .push(quote!(#(#ignored)|* => Some(#kind_key),));
        match &k.refetch {
            Some(r) => {
                // A detail endpoint the resolver could not tie up gets no arm.
                if let Some((variant, arm)) = refetch(api, k, r, &pats, &ignored) {
                    arms.refetched.push(variant);
                    arms.refetch_arms.push(arm);
                }
            }
            None => arms.refetch_arms.push(quote!(#(#ignored)|* => Ok(None),)),
        }
    }
    arms
}

/// The `Refetched` variant of a kind and its `Event::refetch` arm, which calls the detail endpoint.
fn refetch(
    api: &Api,
    k: &WebhookKind,
    r: &Refetch,
    pats: &[TokenStream],
    ignored: &[TokenStream],
) -> Option<(TokenStream, TokenStream)> {
    let ep = api.endpoint(&r.endpoint)?;
    let req = api.request_object(ep)?;
    let Response::Object(resp) = &ep.response else {
        return None;
    };
    let group = api.groups.iter().find(|g| g.spec_key == ep.group_key)?;
    let pay = api.declared_object(&k.payload)?;
    let req_ty = object_ident(&req.name);
    let method = method_ident(ep.method_source());
    let accessor = ident(&group_accessor(&group.spec_key));
    let inits = req.fields.iter().map(|f| refetch_init(api, r, pay, f));
    let variant = type_ident(&k.spec_key);
    let resp_ty = type_ident(resp);
    let check = identity_check(api, r, resp, pay);
    let rd = doc(&format!(
        "{} re-fetched with [`{}`](crate::api::{}::{}).",
        inline(&k.en),
        unraw(&method_name(ep.method_source())),
        group_struct(&group.spec_key),
        unraw(&method_name(ep.method_source()))
    ));
    // Without mapped fields the payload is not read.
    let pats = if r.fields.is_empty() { ignored } else { pats };
    Some((
        quote!(#rd #variant(types::#resp_ty),),
        quote! {
            #(#pats)|* => {
                let request = crate::requests::#req_ty { #(#inits),* };
                let fresh = client.#accessor().#method(&request).await?;
                #check
                Ok(Some(Refetched::#variant(fresh)))
            }
        },
    ))
}

/// The check that the re-fetched object is the event's (its identity fields equal the
/// payload's), or nothing when the spec maps no field the response has.
fn identity_check(api: &Api, r: &Refetch, resp: &str, pay: &Object) -> TokenStream {
    let Some(resp) = api.declared_object(resp) else {
        return quote!();
    };
    let pairs: Vec<TokenStream> = r
        .identity
        .iter()
        .filter_map(|(rf, pf)| {
            let rfield = resp.fields.iter().find(|f| &f.wire_name == rf)?;
            let pfield = pay.fields.iter().find(|f| &f.wire_name == pf)?;
            let rn = field_ident(&rfield.wire_name);
            let pn = field_ident(&pfield.wire_name);
            let same = match (rfield.is_option(), pfield.is_option()) {
                (true, false) => quote!(fresh.#rn.as_ref() == Some(&payload.#pn)),
                (false, true) => quote!(Some(&fresh.#rn) == payload.#pn.as_ref()),
                _ => quote!(fresh.#rn == payload.#pn),
            };
            Some(quote!((#rf, #same)))
        })
        .collect();
    if pairs.is_empty() {
        return quote!();
    }
    quote!(::apigen_runtime::webhook::check_identity(self.tag(), &[#(#pairs),*])?;)
}

/// The initializer of one request field of a re-fetch: from the mapped payload field, or `None`.
fn refetch_init(api: &Api, r: &Refetch, pay: &Object, f: &Field) -> TokenStream {
    let n = field_ident(&f.wire_name);
    match r.fields.iter().find(|(rk, _)| *rk == f.wire_name) {
        Some((_, pf)) => {
            let pfield = pay.fields.iter().find(|x| &x.wire_name == pf);
            let pn = ident(&pfield.map_or(pf.clone(), |x| field_name(&x.wire_name)));
            let payload_optional = pfield.is_some_and(|x| x.is_option());
            let boxed = pfield.is_some_and(|x| x.boxed);
            let value = match (boxed, payload_optional) {
                (true, true) => quote!(payload.#pn.as_deref().cloned()),
                (true, false) => quote!((*payload.#pn).clone()),
                (false, _) if is_copy(api, &f.ty) => quote!(payload.#pn),
                (false, _) => quote!(payload.#pn.clone()),
            };
            if f.is_option() && !payload_optional {
                quote!(#n: Some(#value))
            } else {
                quote!(#n: #value)
            }
        }
        None => quote!(#n: None),
    }
}

/// The module doc: the steps of handling a delivery, then the table of events.
fn module_text(w: &Webhooks) -> String {
    let (tag_field, data_field, ack_status, ack_body) =
        (&w.tag_field, &w.data_field, w.ack_status, &w.ack_body);
    let mut table = String::from(
        "| tag | variant | kind | 中文 | English | source |\n|---|---|---|---|---|---|\n",
    );
    for k in &w.kinds {
        for e in &k.events {
            table.push_str(&format!(
                "| {} | [`{}`](Event::{}) | `{}` | {} | {} | {:?} |\n",
                code(&e.tag).replace('|', "\\|"),
                type_name(&e.name),
                type_name(&e.name),
                k.spec_key,
                cell(&e.zh),
                cell(&e.en),
                e.source
            ));
        }
    }
    format!(
        "Webhook events pushed by the vendor.\n\n\
         Needs the cargo feature `webhooks` (on by default).\n\n\
         [`Receiver`] does steps 1 to 4 for one `POST`, framework-neutral.\n\n\
         1. Verify the raw body with a [`Verifier`] ([`HmacSha256Verifier`]: several secrets and\n   signature headers; a blank secret is refused). A [`Receiver`] verifies unless built\n   with `Receiver::without_verification`.\n\
         2. [`parse`] the body into an [`Event`]: the tag is read from `{tag_field}`, the object from\n   `{data_field}` or, in a flat body, from beside the tag (a body with both is refused). An\n   unknown tag is not an error: it is kept as [`Event::Unknown`]. A payload contradicting\n   the value its tag implies is refused.\n\
         3. Deduplicate by [`DeliveryKey`] (the tag and the fields the spec names per kind):\n   a delivery handled before is acknowledged without handling it again.\n\
         4. Handle it (persist first), then answer with [`Ack`] (HTTP {ack_status}, body\n   `{ack_body}`). A failed handler gets a non-2xx answer so that the vendor\n   retries: delivery is at least once.\n\
         5. Before acting on money, [`Event::refetch`] the object through the API (it checks that\n   the API answered about the same object), with bounded rate and concurrency.\n\n{table}"
    )
}

/// What `Debug` of an event hides, for the `Event` doc.
fn redaction_note(api: &Api, w: &Webhooks) -> &'static str {
    let payloads: Vec<_> = w
        .kinds
        .iter()
        .filter_map(|k| api.declared_object(&k.payload))
        .collect();
    if !payloads.iter().any(|o| o.has_sensitive()) {
        return "`Debug` prints no payload of an unknown event.";
    }
    let last4 = api
        .objects
        .iter()
        .flat_map(|o| &o.fields)
        .any(|f| f.sensitive && f.redact_last4 && f.ty == Type::String);
    if last4 {
        "`Debug` redacts the payload fields the spec marks sensitive (those marked\n\
         `redact: last4` show their last four characters) and prints no payload of an\n\
         unknown event."
    } else {
        "`Debug` redacts the payload fields the spec marks sensitive and prints no payload\n\
         of an unknown event."
    }
}

/// The `allow` of `clippy::large_enum_variant` on `Event` and `Refetched`.
///
/// The variants hold whole objects of different sizes; an event is handled
/// once, not stored in bulk, so boxing them would only cost an allocation.
fn large_variants() -> TokenStream {
    quote!(#[allow(clippy::large_enum_variant, reason = "an event is handled once, not stored in bulk")])
}

/// `SPEC` (where the tag and the object are, the acknowledgement), `Parser`, `parse` and `ack`.
fn spec_items(w: &Webhooks) -> TokenStream {
    let (tag_field, data_field, ack_status, ack_body) =
        (&w.tag_field, &w.data_field, w.ack_status, &w.ack_body);
    let rules = w.kinds.iter().flat_map(|k| {
        let key_fields = &k.delivery_key;
        k.events.iter().map(move |e| {
            let tag = &e.tag;
            let implies = e.implies.iter().map(|(field, code)| {
                let json = match code {
                    Code::Int(i) => i.to_string(),
                    Code::Str(s) => serde_json::Value::from(s.as_str()).to_string(),
                };
                quote!(Implied { field: #field, json: #json })
            });
            quote! {
                EventRule { tag: #tag, key_fields: &[#(#key_fields),*], implies: &[#(#implies),*] }
            }
        })
    });
    quote! {
        /// Where the tag and the object are, what to answer, and per tag the fields of the
        /// delivery key and the values the tag implies (from the spec).
        pub const SPEC: WebhookSpec = WebhookSpec {
            tag_field: #tag_field,
            data_field: #data_field,
            ack_status: #ack_status,
            ack_body: #ack_body,
            events: &[#(#rules),*],
        };

        /// The framework-neutral receiver for [`Event`]: verify, parse, deduplicate, call your
        /// handler, and acknowledge only when it succeeds (see
        /// [`Receiver`](::apigen_runtime::webhook::Receiver)).
        pub type Receiver<S = MemoryStore> = ::apigen_runtime::webhook::Receiver<Event, S>;

        /// Why [`Event::refetch`] gives no object: the detail call failed, or it returned
        /// another object than the event's.
        pub type RefetchError = ::apigen_runtime::webhook::RefetchError<crate::Error>;

        /// Webhook body parser for [`Event`], with a size limit (default 1 MiB).
        pub type Parser = ::apigen_runtime::webhook::Parser<Event>;

        /// Parses a webhook body with the default [`Parser`] (1 MiB limit). Verification and
        /// deduplication are separate steps ([`Receiver`] does all of them): this checks no
        /// signature.
        ///
        /// # Errors
        ///
        /// See [`Parser::parse`](::apigen_runtime::webhook::Parser::parse).
        pub fn parse(body: &[u8]) -> Result<Event, WebhookError> {
            Parser::default().parse(body)
        }

        /// The acknowledgement the vendor expects, from the spec. Send it once the delivery is
        /// handled or persisted, never before: the vendor retries anything else, and nothing
        /// resends an acknowledged delivery.
        pub fn ack() -> Ack {
            SPEC.ack()
        }
    }
}

/// The `Event` enum and its `tag`, `kind` and `refetch` methods.
fn event_items(api: &Api, w: &Webhooks, arms: &EventArms) -> TokenStream {
    let EventArms {
        variants,
        tag_arms,
        kind_arms,
        refetch_arms,
        refetched,
        ..
    } = arms;
    // Without any detail endpoint to call, the client is not used.
    let client_param = if refetched.is_empty() {
        format_ident!("_client")
    } else {
        format_ident!("client")
    };
    let event_doc = doc(&format!(
        "A webhook event: one variant per tag, with its typed payload.\n\n{}",
        redaction_note(api, w)
    ));
    let refetch_doc = doc(
        "Fetch the current state of this event's object through its detail endpoint.\n\n\
         This is the trust model that needs no signature: act on money only after re-reading\n\
         the object from the API. `Ok(None)` for kinds without a detail endpoint and for\n\
         unknown events.\n\n\
         # Errors\n\n\
         * `RefetchError::Api`: the detail call failed (the client's [`Error`](crate::Error)).\n\
         * `RefetchError::Mismatch`: the endpoint returned another object (an id field the\n  \
         spec maps differs from the event's); act on neither.",
    );
    let large_variants = large_variants();
    quote! {
        #event_doc
        #large_variants
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// A tag this version of the client does not know; the object is kept as raw JSON.
            Unknown(UnknownEvent),
        }

        impl Event {
            /// The event tag, safe to log: a known tag as the spec spells it; an unknown one
            /// with control characters escaped and card-like digit runs masked
            /// ([`UnknownEvent::raw_tag`] has it as sent).
            pub fn tag(&self) -> &str {
                match self {
                    #(#tag_arms)*
                    Self::Unknown(event) => event.tag(),
                }
            }

            /// The kind of event (its key under `webhooks.kinds` in the spec); `None` for an unknown tag.
            pub fn kind(&self) -> Option<&'static str> {
                match self {
                    #(#kind_arms)*
                    Self::Unknown(_) => None,
                }
            }

            #refetch_doc
            pub async fn refetch(&self, #client_param: &crate::Client) -> Result<Option<Refetched>, RefetchError> {
                match self {
                    #(#refetch_arms)*
                    Self::Unknown(_) => Ok(None),
                }
            }
        }
    }
}

/// The `WebhookEvent` implementation: decoding by tag, and the tag and kind of an event.
fn webhook_event_impl(decode_arms: &[TokenStream]) -> TokenStream {
    quote! {
        impl WebhookEvent for Event {
            const SPEC: WebhookSpec = SPEC;

            fn from_parts(tag: &str, data: &str) -> Result<Self, WebhookError> {
                Ok(match tag {
                    #(#decode_arms)*
                    _ => Self::Unknown(UnknownEvent::new(tag, data)),
                })
            }

            fn tag(&self) -> &str {
                Event::tag(self)
            }

            fn kind(&self) -> Option<&'static str> {
                Event::kind(self)
            }

            fn payload_shape(tag: &str) -> Option<(&'static str, &'static ::apigen_runtime::drift::Shape)> {
                super::service::webhook_payload_shape(tag)
            }
        }
    }
}

/// The `Refetched` enum: one variant per kind with a detail endpoint (none without).
fn refetched_item(refetched: &[TokenStream]) -> TokenStream {
    if refetched.is_empty() {
        return quote! {
            /// The fresh object returned by [`Event::refetch`] (no kind has a detail endpoint).
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum Refetched {}
        };
    }
    let allow = if refetched.len() > 1 {
        large_variants()
    } else {
        quote!()
    };
    quote! {
        /// The fresh object returned by [`Event::refetch`].
        #allow
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Refetched { #(#refetched)* }
    }
}
