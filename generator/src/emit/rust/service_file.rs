//! `service.rs` assembled from fragments (`emit/splice.rs`): the module printed with a
//! marker in place of the shape `static`s and one in place of the arms of `response_shape`
//! (the bulk of the file, one of each per response object and per endpoint), then each
//! `static` and each arm printed on its own and put in the markers' place. With a previous
//! text, a `static` or arm whose key is unchanged is copied from it.
//!
//! Each piece prints as it does inside the whole module: the printer prints every top-level
//! item on its own anyway, and an arm is printed inside a wrapper of the same depth (an `impl`,
//! a `fn`, a `match`), so prettyplease breaks its lines at the same places. Where a `static`
//! meets the previous item, the blank line the module printer would put there is found by
//! printing it after a `;`-terminated item, as every `static` is (and as the `impl` before
//! the first one is treated: both end an item).

use quote::quote;

use super::format::{HEADER, format_module};
use super::service::service_module_with;
use super::shapes::{self, ShapePiece};
use crate::emit::EmitError;
use crate::emit::splice::{Reuse, Splicer};
use crate::model::Api;

/// The file this module renders.
const FILE: &str = "src/generated/service.rs";

/// The line standing for the shape `static`s.
const STATICS_MARKER: &str = "static APIGEN_SPLICE_STATICS: u8 = 0;\n";

/// What the line standing for the arms ends with (after its indentation).
const ARMS_MARKER: &str = "\"apigen-splice-arms\" => None,\n";

/// The item a `static` is printed after, to find the blank line before it.
const BEFORE: &str = "static APIGEN_SPLICE_BEFORE: u8 = 0;\n";

/// The last line of the wrapper an arm is printed in.
const LAST_ARM: &str = "            _ => None,\n";

/// The text of `service.rs` (see the module docs).
pub(crate) fn service_file(api: &Api, reuse: Option<&Reuse<'_>>) -> Result<String, EmitError> {
    let has_arms = shapes::has_response_shape_arm(api);
    let arms_marker = if has_arms {
        shapes::response_shape_match(&[quote!("apigen-splice-arms" => None,)])
    } else {
        shapes::response_shape_match(&[])
    };
    let statics_marker = quote!(
        static APIGEN_SPLICE_STATICS: u8 = 0;
    );
    let skeleton = format_module(
        FILE,
        service_module_with(api, &statics_marker, &arms_marker),
    )?;
    let statics = line_of(&skeleton, STATICS_MARKER)?;
    let arms = if has_arms {
        line_of(&skeleton, ARMS_MARKER)?
    } else {
        statics.start..statics.start
    };
    if arms.end > statics.start {
        return Err(EmitError::new(
            FILE,
            "the shapes printed before `response_shape`",
        ));
    }
    let previous = reuse.and_then(|r| r.previous.get(std::path::Path::new(FILE)));
    let capacity = previous.map_or(skeleton.len(), |p| p.text_len() + 4096);
    let mut s = Splicer::new(previous, capacity);
    s.push(&skeleton[..arms.start]);
    if has_arms {
        for piece in shapes::response_shape_arms(api) {
            let key = key(reuse, &piece);
            s.fragment(key, || arm_text(&piece))?;
        }
    }
    s.push(&skeleton[arms.end..statics.start]);
    for piece in shapes::shape_static_pieces(api) {
        let key = key(reuse, &piece);
        s.fragment(key, || static_text(&piece))?;
    }
    s.push(&skeleton[statics.end..]);
    Ok(match reuse {
        Some(r) => r.record(FILE, s),
        None => s.finish().0,
    })
}

/// The key of a piece's fragment: the service section, its kind, its endpoint and the
/// objects (with their positions, which their statics' names hold) and enums it reads.
fn key(reuse: Option<&Reuse<'_>>, piece: &ShapePiece<'_>) -> Option<String> {
    let d = reuse?.digests;
    let mut owned: Vec<String> = Vec::new();
    if let Some(i) = piece.endpoint {
        owned.push(format!("endpoint {i}"));
        owned.push(d.endpoints[i].clone());
    }
    for &i in &piece.objects {
        owned.push(format!("object {i}"));
        owned.push(d.objects[i].clone());
    }
    for &i in &piece.enums {
        owned.push(format!("enum {i}"));
        owned.push(d.enums[i].clone());
    }
    let parts: Vec<&str> = owned.iter().map(String::as_str).collect();
    Some(d.service_key(FILE, piece.kind, &parts))
}

/// The whole line of `text` that ends with `marker` (which must be there once).
fn line_of(text: &str, marker: &str) -> Result<std::ops::Range<usize>, EmitError> {
    let mut found = text.match_indices(marker);
    let (Some((at, _)), None) = (found.next(), found.next()) else {
        return Err(EmitError::new(
            FILE,
            "a splice marker is missing or repeated",
        ));
    };
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    Ok(start..at + marker.len())
}

/// A `static` as the module prints it, with the blank line before it if one goes there.
fn static_text(piece: &ShapePiece<'_>) -> Result<String, EmitError> {
    let Some(tokens) = (piece.build)() else {
        return Ok(String::new());
    };
    let before: proc_macro2::TokenStream = quote!(
        static APIGEN_SPLICE_BEFORE: u8 = 0;
    );
    let printed = format_module(FILE, quote!(#before #tokens))?;
    printed
        .strip_prefix(HEADER)
        .and_then(|t| t.strip_prefix(BEFORE))
        .map(str::to_owned)
        .ok_or_else(|| EmitError::new(FILE, "a shape static printed unexpectedly"))
}

/// An arm of `response_shape` as the module prints it (its lines, indented).
fn arm_text(piece: &ShapePiece<'_>) -> Result<String, EmitError> {
    let Some(arm) = (piece.build)() else {
        return Ok(String::new());
    };
    let wrapped = quote! {
        impl ApigenSplice for ApigenSplice {
            fn f(endpoint: &str) -> Option<u8> {
                match endpoint {
                    #arm
                    _ => None,
                }
            }
        }
    };
    let printed = format_module(FILE, wrapped)?;
    let open = "match endpoint {\n";
    let start = printed.find(open).map(|at| at + open.len());
    let end = printed.rfind(LAST_ARM);
    match (start, end) {
        (Some(start), Some(end)) if start <= end => Ok(printed[start..end].to_owned()),
        _ => Err(EmitError::new(FILE, "an arm printed unexpectedly")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::service::service_module;
    use crate::incremental::digest::ItemDigests;

    fn load(dir: &str) -> Api {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir);
        let files = crate::read_spec_dir(&root).unwrap_or_else(|e| panic!("{dir}: {e}"));
        crate::load_api_from(files).unwrap_or_else(|e| panic!("{dir} loads:\n{e}"))
    }

    #[test]
    fn the_spliced_file_prints_as_the_whole_module_does() {
        for dir in [
            "spec",
            "tests/fixtures/mini",
            "tests/corpus/fx-remit",
            "tests/corpus/keywords",
            "tests/corpus/parcel-no-webhooks",
            "tests/corpus/tiny-no-auth",
            "tests/corpus/large",
        ] {
            let api = load(dir);
            let whole = format_module(FILE, service_module(&api)).expect("prints");
            assert_eq!(service_file(&api, None).expect("splices"), whole, "{dir}");
        }
    }

    #[test]
    fn with_its_previous_text_every_piece_is_copied_and_the_text_is_the_same() {
        let api = load("spec");
        let digests = ItemDigests::new(&api, &crate::emit::Options::default(), "g");
        let first = Reuse::new(&digests);
        let text = service_file(&api, Some(&first)).expect("splices");
        let again = first.next_run(FILE, text.clone());
        assert_eq!(service_file(&api, Some(&again)).expect("splices"), text);
        let (copied, rendered) = *again.counts.lock().expect("counts");
        assert!(
            copied > 40 && rendered == 0,
            "{copied} copied, {rendered} rendered"
        );
    }
}
