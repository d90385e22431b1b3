//! The exported OpenAPI document is consumed by real tools: it parses with a
//! maintained OpenAPI crate, and progenitor generates a client from it.
//! (`.ci/run` also runs the independent Python validator.)

use std::path::Path;

fn document() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/openapi.json");
    std::fs::read_to_string(path).expect("openapi.json is generated")
}

#[test]
fn parses_as_openapi_3_0_3() {
    let spec: openapiv3::OpenAPI = serde_json::from_str(&document()).expect("valid OpenAPI 3.0");
    assert_eq!(spec.openapi, "3.0.3");
    assert_eq!(spec.paths.paths.len(), 39);
    let schemas = &spec.components.as_ref().expect("components").schemas;
    for name in [
        "Wallet",
        "WalletStatus",
        "Card",
        "GetWalletDetailRequest",
        "GetWalletDetailResponse",
        "WalletPage",
        "Auth",
        "ErrorEnvelope",
    ] {
        assert!(schemas.contains_key(name), "missing schema {name}");
    }
    let doc: serde_json::Value = serde_json::from_str(&document()).expect("json");
    let status = &doc["components"]["schemas"]["WalletStatus"];
    assert_eq!(status["enum"], serde_json::json!([1, 2]));
    assert_eq!(
        status["x-enum-varnames"],
        serde_json::json!(["Normal", "Frozen"])
    );
    assert_eq!(
        status["x-enum-labels-zh"],
        serde_json::json!(["正常", "冻结"])
    );
    let balance = &doc["components"]["schemas"]["Wallet"]["properties"]["available_balance"];
    assert_eq!(balance["type"], "number");
    assert_eq!(balance["format"], "decimal");
    let created = &doc["components"]["schemas"]["Wallet"]["properties"]["create_at"];
    assert_eq!(created["type"], "string");
    assert!(
        created["pattern"]
            .as_str()
            .is_some_and(|p| p.contains(r"\d{4}-\d{2}-\d{2} "))
    );
    let open_card = &doc["paths"]["/order/openCard"]["post"];
    assert_eq!(open_card["x-retry"], "never");
    assert_eq!(open_card["x-idempotency-key"], "out_order_id");
    assert_eq!(doc["x-webhooks"].as_object().map(|m| m.len()), Some(25));
    assert_eq!(
        doc["x-auth-fields"],
        serde_json::json!(["customer_id", "app_id", "key"])
    );
}

#[test]
fn progenitor_generates_a_client() {
    let spec: openapiv3::OpenAPI = serde_json::from_str(&document()).expect("valid OpenAPI 3.0");
    let mut generator = progenitor_impl::Generator::default();
    let tokens = generator
        .generate_tokens(&spec)
        .expect("progenitor accepts the document");
    let code = tokens.to_string();
    assert!(
        code.contains("get_wallet_detail"),
        "no wallet detail method"
    );
    assert!(code.contains("open_card"), "no open card method");
}
