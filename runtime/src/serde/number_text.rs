//! The text of a JSON number as serde_json's `arbitrary_precision` feature hands it out: a
//! one-entry map `{"$serde_json::private::Number": "<number text>"}`, read without allocating
//! the key (the text itself arrives as the `String` serde_json already made, moved, not copied).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

/// The private key under which serde_json's `arbitrary_precision` hands out number text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The number text from such a map, or `None` when the map is anything else (its first key is
/// not serde_json's number key, or it is empty).
pub(crate) fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Cow<'de, str>>, A::Error> {
    if map.next_key_seed(IsNumberKey)? != Some(true) {
        return Ok(None);
    }
    map.next_value_seed(Text).map(Some)
}

/// Reads a map key and says whether it is serde_json's number key.
struct IsNumberKey;

impl<'de> DeserializeSeed<'de> for IsNumberKey {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for IsNumberKey {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == NUMBER_TOKEN)
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<bool, E> {
        Ok(key == NUMBER_TOKEN.as_bytes())
    }
}

/// Reads a string, borrowing or taking it whenever the deserializer allows.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("number text")
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
    use serde::de::value::{Error, MapDeserializer};

    use super::*;

    /// Runs `read` on a map deserializer over `entries`.
    fn read_entries(entries: Vec<(&'static str, &'static str)>) -> Option<String> {
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = Option<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                read(map).map(|text| text.map(Cow::into_owned))
            }
        }
        let map = MapDeserializer::<_, Error>::new(entries.into_iter());
        de::Deserializer::deserialize_map(map, Probe).unwrap()
    }

    #[test]
    fn reads_only_serde_json_s_number_map() {
        assert_eq!(
            read_entries(vec![(NUMBER_TOKEN, "10.50")]).as_deref(),
            Some("10.50")
        );
        assert_eq!(read_entries(vec![("amount", "10.50")]), None);
        assert_eq!(read_entries(vec![]), None);
    }

    #[test]
    fn borrows_from_serde_json_when_it_can() {
        // A JSON object spelling the key out is read from borrowed text, without a copy.
        let json = format!(r#"{{"{NUMBER_TOKEN}": "1e3"}}"#);
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = Option<Cow<'de, str>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                read(map)
            }
        }
        let mut de = serde_json::Deserializer::from_str(&json);
        let text = de::Deserializer::deserialize_map(&mut de, Probe).unwrap();
        assert!(matches!(text, Some(Cow::Borrowed("1e3"))), "{text:?}");
    }
}
