//! The query string of a `GET` request: its fields (the request's and the auth fields carried
//! in the body of a `POST`) as `name=value` pairs, sorted by name.
//!
//! How a value is written: a string as it is, a number by its JSON text (money and decimals
//! keep their exact decimal text), a bool as `true`/`false`; a `null` (an absent optional
//! field) is left out. Arrays and objects have no query form and are refused (the generator
//! already refuses such fields on a `GET`). Percent-encoding is `application/x-www-form-urlencoded`,
//! done by [`reqwest::Url`].

use serde_json::{Map, Value};

/// The fields of `fields` as query pairs, sorted by the bytes of their names.
///
/// # Errors
///
/// The name of a field whose value is an array or an object.
pub(crate) fn query_pairs(fields: &Map<String, Value>) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(_) | Value::Object(_) => return Err(name.clone()),
        };
        pairs.push((name.clone(), text));
    }
    sort(&mut pairs);
    Ok(pairs)
}

/// `url` with `pairs` as its query string, sorted by name (no query when there is no pair).
pub(crate) fn with_query(url: &reqwest::Url, pairs: &mut [(String, String)]) -> reqwest::Url {
    sort(pairs);
    let mut url = url.clone();
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs.iter());
    }
    url
}

fn sort(pairs: &mut [(String, String)]) {
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn scalars_are_written_as_text_sorted_and_null_is_left_out() {
        let pairs = query_pairs(&fields(
            r#"{"to":"CNY","amount":100.10,"limit":25,"firm":true,"note":null,"at":"2024-01-02 03:04:05"}"#,
        ))
        .unwrap();
        let expected = [
            ("amount", "100.10"),
            ("at", "2024-01-02 03:04:05"),
            ("firm", "true"),
            ("limit", "25"),
            ("to", "CNY"),
        ];
        assert_eq!(pairs, expected.map(|(n, v)| (n.to_owned(), v.to_owned())));
    }

    #[test]
    fn money_keeps_its_exact_decimal_text() {
        let amount = rust_decimal::Decimal::new(1_234_567_890_123_456_789, 9);
        let value = serde_json::to_value(serde_json::json!({ "amount": amount })).unwrap();
        let pairs = query_pairs(value.as_object().unwrap()).unwrap();
        assert_eq!(pairs[0].1, "1234567890.123456789");
    }

    #[test]
    fn arrays_and_objects_are_refused_by_name() {
        assert_eq!(
            query_pairs(&fields(r#"{"a":1,"ids":[1]}"#)),
            Err("ids".into())
        );
        assert_eq!(query_pairs(&fields(r#"{"m":{"k":1}}"#)), Err("m".into()));
    }

    #[test]
    fn the_query_is_percent_encoded_and_sorted() {
        let url = reqwest::Url::parse("http://h/v1/rates").unwrap();
        let mut pairs = vec![
            ("z".to_owned(), "a b&c".to_owned()),
            ("a".to_owned(), "2024-01-02 03:04:05".to_owned()),
        ];
        let url = with_query(&url, &mut pairs);
        assert_eq!(url.query(), Some("a=2024-01-02+03%3A04%3A05&z=a+b%26c"));
        let bare = with_query(&reqwest::Url::parse("http://h/x").unwrap(), &mut []);
        assert_eq!(bare.query(), None);
    }
}
