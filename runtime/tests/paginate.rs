//! `paginate`: lazy page-by-page streaming of a list endpoint and its stopping rules.

mod common;

use std::pin::pin;

use apigen_runtime::{PageError, PageOptions, paginate, paginate_with};
use common::{Error, LIST_ITEMS, ListItems, Page, Row, SECRET, client_for, client_with, ok};
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request(page: Option<i32>, page_size: i32) -> ListItems {
    ListItems { page, page_size }
}

#[tokio::test]
async fn walks_three_pages_in_order() {
    let server = MockServer::start().await;
    let pages = [
        (1, r#"[{"id":1,"amount":1.10},{"id":2,"amount":2}]"#),
        (2, r#"[{"id":3,"amount":3.30},{"id":4,"amount":4}]"#),
        (3, r#"[{"id":5,"amount":5.55}]"#),
    ];
    for (page, list) in pages {
        Mock::given(path("/v1/items/list"))
            .and(body_partial_json(
                json!({"page": page, "page_size": 2, "api_secret": SECRET}),
            ))
            .respond_with(ok(&format!(
                r#"{{"total":5,"page":{page},"page_size":2,"list":{list}}}"#
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    let rows: Vec<Row> =
        paginate::<_, _, Page<Row>>(client_for(&server), &LIST_ITEMS, request(None, 2))
            .try_collect()
            .await
            .unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(rows[0].amount.to_string(), "1.10");
    assert_eq!(rows[4].amount.to_string(), "5.55");
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"page": 1})))
        .respond_with(ok(
            r#"{"total":4,"list":[{"id":1,"amount":1},{"id":2,"amount":2}]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"page": 2})))
        .respond_with(ok(
            r#"{"total":4,"list":[{"id":3,"amount":3},{"id":4,"amount":4}]}"#,
        ))
        .expect(0)
        .mount(&server)
        .await;
    let stream = paginate::<_, _, Page<Row>>(client_for(&server), &LIST_ITEMS, request(None, 2));
    let first_two: Vec<Row> = stream.take(2).try_collect().await.unwrap();
    assert_eq!(first_two.len(), 2);
    server.verify().await;
}

#[tokio::test]
async fn stops_on_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"page": 1})))
        .respond_with(ok(r#"{"total":10,"list":[{"id":1,"amount":1}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"page": 2})))
        .respond_with(ok(r#"{"total":10,"list":[]}"#))
        .expect(1)
        .mount(&server)
        .await;
    // Rows went missing: an empty page after 1 of 10 rows is an error, not a normal end.
    let results: Vec<Result<Row, Error>> =
        paginate::<_, _, Page<Row>>(client_for(&server), &LIST_ITEMS, request(None, 1))
            .collect()
            .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Paging {
                problem: PageError::Incomplete { seen: 1, total: 10 },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "list_items: the listing ended after 1 of 10 rows: rows are missing"
    );
}

#[tokio::test]
async fn lenient_paging_accepts_an_early_end_only_when_the_total_moved() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"page": 1})))
        .respond_with(ok(r#"{"total":10,"list":[{"id":1,"amount":1}]}"#))
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"page": 2})))
        .respond_with(ok(r#"{"total":9,"list":[]}"#))
        .mount(&server)
        .await;
    let lenient = PageOptions::default().lenient_total(true);
    let rows: Vec<Row> = paginate_with::<_, _, Page<Row>>(
        client_for(&server),
        &LIST_ITEMS,
        request(None, 1),
        lenient,
    )
    .try_collect()
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    // Not lenient: the same listing is an error.
    let strict: Result<Vec<Row>, Error> =
        paginate::<_, _, Page<Row>>(client_for(&server), &LIST_ITEMS, request(None, 1))
            .try_collect()
            .await;
    assert!(matches!(
        strict,
        Err(Error::Paging {
            problem: PageError::Incomplete { seen: 1, total: 9 },
            ..
        })
    ));
}

#[tokio::test]
async fn starts_at_the_requested_page_and_stops_at_the_total() {
    // Rows are counted from the first page fetched: starting at page 2 with total 3, page 2
    // brings 1 row (< 3), so page 3 is fetched, comes back empty and ends the stream.
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"page": 2})))
        .respond_with(ok(r#"{"total":3,"list":[{"id":3,"amount":3}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"page": 3})))
        .respond_with(ok(r#"{"total":3,"list":[]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let rows: Vec<Row> =
        paginate::<_, _, Page<Row>>(client_for(&server), &LIST_ITEMS, request(Some(2), 2))
            .try_collect()
            .await
            .unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [3]);

    // A page 0 or below starts at 1; one page holding the whole total ends the stream.
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"page": 1})))
        .respond_with(ok(r#"{"total":1,"list":[{"id":1,"amount":1}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let rows: Vec<Row> =
        paginate::<_, _, Page<Row>>(client_for(&server), &LIST_ITEMS, request(Some(0), 5))
            .try_collect()
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    server.verify().await;
}

#[tokio::test]
async fn yields_an_error_once_then_ends() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400))
        .expect(1)
        .mount(&server)
        .await;
    let mut stream = pin!(paginate::<_, _, Page<Row>>(
        client_for(&server),
        &LIST_ITEMS,
        request(Some(3), 1)
    ));
    assert!(matches!(
        stream.try_next().await,
        Err(Error::Http {
            endpoint: "list_items",
            ..
        })
    ));
    assert!(matches!(stream.try_next().await, Ok(None)));

    // Each page is an ordinary call: a 503 on a safe list is retried.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok(r#"{"total":1,"list":[{"id":9,"amount":9}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let rows: Vec<Row> = paginate::<_, _, Page<Row>>(
        client_with(&server.uri(), |b| b),
        &LIST_ITEMS,
        request(None, 1),
    )
    .try_collect()
    .await
    .unwrap();
    assert_eq!(rows[0].id, 9);
}
