//! Client overhead: `card-wallet` vs raw `reqwest` + `serde_json`, and page decoding.
//!
//! The loopback server ([`Server`]) answers every request on a connection with the same
//! pre-rendered HTTP/1.1 response (keep-alive, `content-length`), so its cost is identical for
//! both sides. It runs as a task on the clients' single-threaded runtime ([`client_runtime`]).
//!
//! Both sides use a `reqwest::Client` built by [`http_client`], with the settings `card-wallet`
//! uses by default (connect timeout 10 s, timeout 30 s, no redirects, same user agent); ours gets
//! it through `ClientBuilder::http_client`. The raw side sends the same JSON body and reads the
//! same envelope, as a user without a generated client would write it.

use std::sync::Arc;
use std::time::Duration;

use card_wallet::{Client, Credentials, requests, types};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Credentials sent by both sides.
pub const CUSTOMER_ID: i64 = 10001001;
/// Credentials sent by both sides.
pub const APP_ID: i64 = 100001;
/// Credentials sent by both sides.
pub const KEY: &str = "0123456789abcdef0123456789abcdef";
/// The wallet asked for.
pub const WALLET_SN: &str = "037c90d5c0204d6c87bf21d569209b3a";
/// Path of `get_wallet_detail` with the default version.
pub const WALLET_DETAIL_PATH: &str = "/v1/openApi/wallet/getWalletDetail";
/// Path of `list_wallets` with the default version.
pub const LIST_WALLETS_PATH: &str = "/v1/openApi/wallet/getWalletList";

// ---------------------------------------------------------------------------------------------
// Loopback server

/// A fixed-response HTTP/1.1 server on `127.0.0.1`, alive as long as its runtime.
#[derive(Debug, Clone)]
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
}

impl Server {
    /// Starts a server that answers every request with `200 OK` and `body` as JSON, as a task
    /// on `rt`: the same single-threaded runtime the clients run on, so that a round trip
    /// involves no thread wake-ups (on this VM they cost more than the client itself and vary
    /// threefold with background load).
    pub fn start(rt: &tokio::runtime::Runtime, body: &str) -> Server {
        let response: Arc<[u8]> = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
        .into();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let _guard = rt.enter();
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve_connection(stream, response.clone()));
            }
        });
        Server { base_url }
    }
}

/// Reads requests (headers + `content-length` body) and answers each with `response`.
async fn serve_connection(mut stream: tokio::net::TcpStream, response: Arc<[u8]>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    loop {
        let header_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let content_length = content_length(&buf[..header_end]);
        while buf.len() < header_end + content_length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..header_end + content_length);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn content_length(headers: &[u8]) -> usize {
    String::from_utf8_lossy(headers)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Response bodies

/// The envelope around `data` as a user would declare it (also used to decode into our types).
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    /// `0` on success.
    pub code: i64,
    /// Human-readable status.
    pub message: String,
    /// The payload.
    pub data: Option<T>,
}

/// A page, naive.
#[derive(Debug, Deserialize)]
pub struct NaivePage<T> {
    /// Total rows.
    pub total: i64,
    /// Page number.
    pub page: i64,
    /// Page size.
    pub page_size: i64,
    /// Rows.
    #[serde(default = "Vec::new")]
    pub list: Vec<T>,
}

/// A wallet as a naive hand-written client would declare it: `f64` money, `i64` status,
/// `String` datetime.
// The fields mirror the wire JSON of `Wallet` one for one; their docs are the card client's.
#[allow(missing_docs)]
#[derive(Debug, Deserialize)]
pub struct NaiveWallet {
    pub wallet_id: i64,
    pub wallet_sn: String,
    pub wallet_name: String,
    pub customer_id: i64,
    pub currency: String,
    pub available_balance: f64,
    pub freeze_balance: f64,
    pub status: i64,
    pub create_at: String,
}

/// A card, naive (same conventions as [`NaiveWallet`]).
// The fields mirror the wire JSON of `Card` one for one; their docs are the card client's.
#[allow(missing_docs)]
#[derive(Debug, Deserialize)]
pub struct NaiveCard {
    pub card_id: String,
    pub order_id: String,
    pub out_order_id: String,
    pub app_id: i64,
    pub bin_id: String,
    pub holder_id: String,
    pub card_no: String,
    pub balance: f64,
    pub limit: f64,
    pub expiry: String,
    pub cvv: String,
    pub pin: String,
    pub status: i64,
    pub use_at: String,
    pub close_at: String,
    pub end_at: String,
    pub mark: String,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub card_type: Option<i64>,
    #[serde(default)]
    pub bin: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub create_at: Option<String>,
}

/// One wallet row (row `i` varies ids, amounts and dates).
pub fn wallet_row(i: usize) -> String {
    format!(
        r#"{{"wallet_id":{id},"wallet_sn":"{sn:032x}","wallet_name":"card wallet {i}","customer_id":10001001,"currency":"USD","available_balance":{a}.{c:02},"freeze_balance":{f}.{d:02},"status":{s},"create_at":"2023-10-{day:02} 05:35:{sec:02}"}}"#,
        id = 100_000 + i,
        sn = 0x037c_90d5_c020_4d6c_87bf_21d5_6920_9b3a_u128 + i as u128,
        a = 10_000 + i * 37,
        c = i % 100,
        f = 1_000 + i * 3,
        d = (i * 7) % 100,
        s = 1 + i % 2,
        day = 1 + i % 28,
        sec = i % 60,
    )
}

/// One card row; `use_at`/`close_at`/`end_at` alternate between a datetime and `""`.
pub fn card_row(i: usize) -> String {
    let dt = |on: bool| {
        if on {
            format!("2024-01-{:02} 10:20:{:02}", 1 + i % 28, i % 60)
        } else {
            String::new()
        }
    };
    format!(
        r#"{{"card_id":"c{i:08}","order_id":"o{i:08}","out_order_id":"out-{i:08}","app_id":100001,"bin_id":"b{b:04}","holder_id":"h{i:06}","card_no":"4111111111{n:06}","balance":{a}.{c:02},"limit":5000.00,"expiry":"12/29","cvv":"123","pin":"0000","status":{s},"use_at":"{u}","close_at":"{cl}","end_at":"{e}","mark":"card {i}","currency":"USD","card_type":1,"bin":"411111","organization":"VISA","create_at":"2023-11-{day:02} 08:00:00"}}"#,
        b = i % 7,
        n = i,
        a = 100 + i * 13,
        c = i % 100,
        s = 1 + i % 7,
        u = dt(i.is_multiple_of(2)),
        cl = dt(i.is_multiple_of(5)),
        e = dt(i.is_multiple_of(3)),
        day = 1 + i % 28,
    )
}

/// `{"code":0,"message":"success","data":<data>}`
pub fn envelope(data: &str) -> String {
    format!(r#"{{"code":0,"message":"success","data":{data}}}"#)
}

/// An envelope around one page of `rows` rows made by `row`.
pub fn page_body(rows: usize, row: fn(usize) -> String) -> String {
    let list: Vec<String> = (0..rows).map(row).collect();
    envelope(&format!(
        r#"{{"total":{},"page":1,"page_size":{rows},"list":[{}]}}"#,
        rows * 3,
        list.join(",")
    ))
}

/// A wallet row that drifts from the spec: an undeclared field and an unknown status code.
pub fn drifting_wallet_row(i: usize) -> String {
    let row = wallet_row(i);
    let status = format!(r#""status":{}"#, 1 + i % 2);
    row.replace(&status, r#""status":9,"nickname":"travel""#)
}

/// The `get_wallet_detail` response.
pub fn wallet_detail_body() -> String {
    envelope(&wallet_row(0))
}

// ---------------------------------------------------------------------------------------------
// Page decoding (no I/O)

/// Ours: the envelope with `data` decoded into `types::Page<types::Wallet>` (exact `Decimal`
/// money, `PrimitiveDateTime`, typed enums).
pub fn decode_wallet_page_ours(body: &str) -> Envelope<types::Page<types::Wallet>> {
    serde_json::from_str(body).expect("decodes into our types")
}

/// Ours through the drift probe the client decodes with: also says whether the page may
/// have drift (`false` for a page as the spec says).
pub fn decode_wallet_page_probed(body: &str) -> (Envelope<types::Page<types::Wallet>>, bool) {
    card_wallet::runtime::drift::decode_probed(body).expect("decodes into our types")
}

/// Ours through the drift probe, cards.
pub fn decode_card_page_probed(body: &str) -> (Envelope<types::Page<types::Card>>, bool) {
    card_wallet::runtime::drift::decode_probed(body).expect("decodes into our types")
}

/// Naive: the same text into `f64`/`String`/`i64` fields.
pub fn decode_wallet_page_naive(body: &str) -> Envelope<NaivePage<NaiveWallet>> {
    serde_json::from_str(body).expect("decodes into naive types")
}

/// Ours, cards.
pub fn decode_card_page_ours(body: &str) -> Envelope<types::Page<types::Card>> {
    serde_json::from_str(body).expect("decodes into our types")
}

/// Naive, cards.
pub fn decode_card_page_naive(body: &str) -> Envelope<NaivePage<NaiveCard>> {
    serde_json::from_str(body).expect("decodes into naive types")
}

// ---------------------------------------------------------------------------------------------
// Calls over loopback

/// The `reqwest::Client` both sides use: `card-wallet`'s default settings.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("card-wallet/", "0.2.0"))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// Our client for `base_url`, on an [`http_client`].
pub fn ours_client(base_url: &str) -> Client {
    Client::builder(base_url)
        .credentials(Credentials::new(CUSTOMER_ID, APP_ID, KEY))
        .http_client(http_client())
        .build()
        .expect("client builds")
}

/// Ours, with the builder adjusted by `configure` (drift settings).
pub fn ours_client_with(
    base_url: &str,
    configure: impl FnOnce(card_wallet::ClientBuilder) -> card_wallet::ClientBuilder,
) -> Client {
    configure(
        Client::builder(base_url)
            .credentials(Credentials::new(CUSTOMER_ID, APP_ID, KEY))
            .http_client(http_client()),
    )
    .build()
    .expect("client builds")
}

/// Ours: `client.wallet().get_wallet_detail(..)`.
pub async fn ours_wallet_detail(client: &Client) -> types::Wallet {
    client
        .wallet()
        .get_wallet_detail(&requests::GetWalletDetailRequest::new(WALLET_SN))
        .await
        .expect("ours: get_wallet_detail")
}

/// Ours: `client.wallet().list_wallets(..)` for a 100-row page.
pub async fn ours_list_wallets(client: &Client) -> types::Page<types::Wallet> {
    let request = requests::ListWalletsRequest {
        page: Some(1),
        page_size: Some(100),
        ..Default::default()
    };
    client
        .wallet()
        .list_wallets(&request)
        .await
        .expect("ours: list_wallets")
}

#[derive(Serialize)]
struct RawWalletDetail<'a> {
    customer_id: i64,
    app_id: i64,
    key: &'a str,
    wallet_sn: &'a str,
}

#[derive(Serialize)]
struct RawListWallets<'a> {
    customer_id: i64,
    app_id: i64,
    key: &'a str,
    page: i64,
    page_size: i64,
}

/// POST `body` as JSON, read the whole response, decode the envelope, check `code == 0`.
async fn raw_call<B: Serialize, T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    body: &B,
) -> T {
    let bytes = http
        .post(url)
        .json(body)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("raw: send")
        .bytes()
        .await
        .expect("raw: read");
    let envelope: Envelope<T> = serde_json::from_slice(&bytes).expect("raw: decode");
    assert_eq!(envelope.code, 0, "raw: api error {}", envelope.message);
    envelope.data.expect("raw: data")
}

/// Raw reqwest + serde_json into naive types: what a user without a generated client writes.
pub async fn raw_wallet_detail_naive(http: &reqwest::Client, base_url: &str) -> NaiveWallet {
    let body = RawWalletDetail {
        customer_id: CUSTOMER_ID,
        app_id: APP_ID,
        key: KEY,
        wallet_sn: WALLET_SN,
    };
    raw_call(http, &format!("{base_url}{WALLET_DETAIL_PATH}"), &body).await
}

/// Raw reqwest + serde_json into *our* `types::Wallet`: isolates the client machinery (retry
/// wrapper, spans, bounded read, envelope via `RawValue`, error paths) from the types.
pub async fn raw_wallet_detail_typed(http: &reqwest::Client, base_url: &str) -> types::Wallet {
    let body = RawWalletDetail {
        customer_id: CUSTOMER_ID,
        app_id: APP_ID,
        key: KEY,
        wallet_sn: WALLET_SN,
    };
    raw_call(http, &format!("{base_url}{WALLET_DETAIL_PATH}"), &body).await
}

/// Raw, the 100-row page into naive types.
pub async fn raw_list_wallets_naive(
    http: &reqwest::Client,
    base_url: &str,
) -> NaivePage<NaiveWallet> {
    let body = RawListWallets {
        customer_id: CUSTOMER_ID,
        app_id: APP_ID,
        key: KEY,
        page: 1,
        page_size: 100,
    };
    raw_call(http, &format!("{base_url}{LIST_WALLETS_PATH}"), &body).await
}

/// Raw, the 100-row page into our `types::Page<types::Wallet>`.
pub async fn raw_list_wallets_typed(
    http: &reqwest::Client,
    base_url: &str,
) -> types::Page<types::Wallet> {
    let body = RawListWallets {
        customer_id: CUSTOMER_ID,
        app_id: APP_ID,
        key: KEY,
        page: 1,
        page_size: 100,
    };
    raw_call(http, &format!("{base_url}{LIST_WALLETS_PATH}"), &body).await
}

/// The single-threaded runtime the clients and the loopback server run on.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}
