//! Response data synthesized from the types: valid enum codes, exact money, well-formed
//! datetimes and strings shaped like the values the spec's examples show (`cid_sxdwXPRx…`
//! gives `cid_` and random characters of the same classes). Deterministic for a seed.

use std::collections::HashMap;

use apigen::model::{Api, Code, DateTimeFormat, Field, MoneyWire, ObjectName, Type};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};

/// Objects nested deeper than this get only their required fields and empty arrays.
const FULL_DEPTH: usize = 4;
/// Deeper than this, a value is `null` (only reachable through a cycle of required fields).
const MAX_DEPTH: usize = 12;
/// Datetimes fall within the year after this instant (2025-01-01 00:00:00 UTC).
const EPOCH_2025: i64 = 1_735_689_600;

/// Makes values of spec types; knows one observed string per field name.
#[derive(Debug, Default)]
pub struct Synth {
    samples: HashMap<String, String>,
}

impl Synth {
    /// Learns the shape of string fields from every example of the spec (the first
    /// non-empty string seen under each key wins).
    pub fn new(api: &Api) -> Self {
        let mut samples = HashMap::new();
        let examples = api.endpoints.iter().flat_map(|e| &e.examples).chain(
            api.webhooks
                .iter()
                .flat_map(|w| &w.kinds)
                .flat_map(|k| &k.examples),
        );
        for example in examples {
            for text in [&example.request, &example.response].into_iter().flatten() {
                if let Ok(value) = serde_json::from_str::<Value>(text) {
                    collect_samples(&value, &mut samples);
                }
            }
        }
        Synth { samples }
    }

    /// An object of `name` with every field filled (see [`FULL_DEPTH`]), `Null` for an
    /// object the spec does not declare.
    pub fn object(&self, api: &Api, name: &ObjectName, rng: &mut StdRng) -> Value {
        self.object_at(api, name, rng, 0)
    }

    /// A value of `ty` for the field called `wire_name`.
    pub fn value(&self, api: &Api, ty: &Type, wire_name: &str, rng: &mut StdRng) -> Value {
        self.value_at(api, ty, wire_name, rng, 0)
    }

    fn object_at(&self, api: &Api, name: &ObjectName, rng: &mut StdRng, depth: usize) -> Value {
        let Some(object) = api.object(name) else {
            return Value::Null;
        };
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let mut map = Map::new();
        for field in &object.fields {
            if depth >= FULL_DEPTH && !field.required {
                continue;
            }
            map.insert(
                field.wire_name.clone(),
                self.field_at(api, field, rng, depth),
            );
        }
        Value::Object(map)
    }

    fn field_at(&self, api: &Api, field: &Field, rng: &mut StdRng, depth: usize) -> Value {
        self.value_at(api, &field.ty, &field.wire_name, rng, depth)
    }

    fn value_at(
        &self,
        api: &Api,
        ty: &Type,
        wire_name: &str,
        rng: &mut StdRng,
        depth: usize,
    ) -> Value {
        match ty {
            Type::Long => Value::from(rng.random_range(1..=99_999_999_i64)),
            Type::Int => Value::from(rng.random_range(1..=100_i64)),
            Type::Bool => Value::Bool(rng.random()),
            Type::Money(wire) | Type::Decimal(wire) => {
                let amount = decimal(rng.random_range(1..=1_000_000_i64));
                match wire {
                    MoneyWire::Number => amount,
                    MoneyWire::String => Value::String(amount.to_string()),
                }
            }
            Type::DateTime(format) => datetime_value(*format, rng),
            Type::Date => Value::String(datetime(rng)[..10].to_owned()),
            Type::String => Value::String(match self.samples.get(wire_name) {
                Some(sample) => shaped_like(sample, rng),
                None => random_chars("aA0aA0aA0aA0", rng),
            }),
            Type::Enum(name) => match api.enum_(name) {
                Some(e) if !e.values.is_empty() => {
                    match &e.values[rng.random_range(0..e.values.len())].code {
                        Code::Int(i) => Value::from(*i),
                        Code::Str(s) => Value::String(s.clone()),
                    }
                }
                _ => Value::Null,
            },
            Type::Object(name) => self.object_at(api, name, rng, depth + 1),
            Type::Array(item) => {
                let len = if depth >= FULL_DEPTH {
                    0
                } else {
                    rng.random_range(1..=2)
                };
                Value::Array(
                    (0..len)
                        .map(|_| self.value_at(api, item, wire_name, rng, depth + 1))
                        .collect(),
                )
            }
            Type::Map(item) => {
                let len = if depth >= FULL_DEPTH {
                    0
                } else {
                    rng.random_range(1..=2)
                };
                Value::Object(
                    (0..len)
                        .map(|i| {
                            let key = format!("key{}", i + 1);
                            (key, self.value_at(api, item, wire_name, rng, depth + 1))
                        })
                        .collect(),
                )
            }
        }
    }
}

/// A generator seeded from the run's seed and the names of what is being made, so the same
/// request gets the same data whatever came before it.
pub fn rng_for(seed: u64, parts: &[&str]) -> StdRng {
    let mut hash = fnv1a(seed, b"");
    for part in parts {
        hash = fnv1a(hash, part.as_bytes());
        hash = fnv1a(hash, b"\x1f");
    }
    StdRng::seed_from_u64(hash)
}

/// FNV-1a, continuing from `state`: a hash that is the same on every platform and build.
fn fnv1a(state: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = state ^ 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

/// `cents` hundredths as an exact JSON number (`12.34`, `0.05`).
fn decimal(cents: i64) -> Value {
    let text = format!("{}.{:02}", cents / 100, cents % 100);
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A datetime within 2025 in the wire format `format`; RFC 3339 ones carry a `+08:00` offset.
fn datetime_value(format: DateTimeFormat, rng: &mut StdRng) -> Value {
    if format == DateTimeFormat::Vendor {
        return Value::String(datetime(rng));
    }
    let seconds = EPOCH_2025 + rng.random_range(0..365 * 86_400_i64);
    match format {
        DateTimeFormat::Vendor => Value::String(datetime(rng)),
        DateTimeFormat::Rfc3339 => {
            let offset = time::macros::offset!(+8);
            let text = time::OffsetDateTime::from_unix_timestamp(seconds)
                .ok()
                .and_then(|t| {
                    t.to_offset(offset)
                        .format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_else(|| "2025-01-01T08:00:00+08:00".to_owned());
            Value::String(text)
        }
        DateTimeFormat::EpochS => Value::from(seconds),
        DateTimeFormat::EpochMs => Value::from(seconds * 1000 + rng.random_range(0..1000_i64)),
    }
}

/// `YYYY-MM-DD HH:MM:SS` within 2025.
fn datetime(rng: &mut StdRng) -> String {
    let seconds = EPOCH_2025 + rng.random_range(0..365 * 86_400_i64);
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "2025-01-01 00:00:00".to_owned())
}

/// A new string like `sample`: a short uppercase code (`USD`, `VISA`) is kept as it is;
/// otherwise a lowercase prefix ending in `_` (`cid_`, `platform_ord_`) is kept and every
/// other digit, lowercase or uppercase letter is replaced by a random one of its class.
fn shaped_like(sample: &str, rng: &mut StdRng) -> String {
    if sample.len() <= 4 && sample.chars().all(|c| c.is_ascii_uppercase()) {
        return sample.to_owned();
    }
    let prefix_len = sample
        .rfind('_')
        .filter(|&i| {
            sample[..i]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_')
        })
        .map_or(0, |i| i + 1);
    let (prefix, rest) = sample.split_at(prefix_len);
    let mut out = prefix.to_owned();
    out.push_str(&random_chars(rest, rng));
    out
}

/// Each ASCII digit or letter of `shape` replaced by a random one of its class.
fn random_chars(shape: &str, rng: &mut StdRng) -> String {
    shape
        .chars()
        .map(|c| {
            let (base, span) = match c {
                '0'..='9' => (b'0', 10),
                'a'..='z' => (b'a', 26),
                'A'..='Z' => (b'A', 26),
                other => return other,
            };
            char::from(base + rng.random_range(0..span))
        })
        .collect()
}

fn collect_samples(value: &Value, samples: &mut HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(s) if !s.is_empty() => {
                        samples.entry(key.clone()).or_insert_with(|| s.clone());
                    }
                    other => collect_samples(other, samples),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_samples(v, samples)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaped_strings_keep_the_prefix_and_the_character_classes() {
        let mut rng = rng_for(1, &["t"]);
        let id = shaped_like("cid_sxdwXPRxtXt6Ch4n", &mut rng);
        assert!(id.starts_with("cid_"), "{id}");
        assert_eq!(id.len(), "cid_sxdwXPRxtXt6Ch4n".len());
        let nested = shaped_like("platform_ord_5uY0", &mut rng);
        assert!(nested.starts_with("platform_ord_"), "{nested}");
        assert!(nested[13..].chars().next().unwrap().is_ascii_digit());
        assert_eq!(shaped_like("USD", &mut rng), "USD");
        let plain = shaped_like("037c90d5", &mut rng);
        assert_eq!(plain.len(), 8);
        assert!(plain[..3].chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn decimals_are_exact_two_place_numbers() {
        assert_eq!(decimal(1234).to_string(), "12.34");
        assert_eq!(decimal(5).to_string(), "0.05");
    }

    #[test]
    fn other_wire_forms_are_synthesized_as_they_travel() {
        let rng = &mut rng_for(5, &[]);
        let text = datetime_value(DateTimeFormat::Rfc3339, rng);
        let text = text.as_str().unwrap();
        assert!(text.ends_with("+08:00"), "{text}");
        assert!(
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .is_ok()
        );
        let seconds = datetime_value(DateTimeFormat::EpochS, rng)
            .as_i64()
            .unwrap();
        assert!((EPOCH_2025..EPOCH_2025 + 366 * 86_400).contains(&seconds));
        let millis = datetime_value(DateTimeFormat::EpochMs, rng)
            .as_i64()
            .unwrap();
        assert!((EPOCH_2025 * 1000..(EPOCH_2025 + 366 * 86_400) * 1000).contains(&millis));
    }

    #[test]
    fn datetimes_have_the_wire_format() {
        let text = datetime(&mut rng_for(3, &[]));
        assert_eq!(text.len(), 19);
        assert_eq!(&text[4..5], "-");
        assert_eq!(&text[10..11], " ");
        assert!(text.starts_with("2025-") || text.starts_with("2026-"));
    }

    #[test]
    fn the_same_seed_and_names_give_the_same_values() {
        let a: u64 = rng_for(7, &["open_card", "1"]).random();
        let b: u64 = rng_for(7, &["open_card", "1"]).random();
        let c: u64 = rng_for(8, &["open_card", "1"]).random();
        let d: u64 = rng_for(7, &["open_card", "2"]).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (offset basis xor 0 = the basis).
        assert_eq!(fnv1a(0, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
