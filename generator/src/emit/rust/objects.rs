//! The `types` module (shared and inline objects, the page wrapper) and the
//! `requests` modules (per group, one struct per endpoint, with `new` and setters).

use proc_macro2::TokenStream;
use quote::quote;

use super::format::Module;
use super::{doc, field_doc, field_type, module_doc, rust_type, serde_attr};
use crate::emit::prose::{md, per_statement, source_word, zh_en};
use crate::model::{Api, DateTimeFormat, Endpoint, Field, MoneyWire, Object, ObjectKind, Type};
use crate::naming::{
    field_ident, field_name, group_struct, ident, method_name, object_ident, object_type_name,
    setter_ident, snake_escaped, unraw,
};

/// `types` module: shared objects, inline objects and the page wrapper.
pub(crate) fn types_module(api: &Api) -> Module<'_> {
    let items = api
        .objects
        .iter()
        .filter(|o| o.kind != ObjectKind::Request)
        .map(|o| struct_item(api, o, true));
    let page = page_item(api);
    let cursor_page = super::cursor_page::cursor_page_item(api);
    let money = match api.service.money_wire {
        MoneyWire::Number => "",
        MoneyWire::String => " (sent as JSON strings such as `\"23.50\"`)",
    };
    let datetimes = match api.service.datetime_format {
        DateTimeFormat::Vendor => {
            "[`PrimitiveDateTime`](::time::PrimitiveDateTime) read from \
             `YYYY-MM-DD HH:MM:SS` (the\nspec gives no time zone, so none is assumed)"
        }
        DateTimeFormat::Rfc3339 => {
            "[`OffsetDateTime`](::time::OffsetDateTime) read from RFC 3339\n\
             text, the offset kept"
        }
        DateTimeFormat::EpochS => {
            "[`OffsetDateTime`](::time::OffsetDateTime) read from Unix\n\
             timestamps in seconds, in UTC"
        }
        DateTimeFormat::EpochMs => {
            "[`OffsetDateTime`](::time::OffsetDateTime) read from Unix\n\
             timestamps in milliseconds, in UTC"
        }
    };
    let doc = module_doc(&format!(
        "Objects the API returns (and the page wrapper of list endpoints).\n\n\
         Money is [`Decimal`](::rust_decimal::Decimal){money}, exact in both directions; datetimes are\n\
         {datetimes}. Fields the server adds later are ignored,\n\
         never an error.",
    ));
    Module {
        head: doc,
        imports_from: &["enums", "types"],
        items: Box::new([page, cursor_page].into_iter().chain(items)),
    }
}

/// `requests/mod.rs`: one private module per group, its request structs re-exported (so
/// the public paths are `crate::requests::GetWalletDetailRequest`).
pub(crate) fn requests_index_module(api: &Api) -> TokenStream {
    let doc = module_doc(
        "Request bodies, one per endpoint.\n\n\
         Required fields are the arguments of `new` (or, for requests with many of them, the\n\
         fields of a struct literal); optional fields have a setter of the same name. The auth\n\
         fields are not here: the client adds them to every request. Requests implement\n\
         `Serialize` but not `Deserialize`: the client only ever sends them. Each group's\n\
         requests are a module of their own, re-exported here.",
    );
    let mods = super::api::group_modules(api);
    quote! {
        #doc
        #(#mods)*
    }
}

/// `requests/<group>.rs`: one struct per endpoint of the group. `api` needs to hold only
/// what [`crate::depends::group_inputs`] names for the group.
pub(crate) fn requests_group_module<'a>(api: &'a Api, group_key: &'a str) -> Module<'a> {
    let items = api.group_endpoints(group_key).filter_map(|e| {
        let o = api.request_object(e)?;
        Some(request_item(api, e, o))
    });
    let title = api
        .groups
        .iter()
        .find(|g| g.spec_key == group_key)
        .map_or_else(|| group_key.to_owned(), |g| zh_en(&g.zh, Some(&g.en)));
    let doc = module_doc(&format!(
        "Request bodies of the {title} endpoints, one per endpoint."
    ));
    Module {
        head: doc,
        imports_from: &["enums", "types"],
        items: Box::new(items),
    }
}

fn struct_fields(api: &Api, o: &Object) -> Vec<TokenStream> {
    o.fields
        .iter()
        .map(|f| {
            let name = field_ident(&f.wire_name);
            let ty = field_type(f);
            let attr = serde_attr(f);
            let d = doc(&field_doc(f, api.service.money_unit.as_deref()));
            quote!(#d #attr pub #name: #ty,)
        })
        .collect()
}

fn object_doc(o: &Object) -> String {
    let mut text = format!("{}\n", zh_en(&o.zh, Some(&o.en)));
    if let Some(d) = &o.description {
        text.push_str(&format!("\n{}\n", md(d)));
    }
    text.push_str(&format!(
        "\nSource: {}.{}",
        source_word(o.source),
        per_statement(&o.provenance)
    ));
    if o.has_sensitive() {
        text.push_str(" Holds sensitive fields: `Debug` redacts them");
        if o.fields
            .iter()
            .any(|f| f.sensitive && f.redact_last4 && f.ty == Type::String)
        {
            text.push_str(" (those marked `redact: last4` show their last four characters)");
        }
        text.push('.');
    }
    text
}

fn struct_item(api: &Api, o: &Object, deserialize: bool) -> TokenStream {
    let name = object_ident(&o.name);
    let docs = doc(&object_doc(o));
    let fields = struct_fields(api, o);
    let de = if deserialize {
        quote!(::serde::Deserialize,)
    } else {
        quote!()
    };
    let debug_impl = debug_impl(o);
    quote! {
        #docs
        #[derive(Clone, PartialEq, Eq, ::serde::Serialize, #de)]
        pub struct #name { #(#fields)* }
        #debug_impl
    }
}

/// Whether values of `ty` hold free text, where a card number may hide (a map's keys are
/// text whatever its values are).
fn holds_text(ty: &Type) -> bool {
    match ty {
        Type::String | Type::Map(_) => true,
        Type::Array(inner) => holds_text(inner),
        _ => false,
    }
}

/// `Debug` that prints every field but redacts the sensitive ones and masks card-like digit
/// runs in text fields (open enums and nested objects mask their own).
fn debug_impl(o: &Object) -> TokenStream {
    let name = object_ident(&o.name);
    let label = object_type_name(&o.name);
    let fields = o.fields.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        let wire = unraw(&field_name(&f.wire_name)).to_string();
        let value = match (
            f.sensitive,
            f.redact_last4 && f.ty == Type::String,
            f.is_option(),
        ) {
            (false, _, _) if holds_text(&f.ty) => {
                quote!(&::apigen_runtime::redact::Masked(&self.#n))
            }
            (false, _, _) => quote!(&self.#n),
            (true, true, false) => quote!(&::apigen_runtime::redact::Last4(&self.#n)),
            (true, true, true) => quote!(&self.#n.as_deref().map(::apigen_runtime::redact::Last4)),
            (true, false, _) => quote!(&::apigen_runtime::redact::Redacted),
        };
        quote!(.field(#wire, #value))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* .finish()
            }
        }
    }
}

/// Requests with more required fields than this are built with a struct
/// literal: a long positional `new` is easy to call with two strings swapped.
pub(crate) const MAX_NEW_ARGS: usize = 5;

/// A request struct: its doc, fields, `new`, setters, redacting `Debug` and `PageRequest`.
fn request_item(api: &Api, e: &Endpoint, o: &Object) -> TokenStream {
    let name = object_ident(&o.name);
    let required: Vec<&Field> = o.fields.iter().filter(|f| !f.is_option()).collect();
    let with_new = required.len() <= MAX_NEW_ARGS;
    let docs = doc(&request_doc(api, e, with_new));
    let fields = struct_fields(api, o);
    let default_derive = if required.is_empty() {
        quote!(Default,)
    } else {
        quote!()
    };
    let debug_impl = debug_impl(o);
    let new_fn = if with_new {
        new_fn(o, &required)
    } else {
        quote!()
    };
    let setters = o.fields.iter().filter(|f| f.is_option()).map(setter);
    let page_impl = page_request_impl(api, e, o);
    let cursor_impl = super::cursor_page::cursor_request_impl(api, e, o);
    quote! {
        #docs
        #[derive(#default_derive Clone, PartialEq, Eq, ::serde::Serialize)]
        pub struct #name { #(#fields)* }
        impl #name {
            #new_fn
            #(#setters)*
        }
        #debug_impl
        #page_impl
        #cursor_impl
    }
}

/// The doc of a request struct: the method it is for and, without `new`, how to build it.
fn request_doc(api: &Api, e: &Endpoint, with_new: bool) -> String {
    let group = api.groups.iter().find(|g| g.spec_key == e.group_key);
    let method_link = match group {
        Some(g) => format!(
            "[`{}::{}`](crate::api::{}::{})",
            group_struct(&g.spec_key),
            method_name(e.method_source()),
            group_struct(&g.spec_key),
            unraw(&method_name(e.method_source()))
        ),
        None => format!("`{}`", method_name(e.method_source())),
    };
    let mut text = format!("Request of {method_link}: {}.\n", zh_en(&e.zh, Some(&e.en)));
    if !with_new {
        text.push_str(
            "\nIt has many required fields, so build it with a struct literal naming each one\n\
             (optional fields are `None`), then use the setters.\n",
        );
    }
    text
}

/// `new`, taking the required fields in order (strings as `impl Into<String>`).
fn new_fn(o: &Object, required: &[&Field]) -> TokenStream {
    let params = required.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        match &f.ty {
            Type::String => quote!(#n: impl Into<::std::string::String>),
            t => {
                let t = rust_type(t);
                quote!(#n: #t)
            }
        }
    });
    let inits = o.fields.iter().map(|f| {
        let n = field_ident(&f.wire_name);
        if f.is_option() {
            quote!(#n: None)
        } else if f.ty == Type::String {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    });
    let args: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", unraw(&field_name(&f.wire_name))))
        .collect();
    let d = if args.is_empty() {
        "Creates the request; every field is optional.".to_string()
    } else {
        format!(
            "Creates the request from its required fields: {}.",
            args.join(", ")
        )
    };
    let d = doc(&d);
    quote! {
        #d
        pub fn new(#(#params),*) -> Self { Self { #(#inits),* } }
    }
}

/// The setter of an optional field (strings as `impl Into<String>`).
fn setter(f: &Field) -> TokenStream {
    let n = field_ident(&f.wire_name);
    // A field named like the constructor (or an operator) is set with `new_`.
    let setter = setter_ident(&f.wire_name);
    let d = doc(&format!(
        "Sets `{}`: {}.",
        f.wire_name,
        zh_en(&f.zh, f.en.as_deref())
    ));
    let must_use = quote!(#[must_use]);
    match &f.ty {
        Type::String => quote! {
            #d #must_use
            pub fn #setter(mut self, #n: impl Into<::std::string::String>) -> Self { self.#n = Some(#n.into()); self }
        },
        t => {
            let t = rust_type(t);
            quote! {
                #d #must_use
                pub fn #setter(mut self, #n: #t) -> Self { self.#n = Some(#n); self }
            }
        }
    }
}

/// `PageRequest` for the request of a paginated endpoint; nothing for the others.
fn page_request_impl(api: &Api, e: &Endpoint, o: &Object) -> TokenStream {
    let Some(pagination) = api
        .service
        .pagination
        .as_ref()
        .filter(|_| e.paginated && matches!(e.response, crate::model::Response::Page(_)))
    else {
        return quote!();
    };
    let name = object_ident(&o.name);
    let p = pagination
        .request
        .iter()
        .find(|f| f.wire_name == pagination.page_field)
        .map_or_else(
            || ident(&snake_escaped(&pagination.page_field)),
            |f| field_ident(&f.wire_name),
        );
    quote! {
        impl ::apigen_runtime::PageRequest for #name {
            fn set_page(&mut self, page: i32) { self.#p = Some(page); }
            fn page(&self) -> i32 { self.#p.unwrap_or(1) }
        }
    }
}

fn page_item(api: &Api) -> TokenStream {
    let Some(p) = &api.service.pagination else {
        return TokenStream::new();
    };
    let fields = p.response.iter().map(|f| {
        let name = field_ident(&f.wire_name);
        let ty = field_type(f);
        let attr = serde_attr(f);
        let d = doc(&field_doc(f, api.service.money_unit.as_deref()));
        quote!(#d #attr pub #name: #ty,)
    });
    let list = ident(&snake_escaped(p.list_field.as_str()));
    let list_wire = &p.list_field;
    let list_attr = if list.to_string().trim_start_matches("r#") != list_wire.as_str() {
        quote!(#[serde(rename = #list_wire, default = "::std::vec::Vec::new")])
    } else {
        quote!(#[serde(default = "::std::vec::Vec::new")])
    };
    let total_field = p.response.iter().find(|f| f.wire_name == p.total_field);
    let total = match total_field {
        Some(f) => {
            let n = field_ident(&f.wire_name);
            match (&f.ty, f.is_option()) {
                (Type::Long, false) => quote!(self.#n),
                (Type::Int, false) => quote!(i64::from(self.#n)),
                (Type::Long, true) => quote!(self.#n.unwrap_or(0)),
                (Type::Int, true) => quote!(self.#n.map_or(0, i64::from)),
                _ => quote!(0),
            }
        }
        None => quote!(0),
    };
    // The echoed page number, when the response carries the request's page field: the
    // runtime then stops a stream whose server ignores the page asked for.
    let echo = p
        .response
        .iter()
        .find(|f| f.wire_name == p.page_field && matches!(f.ty, Type::Int | Type::Long));
    let page_fn = match echo {
        Some(f) => {
            let n = field_ident(&f.wire_name);
            let value = match (&f.ty, f.is_option()) {
                (Type::Long, false) => quote!(Some(self.#n)),
                (Type::Int, false) => quote!(Some(i64::from(self.#n))),
                (Type::Long, true) => quote!(self.#n),
                _ => quote!(self.#n.map(i64::from)),
            };
            quote!(fn page(&self) -> ::std::option::Option<i64> { #value })
        }
        None => quote!(),
    };
    let d = doc(&format!(
        "A page of a list endpoint: the rows in `{list_wire}` plus the paging fields.\n\n\
         Every list endpoint also has a `*_stream` method that walks all pages.\n\nSource: {}.",
        source_word(p.source)
    ));
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct Page<T> {
            #(#fields)*
            /// The rows of this page.
            #list_attr
            pub #list: ::std::vec::Vec<T>,
        }
        impl<T> ::apigen_runtime::Paged for Page<T> {
            type Item = T;
            fn total(&self) -> i64 { #total }
            fn into_items(self) -> ::std::vec::Vec<T> { self.#list }
            #page_fn
        }
    }
}

#[cfg(test)]
mod tests {
    use super::holds_text;
    use crate::model::{MoneyWire, Type};

    #[test]
    fn text_is_found_in_strings_arrays_and_every_map() {
        let boxed = |t: Type| Box::new(t);
        assert!(holds_text(&Type::String));
        assert!(holds_text(&Type::Array(boxed(Type::Array(boxed(
            Type::String
        ))))));
        // A map's keys are text even when its values are numbers.
        assert!(holds_text(&Type::Map(boxed(Type::Money(
            MoneyWire::Number
        )))));
        assert!(holds_text(&Type::Array(boxed(Type::Map(boxed(
            Type::Long
        ))))));
        assert!(!holds_text(&Type::Array(boxed(Type::Money(
            MoneyWire::String
        )))));
        assert!(!holds_text(&Type::Long));
    }
}
