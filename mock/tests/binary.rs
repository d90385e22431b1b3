//! The `apigen-mock` binary: serves a spec folder given on the command line, and refuses a
//! bad spec or config with a message and an exit status.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_apigen-mock");

fn repo(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Kills the child when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_a_corpus_spec_on_the_port_it_prints() {
    let mut child = Command::new(BINARY)
        .args([
            "--spec",
            &repo("tests/corpus/parcel-no-webhooks"),
            "--port",
            "0",
            "--seed",
            "5",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let _child = Killed(child);
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("a start-up line");
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("the address ends the line")
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");

    let health: serde_json::Value = reqwest::get(format!("{base}/__mock/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v2/tracking/parcelDetail"))
        .body("{}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer.get("errCode").is_some(), "{answer}");
}

#[test]
fn a_bad_spec_is_reported_with_its_place_and_exit_status_1() {
    let dir = std::env::temp_dir().join(format!("apigen-mock-bad-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("api.yaml"), "service:\n  title: [unclosed\n").unwrap();
    let out = Command::new(BINARY)
        .arg("--spec")
        .arg(&dir)
        .args(["--port", "0"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("api.yaml:"), "{stderr}");
}

#[test]
fn a_bad_config_or_credentials_exit_with_status_2() {
    let config = std::env::temp_dir().join(format!(
        "apigen-mock-bad-config-{}.yaml",
        std::process::id()
    ));
    std::fs::write(
        &config,
        "faults:\n  - { endpoint: nope, probability: 0.5, fault: truncate }\n",
    )
    .unwrap();
    let out = Command::new(BINARY)
        .args(["--spec", &repo("spec"), "--port", "0", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    std::fs::remove_file(&config).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));

    let out = Command::new(BINARY)
        .args([
            "--spec",
            &repo("spec"),
            "--port",
            "0",
            "--credentials",
            "customer_id=abc",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("customer_id"));
}
