//! The test webhook event type, shaped like a generated `Event`, with a tag and data field
//! named unlike the card API's, and helpers to build bodies.

use std::fmt;

use apigen_runtime::drift::{FieldShape, ObjectShape, Shape};
use apigen_runtime::redact::Last4;
use apigen_runtime::webhook::{
    EventRule, Implied, Parser, UnknownEvent, WebhookError, WebhookEvent, WebhookSpec, decode,
};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Tag and object under other names than the card API's (`eventTag`/`data`). A payment
/// delivery is identified by its id and status; `payment.failed` implies `status` = 4.
pub const SPEC: WebhookSpec = WebhookSpec {
    tag_field: "type",
    data_field: "object",
    ack_status: 204,
    ack_body: "",
    events: &[
        EventRule {
            tag: "payment.paid",
            key_fields: &["id", "status"],
            implies: &[],
        },
        EventRule {
            tag: "payment.failed",
            key_fields: &["id", "status"],
            implies: &[Implied {
                field: "status",
                json: "4",
            }],
        },
    ],
};

#[derive(Clone, PartialEq, Deserialize)]
pub struct Payment {
    pub id: String,
    #[serde(with = "apigen_runtime::serde::decimal")]
    pub amount: Decimal,
    pub card_no: String,
    #[serde(default)]
    pub status: Option<i64>,
}

impl fmt::Debug for Payment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payment")
            .field("id", &self.id)
            .field("amount", &self.amount)
            .field("card_no", &Last4(&self.card_no))
            .field("status", &self.status)
            .finish()
    }
}

/// The test event type, shaped like a generated `Event`.
#[derive(Debug, Clone, PartialEq)]
pub enum Ev {
    Paid(Payment),
    Refunded(Payment),
    Failed(Payment),
    Unknown(UnknownEvent),
}

impl WebhookEvent for Ev {
    const SPEC: WebhookSpec = SPEC;

    fn from_parts(tag: &str, data: &str) -> Result<Self, WebhookError> {
        Ok(match tag {
            "payment.paid" => Self::Paid(decode(tag, data)?),
            "payment.refunded" => Self::Refunded(decode(tag, data)?),
            "payment.failed" => Self::Failed(decode(tag, data)?),
            _ => Self::Unknown(UnknownEvent::new(tag, data)),
        })
    }

    fn tag(&self) -> &str {
        match self {
            Self::Paid(_) => "payment.paid",
            Self::Refunded(_) => "payment.refunded",
            Self::Failed(_) => "payment.failed",
            Self::Unknown(unknown) => unknown.tag(),
        }
    }

    fn kind(&self) -> Option<&'static str> {
        match self {
            Self::Paid(_) | Self::Refunded(_) | Self::Failed(_) => Some("payment"),
            Self::Unknown(_) => None,
        }
    }

    fn payload_shape(tag: &str) -> Option<(&'static str, &'static Shape)> {
        matches!(tag, "payment.paid" | "payment.refunded" | "payment.failed")
            .then_some(("webhooks.payment", &PAYMENT_SHAPE))
    }
}

static TEXT: Shape = Shape::Text;
static NUMBER: Shape = Shape::Number;
static STATUS: Shape = Shape::IntCodes(&[1, 2, 3, 4]);
static PAYMENT_OBJECT: ObjectShape = ObjectShape {
    name: "Payment",
    fields: &[
        FieldShape::required("id", &TEXT),
        FieldShape::required("amount", &NUMBER),
        FieldShape::required("card_no", &TEXT).sensitive(),
        FieldShape::optional("status", &STATUS),
    ],
};
/// The declared shape of every payment event's payload.
static PAYMENT_SHAPE: Shape = Shape::Object(&PAYMENT_OBJECT);

pub const PAYMENT: &str =
    r#"{ "id": "pay_1", "amount": 12345678901234567.10, "card_no": "4111111111111111" }"#;

pub fn parse(body: &[u8]) -> Result<Ev, WebhookError> {
    Parser::<Ev>::new().parse(body)
}

/// `{"type": tag, "object": object}`.
pub fn enveloped(tag: &str, object: &str) -> String {
    format!("{{\n  \"type\": \"{tag}\",\n  \"object\": {object}\n}}")
}

/// The object's members with `"type": tag` first.
pub fn flat(tag: &str, object: &str) -> String {
    let inner = object.trim().strip_prefix('{').expect("an object");
    format!("{{\"type\": \"{tag}\",{inner}")
}
