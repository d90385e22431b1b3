use card_wallet::runtime::{Empty, Operation, RetryClass};
use card_wallet::{Client, Credentials, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};
const OP: Operation = Operation {
    name: "wallet.getWalletDetail",
    path: "/{version}/openApi/wallet/getWalletDetail",
    retry: RetryClass::Safe,
};
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct W {
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    a: rust_decimal::Decimal,
    m: std::collections::HashMap<String, i64>,
    #[serde(with = "card_wallet::runtime::serde::datetime")]
    t: time::PrimitiveDateTime,
}
#[tokio::test]
async fn print() {
    for body in [
        r#"{"code":0,"message":"success","data":{"a":1e400,"m":{},"t":"2023-10-30 05:35:14"}}"#,
        r#"{"code":0,"message":"success","data":{"a":1,"m":{"4111111111111111":"x"},"t":"2023-10-30 05:35:14"}}"#,
        r#"{"code":0,"message":"success","data":{"a":1,"m":{},"t":"2023-10-30 25:35:14"}}"#,
        r#"{"code":0,"message":"success","data":{"a":1,"m":{},"t":5}}"#,
        r#"{"code":0,"message":"success","data":"4111111111111111"}"#,
        r#"{"code":0,"message":"success","data":{"a":1,"m":{}"#,
        r#"{"code":"abc","message":"success"}"#,
        r#"{"message":"success"}"#,
        r#"[1,2]"#,
        r#"{"code":1005,"message":"slow down"}"#,
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let c = Client::builder(server.uri())
            .credentials(Credentials::new(1, 2, "k"))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        let e = c.execute::<_, W>(&OP, &Empty).await.unwrap_err();
        println!("{e}\n   {e:?}");
    }
    let c = Client::builder("http://127.0.0.1:1")
        .credentials(Credentials::new(1, 2, "k"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.execute::<_, W>(&OP, &Empty).await.unwrap_err();
    println!(
        "{e}\n   {e:?}\n   source: {}",
        std::error::Error::source(&e).unwrap()
    );
    let e = c.execute::<_, W>(&OP, &[1, 2]).await.unwrap_err();
    println!("{e}\n   {e:?}");
    println!("{c:?}");
}
