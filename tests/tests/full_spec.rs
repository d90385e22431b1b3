//! The real spec in `spec/` loads, and the facts the client relies on hold: counts, the
//! documented wallet-detail endpoint, the money-moving endpoints, the documented Wallet object,
//! the shared InOutType enum, pagination and the redaction of card numbers.

use std::path::Path;
use std::sync::OnceLock;

use apigen::model::{Api, DateTimeFormat, MoneyWire, Object, Response, Retry, Source, Type};
use apigen::naming::object_type_name;

fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        apigen::load_api(&dir).unwrap_or_else(|e| panic!("the real spec does not load:\n{e}"))
    })
}

fn object(name: &str) -> &'static Object {
    api()
        .declared_object(name)
        .unwrap_or_else(|| panic!("no object `{name}`"))
}

fn field_type(object_name: &str, field: &str) -> &'static Type {
    let o = object(object_name);
    &o.fields
        .iter()
        .find(|f| f.wire_name == field)
        .unwrap_or_else(|| panic!("no field `{object_name}.{field}`"))
        .ty
}

#[test]
fn counts() {
    let api = api();
    assert_eq!(api.endpoints.len(), 39, "endpoints");
    assert_eq!(api.enums.len(), 18, "enums");
    assert_eq!(
        api.webhooks
            .as_ref()
            .expect("a webhooks section")
            .kinds
            .len(),
        6,
        "webhook kinds"
    );
}

#[test]
fn wallet_detail_is_the_documented_endpoint() {
    let ep = api()
        .endpoint("get_wallet_detail")
        .expect("get_wallet_detail");
    assert_eq!(ep.full_path, "/{version}/openApi/wallet/getWalletDetail");
    assert_eq!(ep.path, "/wallet/getWalletDetail");
    assert_eq!(ep.group_key, "wallet");
    assert_eq!(ep.source, Source::Documented);
    assert_eq!(ep.retry, Retry::Safe);
    assert!(!ep.moves_money);
    assert_eq!(ep.response, Response::Object("Wallet".into()));
    let request = api().request_object(ep).expect("its request struct");
    let names: Vec<&str> = request
        .fields
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect();
    assert_eq!(names, ["wallet_sn"]);
}

/// The loader already rejects a money-moving endpoint that is retried or has no required
/// idempotency field; this checks which endpoints move money, and their key.
#[test]
fn money_moving_endpoints_are_never_retried_and_idempotent() {
    const MONEY_MOVING: [&str; 4] = ["open_card", "recharge_card", "close_card", "create_payment"];
    let mut moving: Vec<&str> = api()
        .endpoints
        .iter()
        .filter(|e| e.moves_money)
        .map(|e| e.spec_name.as_str())
        .collect();
    moving.sort_unstable();
    let mut expected = MONEY_MOVING;
    expected.sort_unstable();
    assert_eq!(moving, expected, "the endpoints marked `moves_money`");
    for name in MONEY_MOVING {
        let ep = api()
            .endpoint(name)
            .unwrap_or_else(|| panic!("no endpoint `{name}`"));
        assert_eq!(ep.retry, Retry::Never, "{name}");
        assert_eq!(
            ep.idempotency_key.as_deref(),
            Some("out_order_id"),
            "{name}"
        );
        let request = api().request_object(ep).unwrap();
        let key = request
            .fields
            .iter()
            .find(|f| f.wire_name == "out_order_id")
            .unwrap();
        assert!(!key.nullable, "{name}: the idempotency key is never null");
        assert_eq!(key.ty, Type::String, "{name}");
    }
}

#[test]
fn wallet_has_the_nine_documented_fields_in_vendor_order() {
    let wallet = object("Wallet");
    assert_eq!(wallet.source, Source::Documented);
    let fields: Vec<(&str, &Type)> = wallet
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), &f.ty))
        .collect();
    let status = Type::Enum("WalletStatus".into());
    assert_eq!(
        fields,
        [
            ("wallet_id", &Type::Long),
            ("wallet_sn", &Type::String),
            ("wallet_name", &Type::String),
            ("customer_id", &Type::Long),
            ("currency", &Type::String),
            ("available_balance", &Type::Money(MoneyWire::Number)),
            ("freeze_balance", &Type::Money(MoneyWire::Number)),
            ("status", &status),
            ("create_at", &Type::DateTime(DateTimeFormat::Vendor)),
        ]
    );
    // "all nine response fields are required"
    assert!(wallet.fields.iter().all(|f| f.required && !f.nullable));
}

#[test]
fn in_out_type_is_one_enum_shared_by_transactions_and_bills() {
    let in_out = Type::Enum("InOutType".into());
    assert_eq!(field_type("WalletTransaction", "in_out_type"), &in_out);
    assert_eq!(field_type("OrderBill", "in_out_type"), &in_out);
}

/// The loader already rejects `pagination: page` on a response that is not a page, and adds the
/// page fields to the request of a paginated endpoint; the converse is not checked there: a page
/// response without `pagination: page` loads, but its call cannot ask for a page.
#[test]
fn page_responses_are_paginated() {
    let pages: Vec<_> = api()
        .endpoints
        .iter()
        .filter(|e| matches!(e.response, Response::Page(_)))
        .collect();
    assert!(!pages.is_empty());
    let unpaginated: Vec<&str> = pages
        .iter()
        .filter(|e| !e.paginated)
        .map(|e| e.spec_name.as_str())
        .collect();
    assert!(
        unpaginated.is_empty(),
        "page responses without `pagination: page`: {unpaginated:?}"
    );
}

#[test]
fn card_numbers_are_sensitive_and_show_only_the_last_four() {
    let card_no: Vec<_> = api()
        .objects
        .iter()
        .flat_map(|o| o.fields.iter().map(move |f| (o, f)))
        .filter(|(_, f)| f.wire_name == "card_no")
        .collect();
    let owners: Vec<String> = card_no
        .iter()
        .map(|(o, _)| object_type_name(&o.name))
        .collect();
    assert!(
        owners.iter().any(|o| o == "Card"),
        "Card has card_no: {owners:?}"
    );
    for ((_, f), o) in card_no.iter().zip(&owners) {
        assert!(f.sensitive, "{}.card_no is sensitive", o);
        assert!(f.redact_last4, "{}.card_no shows its last four only", o);
        assert_eq!(
            f.ty,
            Type::String,
            "{}.card_no is text (21-digit PANs exist)",
            o
        );
    }
}

/// The statement of `statements` whose `about` contains `needle`, and its source.
fn statement_source(statements: &[apigen::model::Statement], needle: &str) -> Source {
    statements
        .iter()
        .find(|s| s.about.contains(needle))
        .unwrap_or_else(|| panic!("no statement about `{needle}`"))
        .source
}

/// Provenance never claims more than the evidence: what the vendor page states is documented,
/// what we reconstructed is modeled, per statement where one item mixes both.
#[test]
fn provenance_never_overstates() {
    let api = api();
    let s = &api.service;
    assert_eq!(s.source, Source::Modeled, "the service title is ours");
    assert_eq!(s.vendor_title.as_deref(), Some("OPEN-API"));
    assert_eq!(statement_source(&s.provenance, "titles"), Source::Modeled);
    assert_eq!(
        statement_source(&s.provenance, "POST for the endpoints of the other groups"),
        Source::Modeled
    );
    assert!(s.auth.iter().all(|f| f.source == Source::Documented));
    let env = &s.envelope;
    assert_eq!(env.source, Source::Modeled, "HTTP 200 on error is modeled");
    assert_eq!(statement_source(&env.provenance, "1005"), Source::Modeled);
    assert_eq!(
        statement_source(&env.provenance, "HTTP 200"),
        Source::Modeled
    );
    let status = api.enum_("WalletStatus").expect("WalletStatus");
    assert_eq!(status.source, Source::Modeled, "its names are ours");
    assert_eq!(
        statement_source(&status.provenance, "codes"),
        Source::Documented
    );
    // Every endpoint title is the vendor's (its navigation), even where the rest is modeled.
    for e in api
        .endpoints
        .iter()
        .filter(|e| e.source != Source::Documented)
    {
        assert_eq!(
            statement_source(&e.provenance, "Chinese title"),
            Source::Documented,
            "{}",
            e.spec_name
        );
    }
    let webhooks = api.webhooks.as_ref().expect("webhooks");
    assert_eq!(webhooks.tag_field_source, Source::Observed);
    let card = webhooks
        .kinds
        .iter()
        .find(|k| k.spec_key == "card")
        .expect("card kind");
    for ex in &card.examples {
        assert_eq!(
            ex.source,
            Source::Modeled,
            "{}: stand-ins and wrapper",
            ex.name
        );
        assert_eq!(
            statement_source(&ex.provenance, "stand-ins"),
            Source::Modeled
        );
    }
}

/// The vendor's own titles are kept verbatim beside ours.
#[test]
fn vendor_titles_are_kept() {
    let api = api();
    let groups: Vec<(&str, Option<&str>)> = api
        .groups
        .iter()
        .map(|g| (g.spec_key.as_str(), g.vendor_title.as_deref()))
        .collect();
    assert!(groups.contains(&("bin", Some("Bin"))));
    assert!(groups.contains(&("pay_method", Some("PayMethod"))));
    assert!(groups.iter().all(|(_, t)| t.is_some()), "{groups:?}");
    assert!(api.enums.iter().all(|e| e.vendor_title.is_some()));
    assert_eq!(
        api.enum_("InOutType")
            .and_then(|e| e.vendor_title.as_deref()),
        Some("In Out Type")
    );
    let kinds: Vec<Option<&str>> = api
        .webhooks
        .iter()
        .flat_map(|w| &w.kinds)
        .map(|k| k.vendor_title.as_deref())
        .collect();
    assert!(kinds.contains(&Some("Card Trade")) && kinds.contains(&Some("Payee Notify")));
}

/// Fields that are always present and `""` until set are nullable, never optional.
#[test]
fn empty_strings_mean_none() {
    for (object_name, field) in [
        ("Card", "holder_id"),
        ("Card", "pin"),
        ("Card", "mark"),
        ("Card", "close_at"),
        ("CardTrade", "settle_at"),
        ("Order", "finish_at"),
        ("WalletTransaction", "finish_at"),
    ] {
        let f = object(object_name)
            .fields
            .iter()
            .find(|f| f.wire_name == field)
            .unwrap_or_else(|| panic!("no field `{object_name}.{field}`"));
        assert!(f.required && f.nullable, "{object_name}.{field}");
    }
}
