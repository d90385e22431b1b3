//! What drift detection logs: one `warn` per distinct (endpoint, path, kind), however often
//! it is seen, and no values. (A test binary of its own: `tracing` caches per call site
//! whether anyone listens, which other tests running without a subscriber would spoil.)

mod common;

use common::cards::{CVV, client, drifting_card, get_card, ok, server};
use common::{CARD_NO, Capture, SECRET};

#[test]
fn each_kind_is_logged_once_without_values() {
    let logs = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    tracing::subscriber::with_default(logs.clone(), || {
        runtime.block_on(async {
            let server = server(ok(&drifting_card())).await;
            let client = client(&server, |b| b);
            for _ in 0..3 {
                get_card(&client)
                    .await
                    .unwrap_or_else(|e| panic!("not strict: {e}"));
            }
        });
    });
    let text = logs.text();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("differs from the spec"))
        .collect();
    for (path, kind) in [
        ("data.card_no", "empty_value"),
        ("data.expiry", "unknown_field"),
        ("data.holder", "missing_field"),
        ("data.pan_copy", "unknown_field"),
        ("data.status", "unknown_enum_code"),
    ] {
        let lines = warnings
            .iter()
            .filter(|l| l.contains(&format!("path={path} ")) && l.contains(kind))
            .count();
        assert_eq!(lines, 1, "{path} {kind} in:\n{text}");
    }
    assert_eq!(warnings.len(), 5, "{text}");
    for secret in [SECRET, CARD_NO, CVV, "12/29"] {
        assert!(!text.contains(secret), "{secret} logged:\n{text}");
    }
}
