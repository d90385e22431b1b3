//! `cargo xtask drift` end to end: the generated `card-wallet` client, talking to the mock
//! with drift injected (the mock's `drift` fault, an unlisted business code) and receiving
//! hand-made webhook deliveries (an unknown tag, a payload with an undeclared field), writes a
//! capture file; `xtask drift` reads it and proposes one edit per drift at its place in a copy
//! of `spec/`; `--apply` gives a spec that loads, has them (marked observed), and proposes
//! nothing more. The capture holds no secret, card number or CVV.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use apigen::model::Source;
use apigen_mock::{FAULT_HEADER, Options, Running};
use card_wallet::webhooks::{MemoryStore, Receiver};
use card_wallet::{Client, Credentials, RetryPolicy, requests};

const KEY: &str = "ae9ae3f5ad284ef4836de18aa3d41c47";
const CARD_NO: &str = "4111111111111111";
const CVV: &str = "739";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| Path::new(".."))
}

/// `from` copied into `to`, folders included.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// A client of the mock whose every request carries the fault `fault`, capturing to `capture`.
fn client(mock: &Running, fault: &str, capture: &Path) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        FAULT_HEADER,
        fault.parse().unwrap_or_else(|e| panic!("{e}")),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Client::builder(mock.base_url())
        .credentials(Credentials::new(10001001, 100001, KEY))
        .http_client(http)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .drift_capture(capture)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn xtask(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("xtask: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "xtask {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The first example delivery of the spec's `card` webhook kind.
fn card_webhook_example(api: &apigen::model::Api) -> serde_json::Value {
    let kinds = api.webhooks.iter().flat_map(|w| &w.kinds);
    let example = kinds
        .filter(|k| k.spec_key == "card")
        .flat_map(|k| &k.examples)
        .find_map(|e| e.request.as_deref())
        .unwrap_or_else(|| panic!("spec/ has a card webhook example"));
    serde_json::from_str(example).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn captures_of_the_generated_client_become_spec_edits() {
    let base: PathBuf =
        std::env::temp_dir().join(format!("xtask-drift-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let spec = base.join("spec");
    copy_dir(&root().join("spec"), &spec);
    let capture = base.join("drift.jsonl");

    let api = apigen::load_api(&spec).unwrap_or_else(|e| panic!("{e}"));
    let card_example = card_webhook_example(&api);
    let mock = apigen_mock::spawn(api, Options::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // A response with an undeclared field in every object.
    let drifting = client(&mock, "drift", &capture);
    drifting
        .wallet()
        .get_wallet_detail(&requests::GetWalletDetailRequest::new(KEY))
        .await
        .unwrap_or_else(|e| panic!("not strict: {e}"));
    // A business code the spec does not list.
    let coded = client(&mock, "code=9321", &capture);
    let error = coded
        .wallet()
        .get_wallet_detail(&requests::GetWalletDetailRequest::new(KEY))
        .await
        .err();
    assert_eq!(
        error.and_then(|e| e.api_code().map(|c| c.code())),
        Some(9321)
    );
    // Webhooks: an unknown tag with a card payload, and a card payload with a new field (the
    // spec's own card example, with this test's card number and CVV).
    let receiver: Receiver = Receiver::without_verification(MemoryStore::new(16))
        .drift(Arc::clone(drifting.runtime().drift()));
    for tag in ["card.status.expired", "card.status.active"] {
        let mut body = card_example.clone();
        body["eventTag"] = tag.into();
        let data = &mut body["data"];
        data["card_no"] = CARD_NO.into();
        data["cvv"] = CVV.into();
        data["status"] = 2.into();
        data["issuer_note"] = "x".into();
        let body = serde_json::to_string(&body).unwrap_or_else(|e| panic!("{e}"));
        let receipt = receiver
            .receive(
                &reqwest::header::HeaderMap::new(),
                body.as_bytes(),
                |_| async { Ok::<(), std::io::Error>(()) },
            )
            .await;
        assert!(receipt.is_acknowledged(), "{tag}: {}", receipt.status());
    }
    drop((drifting, coded, receiver));

    let captured = std::fs::read_to_string(&capture).unwrap_or_else(|e| panic!("{e}"));
    for secret in [KEY, CARD_NO, CVV] {
        assert!(
            !captured.contains(secret),
            "the capture holds {secret}: {captured}"
        );
    }

    let spec_arg = spec.to_str().unwrap_or_default();
    let capture_arg = capture.to_str().unwrap_or_default();
    let proposed = xtask(&["drift", "--spec", spec_arg, capture_arg]);
    for edit in [
        "add the field `mock_drift` to `Wallet` (string, seen at data.mock_drift)",
        "add the business error code 9321 (answered by `get_wallet_detail`)",
        "add the event `card.status.expired` to the webhook kind `card`",
        "add the field `issuer_note` to `Card` (string, seen at data.issuer_note)",
    ] {
        assert!(proposed.contains(edit), "missing `{edit}` in:\n{proposed}");
    }
    // Nothing is written without `--apply`.
    assert!(
        apigen::load_api(&spec)
            .is_ok_and(|api| api.errors.iter().all(|e| e.code.to_string() != "9321"))
    );

    let applied = xtask(&["drift", "--spec", spec_arg, "--apply", capture_arg]);
    assert!(applied.contains("applied"), "{applied}");
    let api = apigen::load_api(&spec).unwrap_or_else(|e| panic!("the edited spec: {e}"));
    let field = |object: &str, name: &str| {
        api.declared_object(object)
            .and_then(|o| o.fields.iter().find(|f| f.wire_name == name))
            .map(|f| f.source)
    };
    assert_eq!(field("Wallet", "mock_drift"), Some(Source::Observed));
    assert_eq!(field("Card", "issuer_note"), Some(Source::Observed));
    assert!(
        api.errors
            .iter()
            .any(|e| e.code.to_string() == "9321" && e.source == Source::Observed)
    );
    let expired = api
        .webhooks
        .iter()
        .flat_map(|w| &w.kinds)
        .filter(|k| k.spec_key == "card")
        .flat_map(|k| &k.events)
        .find(|e| e.tag == "card.status.expired");
    assert_eq!(expired.map(|e| e.source), Some(Source::Observed));
    let again = xtask(&["drift", "--spec", spec_arg, capture_arg]);
    assert!(
        !again.contains("insert after it"),
        "proposed again:\n{again}"
    );
    let _ = std::fs::remove_dir_all(&base);
}
