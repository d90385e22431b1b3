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

/// OpenAPI 3.0's `nullable: true` in JSON Schema terms: `null` is allowed besides the type.
fn nullable_as_json_schema(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            if map.get("nullable") == Some(&serde_json::Value::Bool(true)) {
                if let Some(serde_json::Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), serde_json::json!([t, "null"]));
                } else if let Some(all_of) = map.remove("allOf") {
                    map.insert(
                        "anyOf".into(),
                        serde_json::json!([{ "type": "null" }, { "allOf": all_of }]),
                    );
                }
            }
            map.values_mut().for_each(nullable_as_json_schema);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(nullable_as_json_schema),
        _ => {}
    }
}

/// A validator of the schema at `pointer` (a JSON pointer into the document), with the whole
/// document as its root so that `#/components/schemas/...` references resolve.
fn validator_at(doc: &serde_json::Value, pointer: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    nullable_as_json_schema(&mut root);
    root["$ref"] = format!("#{pointer}").into();
    jsonschema::validator_for(&root).expect("the schema compiles")
}

/// The JSON pointer of the 200 response schema of the operation at `path`.
fn response_pointer(path: &str) -> String {
    format!(
        "/paths/{}/post/responses/200/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    )
}

#[test]
fn the_200_response_is_success_or_a_business_error() {
    let doc: serde_json::Value = serde_json::from_str(&document()).expect("json");
    let detail = validator_at(&doc, &response_pointer("/wallet/getWalletDetail"));
    let success = serde_json::json!({
        "code": 0,
        "message": "success",
        "data": {
            "wallet_id": 100006,
            "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
            "wallet_name": "card wallet",
            "customer_id": 10000011,
            "currency": "USD",
            "available_balance": 10165.27,
            "freeze_balance": 1746.62,
            "status": 1,
            "create_at": "2023-10-30 05:35:14"
        }
    });
    assert!(detail.is_valid(&success), "the documented success");
    for error in [
        serde_json::json!({ "code": 1005, "message": "rate limited", "data": null }),
        serde_json::json!({ "code": 2001, "message": "wallet not found", "data": {} }),
        serde_json::json!({ "code": 9999, "message": "a code the spec does not list" }),
    ] {
        let errors: Vec<String> = detail.iter_errors(&error).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{error} is a business error: {errors:?}");
    }
    for bad in [
        // Success must carry `data`.
        serde_json::json!({ "code": 0, "message": "success" }),
        serde_json::json!({ "code": 0, "message": "success", "data": null }),
        // A required datetime is never "".
        {
            let mut s = success.clone();
            s["data"]["create_at"] = "".into();
            s
        },
        serde_json::json!({ "message": "no code" }),
    ] {
        assert!(!detail.is_valid(&bad), "{bad} must be refused");
    }
}

#[test]
fn every_example_matches_its_schema() {
    let doc: serde_json::Value = serde_json::from_str(&document()).expect("json");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let op = &item["post"];
        let response = validator_at(&doc, &response_pointer(path));
        let request = validator_at(
            &doc,
            &response_pointer(path).replace("/responses/200/content", "/requestBody/content"),
        );
        for (body, validator) in [
            (&op["requestBody"]["content"]["application/json"], &request),
            (
                &op["responses"]["200"]["content"]["application/json"],
                &response,
            ),
        ] {
            let Some(examples) = body["examples"].as_object() else {
                continue;
            };
            for (name, example) in examples {
                let errors: Vec<String> = validator
                    .iter_errors(&example["value"])
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{path} example {name}: {errors:?}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 39, "only {checked} examples checked");
}

#[test]
fn examples_keep_the_spec_text() {
    let doc = document();
    // Key order as the vendor wrote it (a parsed document would sort `app_id` first).
    assert!(doc.contains(
        r#""value": {"customer_id":10001001,"app_id":100001,"key":"ae9ae3f5ad284ef4836de18aa3d41c47","wallet_sn":"037c90d5c0204d6c87bf21d569209b3a"}"#
    ));
    // The vendor's second request example is there too.
    assert!(doc.contains(
        r#""value": {"customer_id":10001004,"app_id":100006,"key":"0408ab79eb214e7d81d9fd447b5916a2","wallet_sn":"606abec24dfb4a3d955c189dee8a04f4"}"#
    ));
}

/// Every schema with a `pattern` (the datetimes), anywhere in `v`.
fn patterned<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    match v {
        serde_json::Value::Object(map) => {
            if map.contains_key("pattern") {
                out.push(v);
            }
            map.values().for_each(|x| patterned(x, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| patterned(x, out)),
        _ => {}
    }
}

/// The document states nothing the spec does not: no invented example values, and
/// `info.version` is the description's version, not the `{version}` path segment's default.
#[test]
fn says_nothing_the_spec_does_not() {
    let doc: serde_json::Value = serde_json::from_str(&document()).expect("json");
    let mut datetimes = Vec::new();
    patterned(&doc, &mut datetimes);
    assert!(!datetimes.is_empty());
    for d in datetimes {
        assert!(d.get("example").is_none(), "invented example in {d}");
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/Cargo.toml");
    let manifest = std::fs::read_to_string(manifest).expect("Cargo.toml");
    let version = doc["info"]["version"].as_str().expect("info.version");
    assert!(
        manifest.contains(&format!("version = \"{version}\"")),
        "{version}"
    );
    assert_eq!(doc["servers"][0]["variables"]["version"]["default"], "v1");
    assert_ne!(version, "v1");
}
