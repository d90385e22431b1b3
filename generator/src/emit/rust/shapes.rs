//! The declared shapes the runtime compares responses with (drift detection): one private
//! `static` per response or webhook payload object and per page, `Service::response_shape`, a
//! match from operation name to the shape of its `data`, and `webhook_payload_shape`, from an
//! event tag to the shape of its payload.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Api, Code, DateTimeFormat, Field, MoneyWire, ObjectName, Response, Type};
use crate::naming::{
    cursor_page_schema_name, method_name, object_type_name, page_schema_name, screaming_name, unraw,
};

/// One `static` of [`shape_statics`] or one arm of [`response_shape_body`], built only when
/// asked for, with the items it reads (besides the service section): what the key of its
/// fragment in `service.rs` is made from (`emit/splice.rs`).
pub(crate) struct ShapePiece<'a> {
    /// What kind of piece and anything else its text depends on (the `webhooks` feature gate).
    pub(crate) kind: &'static str,
    /// The endpoint of an arm, by position.
    pub(crate) endpoint: Option<usize>,
    /// The objects it reads, by position (a static's name holds its object's position).
    pub(crate) objects: Vec<usize>,
    /// The enums it reads, by position.
    pub(crate) enums: Vec<usize>,
    /// Its tokens; `None` for an endpoint without an arm.
    pub(crate) build: Box<dyn Fn() -> Option<TokenStream> + 'a>,
}

/// The objects and enums type `ty` names directly (through arrays and maps).
fn type_refs(api: &Api, ty: &Type, objects: &mut Vec<usize>, enums: &mut Vec<usize>) {
    match ty {
        Type::Enum(key) => enums.extend(api.enum_position(key)),
        Type::Object(name) => objects.extend(api.object_position(name)),
        Type::Array(inner) | Type::Map(inner) => type_refs(api, inner, objects, enums),
        _ => {}
    }
}

/// The objects and enums the fields' shapes name.
fn field_refs(api: &Api, fields: &[Field], objects: &mut Vec<usize>, enums: &mut Vec<usize>) {
    for f in fields {
        type_refs(api, &f.ty, objects, enums);
    }
}

/// The `static`s of every object a response can hold and of every page wrapper.
///
/// The statics only webhook payloads reach are compiled with the crate's `webhooks` feature,
/// like the webhook module that uses them.
#[cfg(test)]
pub(crate) fn shape_statics(api: &Api) -> TokenStream {
    let statics = shape_static_pieces(api)
        .into_iter()
        .filter_map(|p| (p.build)());
    quote!(#(#statics)*)
}

/// [`shape_statics`], one piece per `static`, in order.
pub(crate) fn shape_static_pieces(api: &Api) -> Vec<ShapePiece<'_>> {
    let from_responses = reachable_objects(api, false);
    let reachable = reachable_objects(api, true);
    let mut pieces: Vec<ShapePiece<'_>> = Vec::new();
    for (i, o) in api.objects.iter().enumerate() {
        if !reachable.contains(&i) {
            continue;
        }
        let gated = !from_responses.contains(&i);
        let (mut objects, mut enums) = (vec![i], Vec::new());
        field_refs(api, &o.fields, &mut objects, &mut enums);
        pieces.push(ShapePiece {
            kind: if gated {
                "object-static-webhooks"
            } else {
                "object-static"
            },
            endpoint: None,
            objects,
            enums,
            build: Box::new(move || {
                let name = object_static(api, i);
                let label = object_type_name(&o.name);
                let fields = fields(api, &o.fields);
                let cfg = gated.then(|| quote!(#[cfg(feature = "webhooks")]));
                Some(quote! {
                    #cfg
                    static #name: drift::ObjectShape =
                        drift::ObjectShape { name: #label, fields: &[#(#fields),*] };
                })
            }),
        });
    }
    // Page wrappers of either convention: (kind, object key).
    let pages = api.endpoints.iter().filter_map(|e| match &e.response {
        Response::Page(key) => Some((PageKind::Number, key)),
        Response::CursorPage(key) => Some((PageKind::Cursor, key)),
        _ => None,
    });
    let mut page_keys: Vec<(PageKind, &String)> = pages.collect();
    page_keys.sort_unstable();
    page_keys.dedup();
    for (kind, key) in page_keys {
        let (mut objects, mut enums) = (Vec::new(), Vec::new());
        objects.extend(declared_index(api, key));
        let response = match kind {
            PageKind::Number => api.service.pagination.as_ref().map(|p| &p.response),
            PageKind::Cursor => api.service.cursor_pagination.as_ref().map(|p| &p.response),
        };
        if let Some(r) = response {
            field_refs(api, r, &mut objects, &mut enums);
        }
        pieces.push(ShapePiece {
            kind: match kind {
                PageKind::Number => "page-static",
                PageKind::Cursor => "cursor-page-static",
            },
            endpoint: None,
            objects,
            enums,
            build: Box::new(move || page_static_tokens(api, kind, key)),
        });
    }
    pieces
}

/// The `static` of the page wrapper of `key` in convention `kind`.
fn page_static_tokens(api: &Api, kind: PageKind, key: &str) -> Option<TokenStream> {
    let (response, list, label) = match kind {
        PageKind::Number => {
            let p = api.service.pagination.as_ref()?;
            (&p.response, &p.list_field, page_schema_name(key))
        }
        PageKind::Cursor => {
            let p = api.service.cursor_pagination.as_ref()?;
            (&p.response, &p.list_field, cursor_page_schema_name(key))
        }
    };
    let item = object_shape(api, key)?;
    let name = page_static(api, kind, key)?;
    let mut fields = fields(api, response);
    fields.push(quote!(drift::FieldShape::optional(#list, &drift::Shape::Array(&#item))));
    Some(quote! {
        static #name: drift::ObjectShape =
            drift::ObjectShape { name: #label, fields: &[#(#fields),*] };
    })
}

/// The body of `fn response_shape(endpoint: &str) -> Option<&'static Shape>`.
#[cfg(test)]
pub(crate) fn response_shape_body(api: &Api) -> TokenStream {
    let arms: Vec<TokenStream> = response_shape_arms(api)
        .into_iter()
        .filter_map(|p| (p.build)())
        .collect();
    response_shape_match(&arms)
}

/// `match endpoint { <arms> _ => None }`, or `None` without arms.
pub(crate) fn response_shape_match(arms: &[TokenStream]) -> TokenStream {
    if arms.is_empty() {
        return quote!(let _ = endpoint; None);
    }
    quote! {
        match endpoint {
            #(#arms)*
            _ => None,
        }
    }
}

/// Does any endpoint have an arm in [`response_shape_body`]? (Builds arms until one does.)
pub(crate) fn has_response_shape_arm(api: &Api) -> bool {
    api.endpoints
        .iter()
        .any(|e| response_shape_arm(api, e).is_some())
}

/// [`response_shape_body`]'s arms, one piece per endpoint, in order.
pub(crate) fn response_shape_arms(api: &Api) -> Vec<ShapePiece<'_>> {
    api.endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (mut objects, mut enums) = (Vec::new(), Vec::new());
            match &e.response {
                Response::Object(key)
                | Response::Array(key)
                | Response::Page(key)
                | Response::CursorPage(key) => objects.extend(declared_index(api, key)),
                Response::Value(ty) => type_refs(api, ty, &mut objects, &mut enums),
                Response::Empty => {}
            }
            ShapePiece {
                kind: "arm",
                endpoint: Some(i),
                objects,
                enums,
                build: Box::new(move || response_shape_arm(api, e)),
            }
        })
        .collect()
}

/// The arm of endpoint `e` in `response_shape`; `None` if it returns nothing to compare.
fn response_shape_arm(api: &Api, e: &crate::model::Endpoint) -> Option<TokenStream> {
    let shape = match &e.response {
        Response::Object(key) => object_shape(api, key)?,
        Response::Array(key) => {
            let item = object_shape(api, key)?;
            quote!(drift::Shape::Array(&#item))
        }
        Response::Page(key) => {
            api.service.pagination.as_ref()?;
            let name = page_static(api, PageKind::Number, key)?;
            quote!(drift::Shape::Object(&#name))
        }
        Response::CursorPage(key) => {
            api.service.cursor_pagination.as_ref()?;
            let name = page_static(api, PageKind::Cursor, key)?;
            quote!(drift::Shape::Object(&#name))
        }
        Response::Value(ty) => type_shape(api, ty),
        Response::Empty => return None,
    };
    let name = unraw(&method_name(&e.spec_name)).to_string();
    // A `static` per arm: a reference to a temporary naming another static is not
    // promoted to `'static` inside a function.
    Some(quote!(#name => {
        static SHAPE: drift::Shape = #shape;
        Some(&SHAPE)
    }))
}

/// `pub(crate) fn webhook_payload_shape`: from an event tag to its kind's drift name
/// (`webhooks.<kind>`) and the shape of its payload; nothing without webhooks.
pub(crate) fn webhook_payload_shape_fn(api: &Api) -> TokenStream {
    let Some(webhooks) = &api.webhooks else {
        return TokenStream::new();
    };
    let arms = webhooks.kinds.iter().filter_map(|kind| {
        let shape = object_shape(api, &kind.payload)?;
        let tags = kind.events.iter().map(|event| &event.tag);
        let name = format!("webhooks.{}", kind.spec_key);
        Some(quote!(#(#tags)|* => {
            static SHAPE: drift::Shape = #shape;
            Some((#name, &SHAPE))
        }))
    });
    let arms: Vec<TokenStream> = arms.collect();
    let body = if arms.is_empty() {
        quote!(let _ = tag; None)
    } else {
        quote!(match tag {
            #(#arms)*
            _ => None,
        })
    };
    quote! {
        /// The drift name (`webhooks.<kind>`) and declared payload shape of the event tag
        /// `tag`, for `WebhookEvent::payload_shape`.
        #[cfg(feature = "webhooks")]
        pub(crate) fn webhook_payload_shape(
            tag: &str,
        ) -> Option<(&'static str, &'static drift::Shape)> {
            #body
        }
    }
}

/// The indices in `api.objects` of the objects some response (and, with `webhooks`, some
/// webhook payload) holds (directly, in a page, or
/// inside another such object), so that no `static` goes unused.
fn reachable_objects(api: &Api, webhooks: bool) -> BTreeSet<usize> {
    let mut todo: Vec<usize> = Vec::new();
    for e in &api.endpoints {
        match &e.response {
            Response::Object(key)
            | Response::Array(key)
            | Response::Page(key)
            | Response::CursorPage(key) => {
                todo.extend(declared_index(api, key));
            }
            Response::Value(ty) => todo.extend(objects_in(api, ty)),
            Response::Empty => {}
        }
    }
    for kind in api
        .webhooks
        .iter()
        .filter(|_| webhooks)
        .flat_map(|w| &w.kinds)
    {
        todo.extend(declared_index(api, &kind.payload));
    }
    if let Some(p) = &api.service.pagination {
        todo.extend(p.response.iter().flat_map(|f| objects_in(api, &f.ty)));
    }
    if let Some(p) = &api.service.cursor_pagination {
        todo.extend(p.response.iter().flat_map(|f| objects_in(api, &f.ty)));
    }
    let mut seen = BTreeSet::new();
    while let Some(i) = todo.pop() {
        if seen.insert(i)
            && let Some(o) = api.objects.get(i)
        {
            todo.extend(o.fields.iter().flat_map(|f| objects_in(api, &f.ty)));
        }
    }
    seen
}

/// The object `ty` names, through arrays and maps.
fn objects_in(api: &Api, ty: &Type) -> Option<usize> {
    match ty {
        Type::Object(name) => api.object_position(name),
        Type::Array(inner) | Type::Map(inner) => objects_in(api, inner),
        _ => None,
    }
}

fn fields(api: &Api, fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let name = &f.wire_name;
            let shape = type_shape(api, &f.ty);
            let always_present = f.required && !f.nullable;
            let sensitive = f.sensitive;
            let field = if always_present {
                quote!(drift::FieldShape::required(#name, &#shape))
            } else {
                quote!(drift::FieldShape::optional(#name, &#shape))
            };
            if sensitive {
                quote!(#field.sensitive())
            } else {
                field
            }
        })
        .collect()
}

/// The index in `api.objects` of the shared object `key`.
fn declared_index(api: &Api, key: &str) -> Option<usize> {
    api.object_position(&ObjectName::Declared(key.to_owned()))
}

/// `Shape::Object(&OBJECT_n)` for the shared object `key`.
fn object_shape(api: &Api, key: &str) -> Option<TokenStream> {
    let name = object_static(api, declared_index(api, key)?);
    Some(quote!(drift::Shape::Object(&#name)))
}

fn type_shape(api: &Api, ty: &Type) -> TokenStream {
    match ty {
        // Each as its wire form carries it: string money and RFC 3339 datetimes are text,
        // epoch datetimes numbers.
        Type::Long
        | Type::Int
        | Type::Money(MoneyWire::Number)
        | Type::Decimal(MoneyWire::Number)
        | Type::DateTime(DateTimeFormat::EpochS | DateTimeFormat::EpochMs) => {
            quote!(drift::Shape::Number)
        }
        Type::String
        | Type::Money(MoneyWire::String)
        | Type::Decimal(MoneyWire::String)
        | Type::DateTime(DateTimeFormat::Vendor | DateTimeFormat::Rfc3339)
        | Type::Date => quote!(drift::Shape::Text),
        Type::Bool => quote!(drift::Shape::Bool),
        Type::Enum(key) => match api.enum_(key) {
            Some(e) => {
                let ints: Option<Vec<i64>> = e
                    .values
                    .iter()
                    .map(|v| match v.code {
                        Code::Int(c) => Some(c),
                        Code::Str(_) => None,
                    })
                    .collect();
                match ints {
                    Some(codes) => quote!(drift::Shape::IntCodes(&[#(#codes),*])),
                    None => {
                        let codes = e.values.iter().map(|v| match &v.code {
                            Code::Str(s) => s.clone(),
                            Code::Int(c) => c.to_string(),
                        });
                        quote!(drift::Shape::StrCodes(&[#(#codes),*]))
                    }
                }
            }
            None => quote!(drift::Shape::Any),
        },
        Type::Object(name) => match api.object_position(name) {
            Some(i) => {
                let name = object_static(api, i);
                quote!(drift::Shape::Object(&#name))
            }
            None => quote!(drift::Shape::Any),
        },
        Type::Array(inner) => {
            let inner = type_shape(api, inner);
            quote!(drift::Shape::Array(&#inner))
        }
        Type::Map(inner) => {
            let inner = type_shape(api, inner);
            quote!(drift::Shape::Map(&#inner))
        }
    }
}

/// `SHAPE_<n>_<TYPE NAME>` for `api.objects[n]` (the index keeps names unique).
fn object_static(api: &Api, index: usize) -> Ident {
    let label = api
        .objects
        .get(index)
        .map(|o| screaming_name(&object_type_name(&o.name)))
        .unwrap_or_default();
    format_ident!("SHAPE_{}_{}", index, label)
}

/// The page wrapper of the shared object `key`: `PAGE_OF_` and its object's static.
/// Which page convention a wrapper follows.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PageKind {
    /// `service.pagination`: page numbers.
    Number,
    /// `service.cursor_pagination`: cursors.
    Cursor,
}

fn page_static(api: &Api, kind: PageKind, key: &str) -> Option<Ident> {
    let item = object_static(api, declared_index(api, key)?);
    Some(match kind {
        PageKind::Number => format_ident!("PAGE_OF_{}", item),
        PageKind::Cursor => format_ident!("CURSOR_PAGE_OF_{}", item),
    })
}
