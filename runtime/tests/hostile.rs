//! Against a scripted, hostile loopback server: every failure says what happened to the call
//! (`Error::outcome`), a `RetryClass::Never` call reaches the server exactly once whatever the
//! server does (the request log proves it), calls end within the deadline, redirects are
//! refused, paged streams always end, and echoed card data and secrets are masked.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apigen_runtime::{Empty, Outcome, PageError, PageOptions, Paged, paginate, paginate_with};
use common::{
    CARD_NO, Error, GET_ITEM, LIST_ITEMS, ListItems, PAY, Page, Row, SECRET, assert_clean,
    client_with, fast_retries, get_item, pay,
};
use futures_util::StreamExt as _;
use serde::Deserialize;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request, after reading it completely.
#[derive(Clone)]
enum Action {
    /// Close the connection without answering.
    Drop,
    /// Write these bytes, then close.
    Raw(Vec<u8>),
    /// Write these bytes one at a time, `delay` apart, then close.
    Trickle(Vec<u8>, Duration),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    body: String,
}

/// A raw HTTP/1.1 server on 127.0.0.1 that answers request number `n` (0-based) with
/// `script(n, &request)` and logs every request it read.
struct Hostile {
    url: String,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    async fn start(script: impl Fn(usize, &Seen) -> Action + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (script, server_log) = (Arc::new(script), Arc::clone(&log));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (script, log) = (Arc::clone(&script), Arc::clone(&server_log));
                tokio::spawn(async move { serve(stream, &*script, &log).await });
            }
        });
        Self { url, log }
    }

    fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }
}

async fn serve(
    mut stream: TcpStream,
    script: &(dyn Fn(usize, &Seen) -> Action + Send + Sync),
    log: &Mutex<Vec<Seen>>,
) {
    let Some(seen) = read_request(&mut stream).await else {
        return;
    };
    let number = {
        let mut log = log.lock().unwrap();
        log.push(seen.clone());
        log.len() - 1
    };
    match script(number, &seen) {
        Action::Drop => {}
        Action::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Action::Trickle(bytes, delay) => {
            for byte in bytes {
                if stream.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(delay).await;
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string();
    Some(Seen { path, body })
}

/// A complete response with `Connection: close`.
fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn json_ok(result: &str) -> Vec<u8> {
    response(
        "200 OK",
        "application/json",
        &format!(r#"{{"status":200,"msg":"ok","result":{result}}}"#),
    )
}

/// A client with 3 fast attempts and short timeouts.
fn client(server: &Hostile) -> apigen_runtime::Client<common::Shop> {
    client_with(&server.url, |b| {
        b.timeout(Duration::from_millis(500))
            .retry_policy(fast_retries(3))
    })
}

/// Every way a request can be lost or garbled after it was sent.
fn after_sending_failures() -> Vec<(&'static str, Action)> {
    vec![
        ("read then drop", Action::Drop),
        (
            "503 html",
            Action::Raw(response(
                "503 Service Unavailable",
                "text/html",
                "<html><body>upstream down</body></html>",
            )),
        ),
        (
            "truncated body",
            Action::Raw(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\nconnection: close\r\n\r\n{\"status\":200,\"res"
                    .to_vec(),
            ),
        ),
        (
            "2xx undecodable",
            Action::Raw(response("200 OK", "application/json", "<html>ok</html>")),
        ),
        (
            "huge body",
            Action::Raw(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999\r\nconnection: close\r\n\r\n{"
                    .to_vec(),
            ),
        ),
        (
            "trickle",
            Action::Trickle(json_ok("{}"), Duration::from_millis(50)),
        ),
        (
            "excess precision",
            Action::Raw(json_ok(r#"{"id":1,"amount":0.1234567890123456789012345678901}"#)),
        ),
    ]
}

#[tokio::test]
async fn a_never_call_reaches_the_server_exactly_once_and_says_the_outcome_is_unknown() {
    for (scenario, action) in after_sending_failures() {
        let server = Hostile::start(move |_, _| action.clone()).await;
        let client = client_with(&server.url, |b| {
            b.timeout(Duration::from_millis(500))
                .retry_policy(fast_retries(3))
                .max_response_bytes(64 * 1024)
        });
        let err = client
            .execute::<_, Row>(&PAY, &pay())
            .await
            .expect_err(scenario);
        assert_eq!(server.count(), 1, "{scenario}: {err:?}");
        assert_eq!(err.outcome(), Outcome::Unknown, "{scenario}: {err:?}");
        assert!(!err.is_retryable(), "{scenario}: {err:?}");
        assert_eq!(err.attempts(), 1, "{scenario}");
        let text = err.to_string();
        assert!(
            text.starts_with("pay: outcome unknown ("),
            "{scenario}: {text}"
        );
        assert!(
            text.ends_with(
                "): the payment may have been made; look it up by reference before paying again"
            ),
            "{scenario}: {text}"
        );
        assert_clean(&err);
    }
}

#[tokio::test]
async fn unknown_outcomes_name_what_happened() {
    let server = Hostile::start(|_, _| Action::Drop).await;
    let err = client(&server)
        .execute::<_, Empty>(&PAY, &pay())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "pay: outcome unknown (transport error after the request was sent): the payment may \
         have been made; look it up by reference before paying again"
    );

    let server =
        Hostile::start(|_, _| Action::Trickle(json_ok("{}"), Duration::from_millis(50))).await;
    let err = client(&server)
        .execute::<_, Empty>(&PAY, &pay())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("pay: outcome unknown (request timed out): "),
        "{err}"
    );

    let big = r#"{"id":1,"amount":0.1234567890123456789012345678901}"#;
    let server = Hostile::start(move |_, _| Action::Raw(json_ok(big))).await;
    let err = client(&server)
        .execute::<_, Row>(&PAY, &pay())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "result.amount");
            assert!(message.contains("more significant digits"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(
        err.to_string().starts_with(
            "pay: outcome unknown (could not decode the response at `result.amount`: "
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_safe_call_is_retried_and_the_error_counts_the_attempts() {
    for (scenario, action) in after_sending_failures() {
        let retried = matches!(
            scenario,
            "read then drop" | "503 html" | "truncated body" | "trickle"
        );
        let server = Hostile::start(move |_, _| action.clone()).await;
        let client = client_with(&server.url, |b| {
            b.timeout(Duration::from_millis(300))
                .retry_policy(fast_retries(3))
                .max_response_bytes(64 * 1024)
        });
        let err = client
            .execute::<_, Row>(&GET_ITEM, &get_item())
            .await
            .expect_err(scenario);
        let expected = if retried { 3 } else { 1 };
        assert_eq!(server.count(), expected, "{scenario}: {err:?}");
        assert_eq!(
            err.attempts(),
            u32::try_from(expected).unwrap(),
            "{scenario}"
        );
        let text = err.to_string();
        assert!(text.starts_with("get_item: "), "{text}");
        assert!(!text.contains("outcome unknown"), "a safe call: {text}");
        assert_eq!(
            text.ends_with(" after 3 attempts"),
            retried,
            "{scenario}: {text}"
        );
    }
}

#[tokio::test]
async fn a_4xx_is_rejected_and_a_refused_connection_was_never_sent() {
    let server =
        Hostile::start(|_, _| Action::Raw(response("400 Bad Request", "text/plain", "bad"))).await;
    let err = client(&server)
        .execute::<_, Empty>(&PAY, &pay())
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(err.outcome(), Outcome::Rejected);
    assert_eq!(
        err.to_string(),
        "pay: unexpected HTTP status 400 Bad Request"
    );

    // Nothing listens on the port of a dropped listener.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_with(&format!("http://127.0.0.1:{port}"), |b| b);
    let err = client.execute::<_, Empty>(&PAY, &pay()).await.unwrap_err();
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    // A hung server: every attempt times out after 300 ms; three would take 900 ms plus waits.
    let server =
        Hostile::start(|_, _| Action::Trickle(json_ok("{}"), Duration::from_secs(5))).await;
    let client = client_with(&server.url, |b| {
        b.timeout(Duration::from_millis(300))
            .deadline(Duration::from_millis(500))
            .retry_policy(fast_retries(3))
    });
    let started = Instant::now();
    let err = client
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
    assert!(matches!(err, Error::Deadline { .. }), "{err:?}");
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.count(), 2);
    assert_eq!(
        err.to_string(),
        "get_item: no answer within the deadline of 500ms after 2 attempts"
    );

    // Retry-After longer than the deadline: the wait is not started, the 503 is returned.
    let server = Hostile::start(|_, _| {
        Action::Raw(
            b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 30\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                .to_vec(),
        )
    })
    .await;
    let client = client_with(&server.url, |b| b.deadline(Duration::from_secs(2)));
    let started = Instant::now();
    let err = client
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(matches!(err, Error::Http { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn redirects_are_refused_even_with_a_following_http_client() {
    let target = Hostile::start(|_, _| Action::Raw(json_ok("{}"))).await;
    let location = format!("{}/elsewhere", target.url);
    let server = Hostile::start(move |_, _| {
        Action::Raw(
            format!(
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            )
            .into_bytes(),
        )
    })
    .await;
    let following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap();
    let client = client_with(&server.url, |b| b.http_client(following));
    let err = client.execute::<_, Empty>(&PAY, &pay()).await.unwrap_err();
    assert!(matches!(err, Error::Redirected { .. }), "{err:?}");
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("another URL"), "{err}");
    // The caller's client did re-send the body: the check cannot undo that, but the call
    // fails and is not repeated.
    assert_eq!((server.count(), target.count()), (1, 1));
    assert_eq!(target.requests()[0].path, "/elsewhere");
}

#[tokio::test]
async fn echoed_card_data_and_secrets_are_masked() {
    let message = format!(
        "card 4111 1111 1111 1111 / 4111-1111-1111-1111 / {CARD_NO} refused: cvv: 123, expiry_date=12/29, key {SECRET}"
    );
    let api = format!(r#"{{"status":1,"msg":"{message}","result":null}}"#);
    let html = format!(
        "<html><body><td>cvv</td><td>987</td><p>{message}</p><p>\"api_secret\": \"{SECRET}\"</p></body></html>"
    );
    let server = Hostile::start(move |n, _| {
        if n == 0 {
            Action::Raw(response("200 OK", "application/json", &api))
        } else {
            Action::Raw(response("500 Internal Server Error", "text/html", &html))
        }
    })
    .await;
    let client = client(&server);
    let api_err = client.execute::<_, Empty>(&PAY, &pay()).await.unwrap_err();
    assert_eq!(api_err.outcome(), Outcome::Rejected);
    let http_err = client.execute::<_, Empty>(&PAY, &pay()).await.unwrap_err();
    let Error::Http { body_excerpt, .. } = &http_err else {
        panic!("expected Http, got {http_err:?}");
    };
    assert!(
        body_excerpt.contains("<td>cvv</td><td><redacted></td>"),
        "{body_excerpt}"
    );
    for err in [&api_err, &http_err] {
        let text = format!("{err} {err:?}");
        for leaked in [
            "1111 1111",
            "1111-1111",
            "123",
            "12/29",
            "987",
            SECRET,
            CARD_NO,
        ] {
            assert!(!text.contains(leaked), "{leaked} leaked: {text}");
        }
        assert!(text.contains("…1111"), "{text}");
    }
    assert_eq!(
        api_err.to_string(),
        "pay: API error unknown code 1: card …1111 / …1111 / …1111 refused: cvv: <redacted>, \
         expiry_date=<redacted>, key <redacted>"
    );
}

/// A page that echoes its page number.
#[derive(Debug, Deserialize)]
struct EchoPage {
    total: i64,
    page: i64,
    list: Vec<Row>,
}

impl Paged for EchoPage {
    type Item = Row;
    fn total(&self) -> i64 {
        self.total
    }
    fn page(&self) -> Option<i64> {
        Some(self.page)
    }
    fn into_items(self) -> Vec<Row> {
        self.list
    }
}

fn list_request() -> ListItems {
    ListItems {
        page: None,
        page_size: 2,
    }
}

/// A server that ignores `page`: always rows 1, 2 of 6, echoing page 1.
async fn same_page_server() -> Hostile {
    Hostile::start(|_, _| {
        Action::Raw(json_ok(
            r#"{"total":6,"page":1,"list":[{"id":1,"amount":1},{"id":2,"amount":2}]}"#,
        ))
    })
    .await
}

async fn collect<T>(
    stream: impl futures_util::Stream<Item = Result<T, Error>>,
) -> (Vec<T>, Option<Error>) {
    let mut stream = std::pin::pin!(stream);
    let (mut rows, mut error) = (Vec::new(), None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(row) => rows.push(row),
            Err(e) => {
                assert!(error.is_none(), "one error only");
                error = Some(e);
            }
        }
    }
    (rows, error)
}

#[tokio::test]
async fn a_stream_over_a_server_that_ignores_the_page_ends_with_an_error() {
    // Rows compared: the same rows twice stop the stream after page 2.
    let server = same_page_server().await;
    let stream = paginate::<_, _, Page<Row>>(client(&server), &LIST_ITEMS, list_request());
    let (rows, error) = tokio::time::timeout(Duration::from_secs(5), collect(stream))
        .await
        .expect("the stream ends");
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2]);
    let error = error.expect("an error, not a normal end");
    assert!(
        matches!(
            error,
            Error::Paging {
                problem: PageError::Repeated { page: 2 },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.count(), 2);

    // Echoed page number checked: page 2 answered as page 1 stops before yielding its rows.
    let server = same_page_server().await;
    let stream = paginate::<_, _, EchoPage>(client(&server), &LIST_ITEMS, list_request());
    let (rows, error) = collect(stream).await;
    assert_eq!(rows.len(), 2);
    assert!(
        matches!(
            error,
            Some(Error::Paging {
                problem: PageError::WrongPage {
                    requested: 2,
                    echoed: 1
                },
                ..
            })
        ),
        "{error:?}"
    );
    assert_eq!(
        error.unwrap().to_string(),
        "list_items: asked for page 2 and got page 1: the server ignores the page number"
    );
}

#[tokio::test]
async fn the_page_cap_bounds_a_stream_that_never_completes() {
    // Fresh rows on every page, a total that is never reached.
    let server = Hostile::start(|n, _| {
        Action::Raw(json_ok(&format!(
            r#"{{"total":1000000,"list":[{{"id":{n},"amount":1}}]}}"#
        )))
    })
    .await;
    let options = PageOptions::default().max_pages(5);
    let stream =
        paginate_with::<_, _, Page<Row>>(client(&server), &LIST_ITEMS, list_request(), options);
    let (rows, error) = collect(stream).await;
    assert_eq!(rows.len(), 5);
    assert!(
        matches!(
            error,
            Some(Error::Paging {
                problem: PageError::TooManyPages { max_pages: 5 },
                ..
            })
        ),
        "{error:?}"
    );
    assert_eq!(server.count(), 5);
}

#[tokio::test]
async fn a_stream_that_loses_rows_ends_with_an_error() {
    let server = Hostile::start(|n, _| {
        Action::Raw(json_ok(if n == 0 {
            r#"{"total":6,"list":[{"id":1,"amount":1},{"id":2,"amount":2}]}"#
        } else {
            r#"{"total":6,"list":[]}"#
        }))
    })
    .await;
    let stream = paginate::<_, _, Page<Row>>(client(&server), &LIST_ITEMS, list_request());
    let (rows, error) = collect(stream).await;
    assert_eq!(rows.len(), 2);
    assert!(
        matches!(
            error,
            Some(Error::Paging {
                problem: PageError::Incomplete { seen: 2, total: 6 },
                ..
            })
        ),
        "{error:?}"
    );
}

/// The request body reached the server as sent.
#[tokio::test]
async fn the_log_holds_the_body() {
    let server = Hostile::start(|_, _| Action::Raw(json_ok("{}"))).await;
    client(&server)
        .execute::<_, Empty>(&PAY, &pay())
        .await
        .unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/payments/create");
    assert!(
        seen[0].body.contains(r#""amount":100.10"#),
        "{}",
        seen[0].body
    );
}
