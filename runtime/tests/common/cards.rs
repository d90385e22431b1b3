//! `Cards`: a service with one endpoint, `get_card`, whose response has a declared drift
//! [`Shape`], for the drift tests.

use apigen_runtime::drift::{DriftCount, DriftKind, FieldShape, ObjectShape, Shape};
use apigen_runtime::{
    Client, ClientBuilder, EnvelopeSpec, Error, Method, Operation, RetryClass, Service,
    ServiceSpec, SuccessCode,
};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{CARD_NO, Code, Key, envelope};

/// A service whose one endpoint, `get_card`, returns a `Card`.
#[derive(Debug)]
pub enum Cards {}

static TEXT: Shape = Shape::Text;
static STATUS: Shape = Shape::IntCodes(&[1, 2]);
static CARD: ObjectShape = ObjectShape {
    name: "Card",
    fields: &[
        FieldShape::required("card_no", &TEXT),
        FieldShape::required("holder", &TEXT),
        FieldShape::required("status", &STATUS),
        FieldShape::optional("cvv", &TEXT).sensitive(),
        FieldShape::optional("nickname", &TEXT),
    ],
};
static CARD_SHAPE: Shape = Shape::Object(&CARD);

impl Service for Cards {
    type Credentials = Key;
    type ErrorCode = Code;
    type Client = Client<Cards>;
    const SPEC: ServiceSpec = ServiceSpec {
        name: "cards",
        default_version: "v1",
        user_agent: "cards-tests/0.0.0",
        envelope: EnvelopeSpec {
            code: "code",
            message: "message",
            data: "data",
            success: SuccessCode::Int(0),
        },
        sensitive_fields: &["api_secret", "cvv"],
    };

    fn response_shape(endpoint: &str) -> Option<&'static Shape> {
        (endpoint == GET_CARD.name).then_some(&CARD_SHAPE)
    }
}

pub const GET_CARD: Operation = Operation {
    name: "get_card",
    path: "/{version}/cards/get",
    method: Method::Post,
    retry: RetryClass::Safe,
    recovery: None,
    moves_money: false,
};

pub const CVV: &str = "987";

/// A card as the spec says (the optional `cvv` present, `nickname` never sent).
pub fn card_as_declared() -> String {
    format!(r#"{{"card_no":"{CARD_NO}","holder":"Ann","status":1,"cvv":"{CVV}"}}"#)
}

/// A card with every kind of response drift: an undeclared field holding a card number, an
/// unknown status, `""` in an always-present field and an always-present field missing.
pub fn drifting_card() -> String {
    format!(r#"{{"card_no":"","status":7,"cvv":"{CVV}","pan_copy":"{CARD_NO}","expiry":"12/29"}}"#)
}

pub fn ok(data: &str) -> ResponseTemplate {
    envelope(&format!(r#"{{"code":0,"message":"ok","data":{data}}}"#))
}

pub async fn server(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

pub fn client(
    server: &MockServer,
    configure: impl FnOnce(ClientBuilder<Cards>) -> ClientBuilder<Cards>,
) -> Client<Cards> {
    configure(Client::<Cards>::builder(server.uri()).credentials(Key::new()))
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

pub async fn get_card(client: &Client<Cards>) -> Result<Value, Error<Code>> {
    client
        .execute(&GET_CARD, &serde_json::json!({"card_id": 1}))
        .await
}

/// `get_card` decoded into [`Card`], as a generated client decodes.
pub async fn get_typed_card(client: &Client<Cards>) -> Result<Card, Error<Code>> {
    client
        .execute(&GET_CARD, &serde_json::json!({"card_id": 1}))
        .await
}

/// The card as a generated crate declares it: unknown fields ignored, an open status.
#[derive(Debug, serde::Deserialize)]
pub struct Card {
    pub card_no: String,
    pub holder: String,
    pub status: Status,
    pub cvv: Option<String>,
    pub nickname: Option<String>,
}

/// An open enum as the generator emits one: an unlisted code is kept, and told to the drift
/// check.
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Frozen,
    Unknown(i64),
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = match apigen_runtime::codes::int_or_string(deserializer)? {
            1 => Self::Active,
            2 => Self::Frozen,
            other => Self::Unknown(other),
        };
        if matches!(value, Self::Unknown(_)) {
            apigen_runtime::drift::unknown_code_seen();
        }
        Ok(value)
    }
}

pub fn count(path: &str, kind: DriftKind, count: u64) -> DriftCount {
    DriftCount {
        endpoint: "get_card",
        path: path.to_owned(),
        kind,
        count,
    }
}
