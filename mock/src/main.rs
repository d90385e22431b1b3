//! `apigen-mock --spec spec --port 8080`: serves a spec folder as a mock API.

use std::path::PathBuf;
use std::process::ExitCode;

use apigen_mock::{Options, RunConfig};
use clap::{Arg, ArgMatches, Command, value_parser};

fn command() -> Command {
    Command::new("apigen-mock")
        .about("Serves every endpoint of an apigen spec as a validating, stateful mock with fault injection.")
        .arg(Arg::new("spec").long("spec").default_value("spec").value_parser(value_parser!(PathBuf)).help("Spec folder"))
        .arg(Arg::new("host").long("host").default_value("127.0.0.1").help("Address to listen on"))
        .arg(Arg::new("port").long("port").default_value("8080").value_parser(value_parser!(u16)).help("Port (0: any free port)"))
        .arg(Arg::new("seed").long("seed").value_parser(value_parser!(u64)).help("Seed of synthesized data and fault draws [default: the config's, else 0]"))
        .arg(Arg::new("config").long("config").value_parser(value_parser!(PathBuf)).help("YAML run config: seed, fault rules, webhooks"))
        .arg(Arg::new("credentials").long("credentials").help("Exact auth values required, e.g. customer_id=10001001,app_id=100001,key=..."))
        .arg(Arg::new("version").long("version-segment").help("What {version} in paths must be [default: the spec's]"))
        .arg(Arg::new("ledger-capacity").long("ledger-capacity").value_parser(value_parser!(usize)).help("Idempotency keys kept before the oldest is forgotten [default: 100000]"))
        .arg(Arg::new("list-rows").long("list-rows").value_parser(value_parser!(usize)).help("Synthesized rows a paged list adds to the records [default: 5]"))
        .arg(Arg::new("webhook-url").long("webhook-url").help("Where webhook events are POSTed"))
        .arg(Arg::new("webhook-secret").long("webhook-secret").help("Sign events with HMAC-SHA256 in x-signature"))
}

/// The options from the command line and the config file (flags win).
fn options(args: &ArgMatches, api: &apigen::model::Api) -> Result<Options, String> {
    let config = match args.get_one::<PathBuf>("config") {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            RunConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => RunConfig::default(),
    };
    let mut options = Options {
        seed: args
            .get_one::<u64>("seed")
            .copied()
            .or(config.seed)
            .unwrap_or(0),
        version: args.get_one::<String>("version").cloned(),
        faults: config.faults,
        webhooks: config.webhooks.unwrap_or_default(),
        ..Options::default()
    };
    if let Some(text) = args.get_one::<String>("credentials") {
        options.credentials = Some(apigen_mock::parse_credentials(api, text)?);
    }
    if let Some(capacity) = args.get_one::<usize>("ledger-capacity") {
        options.ledger_capacity = *capacity;
    }
    if let Some(rows) = args.get_one::<usize>("list-rows") {
        options.list_rows = *rows;
    }
    if let Some(url) = args.get_one::<String>("webhook-url") {
        options.webhooks.url = Some(url.clone());
    }
    if let Some(secret) = args.get_one::<String>("webhook-secret") {
        options.webhooks.secret = Some(secret.clone());
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = command().get_matches();
    let spec = args
        .get_one::<PathBuf>("spec")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("spec"));
    let api = match apigen::load_api(&spec) {
        Ok(api) => api,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let options = match options(&args, &api) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let host = args
        .get_one::<String>("host")
        .map_or("127.0.0.1", String::as_str);
    let port = args.get_one::<u16>("port").copied().unwrap_or(8080);
    let listener = match tokio::net::TcpListener::bind((host, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {host}:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        eprintln!(
            "apigen-mock: {} ({} endpoints) on http://{addr}",
            api.service.title_en,
            api.endpoints.len()
        );
    }
    tokio::select! {
        result = apigen_mock::serve(listener, api, options) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
