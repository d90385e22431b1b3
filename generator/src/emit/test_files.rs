//! Emits `tests/endpoints.rs` (and `tests/endpoints/<group>.rs`) for the client crate: every endpoint that has a
//! complete example in the spec is called once against a loopback server.
//! The request is built in Rust from the example, as a user would write it
//! ([`super::test_values`]; requests do not implement `Deserialize`), the body
//! the server receives must equal the example's (auth fields included), and the
//! decoded response, serialized again, must equal the example's `data` — so
//! money, datetimes and enum codes survive exactly.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::prose::zh_en;
use crate::emit::rust::{module_doc, response_adapter};
use crate::emit::test_values::{Values, compact_time_macros};
use crate::model::{Api, Code, Endpoint, Type};
use crate::naming::{
    group_accessor, group_module, ident, method_ident, method_in, method_name, object_ident,
    reserved, type_ident, unraw, webhook_test_fn,
};

/// A raw string literal token (`r##"..."##`), so JSON reads as JSON.
fn raw_str(s: &str) -> Result<TokenStream, String> {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
        .parse()
        .map_err(|e| format!("cannot quote example as a raw string: {e}"))
}

/// Test value of the i-th auth field, as (Rust expression, JSON value).
fn auth_value(i: usize, ty: &Type, name: &str) -> (TokenStream, serde_json::Value) {
    match ty {
        Type::Long | Type::Int => {
            let n = 100_001 + i as i64;
            let lit = proc_macro2::Literal::i64_unsuffixed(n);
            (quote!(#lit), serde_json::Value::from(n))
        }
        _ => {
            let v = format!("test-{name}-0123456789abcdef");
            (quote!(#v), serde_json::Value::from(v))
        }
    }
}

/// `assert_round_trip`, shared by the generated test files: exact comparison through
/// `apigen_runtime::testing` (numbers by their decimal text, never `f64`).
fn round_trip_helpers() -> TokenStream {
    quote! {
        /// `decoded`, serialized again, equals the `expected` JSON: numbers by their decimal
        /// text, `null` and `""` members dropped (the client reads `""` datetimes as absent
        /// and skips absent optional fields).
        fn assert_round_trip<T: ::serde::Serialize>(decoded: &T, expected: &str) {
            ::apigen_runtime::testing::assert_json_matches(decoded, expected);
        }
    }
}

/// Test values of the auth fields: the arguments of `Credentials::new` (credentials get test
/// values) and the JSON value of every auth field (computed ones what `FixedSigner` gives,
/// `test-{name}`).
fn auth_values(api: &Api) -> (Vec<TokenStream>, Vec<serde_json::Value>) {
    let mut args = Vec::new();
    let values = (api.service.auth.iter().enumerate())
        .map(|(i, f)| {
            if f.computed {
                serde_json::Value::from(format!("test-{}", f.wire_name))
            } else {
                let (arg, value) = auth_value(i, &f.ty, &f.wire_name);
                args.push(arg);
                value
            }
        })
        .collect();
    (args, values)
}

/// The tests of group `group_key`'s endpoints with a complete example.
fn group_tests(
    api: &Api,
    values: &[serde_json::Value],
    group_key: &str,
) -> Result<Vec<TokenStream>, String> {
    let mut tests = Vec::new();
    for e in api.group_endpoints(group_key) {
        if let Some((name, literals, error_code)) = example_literals(api, e, values)? {
            tests.push(endpoint_test(api, e, name, literals, error_code.as_ref()));
        }
    }
    Ok(tests)
}

/// The example [`example_literals`] makes a test of: the first with both a request and a
/// response.
fn complete_example(e: &Endpoint) -> Option<(&str, &str, &str)> {
    e.examples.iter().find_map(|x| {
        Some((
            x.name.as_str(),
            x.request.as_deref()?,
            x.response.as_deref()?,
        ))
    })
}

/// Whether the test of `e`'s example response `response` compares the decoded response with
/// the example's data: not for a business error (a response whose code is not the success
/// code) nor for an empty response. A response that is not JSON compares nothing here; the
/// group's own test file refuses it.
fn compares_data(api: &Api, e: &Endpoint, response: &str) -> bool {
    if e.response == crate::model::Response::Empty {
        return false;
    }
    serde_json::from_str::<serde_json::Value>(response).is_ok_and(|v| error_code(api, &v).is_none())
}

/// The code of an example response when it is not the success code (a business error).
fn error_code(api: &Api, response: &serde_json::Value) -> Option<Code> {
    let env = &api.service.envelope;
    response
        .get(&env.code)
        .and_then(|c| env.read_code(c))
        .filter(|c| *c != env.success)
}

/// What `tests/endpoints.rs` needs of the groups' tests without building them: the groups
/// with a test (an endpoint with a complete example, as [`group_tests`] finds them), and
/// whether a test compares decoded data. Each response is read only until one test is found
/// that compares, so a one-line edit in a large spec does not parse every example again.
fn test_summary(api: &Api) -> (Vec<&str>, bool) {
    let mut compares = false;
    let groups = api
        .groups
        .iter()
        .filter(|g| {
            let mut any = false;
            for (e, (_, _, response)) in api
                .group_endpoints(&g.spec_key)
                .filter_map(|e| Some((e, complete_example(e)?)))
            {
                any = true;
                compares = compares || compares_data(api, e, response);
                if compares {
                    break;
                }
            }
            any
        })
        .map(|g| g.spec_key.as_str())
        .collect();
    (groups, compares)
}

/// `tests/endpoints.rs`: the shared helpers and one module per group with endpoint tests
/// (`tests/endpoints/<group>.rs`, from [`endpoints_group_test`]).
pub(super) fn endpoints_test(api: &Api) -> Result<String, String> {
    let (args, values) = auth_values(api);
    let (groups, compares) = test_summary(api);
    let mods: Vec<TokenStream> = groups
        .iter()
        .map(|key| {
            let m = ident(&group_module(key));
            let path = format!("endpoints/{}.rs", unraw(&group_module(key)));
            quote! {
                #[path = #path]
                mod #m;
            }
        })
        .collect();
    let doc = module_doc(
        "Every endpoint with a complete example in the spec, called once against a loopback\n\
         server: the body the server receives must equal the example request (auth fields\n\
         included), and the decoded response, serialized again, must equal the example's data.\n\
         The tests of each group are in `tests/endpoints/<group>.rs`.",
    );
    if mods.is_empty() {
        // The file stays (the generator owns it), without helpers nothing would call.
        let tokens = quote! {
            #doc
            #![doc = ""]
            #![doc = " No endpoint of this spec has an example with both a request and a response."]
            #![cfg_attr(rustfmt, rustfmt::skip)]
        };
        return crate::emit::rust::format_module("tests/endpoints.rs", tokens)
            .map_err(|e| e.message);
    }
    // Auth fields carried in headers: (header, test value), matched on every request.
    let headers: Vec<(&str, String)> = (api.service.auth.iter().zip(&values))
        .filter_map(|(f, v)| Some((f.header()?, v.as_str()?.to_owned())))
        .collect();
    let helpers = endpoint_test_helpers(api, &args, &headers, compares);
    let tokens = quote! {
        #doc
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #helpers

        #(#mods)*
    };
    crate::emit::rust::format_module("tests/endpoints.rs", tokens).map_err(|e| e.message)
}

/// `tests/endpoints/<group>.rs`: one test per endpoint of the group with a complete example,
/// using the helpers of `tests/endpoints.rs`; `None` when the group has no such endpoint.
/// `api` needs to hold only what [`crate::depends::group_inputs`] names for the group.
pub(super) fn endpoints_group_test(api: &Api, group_key: &str) -> Result<Option<String>, String> {
    let (_, values) = auth_values(api);
    let tests = group_tests(api, &values, group_key)?;
    if tests.is_empty() {
        return Ok(None);
    }
    let title = api
        .groups
        .iter()
        .find(|g| g.spec_key == group_key)
        .map_or_else(|| group_key.to_owned(), |g| zh_en(&g.zh, Some(&g.en)));
    let doc = module_doc(&format!(
        "The {title} endpoints with a complete example, each called once against a loopback server."
    ));
    let path = format!("tests/endpoints/{}.rs", unraw(&group_module(group_key)));
    let tokens = quote! {
        #doc
        #![cfg_attr(rustfmt, rustfmt::skip)]
        use super::*;

        #(#tests)*
    };
    crate::emit::rust::format_module(&path, tokens)
        .map(|text| Some(compact_time_macros(&text)))
        .map_err(|e| e.message)
}

/// An endpoint's example as test literals: its name; the body the server must receive (auth
/// values included), the request built in Rust from the example's fields, the response and the
/// response's `data`; and the business error code when the response is a business error.
type ExampleLiterals<'a> = (&'a str, [TokenStream; 4], Option<Code>);

/// The literals of an endpoint's first example with both a request and a response (auth values
/// `values`); `None` without such an example.
fn example_literals<'a>(
    api: &Api,
    e: &'a Endpoint,
    values: &[serde_json::Value],
) -> Result<Option<ExampleLiterals<'a>>, String> {
    let auth = &api.service.auth;
    let Some((name, req_text, resp_text)) = complete_example(e) else {
        return Ok(None);
    };
    let mut body: serde_json::Value = serde_json::from_str(req_text)
        .map_err(|err| format!("{}: example request: {err}", method_name(&e.spec_name)))?;
    let Some(map) = body.as_object_mut() else {
        return Err(format!(
            "{}: example request is not an object",
            method_name(&e.spec_name)
        ));
    };
    for (f, v) in auth.iter().zip(values) {
        if f.header().is_none() {
            map.insert(f.wire_name.clone(), v.clone());
        }
    }
    let mut fields = map.clone();
    for f in auth {
        fields.remove(&f.wire_name);
    }
    let expected_body = raw_str(&serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?)?;
    let o = api.request_object(e).ok_or_else(|| {
        format!(
            "{}: the endpoint has no request struct",
            method_name(&e.spec_name)
        )
    })?;
    let krate = format_ident!("{}", api.service.package.crate_ident());
    let req = object_ident(&o.name);
    let request = Values::new(api)
        .request(&quote!(::#krate::requests::#req), o, &fields)
        .map_err(|err| format!("{}: example request {err}", method_name(&e.spec_name)))?;
    let response = raw_str(resp_text.trim_end())?;
    let resp_value: serde_json::Value = serde_json::from_str(resp_text)
        .map_err(|err| format!("{}: example response: {err}", method_name(&e.spec_name)))?;
    let data_value = resp_value
        .get(&api.service.envelope.data)
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let data = raw_str(&serde_json::to_string_pretty(&data_value).map_err(|e| e.to_string())?)?;
    Ok(Some((
        name,
        [expected_body, request, response, data],
        error_code(api, &resp_value),
    )))
}

/// The imports and helpers of `tests/endpoints.rs`: `client` (test credentials `args`),
/// `ExactJsonBody`, `serve` (which also expects the auth `headers` with their test values)
/// and, if a test `compares` a response, `assert_round_trip`.
fn endpoint_test_helpers(
    api: &Api,
    args: &[TokenStream],
    headers: &[(&str, String)],
    compares: bool,
) -> TokenStream {
    let version = &api.service.default_version;
    let helpers = if compares {
        round_trip_helpers()
    } else {
        quote!()
    };
    let krate = format_ident!("{}", api.service.package.crate_ident());
    let computed = api.service.auth.iter().any(|f| f.computed);
    let (client_doc, signer) = if computed {
        (
            " A client for `server` with the test credentials and the fixed test signer.",
            quote!(.signer(::apigen_runtime::testing::FixedSigner)),
        )
    } else {
        (
            " A client for `server` with the test credentials.",
            quote!(),
        )
    };
    let matchers = if headers.is_empty() {
        quote!(method, path)
    } else {
        quote!(header, method, path)
    };
    let header_matchers = headers
        .iter()
        .map(|(name, value)| quote!(.and(header(#name, #value))));
    let serve_doc = if headers.is_empty() {
        " Mount `response` for `verb url` with exactly the fields of `body`, expecting one call."
    } else {
        " Mount `response` for `verb url` with exactly the fields of `body` and the auth headers, expecting one call."
    };
    quote! {
        use ::apigen_runtime::testing::plain_numbers;
        use ::#krate::{Client, Credentials};
        use ::serde_json::Value;
        use ::wiremock::matchers::{#matchers};
        use ::wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

        #[doc = #client_doc]
        fn client(server: &MockServer) -> Client {
            Client::builder(server.uri())
                .version(#version)
                .credentials(Credentials::new(#(#args),*))
                #signer
                .build()
                .expect("client builds")
        }

        /// Matches a request whose JSON body is exactly this one, numbers by their decimal text.
        struct ExactJsonBody(Value);

        impl Match for ExactJsonBody {
            fn matches(&self, request: &Request) -> bool {
                ::serde_json::from_slice(&request.body).is_ok_and(|body| plain_numbers(body) == self.0)
            }
        }

        /// Matches a request without a body whose query parameters are exactly the members of
        /// this JSON object, each by its text (`null` members absent).
        struct ExactQuery(Value);

        impl Match for ExactQuery {
            fn matches(&self, request: &Request) -> bool {
                let query: ::serde_json::Map<String, Value> = request
                    .url
                    .query_pairs()
                    .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())))
                    .collect();
                let expected: ::serde_json::Map<String, Value> = self
                    .0
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(name, value)| {
                        let text = match value {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (name.clone(), Value::String(text))
                    })
                    .collect();
                request.body.is_empty() && query == expected
            }
        }

        #[doc = #serve_doc]
        async fn serve(verb: &str, url: &str, body: &str, response: &str) -> MockServer {
            let server = MockServer::start().await;
            let body: Value = ::serde_json::from_str(body).expect("expected body is JSON");
            let mock = Mock::given(method(verb))
                .and(path(url))
                #(#header_matchers)*;
            let mock = if verb == "GET" {
                mock.and(ExactQuery(body))
            } else {
                mock.and(ExactJsonBody(plain_numbers(body)))
            };
            mock.respond_with(ResponseTemplate::new(200).set_body_raw(response.to_owned(), "application/json"))
                .expect(1)
                .mount(&server)
                .await;
            server
        }

        #helpers
    }
}

fn endpoint_test(
    api: &Api,
    e: &Endpoint,
    example: &str,
    [expected_body, request, response, data]: [TokenStream; 4],
    error_code: Option<&Code>,
) -> TokenStream {
    // Named after the endpoint (`r#type`, `self_`); `client_` for an endpoint named
    // like one of the file's helpers.
    let name = ident(&method_in(&method_name(&e.spec_name), reserved::TEST_FNS));
    let method = method_ident(e.method_source());
    let group = api
        .groups
        .iter()
        .find(|g| g.spec_key == e.group_key)
        .map(|g| ident(&group_accessor(&g.spec_key)));
    let krate = format_ident!("{}", api.service.package.crate_ident());
    // The path the server sees: the client's URL parser percent-encodes what a path may not
    // hold as is (a path in Chinese arrives as `%E5%90%8D…`).
    let url = encode_path(
        &e.full_path
            .replace("{version}", &api.service.default_version),
    );
    let doc = format!(
        " `{}` with its example \"{example}\".",
        unraw(&method_name(&e.spec_name))
    );
    let call = quote!(client(&server).#group().#method(&request).await);
    let verb = e.method.as_str();
    let data_const = match (error_code, &e.response) {
        (Some(_), _) | (None, crate::model::Response::Empty) => quote!(),
        _ => quote!(const DATA: &str = #data;),
    };
    let check = match (error_code, &e.response, response_adapter(&e.response)) {
        (Some(code), _, _) => {
            let code = match code {
                Code::Int(c) => quote!(#c),
                Code::Str(c) => quote!(#c),
            };
            quote! {
                let error = #call.expect_err("the example is a business error");
                assert_eq!(error.api_code(), Some(::#krate::ErrorCode::from_code(#code)));
            }
        }
        (None, crate::model::Response::Empty, _) => quote!(#call.expect("call succeeds");),
        (None, _, Some(adapter)) => {
            // Serialized again through the same wire form it was decoded with.
            quote! {
                let response = #call.expect("call succeeds");
                assert_round_trip(&::apigen_runtime::serde_as::SerializeAsWrap::<_, #adapter>::new(&response), DATA);
            }
        }
        (None, _, None) => quote! {
            let response = #call.expect("call succeeds");
            assert_round_trip(&response, DATA);
        },
    };
    quote! {
        #[doc = #doc]
        #[::tokio::test]
        async fn #name() {
            const BODY: &str = #expected_body;
            const RESPONSE: &str = #response;
            #data_const
            let server = serve(#verb, #url, BODY, RESPONSE).await;
            let request = #request;
            #check
        }
    }
}

/// `tests/webhook_examples.rs`: every webhook example in the spec parses into
/// the variant of its tag, and its payload survives a round trip exactly.
pub(super) fn webhook_examples_test(api: &Api) -> Result<Option<String>, String> {
    let Some(w) = &api.webhooks else {
        return Ok(None);
    };
    let mut tests = Vec::new();
    for k in &w.kinds {
        for (i, ex) in k.examples.iter().enumerate() {
            let Some(body) = &ex.request else { continue };
            let value: serde_json::Value = serde_json::from_str(body)
                .map_err(|e| format!("webhook example {}: {e}", ex.name))?;
            let Some(map) = value.as_object() else {
                return Err(format!("webhook example {} is not an object", ex.name));
            };
            let tag = map
                .get(&w.tag_field)
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            let Some(event) = k.events.iter().find(|e| e.tag == tag) else {
                return Err(format!(
                    "webhook example {}: tag `{tag}` is not a tag of `{}`",
                    ex.name, k.spec_key
                ));
            };
            let data = match map.get(&w.data_field) {
                Some(d) => d.clone(),
                None => {
                    let mut flat = map.clone();
                    flat.remove(&w.tag_field);
                    serde_json::Value::Object(flat)
                }
            };
            let name = ident(&webhook_test_fn(&k.spec_key, i + 1));
            let variant = type_ident(&event.name);
            let body = raw_str(body.trim_end())?;
            let data = raw_str(&serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?)?;
            let doc = format!(" Webhook example \"{}\" ({}).", ex.name, k.spec_key);
            tests.push(quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    const BODY: &str = #body;
                    const PAYLOAD: &str = #data;
                    let event = webhooks::parse(BODY.as_bytes()).expect("example parses");
                    assert_eq!(event.tag(), #tag);
                    match event {
                        webhooks::Event::#variant(payload) => assert_round_trip(&payload, PAYLOAD),
                        other => panic!("expected {}, got {:?}", stringify!(#variant), other.tag()),
                    }
                }
            });
        }
    }
    if tests.is_empty() {
        // Without examples the file would hold only unused helpers.
        return Ok(None);
    }
    let doc = module_doc(
        "Every webhook example in the spec parses into the variant of its tag, and its payload,\n\
         serialized again, equals the example's object (money, datetimes and codes exact).",
    );
    let helpers = round_trip_helpers();
    let krate = format_ident!("{}", api.service.package.crate_ident());
    let tokens = quote! {
        #doc
        #![cfg(feature = "webhooks")]
        #![cfg_attr(rustfmt, rustfmt::skip)]
        use #krate::webhooks;

        #helpers

        #(#tests)*
    };
    crate::emit::rust::format_module("tests/webhook_examples.rs", tokens)
        .map(Some)
        .map_err(|e| e.message)
}

/// `path` as a URL parser writes it: UTF-8 bytes outside printable ASCII, and the ASCII
/// characters a path may not hold as is (space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`),
/// percent-encoded in upper-case hex; everything else, `%` included, kept.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let keep =
            c.is_ascii_graphic() && !matches!(c, '"' | '#' | '<' | '>' | '?' | '`' | '{' | '}');
        if keep {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{encode_path, test_summary};
    use crate::mini_fixture::mini;

    #[test]
    fn the_summary_lists_the_groups_with_a_complete_example_and_whether_one_compares() {
        // Only `get_wallet_detail` has an example, with a success code: it compares.
        assert_eq!(test_summary(&mini(str::to_owned)), (vec!["wallet"], true));
        // A business error compares nothing after the call.
        let error = mini(|t| {
            t.replace(
                r#"{"code": 0, "message": "success""#,
                r#"{"code": 1005, "message": "slow down""#,
            )
        });
        assert_eq!(test_summary(&error), (vec!["wallet"], false));
        // An example without a response makes no test.
        let no_response = mini(|t| {
            let start = t.find("        response: |").expect("the example response");
            let end = t[start..]
                .find("  list_wallets:")
                .expect("the next endpoint")
                + start;
            format!("{}{}", &t[..start], &t[end..])
        });
        assert_eq!(test_summary(&no_response), (Vec::<&str>::new(), false));
    }

    #[test]
    fn paths_are_encoded_as_the_client_sends_them() {
        assert_eq!(
            encode_path("/v1/openApi/wallet/getWalletDetail"),
            "/v1/openApi/wallet/getWalletDetail"
        );
        assert_eq!(encode_path("/api/名字0"), "/api/%E5%90%8D%E5%AD%970");
        assert_eq!(encode_path("/a b/c\"d"), "/a%20b/c%22d");
        assert_eq!(
            encode_path("/x-y_z.~!$&'()*+,;=:@%41"),
            "/x-y_z.~!$&'()*+,;=:@%41"
        );
    }
}
