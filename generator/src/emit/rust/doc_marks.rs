//! Doc comments travel through the token pipeline as short marks.
//!
//! A third of the generated Rust is doc comments. As `#[doc = "…"]` attributes, one per line,
//! every line would be escaped into a literal, parsed back by `syn`, unescaped and printed by
//! `prettyplease`, only to come out as `/// …`, which is known in advance. So [`mark`] keeps
//! the text aside, in a table of the rendering thread, and gives the token stream one
//! attribute holding a mark (`#[doc = "\u{E000}7"]`, which prettyplease prints as a line
//! `///\u{E000}7`); [`expand`] turns each printed mark line back into the doc lines, with the
//! mark's indentation, exactly as prettyplease would have printed the attributes. The printed
//! text is the same; the work is a table push and one scan of the printed text.
//!
//! The table lives as long as one file's rendering: a file is built and formatted on one
//! thread ([`super::format_module`] expands its marks and then calls [`clear`]).

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// The first character of a mark: in Unicode's private use area. A spec's text may hold it
/// anywhere; only a doc line that is exactly `///` or `//!`, this character and a number is
/// a mark, and every other doc attribute the emitters write starts with a space.
const MARK: char = '\u{E000}';

thread_local! {
    /// The doc texts marked on this thread since the last [`clear`], at their mark's number.
    static DOCS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A doc attribute (outer `///`, or inner `//!` with `inner`) standing for `text`'s lines;
/// nothing when `text` is blank.
pub(super) fn mark(text: &str, inner: bool) -> TokenStream {
    let text = text.trim_end();
    if text.is_empty() {
        return TokenStream::new();
    }
    let n = DOCS.with(|docs| {
        let mut docs = docs.borrow_mut();
        docs.push(text.to_owned());
        docs.len() - 1
    });
    let mark = format!("{MARK}{n}");
    if inner {
        quote!(#![doc = #mark])
    } else {
        quote!(#[doc = #mark])
    }
}

/// Forgets the texts marked on this thread (once the file they belong to is printed).
pub(super) fn clear() {
    DOCS.with(|docs| docs.borrow_mut().clear());
}

/// Appends `printed` to `out` with every mark line (`///` or `//!`, then a mark, alone on its
/// line) replaced by the doc lines it stands for, indented like it. Fails on a mark that is
/// not in this thread's table (an emitter bug: a mark printed with another file's table).
pub(super) fn expand(printed: &str, out: &mut String) -> Result<(), String> {
    if !printed.contains(MARK) {
        out.push_str(printed);
        return Ok(());
    }
    DOCS.with(|docs| {
        let docs = docs.borrow();
        for line in printed.split_inclusive('\n') {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let marked = body
                .strip_prefix("///")
                .map(|rest| ("///", rest))
                .or_else(|| body.strip_prefix("//!").map(|rest| ("//!", rest)))
                .and_then(|(slashes, rest)| Some((slashes, rest.strip_prefix(MARK)?)))
                .and_then(|(slashes, number)| {
                    Some((
                        slashes,
                        number.trim_end_matches('\n').parse::<usize>().ok()?,
                    ))
                });
            let Some((slashes, n)) = marked else {
                out.push_str(line);
                continue;
            };
            let text = docs
                .get(n)
                .ok_or_else(|| format!("an unknown doc mark: {line:?}"))?;
            for doc_line in text.lines() {
                out.push_str(indent);
                out.push_str(slashes);
                // What prettyplease prints for `#[doc = " line"]`: the text with its
                // trailing spaces trimmed.
                if !doc_line.is_empty() {
                    let spaced = doc_line.trim_end_matches(' ');
                    if !spaced.is_empty() {
                        out.push(' ');
                        out.push_str(spaced);
                    }
                }
                out.push('\n');
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What prettyplease prints for `tokens`, doc attributes spelled out line by line.
    fn printed(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).unwrap())
    }

    /// The attributes `mark` stands for: one per line, with the space rustdoc expects.
    fn attrs(text: &str, inner: bool) -> TokenStream {
        let lines = text.trim_end().lines().map(|l| {
            let l = if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            };
            if inner {
                quote!(#![doc = #l])
            } else {
                quote!(#[doc = #l])
            }
        });
        quote!(#(#lines)*)
    }

    #[test]
    fn marks_expand_to_what_the_attributes_print() {
        let texts = [
            "One line.",
            "First.\n\nAfter a blank line, `code`, and \"quotes\" \\ backslash.",
            "Trailing spaces   \n   \nindented\n    code block",
            "中文 — English, {braces} and #[not an attr]\n",
        ];
        for text in texts {
            let plain = attrs(text, false);
            let marked = mark(text, false);
            let item = |doc: &TokenStream| {
                quote! {
                    #doc
                    pub struct S {
                        #doc
                        pub f: i32,
                    }
                }
            };
            let mut out = String::new();
            expand(&printed(item(&marked)), &mut out).unwrap();
            assert_eq!(out, printed(item(&plain)), "{text:?}");
        }
        clear();
    }

    #[test]
    fn inner_marks_expand_to_inner_doc_lines() {
        let text = "Module docs.\n\nSecond paragraph.";
        let plain = attrs(text, true);
        let marked = mark(text, true);
        let mut out = String::new();
        expand(&printed(quote!(#marked pub struct S;)), &mut out).unwrap();
        assert_eq!(out, printed(quote!(#plain pub struct S;)));
        clear();
    }

    #[test]
    fn blank_text_gives_no_attribute() {
        assert!(mark("  \n ", false).is_empty());
    }

    #[test]
    fn an_unknown_mark_is_an_error() {
        clear();
        let mut out = String::new();
        assert!(expand(&format!("///{MARK}3\npub struct S;\n"), &mut out).is_err());
    }

    #[test]
    fn the_mark_character_in_a_spec_text_is_kept() {
        clear();
        let text = format!("A label with {MARK}0 in it, and {MARK} alone.");
        let literal = format!("{MARK}0");
        let item = |doc: TokenStream| {
            quote! {
                #doc
                pub const X: &str = #literal;
            }
        };
        let mut out = String::new();
        expand(&printed(item(mark(&text, false))), &mut out).unwrap();
        assert_eq!(out, printed(item(attrs(&text, false))));
        clear();
    }
}
