//! Specs other than the card spec: every endpoint of every corpus spec answers a valid
//! request with success data of the right shape, and rejects an unknown field.

use apigen::model::{Api, Code, DateTimeFormat, Field, HttpMethod, MoneyWire, Response, Type};
use apigen_mock::Options;
use serde_json::{Map, Value, json};

use crate::support::{call, call_with_headers, get_with_headers, load};

const CORPUS: [&str; 5] = [
    "fx-remit",
    "keywords",
    "large",
    "parcel-no-webhooks",
    "tiny-no-auth",
];

fn corpus(name: &str) -> Api {
    load(&format!(
        "{}/../tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
}

/// A value of `ty` that the spec accepts.
fn valid_value(api: &Api, ty: &Type) -> Value {
    match ty {
        Type::Long | Type::Int => json!(1),
        Type::String => json!("x"),
        Type::Bool => json!(true),
        Type::Money(MoneyWire::Number) | Type::Decimal(MoneyWire::Number) => {
            serde_json::from_str("12.30").unwrap()
        }
        Type::Money(MoneyWire::String) | Type::Decimal(MoneyWire::String) => json!("12.30"),
        Type::DateTime(DateTimeFormat::Vendor) => json!("2025-01-02 03:04:05"),
        Type::DateTime(DateTimeFormat::Rfc3339) => json!("2025-01-02T03:04:05+08:00"),
        Type::DateTime(DateTimeFormat::EpochS) => json!(1_735_787_045),
        Type::DateTime(DateTimeFormat::EpochMs) => json!(1_735_787_045_123_i64),
        Type::Date => json!("2025-01-02"),
        Type::Enum(name) => match &api.enum_(name).unwrap().values[0].code {
            Code::Int(i) => json!(i),
            Code::Str(s) => json!(s),
        },
        Type::Object(name) => required_fields(
            api,
            &api.object(name).unwrap().fields.iter().collect::<Vec<_>>(),
        ),
        Type::Array(item) => json!([valid_value(api, item)]),
        Type::Map(item) => json!({ "k": valid_value(api, item) }),
    }
}

/// An object with every required field of `fields` set.
fn required_fields(api: &Api, fields: &[&Field]) -> Value {
    let map: Map<String, Value> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| (f.wire_name.clone(), valid_value(api, &f.ty)))
        .collect();
    Value::Object(map)
}

/// A request body with the auth fields carried in the body and the endpoint's required fields.
fn valid_request(api: &Api, endpoint: &apigen::model::Endpoint) -> Value {
    let mut fields: Vec<&Field> = (api.service.auth.iter())
        .filter(|f| f.header().is_none())
        .collect();
    if let Some(request) = api.request_object(endpoint) {
        fields.extend(&request.fields);
    }
    required_fields(api, &fields)
}

/// The auth fields carried in headers, each with a valid value.
fn auth_headers(api: &Api) -> Vec<(String, String)> {
    (api.service.auth.iter())
        .filter_map(|f| Some((f.header()?.to_owned(), "x".to_owned())))
        .collect()
}

#[tokio::test]
async fn every_corpus_endpoint_answers_a_valid_request_and_rejects_an_unknown_field() {
    for name in CORPUS {
        let api = corpus(name);
        let envelope = api.service.envelope.clone();
        let mock = apigen_mock::spawn(api.clone(), Options::default())
            .await
            .unwrap();
        for endpoint in &api.endpoints {
            let path = endpoint
                .full_path
                .replace("{version}", &api.service.default_version);
            let request = valid_request(&api, endpoint);
            let headers = auth_headers(&api);
            let send = async |fields: &Value| match endpoint.method {
                HttpMethod::Get => get_with_headers(&mock, &path, fields, &headers).await,
                HttpMethod::Post => call_with_headers(&mock, &path, fields, &headers).await,
            };
            let answer = send(&request).await.json();
            let context = format!("{name}/{}: {answer}", endpoint.spec_name);
            assert_eq!(
                answer[&envelope.code],
                envelope.success.to_json(),
                "{context}"
            );
            let data = &answer[&envelope.data];
            match &endpoint.response {
                Response::Object(key) => {
                    let object = api.declared_object(key).unwrap();
                    for field in object.fields.iter().filter(|f| f.required) {
                        assert!(
                            data.get(&field.wire_name).is_some(),
                            "{context}: no {}",
                            field.wire_name
                        );
                    }
                }
                Response::Array(_) => assert!(data.is_array(), "{context}"),
                Response::Value(_) => assert!(!data.is_null(), "{context}"),
                Response::Page(_) => {
                    let pagination = api.service.pagination.as_ref().unwrap();
                    assert!(data[&pagination.list_field].is_array(), "{context}");
                    assert!(data[&pagination.total_field].is_number(), "{context}");
                }
                Response::CursorPage(_) => {
                    let pagination = api.service.cursor_pagination.as_ref().unwrap();
                    assert!(data[&pagination.list_field].is_array(), "{context}");
                }
                Response::Empty => {}
            }

            let mut bad = request.clone();
            bad.as_object_mut()
                .unwrap()
                .insert("mock_unknown_field".into(), json!(1));
            let answer = send(&bad).await.json();
            assert_ne!(
                answer[&envelope.code],
                envelope.success.to_json(),
                "{name}/{}",
                endpoint.spec_name
            );
            let message = answer[&envelope.message].as_str().unwrap();
            assert!(message.contains("mock_unknown_field"), "{message}");
        }
    }
}

#[tokio::test]
async fn nested_request_fields_are_named_by_their_path_with_the_spec_s_own_code() {
    let api = corpus("parcel-no-webhooks");
    let endpoint = api.endpoint("createShipment").unwrap();
    let mut request = valid_request(&api, endpoint);
    request["sender"]["postalCode"] = json!(1234);
    let mock = apigen_mock::spawn(api.clone(), Options::default())
        .await
        .unwrap();
    let path = endpoint
        .full_path
        .replace("{version}", &api.service.default_version);
    let answer = call(&mock, &path, &request).await;
    let message = answer.json()[&api.service.envelope.message]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("`sender.postalCode` must be a string"),
        "{message}"
    );
    assert!(message.contains("1000 badRequest"), "{message}");
}

#[tokio::test]
async fn a_spec_without_error_codes_answers_with_the_mock_s_own_code() {
    let api = corpus("tiny-no-auth");
    let mock = apigen_mock::spawn(api, Options::default()).await.unwrap();
    let answer = call(&mock, "/v1/station/latest", &json!({})).await.json();
    assert_eq!(answer["status"], json!(400));
    assert!(
        answer["detail"]
            .as_str()
            .unwrap()
            .contains("the mock's own code"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_get_endpoint_refuses_a_post_naming_its_method() {
    let api = corpus("fx-remit");
    let endpoint = api
        .endpoints
        .iter()
        .find(|e| e.method == HttpMethod::Get)
        .expect("fx-remit has GET endpoints");
    let path = endpoint
        .full_path
        .replace("{version}", &api.service.default_version);
    let request = valid_request(&api, endpoint);
    let mock = apigen_mock::spawn(api.clone(), Options::default())
        .await
        .unwrap();
    let answer = call_with_headers(&mock, &path, &request, &auth_headers(&api)).await;
    assert_eq!(answer.status, 405);
    let body = answer.json();
    let message = body[&api.service.envelope.message].as_str().unwrap();
    assert!(message.contains("takes GET"), "{message}");
}

/// The cursor pages of a list cover its synthesized rows once each, in order, and the last
/// page's next cursor is null; a cursor the mock never gave out is refused.
#[tokio::test]
async fn cursor_pages_walk_every_row_once() {
    let api = corpus("fx-remit");
    let endpoint = api.endpoint("list_ledger_entries").unwrap();
    let pagination = api.service.cursor_pagination.clone().unwrap();
    let envelope = api.service.envelope.clone();
    let options = Options {
        list_rows: 5,
        ..Options::default()
    };
    let mock = apigen_mock::spawn(api.clone(), options).await.unwrap();
    let path = endpoint
        .full_path
        .replace("{version}", &api.service.default_version);
    let mut request = valid_request(&api, endpoint);
    // Not the example's `limit` (2), whose canned answer names a cursor of its own.
    request["limit"] = json!(3);
    let headers = auth_headers(&api);
    let mut sizes = Vec::new();
    let mut entries = Vec::new();
    loop {
        let answer = call_with_headers(&mock, &path, &request, &headers)
            .await
            .json();
        let data = &answer[&envelope.data];
        let rows = data[&pagination.list_field].as_array().unwrap();
        sizes.push(rows.len());
        entries.extend(rows.iter().map(|r| r["entry_no"].clone()));
        match &data[&pagination.next_cursor_field] {
            Value::Null => break,
            Value::String(next) => request[&pagination.cursor_field] = json!(next),
            other => panic!("next cursor {other}"),
        }
        assert!(sizes.len() < 10, "the cursors do not end: {sizes:?}");
    }
    assert_eq!(sizes, [3, 2]);
    assert_eq!(entries.len(), 5);

    request[&pagination.cursor_field] = json!("not-a-cursor");
    let answer = call_with_headers(&mock, &path, &request, &headers)
        .await
        .json();
    assert_ne!(answer[&envelope.code], envelope.success.to_json());
    let message = answer[&envelope.message].as_str().unwrap();
    assert!(message.contains("`cursor`"), "{message}");
}
