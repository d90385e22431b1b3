//! The fields of a `GET` request, read from its query string into the same JSON object a
//! `POST` body would be, each value typed by the field the spec declares: integers, epoch
//! datetimes and amounts sent as numbers as JSON numbers (amounts by their exact decimal
//! text), bools as `true`/`false`, everything else (strings, string amounts, text datetimes,
//! dates, enum codes) as strings. A value that does not
//! read as its type, or a parameter the spec does not know, stays a string, so the validator
//! reports it as it would in a body.

use apigen::model::{DateTimeFormat, Field, MoneyWire, Type};
use serde_json::{Map, Number, Value};

/// The query string `query` (without `?`) as a JSON object typed by `fields`.
pub fn fields_of(query: &str, fields: &[&Field]) -> Value {
    let mut out = Map::new();
    for (name, text) in url::form_urlencoded::parse(query.as_bytes()) {
        let ty = fields.iter().find(|f| f.wire_name == name).map(|f| &f.ty);
        out.insert(name.into_owned(), typed(&text, ty));
    }
    Value::Object(out)
}

/// `text` as a JSON value of type `ty`.
fn typed(text: &str, ty: Option<&Type>) -> Value {
    let number = || text.parse::<Number>().ok().map(Value::Number);
    let value = match ty {
        Some(
            Type::Long
            | Type::Int
            | Type::DateTime(DateTimeFormat::EpochS | DateTimeFormat::EpochMs),
        ) => text.parse::<i64>().ok().map(Value::from),
        Some(Type::Money(MoneyWire::Number) | Type::Decimal(MoneyWire::Number)) => number(),
        Some(Type::Bool) => text.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    value.unwrap_or_else(|| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: Type) -> Field {
        Field {
            wire_name: name.into(),
            ty,
            required: true,
            nullable: false,
            sensitive: false,
            redact_last4: false,
            boxed: false,
            zh: String::new(),
            en: None,
            note: None,
            source: apigen::model::Source::Documented,
            carrier: apigen::model::Carrier::Body,
            computed: false,
        }
    }

    #[test]
    fn values_are_typed_by_their_fields() {
        let fields = [
            field("amount", Type::Money(MoneyWire::Number)),
            field("limit", Type::Long),
            field("firm", Type::Bool),
            field("at", Type::DateTime(DateTimeFormat::Vendor)),
            field("paid", Type::DateTime(DateTimeFormat::EpochS)),
            field("fee", Type::Money(MoneyWire::String)),
        ];
        let refs: Vec<&Field> = fields.iter().collect();
        let value = fields_of(
            "amount=100.10&at=2024-01-02+03%3A04%3A05&fee=1.50&firm=true&limit=25&other=x&paid=1795842000",
            &refs,
        );
        assert_eq!(
            value.to_string(),
            r#"{"amount":100.10,"at":"2024-01-02 03:04:05","fee":"1.50","firm":true,"limit":25,"other":"x","paid":1795842000}"#
        );
    }

    #[test]
    fn a_value_not_of_its_type_stays_a_string() {
        let fields = [field("limit", Type::Long), field("firm", Type::Bool)];
        let refs: Vec<&Field> = fields.iter().collect();
        assert_eq!(
            fields_of("limit=many&firm=yes", &refs).to_string(),
            r#"{"firm":"yes","limit":"many"}"#
        );
    }
}
