//! The drift probe: decoding that also notices, at no cost when there is nothing to notice,
//! that a value *may* differ from the spec.
//!
//! [`decode`] deserializes through a thin wrapper around `serde_json`'s deserializer that
//! raises a flag when
//! * a struct skips a field it does not declare (serde calls `deserialize_ignored_any` for
//!   the value of an unknown key, and for nothing else a generated type does);
//! * a struct field that is not an `Option` receives `""` (a required field sent empty);
//! * a generated open enum decodes a code it does not list (the enum's `Deserialize` calls
//!   [`unknown_code_seen`], which sets a thread-local flag).
//!
//! The flag carries no path: it only says that the exact check (a second parse into a
//! `serde_json::Value` walked against the endpoint's [`Shape`](super::Shape)) is worth
//! running. A response without drift pays for the wrapper's forwarding (inlined) and two
//! thread-local accesses; one with drift pays for the exact check too. BENCHMARKS.md has the
//! numbers.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

thread_local! {
    /// Set by a generated open enum that decoded a code it does not list.
    static UNKNOWN_CODE: Cell<bool> = const { Cell::new(false) };
}

/// Called by a generated open enum's `Deserialize` when it decodes a code the spec does not
/// list, so that the client's drift check of the response runs.
pub fn unknown_code_seen() {
    UNKNOWN_CODE.with(|flag| flag.set(true));
}

/// Decodes `json` into `T` as `serde_json::from_str` does (trailing characters are an
/// error), and says whether something in it may be drift: `Ok((value, true))` when a struct
/// skipped an unknown field, a non-optional struct field held `""`, or a generated open enum
/// decoded an unlisted code. The client decodes every response's `data` with it; it is public
/// for code that decodes JSON of the API by itself (and for the benchmarks).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Wallet { wallet_sn: String }
///
/// let (wallet, suspect) = apigen_runtime::drift::decode_probed::<Wallet>(r#"{"wallet_sn":"w1"}"#)?;
/// assert_eq!((wallet.wallet_sn.as_str(), suspect), ("w1", false));
/// let (_, suspect) = apigen_runtime::drift::decode_probed::<Wallet>(r#"{"wallet_sn":"w1","new":1}"#)?;
/// assert!(suspect);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Errors
///
/// The error `serde_json::from_str` gives for the same text.
pub fn decode<'de, T: de::Deserialize<'de>>(
    json: &'de str,
) -> Result<(T, bool), serde_json::Error> {
    let seen = Cell::new(false);
    UNKNOWN_CODE.with(|flag| flag.set(false));
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = T::deserialize(Probe {
        inner: &mut deserializer,
        seen: &seen,
        at: Position::Top,
    })?;
    deserializer.end()?;
    let unknown_code = UNKNOWN_CODE.with(Cell::take);
    Ok((value, seen.get() || unknown_code))
}

/// Where a value sits, which decides what is suspicious about it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// The top, a list item or a map value: `""` is as good as any string there.
    Top,
    /// The value of a struct's field: skipping it means the key is unknown.
    FieldValue,
    /// Directly inside an `Option`: `""` may be how the server says "none".
    InOption,
}

/// The wrapping deserializer.
struct Probe<'a, D> {
    inner: D,
    seen: &'a Cell<bool>,
    at: Position,
}

/// A visitor wrapped so that what it visits is probed too.
struct ProbeVisitor<'a, V> {
    inner: V,
    seen: &'a Cell<bool>,
    /// Flag a `""` (the value of a struct field that is not an `Option`).
    check_empty: bool,
    /// The map being visited is a struct's (its values are field values).
    fields: bool,
}

impl<'a, V> ProbeVisitor<'a, V> {
    fn new(inner: V, seen: &'a Cell<bool>) -> Self {
        Self {
            inner,
            seen,
            check_empty: false,
            fields: false,
        }
    }

    fn note_if_empty(&self, text: &str) {
        if self.check_empty && text.is_empty() {
            self.seen.set(true);
        }
    }
}

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Probe<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let mut visitor = ProbeVisitor::new(visitor, self.seen);
        visitor.check_empty = self.at == Position::FieldValue;
        self.inner.deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let mut visitor = ProbeVisitor::new(visitor, self.seen);
        visitor.check_empty = self.at == Position::FieldValue;
        self.inner.deserialize_string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_option(ProbeVisitor::new(visitor, self.seen))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_newtype_struct(name, ProbeVisitor::new(visitor, self.seen))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_seq(ProbeVisitor::new(visitor, self.seen))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_tuple(len, ProbeVisitor::new(visitor, self.seen))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_tuple_struct(name, len, ProbeVisitor::new(visitor, self.seen))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner
            .deserialize_map(ProbeVisitor::new(visitor, self.seen))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let mut visitor = ProbeVisitor::new(visitor, self.seen);
        visitor.fields = true;
        self.inner.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.at == Position::FieldValue {
            self.seen.set(true);
        }
        self.inner.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ProbeVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64
        visit_i128: i128 visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64
        visit_u128: u128 visit_f32: f32 visit_f64: f64 visit_char: char
        visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.note_if_empty(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.note_if_empty(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.note_if_empty(&v);
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Probe {
            inner: deserializer,
            seen: self.seen,
            at: Position::InOption,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Probe {
            inner: deserializer,
            seen: self.seen,
            at: Position::Top,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(ProbeSeq {
            inner: seq,
            seen: self.seen,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(ProbeMap {
            inner: map,
            seen: self.seen,
            values_at: if self.fields {
                Position::FieldValue
            } else {
                Position::Top
            },
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// A seed whose deserializer is probed.
struct ProbeSeed<'a, S> {
    inner: S,
    seen: &'a Cell<bool>,
    at: Position,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ProbeSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Probe {
            inner: deserializer,
            seen: self.seen,
            at: self.at,
        })
    }
}

struct ProbeSeq<'a, A> {
    inner: A,
    seen: &'a Cell<bool>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for ProbeSeq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.inner.next_element_seed(ProbeSeed {
            inner: seed,
            seen: self.seen,
            at: Position::Top,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct ProbeMap<'a, A> {
    inner: A,
    seen: &'a Cell<bool>,
    values_at: Position,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for ProbeMap<'_, A> {
    type Error = A::Error;

    // Keys are not probed: a key is an identifier or a free map key, never skipped.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.inner.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(ProbeSeed {
            inner: seed,
            seen: self.seen,
            at: self.values_at,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        id: String,
        note: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        extra: BTreeMap<String, String>,
    }

    #[derive(Debug, Deserialize)]
    struct Page {
        #[allow(dead_code)]
        list: Vec<Row>,
    }

    #[derive(Debug, PartialEq)]
    struct Status(i64);

    impl<'de> Deserialize<'de> for Status {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let code = i64::deserialize(d)?;
            if code != 1 {
                unknown_code_seen();
            }
            Ok(Self(code))
        }
    }

    fn suspicious<'de, T: Deserialize<'de>>(json: &'de str) -> bool {
        decode::<T>(json).expect("decodes").1
    }

    #[test]
    fn a_response_as_declared_raises_nothing() {
        let json = r#"{"list":[{"id":"a","note":"","tags":["x"],"extra":{"k":""}},
                       {"id":"b","note":null}]}"#;
        assert!(!suspicious::<Page>(json));
    }

    #[test]
    fn an_unknown_field_is_noticed_at_any_depth() {
        assert!(suspicious::<Row>(r#"{"id":"a","new":{"x":[1]}}"#));
        assert!(suspicious::<Page>(
            r#"{"list":[{"id":"a"},{"id":"b","new":1}]}"#
        ));
        assert!(suspicious::<Page>(r#"{"list":[],"total":3}"#));
    }

    #[test]
    fn an_empty_required_string_is_noticed_but_not_an_empty_optional_one() {
        assert!(suspicious::<Row>(r#"{"id":""}"#));
        assert!(!suspicious::<Row>(r#"{"id":"a","note":""}"#));
        // A list item or map value is not a field the spec promises a value for.
        assert!(!suspicious::<Row>(
            r#"{"id":"a","tags":[""],"extra":{"k":""}}"#
        ));
    }

    #[test]
    fn an_unknown_enum_code_is_noticed_and_the_flag_is_reset_per_decode() {
        assert!(suspicious::<Vec<Status>>("[1,7]"));
        assert!(!suspicious::<Vec<Status>>("[1,1]"));
        // Decoding outside a probe leaves the flag set; the next probe starts clean.
        let _: Status = serde_json::from_str("9").unwrap();
        assert!(!suspicious::<Status>("1"));
    }

    #[test]
    fn ignoring_a_whole_value_is_not_an_unknown_field() {
        assert!(!suspicious::<de::IgnoredAny>(r#"{"anything":1}"#));
    }

    #[test]
    fn decoding_is_unchanged() {
        let json = r#"{"id":"a","note":null,"tags":["x","y"],"extra":{"k":"v"}}"#;
        assert_eq!(
            decode::<Row>(json).unwrap().0,
            serde_json::from_str::<Row>(json).unwrap()
        );
        assert!(decode::<Row>(r#"{"id":"a"} x"#).is_err());
        assert!(decode::<Row>(r#"{"id":1}"#).is_err());
    }
}
