//! Fetches one wallet (钱包详情 — `wallet/getWalletDetail`) and prints it.
//!
//! Run it with the settings in the environment:
//!
//! ```sh
//! CARD_WALLET_BASE_URL=https://api.example.com \
//! CARD_WALLET_CUSTOMER_ID=10001001 \
//! CARD_WALLET_APP_ID=100001 \
//! CARD_WALLET_KEY=ae9ae3f5ad284ef4836de18aa3d41c47 \
//! CARD_WALLET_WALLET_SN=037c90d5c0204d6c87bf21d569209b3a \
//! cargo run -p client-examples --bin wallet_detail
//! ```
//!
//! `CARD_WALLET_VERSION` optionally overrides the `/{version}/openApi` path segment (default
//! `v1`). The key is never printed. Exits with status 1 on an API or transport error and 2 when
//! the settings are missing or invalid.

use std::process::ExitCode;
use std::time::Duration;

use card_wallet::requests::GetWalletDetailRequest;
use card_wallet::{Client, Credentials, Error, ErrorCode};

const REQUIRED: [&str; 5] = [
    "CARD_WALLET_BASE_URL",
    "CARD_WALLET_CUSTOMER_ID",
    "CARD_WALLET_APP_ID",
    "CARD_WALLET_KEY",
    "CARD_WALLET_WALLET_SN",
];

/// The settings read from the environment.
struct Settings {
    base_url: String,
    customer_id: i64,
    app_id: i64,
    key: String,
    wallet_sn: String,
    version: Option<String>,
}

/// Reads the settings; the error lists every missing or invalid variable.
fn settings() -> Result<Settings, String> {
    let values: Vec<Option<String>> = REQUIRED
        .iter()
        .map(|name| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        })
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .zip(&values)
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing environment variable(s): {}\n\
             set all of {} (and optionally CARD_WALLET_VERSION); see the top of \
             examples/wallet_detail.rs",
            missing.join(", "),
            REQUIRED.join(", ")
        ));
    }
    let mut values = values.into_iter().flatten();
    let mut next = || values.next().unwrap_or_default();
    let (base_url, customer_id, app_id, key, wallet_sn) = (next(), next(), next(), next(), next());
    let number = |name: &str, value: &str| {
        value
            .parse::<i64>()
            .map_err(|_| format!("{name} must be an integer (got {value:?})"))
    };
    Ok(Settings {
        customer_id: number("CARD_WALLET_CUSTOMER_ID", &customer_id)?,
        app_id: number("CARD_WALLET_APP_ID", &app_id)?,
        base_url,
        key,
        wallet_sn,
        version: std::env::var("CARD_WALLET_VERSION")
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty()),
    })
}

/// A hint on what to do about `error`, if there is an obvious one.
fn hint(error: &Error) -> Option<&'static str> {
    match error {
        Error::Api { code, .. } => match code {
            ErrorCode::AuthFailed => {
                Some("check CARD_WALLET_CUSTOMER_ID, CARD_WALLET_APP_ID and CARD_WALLET_KEY")
            }
            ErrorCode::IpNotAllowed => Some("ask the vendor to allow-list this machine's IP"),
            ErrorCode::WalletNotFound => Some("check CARD_WALLET_WALLET_SN"),
            _ => None,
        },
        Error::Connect { .. } => Some("check CARD_WALLET_BASE_URL and the network"),
        Error::Http { status, .. } if status.as_u16() == 404 => {
            Some("check CARD_WALLET_BASE_URL and CARD_WALLET_VERSION")
        }
        Error::Config(_) => Some("check CARD_WALLET_BASE_URL and CARD_WALLET_VERSION"),
        Error::Timeout { .. } => Some("the server did not answer in time; try again later"),
        _ => None,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };

    let mut builder = Client::builder(&settings.base_url)
        .credentials(Credentials::new(
            settings.customer_id,
            settings.app_id,
            settings.key,
        ))
        .timeout(Duration::from_secs(20));
    if let Some(version) = settings.version {
        builder = builder.version(version);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(hint) = hint(&error) {
                eprintln!("hint: {hint}");
            }
            return ExitCode::from(2);
        }
    };

    let request = GetWalletDetailRequest::new(settings.wallet_sn);
    match client.wallet().get_wallet_detail(&request).await {
        Ok(wallet) => {
            println!("{wallet:#?}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            if let Error::Http { body_excerpt, .. } = &error
                && !body_excerpt.is_empty()
            {
                eprintln!("  response body (start): {body_excerpt}");
            }
            if let Some(hint) = hint(&error) {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}
