//! Benchmarks are not tests: nothing here measures or asserts on time. Each function the
//! benches time runs once on tiny input, so the benches cannot rot unnoticed.

use apigen_benches::{client, generation, incremental, plot, wire_forms};

#[test]
fn generation_functions_run() {
    let files = generation::spec_files();
    let api = generation::ours_load(files.clone());
    assert_eq!(generation::endpoint_count(&api), 39);
    let (n_files, bytes, _) = generation::output_size(&generation::ours_emit(&api));
    assert!(n_files > 0 && bytes > 0);
    assert!(!generation::ours_generate(files).files.is_empty());

    let json = generation::openapi_json();
    let spec = generation::progenitor_parse(&json);
    assert!(generation::progenitor_emit(&spec).contains("get_wallet_detail"));
    assert!(!generation::progenitor_tokens(&spec).is_empty());
}

#[test]
fn both_generators_take_the_same_synthetic_api() {
    let (files, json) = generation::side_by_side_input(2);
    assert_eq!(
        generation::endpoint_count(&generation::ours_load(files)),
        78
    );
    // Progenitor generates the second copy's operations from our export.
    assert!(generation::progenitor_generate(&json).contains("get_wallet_detail_1"));
}

#[test]
fn synthetic_specs_scale_the_endpoint_count() {
    let api = generation::ours_load(generation::synthetic_spec(2));
    assert_eq!(generation::endpoint_count(&api), 78);
    assert!(!generation::ours_emit(&api).files.is_empty());
}

#[test]
fn incremental_generation_functions_run() {
    let ws = incremental::Workspace::new("smoke", 1);
    assert_eq!(ws.load(), 39);
    assert!(ws.spec().is_dir());
    let checked = ws.check();
    assert!(checked.api.is_none() && checked.report.changed.is_empty());
    ws.edit();
    let edited = ws.regenerate();
    assert!(!edited.rendered.is_empty() && !edited.report.changed.is_empty());
    ws.clear();
    assert!(ws.full().rendered.len() > edited.rendered.len());
}

#[test]
fn page_decoding_runs() {
    let wallets = client::page_body(3, client::wallet_row);
    let ours = client::decode_wallet_page_ours(&wallets).data.unwrap();
    let naive = client::decode_wallet_page_naive(&wallets).data.unwrap();
    assert_eq!(ours.list.len(), 3);
    assert_eq!(naive.list.len(), 3);
    assert_eq!(ours.list[2].available_balance.to_string(), "10074.02");
    assert_eq!(naive.list[2].wallet_sn, ours.list[2].wallet_sn);

    let cards = client::page_body(3, client::card_row);
    assert_eq!(
        client::decode_card_page_ours(&cards)
            .data
            .unwrap()
            .list
            .len(),
        3
    );
    assert_eq!(
        client::decode_card_page_naive(&cards)
            .data
            .unwrap()
            .list
            .len(),
        3
    );
}

/// The probe bench measures what it says: pages as the spec says raise no flag, a drifting
/// one does, and the probe decodes what the plain decode does.
#[test]
fn probed_decoding_flags_only_drift() {
    let wallets = client::page_body(3, client::wallet_row);
    let (probed, suspect) = client::decode_wallet_page_probed(&wallets);
    assert!(!suspect);
    let plain = client::decode_wallet_page_ours(&wallets).data.unwrap();
    assert_eq!(probed.data.unwrap().list, plain.list);
    let cards = client::page_body(3, client::card_row);
    assert!(!client::decode_card_page_probed(&cards).1);
    let drifting = client::page_body(3, client::drifting_wallet_row);
    assert!(client::decode_wallet_page_probed(&drifting).1);
}

#[test]
fn loopback_calls_run() {
    let rt = client::client_runtime();
    let server = client::Server::start(&rt, &client::wallet_detail_body());
    let ours = client::ours_client(&server.base_url);
    let raw = client::http_client();
    rt.block_on(async {
        // Twice each: the second call reuses the kept-alive connection.
        for _ in 0..2 {
            let a = client::ours_wallet_detail(&ours).await;
            let b = client::raw_wallet_detail_naive(&raw, &server.base_url).await;
            let c = client::raw_wallet_detail_typed(&raw, &server.base_url).await;
            assert_eq!(a.wallet_sn, b.wallet_sn);
            assert_eq!(a, c);
        }
    });

    let server = client::Server::start(&rt, &client::page_body(2, client::wallet_row));
    let ours = client::ours_client(&server.base_url);
    rt.block_on(async {
        assert_eq!(client::ours_list_wallets(&ours).await.list.len(), 2);
        assert_eq!(
            client::raw_list_wallets_naive(&raw, &server.base_url)
                .await
                .list
                .len(),
            2
        );
        assert_eq!(
            client::raw_list_wallets_typed(&raw, &server.base_url)
                .await
                .list
                .len(),
            2
        );
    });
}

#[test]
fn the_scaling_chart_draws_every_series_and_is_deterministic() {
    let series = || {
        vec![
            plot::Series {
                name: "ours".into(),
                colour: "#1f77b4",
                points: vec![(39.0, 1.2), (390.0, 1.1), (3900.0, 1.15)],
            },
            plot::Series {
                name: "progenitor <0.15>".into(),
                colour: "#ff7f0e",
                points: vec![(39.0, 1.4), (390.0, 1.3), (3900.0, 1.5)],
            },
        ]
    };
    let svg = plot::line_chart(
        "time per endpoint",
        "endpoints",
        "ms per endpoint",
        &series(),
    );
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<polyline").count(), 2);
    assert_eq!(svg.matches("<circle").count(), 6);
    assert!(svg.contains(">3900</text>"));
    assert!(svg.contains("progenitor &lt;0.15&gt;"));
    assert_eq!(
        svg,
        plot::line_chart(
            "time per endpoint",
            "endpoints",
            "ms per endpoint",
            &series()
        )
    );
}

#[test]
fn wire_form_pages_hold_the_same_values() {
    let today = client::decode_wallet_page_ours(&client::page_body(3, client::wallet_row))
        .data
        .unwrap();
    let strings = wire_forms::decode_string_wallet_page(&wire_forms::string_wallet_page_body(3))
        .data
        .unwrap();
    for (a, b) in today.list.iter().zip(&strings.list) {
        assert_eq!(a.available_balance, b.available_balance);
        assert_eq!(a.freeze_balance.to_string(), b.freeze_balance.to_string());
        let local = time::PrimitiveDateTime::new(b.create_at.date(), b.create_at.time());
        assert_eq!(a.create_at, local);
        assert_eq!(b.create_at.offset().whole_hours(), 8);
    }
}

#[test]
fn drift_clients_run_and_the_drifting_page_drifts() {
    use card_wallet::runtime::drift::DriftKind;

    let rt = client::client_runtime();
    let server = client::Server::start(&rt, &client::page_body(2, client::drifting_wallet_row));
    let off = client::ours_client_with(&server.base_url, |b| b.drift_detection(false));
    let sampled = client::ours_client_with(&server.base_url, |b| b);
    rt.block_on(async {
        assert_eq!(client::ours_list_wallets(&off).await.list.len(), 2);
        assert_eq!(client::ours_list_wallets(&sampled).await.list.len(), 2);
    });
    assert_eq!(off.runtime().drift().snapshot(), []);
    let kinds: Vec<(String, DriftKind)> = sampled
        .runtime()
        .drift()
        .snapshot()
        .into_iter()
        .map(|c| (c.path, c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("data.list[].nickname".to_owned(), DriftKind::UnknownField),
            ("data.list[].status".to_owned(), DriftKind::UnknownEnumCode),
        ]
    );
}
