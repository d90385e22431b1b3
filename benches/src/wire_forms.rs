//! Decoding cost of the wire forms of issue #12: a 100-row wallet page with money as JSON
//! strings (`"10000.37"`) and RFC 3339 datetimes (`"2023-10-01T05:35:00+08:00"`) against the
//! same page in today's forms (JSON numbers, `"YYYY-MM-DD HH:MM:SS"`).
//!
//! The baseline is `card-wallet`'s own generated `types::Wallet`. The other side,
//! [`StringWallet`], is that struct with the `#[serde(with = …)]` modules the generator emits
//! under `service.money_wire: string` and `service.datetime_format: rfc3339`
//! (`decimal_string`, `rfc3339`); every other field, and the page and envelope around it, are
//! the same types.

use card_wallet::{enums, types};
use serde::Deserialize;

use crate::client::{Envelope, envelope};

/// `types::Wallet` as the generator emits it for string money and RFC 3339 datetimes.
#[derive(Debug, Deserialize)]
pub struct StringWallet {
    /// As in `types::Wallet`.
    pub wallet_id: i64,
    /// As in `types::Wallet`.
    pub wallet_sn: String,
    /// As in `types::Wallet`.
    pub wallet_name: String,
    /// As in `types::Wallet`.
    pub customer_id: i64,
    /// As in `types::Wallet`.
    pub currency: String,
    /// Money as a JSON string.
    #[serde(with = "::apigen_runtime::serde::decimal_string")]
    pub available_balance: ::rust_decimal::Decimal,
    /// Money as a JSON string.
    #[serde(with = "::apigen_runtime::serde::decimal_string")]
    pub freeze_balance: ::rust_decimal::Decimal,
    /// As in `types::Wallet`.
    pub status: enums::WalletStatus,
    /// RFC 3339 with an offset.
    #[serde(with = "::apigen_runtime::serde::rfc3339")]
    pub create_at: ::time::OffsetDateTime,
}

/// One wallet row in the string-money, RFC 3339 forms: the same values as
/// [`crate::client::wallet_row`].
pub fn string_wallet_row(i: usize) -> String {
    format!(
        r#"{{"wallet_id":{id},"wallet_sn":"{sn:032x}","wallet_name":"card wallet {i}","customer_id":10001001,"currency":"USD","available_balance":"{a}.{c:02}","freeze_balance":"{f}.{d:02}","status":{s},"create_at":"2023-10-{day:02}T05:35:{sec:02}+08:00"}}"#,
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

/// An envelope around one page of `rows` string-form wallet rows.
pub fn string_wallet_page_body(rows: usize) -> String {
    let list: Vec<String> = (0..rows).map(string_wallet_row).collect();
    envelope(&format!(
        r#"{{"total":{},"page":1,"page_size":{rows},"list":[{}]}}"#,
        rows * 3,
        list.join(",")
    ))
}

/// The string-money, RFC 3339 page decoded into [`StringWallet`] rows.
pub fn decode_string_wallet_page(body: &str) -> Envelope<types::Page<StringWallet>> {
    serde_json::from_str(body).expect("decodes into the string-form types")
}
