//! Reading a scalar from the JSON text of its value, borrowed from serde_json's input.
//!
//! With serde_json's `arbitrary_precision` (which exact money needs), `deserialize_any` copies
//! every number into a fresh `String` and hands it out as a one-entry map
//! `{"$serde_json::private::Number": "<text>"}`. The exact-decimal and integer-code readers
//! here instead ask for the value's raw JSON text, the way `&RawValue` does
//! (`deserialize_newtype_struct` with serde_json's raw-value name): serde_json then hands out a
//! slice of its input, with no allocation. Other deserializers (a `serde_json::Value`, serde's
//! buffered content for untagged enums, other formats) either do the same with text they
//! render, or call `visit_newtype_struct`, which falls back to `deserialize_any` and the
//! reader's ordinary `visit_*` methods; a number-text map from them is read too.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Unexpected, Visitor};

/// The name under which serde_json hands out the raw JSON text of a value.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";
/// The private key under which serde_json's `arbitrary_precision` hands out number text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A visitor that can also read its value from the JSON text of one value.
pub(crate) trait FromJsonText<'de>: Visitor<'de> {
    /// Reads the value from `json`, the JSON text of one value (a number, a string with its
    /// quotes, `true`, `null`, …), as serde_json would hand its parts to this visitor.
    fn visit_json<E: de::Error>(self, json: Json<'_>) -> Result<Self::Value, E>;
}

/// One JSON value, from its text.
#[derive(Debug, PartialEq)]
pub(crate) enum Json<'a> {
    /// A number, as written.
    Number(&'a str),
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// Anything else, as serde names it in a type error (`null` is `Unit`).
    Other(Unexpected<'static>),
}

impl<'a> Json<'a> {
    /// `text` is the JSON text of one value (valid JSON, as serde_json hands it out).
    fn parse<E: de::Error>(text: &'a str) -> Result<Self, E> {
        let text = text.trim_ascii();
        Ok(match text.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => Json::Number(text),
            Some(b'"') => match text.get(1..text.len() - 1) {
                Some(inner) if !inner.contains('\\') => Json::Str(Cow::Borrowed(inner)),
                _ => Json::Str(Cow::Owned(serde_json::from_str(text).map_err(E::custom)?)),
            },
            Some(b't') => Json::Other(Unexpected::Bool(true)),
            Some(b'f') => Json::Other(Unexpected::Bool(false)),
            Some(b'n') => Json::Other(Unexpected::Unit),
            Some(b'[') => Json::Other(Unexpected::Seq),
            _ => Json::Other(Unexpected::Map),
        })
    }
}

/// Deserializes with `visitor`, from the value's JSON text where the deserializer offers it.
pub(crate) fn deserialize<'de, D, V>(deserializer: D, visitor: V) -> Result<V::Value, D::Error>
where
    D: Deserializer<'de>,
    V: FromJsonText<'de>,
{
    deserializer.deserialize_newtype_struct(RAW_TOKEN, Text(visitor))
}

/// `visitor`'s answer to a map: serde_json's number-text or raw-value map is read as JSON
/// text, any other map is a type error.
pub(crate) fn visit_map<'de, V, A>(visitor: V, map: A) -> Result<V::Value, A::Error>
where
    V: FromJsonText<'de>,
    A: MapAccess<'de>,
{
    Text(visitor).visit_map(map)
}

/// Reads the value from the JSON text (`visit_map` with serde_json's raw or number key), or
/// passes whatever else the deserializer hands out to the inner visitor.
struct Text<V>(V);

impl<'de, V: FromJsonText<'de>> Visitor<'de> for Text<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        d.deserialize_any(Text(self.0))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        let json = match map.next_key_seed(KeyKind)? {
            Some(Key::Raw) => map.next_value_seed(Str)?,
            Some(Key::Number) => {
                let number = map.next_value_seed(Str)?;
                return self.0.visit_json(Json::Number(&number));
            }
            _ => return Err(de::Error::invalid_type(Unexpected::Map, &self)),
        };
        self.0.visit_json(Json::parse(&json)?)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.0.visit_i128(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.0.visit_u128(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.0.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0.visit_bytes(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(d)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(seq)
    }
}

/// The first key of a map that may be serde_json's raw-value or number map.
enum Key {
    Raw,
    Number,
    Other,
}

/// Reads a map key without allocating and says which of serde_json's keys it is.
struct KeyKind;

impl<'de> DeserializeSeed<'de> for KeyKind {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyKind {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            RAW_TOKEN => Key::Raw,
            NUMBER_TOKEN => Key::Number,
            _ => Key::Other,
        })
    }
}

/// Reads a string, borrowing or taking it whenever the deserializer allows.
struct Str;

impl<'de> DeserializeSeed<'de> for Str {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Str {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON text")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use serde::Deserialize;

    use super::*;

    /// Records how the value arrived: as JSON text or through an ordinary `visit_*`.
    #[derive(Debug, PartialEq)]
    enum Seen {
        Json(String),
        Str(String),
        U64(u64),
    }

    struct Probe;

    impl<'de> Visitor<'de> for Probe {
        type Value = Seen;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("anything")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Seen, E> {
            Ok(Seen::Str(v.to_owned()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seen, E> {
            Ok(Seen::U64(v))
        }
    }

    impl<'de> FromJsonText<'de> for Probe {
        fn visit_json<E: de::Error>(self, json: Json<'_>) -> Result<Seen, E> {
            Ok(Seen::Json(format!("{json:?}")))
        }
    }

    #[derive(Debug, PartialEq)]
    struct Probed(Seen);

    impl<'de> Deserialize<'de> for Probed {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d, Probe).map(Probed)
        }
    }

    fn seen(json: &str) -> String {
        match serde_json::from_str::<Probed>(json).unwrap().0 {
            Seen::Json(text) => text,
            other => panic!("not read as JSON text: {other:?}"),
        }
    }

    #[test]
    fn serde_json_hands_out_the_text_of_each_kind_of_value() {
        assert_eq!(seen(" 10.50 "), r#"Number("10.50")"#);
        assert_eq!(seen("-1e-3"), r#"Number("-1e-3")"#);
        assert_eq!(seen(r#""7""#), r#"Str("7")"#);
        assert_eq!(seen(r#""a\"b\u0063""#), r#"Str("a\"bc")"#);
        assert_eq!(seen("true"), "Other(Bool(true))");
        assert_eq!(seen("null"), "Other(Unit)");
        assert_eq!(seen("[1]"), "Other(Seq)");
        assert_eq!(seen(r#"{"a": 1}"#), "Other(Map)");
    }

    #[test]
    fn a_number_is_borrowed_from_the_input() {
        struct Borrowed<'a>(&'a Cell<bool>);
        impl<'de> Visitor<'de> for Borrowed<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
        }
        impl<'de> FromJsonText<'de> for Borrowed<'_> {
            fn visit_json<E: de::Error>(self, json: Json<'_>) -> Result<(), E> {
                self.0.set(matches!(json, Json::Number("12.5")));
                Ok(())
            }
        }
        let seen = Cell::new(false);
        deserialize(
            &mut serde_json::Deserializer::from_str("12.5"),
            Borrowed(&seen),
        )
        .unwrap();
        assert!(seen.get());
    }

    #[test]
    fn other_deserializers_reach_the_same_reader() {
        // A `serde_json::Value` renders the value's text; serde's own deserializers call the
        // ordinary visit methods; a number-text map (as buffered by untagged enums) is text.
        let value: serde_json::Value = serde_json::from_str("10.50").unwrap();
        assert_eq!(
            Probed::deserialize(value).unwrap(),
            Probed(Seen::Json(r#"Number("10.50")"#.to_owned()))
        );
        let s = de::value::StrDeserializer::<de::value::Error>::new("x");
        assert_eq!(deserialize(s, Probe).unwrap(), Seen::Str("x".to_owned()));
        let n = de::value::U64Deserializer::<de::value::Error>::new(3);
        assert_eq!(deserialize(n, Probe).unwrap(), Seen::U64(3));
        let map = de::value::MapDeserializer::<_, de::value::Error>::new(
            [(NUMBER_TOKEN, "1.5")].into_iter(),
        );
        assert_eq!(
            de::Deserializer::deserialize_map(map, Text(Probe)).unwrap(),
            Seen::Json(r#"Number("1.5")"#.to_owned())
        );
        let map =
            de::value::MapDeserializer::<_, de::value::Error>::new([("amount", "1.5")].into_iter());
        assert!(de::Deserializer::deserialize_map(map, Text(Probe)).is_err());
    }

    #[test]
    fn untagged_content_reaches_the_reader() {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Probed(Probed),
        }
        let Either::Probed(probed) = serde_json::from_str("2.50").unwrap();
        assert_eq!(probed, Probed(Seen::Json(r#"Number("2.50")"#.to_owned())));
    }
}
