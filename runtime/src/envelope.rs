//! Decoding of the `{code, message, data}` envelope, and keeping body content out of errors.

use std::fmt::Write as _;

use secrecy::{ExposeSecret as _, SecretString};
use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};

use crate::{BusinessCode, CallInfo, EnvelopeSpec, Error, Operation, WireCode as _};

mod parts;

/// Length bound of the message of [`Error::Api`].
const MESSAGE_BYTES: usize = 1024;

/// Decodes a 2xx response body: `data` into `Resp` on success, [`Error::Api`] otherwise.
///
/// The envelope is read in one pass that keeps the code, message and `data` as borrowed JSON
/// text (no map); `data` is deserialized into `Resp` from its text only once the code says
/// success, so numbers reach the money fields exactly as sent (no `f64` or `Value` round trip)
/// and an error response's `data` may be anything. With `probe`, `data` is decoded through the drift probe,
/// and the `bool` says whether it saw something that may be drift; without, it is always
/// `false`.
pub(crate) fn decode<Resp: DeserializeOwned, C: BusinessCode>(
    op: &'static Operation,
    spec: &EnvelopeSpec,
    body: &[u8],
    scrubber: &Scrubber<'_>,
    probe: bool,
) -> Result<(Resp, bool), Error<C>> {
    let endpoint = op.name;
    let decode_error = |path: &str, message: String| Error::Decode {
        endpoint,
        path: path.to_owned(),
        message,
        call: CallInfo::new(op),
    };
    let text = std::str::from_utf8(body)
        .map_err(|_| decode_error("", "the response is not valid UTF-8".to_owned()))?;
    // One pass over the envelope: the code, message and data as borrowed JSON text.
    let fields =
        parts::split(text, spec).map_err(|e| decode_error("", sanitize(&e.to_string())))?;

    let code = fields
        .code
        .ok_or_else(|| decode_error(spec.code, "missing field".to_owned()))?;
    let code = C::Code::read(code.get())
        .map_err(|e| decode_error(spec.code, sanitize(&without_position(&e))))?;

    if !code.is_success(spec.success) {
        // A message that is missing or not a string is not worth failing over.
        let message = fields
            .message
            .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
            .unwrap_or_default();
        return Err(Error::Api {
            endpoint,
            code: C::from_code(code),
            message: scrubber.excerpt(&message, MESSAGE_BYTES),
            call: CallInfo::new(op),
        });
    }

    // A missing `data` reads as `null`, so `Option<T>` and `Empty` accept it.
    let data = fields.data.map_or("null", |raw| raw.get());
    // The fast path decodes directly; only a failure pays for path tracking
    // (decoding again with serde_path_to_error to name the failing field).
    let decoded = if probe {
        crate::drift::probe::decode(data)
    } else {
        serde_json::from_str(data).map(|value| (value, false))
    };
    decoded.or_else(|_| {
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(data))
            .map(|value| (value, false))
            .map_err(|e| {
                decode_error(
                    &json_path(spec.data, e.path()),
                    sanitize(&without_position(e.inner())),
                )
            })
    })
}

/// serde_json's message without its ` at line L column C` suffix (positions inside the `data`
/// fragment would be misleading; the path says where).
pub(crate) fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

/// `data.list[1].amount`-style path. Map keys that do not look like field names (e.g. a card
/// number used as a key) are shown as `?`.
pub(crate) fn json_path(root: &str, path: &Path) -> String {
    let mut out = root.to_owned();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(out, "[{index}]");
            }
            // serde_json's private map key for arbitrary-precision numbers is noise here.
            Segment::Map { key } if key.starts_with("$serde_json::private::") => {}
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('.');
                out.push_str(if looks_like_field_name(key) { key } else { "?" });
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

pub(crate) fn looks_like_field_name(key: &str) -> bool {
    let mut chars = key.chars();
    key.len() <= 64
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Removes values copied from the body out of a serde error message.
///
/// serde formats type errors as `invalid type: string "4111…", expected i64` (likewise
/// `invalid value:`, ``unknown variant `x`, expected …`` and ``unknown field `x`, expected …``,
/// where the unknown key may be a card number): the part before `, expected` may quote the
/// offending value and is reduced to its kind (`string "…"`). Everything else keeps its text
/// but has double-quoted literals replaced, as a safety net for custom messages.
pub(crate) fn sanitize(message: &str) -> String {
    for prefix in [
        "invalid type: ",
        "invalid value: ",
        "unknown variant ",
        "unknown field ",
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            // `rfind`: the value itself might contain ", expected ", our expectation does not.
            let end = rest
                .rfind(", expected ")
                .or_else(|| rest.rfind(", there are no variants"))
                .or_else(|| rest.rfind(", there are no fields"))
                .unwrap_or(rest.len());
            let (unexpected, tail) = rest.split_at(end);
            let kind = unexpected.split(['"', '`']).next().unwrap_or_default();
            let kind = if unexpected.contains('"') {
                format!("{kind}\"…\"")
            } else if unexpected.contains('`') {
                format!("{kind}`…`")
            } else {
                unexpected.to_owned() // `map`, `sequence`, `null`, …: no value inside
            };
            return format!("{prefix}{kind}{tail}");
        }
    }
    redact_string_literals(message)
}

/// Replaces every `"…"` literal (Rust `Debug` escaping) with `"…"`.
fn redact_string_literals(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            // Skip to the closing quote, honouring backslash escapes.
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
            out.push_str("…\"");
        }
    }
    out
}

/// Removes the client's secrets (the key), card numbers and the values of sensitive fields
/// from server-provided text before it goes into an error.
pub(crate) struct Scrubber<'a> {
    secrets: &'a [SecretString],
    sensitive_fields: &'a [&'a str],
}

impl<'a> Scrubber<'a> {
    pub(crate) fn new(secrets: &'a [SecretString], sensitive_fields: &'a [&'a str]) -> Self {
        Self {
            secrets,
            sensitive_fields,
        }
    }

    /// `text` with the secrets, card numbers and sensitive values masked, cut to at most
    /// `max_bytes` bytes on a char boundary (`…` appended when cut).
    pub(crate) fn excerpt(&self, text: &str, max_bytes: usize) -> String {
        let mut text = text.to_owned();
        for secret in self.secrets {
            let secret = secret.expose_secret();
            if !secret.is_empty() && text.contains(secret) {
                text = text.replace(secret, "<redacted>");
            }
        }
        for name in self.sensitive_fields {
            text = mask_named_values(&text, name);
        }
        let mut text = crate::redact::mask_card_numbers(&text).into_owned();
        if text.len() > max_bytes {
            let mut cut = max_bytes;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        text
    }
}

/// Masks the value written next to the field name `name` (ASCII case-insensitive, as a whole
/// word): `name=value`, `"name": "value"`, `name: value`, `<td>name</td><td>value</td>`, and in
/// free text `name value` when the value contains a digit (so `cvv is wrong` stays readable).
fn mask_named_values(text: &str, name: &str) -> String {
    if name.is_empty() {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(&needle) {
        let at = from + found;
        let after = at + needle.len();
        from = after;
        if (at > 0 && is_word(bytes[at - 1])) || bytes.get(after).is_some_and(|&b| is_word(b)) {
            continue;
        }
        // Skip closing quotes, blanks and HTML tags, then at most one `=` or `:`, then the
        // same again (opening quote, tags).
        let mut i = after;
        let skip = |mut i: usize| {
            loop {
                match bytes.get(i) {
                    Some(b'"' | b'\'' | b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                    Some(b'<') => match text[i..].find('>') {
                        Some(close) => i += close + 1,
                        None => break,
                    },
                    Some(b'&') if text[i..].starts_with("&quot;") => i += "&quot;".len(),
                    _ => break,
                }
            }
            i
        };
        i = skip(i);
        let separated = matches!(bytes.get(i), Some(b'=' | b':'));
        if separated {
            i = skip(i + 1);
        }
        let quoted = i > 0 && matches!(bytes[i - 1], b'"' | b'\'');
        let value_end = if quoted {
            let quote = bytes[i - 1];
            text[i..]
                .bytes()
                .position(|b| b == quote)
                .map_or(text.len(), |p| i + p)
        } else {
            text[i..]
                .find(|c: char| {
                    c.is_whitespace()
                        || matches!(
                            c,
                            ',' | ';' | '&' | '"' | '\'' | '<' | '>' | ')' | '}' | ']'
                        )
                })
                .map_or(text.len(), |p| i + p)
        };
        let value = &text[i..value_end];
        if value.is_empty() || value_end <= copied || i < copied {
            continue;
        }
        if !separated && !quoted && !value.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        out.push_str(&text[copied..i]);
        out.push_str("<redacted>");
        copied = value_end;
        from = value_end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_masked_in_excerpts() {
        let scrubber = Scrubber::new(&[], &[]);
        assert_eq!(
            scrubber.excerpt("card 491090123456789012345 not found (code 3004)", 200),
            "card …2345 not found (code 3004)"
        );
        assert_eq!(scrubber.excerpt("order 20231030", 100), "order 20231030");
        for (input, expected) in [
            (
                "card 4111 1111 1111 1234 is blocked",
                "card …1234 is blocked",
            ),
            ("card 4111-1111-1111-1234.", "card …1234."),
            ("amex 3782 822463 10005 ok", "amex …0005 ok"),
            (
                "at 2023-10-30 12:00:00 for 100",
                "at 2023-10-30 12:00:00 for 100",
            ),
            ("4111111111111234", "…1234"),
            ("ends with 4111 1111 1111 1234 -", "ends with …1234 -"),
            ("no 1234 5678", "no 1234 5678"),
        ] {
            assert_eq!(scrubber.excerpt(input, 200), expected, "{input}");
        }
    }

    #[test]
    fn sensitive_values_are_masked_next_to_their_names() {
        let scrubber = Scrubber::new(&[], &["cvv", "expiry_date", "api_key"]);
        for (input, expected) in [
            ("bad cvv=123&x=1", "bad cvv=<redacted>&x=1"),
            (
                r#"{"cvv": "123", "ok": 1}"#,
                r#"{"cvv": "<redacted>", "ok": 1}"#,
            ),
            (r#"{"CVV":123}"#, r#"{"CVV":<redacted>}"#),
            (
                "expiry_date: 12/29, cvv: 999",
                "expiry_date: <redacted>, cvv: <redacted>",
            ),
            (
                "invalid cvv 123 for card",
                "invalid cvv <redacted> for card",
            ),
            ("the cvv is wrong", "the cvv is wrong"),
            (
                "<td>cvv</td><td>321</td>",
                "<td>cvv</td><td><redacted></td>",
            ),
            ("api_key 'ab12 cd'", "api_key '<redacted>'"),
            ("card_cvv=1 mycvv=2", "card_cvv=1 mycvv=2"),
            ("cvv", "cvv"),
            ("cvv=", "cvv="),
        ] {
            assert_eq!(scrubber.excerpt(input, 200), expected, "{input}");
        }
    }

    #[test]
    fn sanitize_drops_values_and_keeps_the_expectation() {
        let cases = [
            (
                r#"invalid type: string "4111111111111111", expected i64"#,
                r#"invalid type: string "…", expected i64"#,
            ),
            (
                r#"invalid value: string "4111 \" , expected 4111", expected a Decimal"#,
                r#"invalid value: string "…", expected a Decimal"#,
            ),
            (
                "invalid type: integer `4111111111111111`, expected a string",
                "invalid type: integer `…`, expected a string",
            ),
            (
                "unknown variant `4111`, expected one of `a`, `b`",
                "unknown variant `…`, expected one of `a`, `b`",
            ),
            (
                "invalid type: map, expected a string",
                "invalid type: map, expected a string",
            ),
            (
                "unknown field `4111111111111111`, expected `id` or `amount`",
                "unknown field `…`, expected `id` or `amount`",
            ),
            (
                "unknown field `4111111111111111`, there are no fields",
                "unknown field `…`, there are no fields",
            ),
            ("missing field `amount`", "missing field `amount`"),
            (
                r#"custom failure for "123 456" and "x\"y""#,
                r#"custom failure for "…" and "…""#,
            ),
            ("EOF while parsing a value", "EOF while parsing a value"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input), expected, "{input}");
        }
    }

    #[test]
    fn excerpt_scrubs_and_cuts_on_a_char_boundary() {
        let secrets = [SecretString::from("s3cr3t-key".to_owned())];
        let scrubber = Scrubber::new(&secrets, &[]);
        assert_eq!(scrubber.excerpt("key=s3cr3t-key!", 100), "key=<redacted>!");
        assert_eq!(scrubber.excerpt("ééé", 3), "é…"); // 'é' is 2 bytes
        assert_eq!(scrubber.excerpt("abc", 3), "abc");
    }

    #[test]
    fn odd_map_keys_are_hidden_in_paths() {
        assert!(looks_like_field_name("available_balance"));
        assert!(!looks_like_field_name("4111111111111111"));
        assert!(!looks_like_field_name(""));
        assert!(!looks_like_field_name("a b"));
    }
}
