//! The cursor page wrapper `CursorPage<T>` (`service.cursor_pagination`) and the
//! `CursorRequest` impl of each cursor-paginated endpoint's request.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, field_doc, field_type, serde_attr};
use crate::emit::prose::source_word;
use crate::model::{Api, Endpoint, Object, Response};
use crate::naming::{field_ident, ident, object_ident, snake_escaped};

/// `CursorRequest` for the request of a cursor-paginated endpoint; nothing for the others.
pub(super) fn cursor_request_impl(api: &Api, e: &Endpoint, o: &Object) -> TokenStream {
    let Some(p) = api
        .service
        .cursor_pagination
        .as_ref()
        .filter(|_| e.paginated && matches!(e.response, Response::CursorPage(_)))
    else {
        return quote!();
    };
    // The resolver checked that the cursor field is an optional string request field.
    let Some(f) = o.fields.iter().find(|f| f.wire_name == p.cursor_field) else {
        return quote!();
    };
    let name = object_ident(&o.name);
    let c = field_ident(&f.wire_name);
    quote! {
        impl ::apigen_runtime::CursorRequest for #name {
            fn set_cursor(&mut self, cursor: ::std::string::String) { self.#c = Some(cursor); }
        }
    }
}

/// `CursorPage<T>`, when the spec has a cursor convention.
pub(super) fn cursor_page_item(api: &Api) -> TokenStream {
    let Some(p) = &api.service.cursor_pagination else {
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
    // The resolver checked that the next cursor is a string response field.
    let next = match p
        .response
        .iter()
        .find(|f| f.wire_name == p.next_cursor_field)
    {
        Some(f) if f.is_option() => {
            let n = field_ident(&f.wire_name);
            quote!(self.#n.as_deref())
        }
        Some(f) => {
            let n = field_ident(&f.wire_name);
            quote!(Some(self.#n.as_str()))
        }
        None => quote!(None),
    };
    let next_wire = &p.next_cursor_field;
    let d = doc(&format!(
        "A page of a cursor-paginated list endpoint: the rows in `{list_wire}` plus the paging\n\
         fields; `{next_wire}` is the cursor of the next page (the last page has none, or `\"\"`).\n\n\
         Every cursor-paginated endpoint also has a `*_stream` method that walks all pages.\n\n\
         Source: {}.",
        source_word(p.source)
    ));
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct CursorPage<T> {
            #(#fields)*
            /// The rows of this page.
            #list_attr
            pub #list: ::std::vec::Vec<T>,
        }
        impl<T> ::apigen_runtime::CursorPaged for CursorPage<T> {
            type Item = T;
            fn next_cursor(&self) -> ::std::option::Option<&str> { #next }
            fn into_items(self) -> ::std::vec::Vec<T> { self.#list }
        }
    }
}
