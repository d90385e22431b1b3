//! `paginate_cursor`: lazy cursor-by-cursor streaming of a list endpoint and its stopping
//! rules, against a loopback server.

mod common;

use std::pin::pin;

use apigen_runtime::{PageError, PageOptions, paginate_cursor, paginate_cursor_with};
use common::{CursorPage, Error, LIST_BY_CURSOR, Row, SECRET, ScanItems, client_for, ok};
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use wiremock::matchers::{body_partial_json, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn request() -> ScanItems {
    ScanItems {
        cursor: None,
        limit: 2,
    }
}

/// The first page: a request without a cursor (a lower priority than the cursor pages).
async fn mount_first(server: &MockServer, body: &str, expect: u64) {
    Mock::given(path("/v1/items/scan"))
        .and(|r: &Request| {
            serde_json::from_slice::<serde_json::Value>(&r.body)
                .is_ok_and(|b| b.get("cursor").is_none())
        })
        .respond_with(ok(body))
        .expect(expect)
        .mount(server)
        .await;
}

/// The page answering `cursor`.
async fn mount_after(server: &MockServer, cursor: &str, body: &str, expect: u64) {
    Mock::given(path("/v1/items/scan"))
        .and(body_partial_json(
            json!({"cursor": cursor, "limit": 2, "api_secret": SECRET}),
        ))
        .respond_with(ok(body))
        .expect(expect)
        .mount(server)
        .await;
}

async fn collect(server: &MockServer) -> Result<Vec<Row>, Error> {
    paginate_cursor::<_, _, CursorPage<Row>>(client_for(server), &LIST_BY_CURSOR, request())
        .try_collect()
        .await
}

#[tokio::test]
async fn follows_cursors_until_the_last_page() {
    // The last page says so in each of the three ways: `null`, `""` and no field at all.
    for last in [r#""next":null,"#, r#""next":"","#, ""] {
        let server = MockServer::start().await;
        mount_first(
            &server,
            r#"{"next":"c2","rows":[{"id":1,"amount":1.10},{"id":2,"amount":2}]}"#,
            1,
        )
        .await;
        mount_after(
            &server,
            "c2",
            r#"{"next":"c3","rows":[{"id":3,"amount":3.30},{"id":4,"amount":4}]}"#,
            1,
        )
        .await;
        mount_after(
            &server,
            "c3",
            &format!(r#"{{{last}"rows":[{{"id":5,"amount":5.55}}]}}"#),
            1,
        )
        .await;
        let rows = collect(&server).await.unwrap();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5], "last page `{last}`");
        assert_eq!(rows[4].amount.to_string(), "5.55");
        server.verify().await;
    }
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        r#"{"next":"c2","rows":[{"id":1,"amount":1},{"id":2,"amount":2}]}"#,
        1,
    )
    .await;
    mount_after(
        &server,
        "c2",
        r#"{"next":null,"rows":[{"id":3,"amount":3}]}"#,
        0,
    )
    .await;
    let stream =
        paginate_cursor::<_, _, CursorPage<Row>>(client_for(&server), &LIST_BY_CURSOR, request());
    let first_two: Vec<Row> = stream.take(2).try_collect().await.unwrap();
    assert_eq!(first_two.len(), 2);
    server.verify().await;
}

#[tokio::test]
async fn an_empty_page_with_a_next_cursor_goes_on() {
    let server = MockServer::start().await;
    mount_first(&server, r#"{"next":"c2","rows":[]}"#, 1).await;
    mount_after(
        &server,
        "c2",
        r#"{"next":"","rows":[{"id":7,"amount":7}]}"#,
        1,
    )
    .await;
    let ids: Vec<i64> = collect(&server)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [7]);
}

#[tokio::test]
async fn a_cursor_sent_before_stops_the_loop() {
    let server = MockServer::start().await;
    mount_first(&server, r#"{"next":"c2","rows":[{"id":1,"amount":1}]}"#, 1).await;
    mount_after(
        &server,
        "c2",
        r#"{"next":"c3","rows":[{"id":2,"amount":2}]}"#,
        1,
    )
    .await;
    // Page 3 points back at c2.
    mount_after(
        &server,
        "c3",
        r#"{"next":"c2","rows":[{"id":3,"amount":3}]}"#,
        1,
    )
    .await;
    let mut stream = pin!(paginate_cursor::<_, _, CursorPage<Row>>(
        client_for(&server),
        &LIST_BY_CURSOR,
        request()
    ));
    // The rows before the loop is seen are yielded, then the error, then nothing.
    for id in [1, 2] {
        assert_eq!(stream.next().await.unwrap().unwrap().id, id);
    }
    let err = stream.next().await.unwrap().unwrap_err();
    match &err {
        Error::Paging {
            endpoint, problem, ..
        } => {
            assert_eq!(*endpoint, "list_by_cursor");
            assert_eq!(*problem, PageError::CursorRepeated { page: 3 });
        }
        other => panic!("expected a paging error, got {other:?}"),
    }
    assert!(err.to_string().contains("already sent"), "{err}");
    assert!(stream.next().await.is_none());
    server.verify().await;
}

#[tokio::test]
async fn the_page_cap_bounds_an_endless_listing() {
    let server = MockServer::start().await;
    // Every page names a fresh cursor: only the cap ends it.
    Mock::given(path("/v1/items/scan"))
        .respond_with(|r: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            let n = body["cursor"]
                .as_str()
                .and_then(|c| c.strip_prefix('c'))
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(1);
            ResponseTemplate::new(200).set_body_string(format!(
                r#"{{"status":200,"msg":"ok","result":{{"next":"c{}","rows":[{{"id":{n},"amount":1}}]}}}}"#,
                n + 1
            ))
        })
        .expect(3)
        .mount(&server)
        .await;
    let stream = paginate_cursor_with::<_, _, CursorPage<Row>>(
        client_for(&server),
        &LIST_BY_CURSOR,
        request(),
        PageOptions::default().max_pages(3),
    );
    let results: Vec<Result<Row, Error>> = stream.collect().await;
    assert_eq!(results.len(), 4, "three rows, then the error");
    match results.last() {
        Some(Err(Error::Paging { problem, .. })) => {
            assert_eq!(*problem, PageError::TooManyPages { max_pages: 3 });
        }
        other => panic!("expected the page cap, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    mount_first(&server, r#"{"next":"c2","rows":[{"id":1,"amount":1}]}"#, 1).await;
    Mock::given(path("/v1/items/scan"))
        .and(body_partial_json(json!({"cursor": "c2"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"status":200,"msg":"ok","result":{"next":7,"rows":[]}}"#),
        )
        .mount(&server)
        .await;
    let results: Vec<Result<Row, Error>> =
        paginate_cursor::<_, _, CursorPage<Row>>(client_for(&server), &LIST_BY_CURSOR, request())
            .collect()
            .await;
    assert_eq!(results.len(), 2);
    let err = results[1].as_ref().unwrap_err();
    assert!(
        matches!(err, Error::Decode { .. }),
        "a next cursor that is no string is a decode error: {err:?}"
    );
    assert!(!format!("{err:?}").contains(SECRET));
}
