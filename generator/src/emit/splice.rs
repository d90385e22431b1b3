//! A file assembled from fragments: a fragment with a key is copied from the file's previous
//! text when that text holds a fragment with the same key (the key hashes everything the
//! fragment is made from), and rendered otherwise.
//!
//! Files made from the whole spec (`openapi.json`, `docs/api.md`) are assembled this way, so
//! that after a one-line spec edit only the fragments made from the edited items are rendered
//! again; the rest is copied from the previous text. Without [`Reuse`] (a full generation)
//! every fragment is rendered, through the same code: both give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::incremental::digest::ItemDigests;

/// Where each fragment is in a file's text, by key, in text order.
pub(crate) type Spans = Vec<(String, Range<usize>)>;

/// A file's previous text and where each of its fragments is in it.
#[derive(Debug, Default)]
pub(crate) struct Previous {
    text: String,
    /// By key, where its text is (several places for a fragment made of scattered lines).
    spans: HashMap<String, Vec<Range<usize>>>,
}

impl Previous {
    /// The previous `text` of a file and the `spans` of its fragments (as recorded when it
    /// was written; the caller checked that the text is the one they describe).
    pub(crate) fn new(text: String, spans: Spans) -> Self {
        let mut by_key: HashMap<String, Vec<Range<usize>>> = HashMap::new();
        for (key, range) in spans {
            by_key.entry(key).or_default().push(range);
        }
        Previous {
            text,
            spans: by_key,
        }
    }

    /// The spans, in text order (to keep them for a file that was not rendered again).
    pub(crate) fn into_spans(self) -> Spans {
        let mut spans: Spans = self
            .spans
            .into_iter()
            .flat_map(|(k, ranges)| ranges.into_iter().map(move |r| (k.clone(), r)))
            .collect();
        spans.sort_by_key(|(_, r)| (r.start, r.end));
        spans
    }

    /// The length of the previous text.
    pub(crate) fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The text of the fragment with this key; `None` if there is none, or its span does not
    /// fall on the text.
    fn get(&self, key: &str) -> Option<&str> {
        match self.spans.get(key)?.as_slice() {
            [r] => self.text.get(r.clone()),
            _ => None,
        }
    }

    /// The texts of every place the fragment with this key is (the lines of an item in a
    /// sorted listing); `None` if there is none, or one does not fall on the text.
    pub(crate) fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        self.spans
            .get(key)?
            .iter()
            .map(|r| self.text.get(r.clone()))
            .collect()
    }
}

/// What lets the emitters of spliced files reuse the fragments of the previous generation:
/// the digests fragment keys are made from, each file's previous text, and (filled in by the
/// emitters) where the fragments are in each new text.
pub(crate) struct Reuse<'a> {
    /// The digests of the model's items.
    pub(crate) digests: &'a ItemDigests,
    /// By file path: the previous text, when there is a usable one.
    pub(crate) previous: BTreeMap<PathBuf, Previous>,
    /// By file path: the spans of the text just rendered.
    pub(crate) spans: Mutex<BTreeMap<PathBuf, Spans>>,
    /// How many fragments were copied from a previous text, and how many rendered.
    pub(crate) counts: Mutex<(usize, usize)>,
}

impl<'a> Reuse<'a> {
    /// No previous text yet.
    pub(crate) fn new(digests: &'a ItemDigests) -> Self {
        Reuse {
            digests,
            previous: BTreeMap::new(),
            spans: Mutex::new(BTreeMap::new()),
            counts: Mutex::new((0, 0)),
        }
    }

    /// What the next run sees after this one wrote `text` as `file`: the same digests, and
    /// `text` with the spans recorded for it as the previous text (for round-trip tests).
    ///
    /// # Panics
    ///
    /// If this run recorded no spans for `file`.
    #[cfg(test)]
    pub(crate) fn next_run(self, file: &str, text: String) -> Reuse<'a> {
        let spans = self
            .spans
            .into_inner()
            .expect("spans")
            .remove(std::path::Path::new(file))
            .expect("spans recorded for the file");
        let mut next = Reuse::new(self.digests);
        next.previous
            .insert(file.into(), Previous::new(text, spans));
        next
    }

    /// Keep the spans of `file`'s new text, assembled without a [`Splicer`].
    pub(crate) fn record_spans(&self, file: &str, spans: Spans) {
        // A poisoned lock means a render thread panicked; the run fails anyway.
        if let Ok(mut all) = self.spans.lock() {
            all.insert(PathBuf::from(file), spans);
        }
    }

    /// Keep the spans of `file`'s new text and count what the splicer reused.
    pub(crate) fn record(&self, file: &str, splicer: Splicer<'_>) -> String {
        let (reused, rendered) = (splicer.reused, splicer.spans.len() - splicer.reused);
        let (text, spans) = splicer.finish();
        // A poisoned lock means a render thread panicked; the run fails anyway.
        if let Ok(mut all) = self.spans.lock() {
            all.insert(PathBuf::from(file), spans);
        }
        if let Ok(mut counts) = self.counts.lock() {
            counts.0 += reused;
            counts.1 += rendered;
        }
        text
    }
}

/// A text being assembled from literal pieces and fragments.
pub(crate) struct Splicer<'p> {
    previous: Option<&'p Previous>,
    text: String,
    spans: Spans,
    reused: usize,
}

impl<'p> Splicer<'p> {
    /// An empty text; fragments are looked up in `previous`.
    pub(crate) fn new(previous: Option<&'p Previous>, capacity: usize) -> Self {
        Splicer {
            previous,
            text: String::with_capacity(capacity),
            spans: Vec::new(),
            reused: 0,
        }
    }

    /// Append a literal piece.
    pub(crate) fn push(&mut self, piece: &str) {
        self.text.push_str(piece);
    }

    /// Append the fragment with this key: copied from the previous text if it holds it,
    /// otherwise `render`ed. A fragment without a key is always rendered and not recorded.
    pub(crate) fn fragment<E>(
        &mut self,
        key: Option<String>,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<(), E> {
        let start = self.text.len();
        match key
            .as_deref()
            .and_then(|k| self.previous.and_then(|p| p.get(k)))
        {
            Some(old) => {
                self.text.push_str(old);
                self.reused += 1;
            }
            None => self.text.push_str(&render()?),
        }
        if let Some(k) = key {
            self.spans.push((k, start..self.text.len()));
        }
        Ok(())
    }

    /// The fragment with this key from the previous text, if it holds it (to reuse a
    /// fragment that is rendered together with others).
    pub(crate) fn previous(&self, key: &str) -> Option<&'p str> {
        self.previous.and_then(|p| p.get(key))
    }

    /// Append `text` as the fragment with this key, rendered or (`reused`) taken from
    /// [`Splicer::previous`] by the caller.
    pub(crate) fn put(&mut self, key: Option<String>, text: &str, reused: bool) {
        self.reused += usize::from(reused);
        let start = self.text.len();
        self.text.push_str(text);
        if let Some(k) = key {
            self.spans.push((k, start..self.text.len()));
        }
    }

    /// The text and the spans of its fragments.
    pub(crate) fn finish(self) -> (String, Spans) {
        (self.text, self.spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assemble(previous: Option<&Previous>, parts: &[(&str, &str)]) -> (String, Spans, usize) {
        let mut s = Splicer::new(previous, 0);
        let mut rendered = 0;
        for (i, (key, text)) in parts.iter().enumerate() {
            if i > 0 {
                s.push(",");
            }
            s.fragment(Some((*key).to_owned()), || {
                rendered += 1;
                Ok::<_, ()>((*text).to_owned())
            })
            .unwrap();
        }
        let reused = s.reused;
        let (text, spans) = s.finish();
        assert_eq!(rendered + reused, parts.len());
        (text, spans, reused)
    }

    #[test]
    fn unchanged_fragments_are_copied_and_the_text_is_the_same() {
        let (text, spans, reused) = assemble(None, &[("a", "one"), ("b", "two"), ("c", "3")]);
        assert_eq!((text.as_str(), reused), ("one,two,3", 0));
        assert_eq!(spans[1], ("b".to_owned(), 4..7));
        let previous = Previous::new(text, spans);
        // "b" changed: a new key, rendered; "a" and "c" copied, "x" new.
        let (text, _, reused) = assemble(
            Some(&previous),
            &[
                ("a", "ignored"),
                ("b2", "TWO"),
                ("c", "ignored"),
                ("x", "new"),
            ],
        );
        assert_eq!(text, "one,TWO,3,new");
        assert_eq!(reused, 2);
    }

    #[test]
    fn a_span_off_the_text_is_rendered_again() {
        let previous = Previous::new("abc".into(), vec![("a".into(), 1..9), ("b".into(), 0..1)]);
        let (text, _, reused) = assemble(Some(&previous), &[("a", "A"), ("b", "ignored")]);
        assert_eq!((text.as_str(), reused), ("A,a", 1));
    }

    #[test]
    fn a_fragment_in_several_places_is_read_from_each() {
        let previous = Previous::new(
            "b\na\nc\n".into(),
            vec![("k".into(), 2..3), ("k".into(), 4..5), ("j".into(), 0..1)],
        );
        assert_eq!(previous.get_all("k"), Some(vec!["a", "c"]));
        assert_eq!(previous.get("k"), None, "not one place");
        assert_eq!(previous.get("j"), Some("b"));
        let off = Previous::new("ab".into(), vec![("k".into(), 0..1), ("k".into(), 1..9)]);
        assert_eq!(off.get_all("k"), None);
        assert_eq!(
            off.into_spans(),
            vec![("k".to_owned(), 0..1), ("k".to_owned(), 1..9)]
        );
    }

    #[test]
    fn a_fragment_without_a_key_is_rendered_and_not_recorded() {
        let previous = Previous::new("x".into(), vec![("k".into(), 0..1)]);
        let mut s = Splicer::new(Some(&previous), 0);
        s.fragment(None, || Ok::<_, ()>("y".to_owned())).unwrap();
        assert_eq!(s.previous("k"), Some("x"));
        s.put(Some("k".into()), "x", true);
        assert_eq!(s.finish(), ("yx".to_owned(), vec![("k".to_owned(), 1..2)]));
    }
}
