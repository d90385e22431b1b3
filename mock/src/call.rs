//! Answering one API call: faults, validation, the idempotency ledger, lookups of records
//! created through the mock, pages, and data from examples or synthesized from the types.

use std::sync::Arc;

use apigen::model::{Api, Code, Endpoint, Field, HttpMethod, ObjectName, Response};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Map, Value};

use crate::app::{Reply, State};
use crate::codes::{self, Problem};
use crate::envelope;
use crate::faults::{self, Faults};
use crate::ledger::Seen;
use crate::log::{self, Entry};
use crate::query;
use crate::synth::rng_for;
use crate::validate;

/// Bodies larger than this are refused (as a parameter error, in the envelope).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Rows per page when the request names no page size.
const DEFAULT_PAGE_SIZE: i64 = 20;
/// Largest page size served.
const MAX_PAGE_SIZE: i64 = 1000;

/// Answers a request to an API path with its `query` string, and logs it; `body` is `None`
/// when it could not be read or is larger than [`MAX_BODY_BYTES`].
pub async fn answer(
    state: Arc<State>,
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Option<Bytes>,
) -> Reply {
    let mut entry = Entry {
        seq: 0,
        method: method.to_string(),
        path: path.clone(),
        endpoint: None,
        faults: String::new(),
        outcome: String::new(),
        status: None,
        code: None,
        body: Value::Null,
    };
    let request = Incoming {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        body: body.as_ref(),
    };
    let reply = answer_logged(&state, &request, &mut entry).await;
    if let Reply::Send { status, .. } = &reply {
        entry.status = Some(status.as_u16());
    }
    state.lock_log().push(entry);
    reply
}

/// One request as received.
struct Incoming<'a> {
    method: &'a Method,
    path: &'a str,
    /// The query string, without `?` (empty when there is none).
    query: &'a str,
    headers: &'a HeaderMap,
    body: Option<&'a Bytes>,
}

async fn answer_logged(state: &Arc<State>, request: &Incoming<'_>, entry: &mut Entry) -> Reply {
    let Incoming {
        method,
        path,
        query,
        headers,
        body,
    } = *request;
    let api = &state.api;
    let Some(index) = state.routes.find(path) else {
        return own_error(
            api,
            entry,
            "no such endpoint",
            Problem::NotFound,
            StatusCode::NOT_FOUND,
            &format!("mock: no endpoint at {path}"),
        );
    };
    let endpoint = &api.endpoints[index];
    entry.endpoint = Some(endpoint.spec_name.clone());
    let expected = match endpoint.method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
    };
    if *method != expected {
        return own_error(
            api,
            entry,
            "wrong method",
            Problem::Parameter,
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("mock: {} takes {expected}", endpoint.full_path),
        );
    }

    let mut faults = match headers.get(faults::HEADER).map(|v| {
        v.to_str()
            .map_err(|_| "the X-Mock-Fault header is not ASCII".to_owned())
            .and_then(Faults::parse)
    }) {
        None => Faults::default(),
        Some(Ok(faults)) => faults,
        Some(Err(message)) => {
            return own_error(
                api,
                entry,
                "bad fault header",
                Problem::Parameter,
                StatusCode::BAD_REQUEST,
                &format!("mock: X-Mock-Fault: {message}"),
            );
        }
    };
    faults.merge(state.faults.draw(index, &endpoint.spec_name));
    entry.faults = faults.describe();

    let fields = validate::request_fields(api, endpoint);
    let parsed: Option<Value> = match endpoint.method {
        HttpMethod::Get => Some(query::fields_of(query, &fields)),
        HttpMethod::Post => body.and_then(|b| serde_json::from_slice(b).ok()),
    };
    entry.body = parsed
        .as_ref()
        .map_or(Value::Null, |b| log::redact(api, &fields, b));

    if let Some(delay) = faults.delay {
        tokio::time::sleep(delay).await;
    }
    if faults.drop_before {
        entry.outcome = "dropped before processing".into();
        return Reply::Drop;
    }
    if let Some(status) = faults.status {
        entry.outcome = "injected HTTP status".into();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return Reply::Send {
            status,
            content_type: "text/html",
            body: envelope::html_page(status.as_u16()),
        };
    }
    if let Some(text) = &faults.code {
        // Read as the client would read the code sent as a string.
        let Some(code) = api.service.envelope.read_code(&Value::String(text.clone())) else {
            return own_error(
                api,
                entry,
                "bad fault header",
                Problem::Parameter,
                StatusCode::BAD_REQUEST,
                &format!("mock: X-Mock-Fault: code={text} is not a code of this API's kind"),
            );
        };
        entry.outcome = "injected business code".into();
        entry.code = Some(code.to_json());
        let meaning = api
            .errors
            .iter()
            .find(|e| e.code == code)
            .map_or("injected by the mock", |e| e.en.as_str());
        return finish(
            Reply::json(
                StatusCode::OK,
                envelope::error(&api.service.envelope, &code, meaning),
            ),
            &faults,
            entry,
        );
    }

    let outcome = process(state, index, endpoint, body, parsed.as_ref(), headers);
    entry.outcome = outcome.label.into();
    entry.code = Some(outcome.code.to_json());
    let body = if faults.drift {
        entry.outcome.push_str(", with drift");
        envelope::with_drift(&api.service.envelope, outcome.body)
    } else {
        outcome.body
    };
    let reply = Reply::json(StatusCode::OK, body);
    follow_up(state, endpoint, outcome.fresh_data);
    finish(reply, &faults, entry)
}

/// A request refused before it reaches an endpoint's logic (no such path, wrong method, a bad
/// fault header): logged with `outcome`, answered with `status` and the mock's own code for
/// `problem` in the spec's envelope.
fn own_error(
    api: &Api,
    entry: &mut Entry,
    outcome: &str,
    problem: Problem,
    status: StatusCode,
    message: &str,
) -> Reply {
    entry.outcome = outcome.into();
    let code = problem.own_code(&api.service.envelope.success);
    entry.code = Some(code.to_json());
    Reply::json(
        status,
        envelope::error(&api.service.envelope, &code, message),
    )
}

/// Applies the faults that act on a processed reply: `drop-after` and `truncate`.
fn finish(reply: Reply, faults: &Faults, entry: &mut Entry) -> Reply {
    if faults.drop_after {
        entry.outcome.push_str(", then dropped");
        return Reply::Drop;
    }
    match reply {
        Reply::Send {
            status,
            content_type,
            body,
        } if faults.truncate => {
            entry.outcome.push_str(", truncated");
            Reply::Send {
                status,
                content_type,
                body: body.slice(..body.len() / 2),
            }
        }
        other => other,
    }
}

/// What processing a valid (or invalid) call gave.
struct Outcome {
    label: &'static str,
    code: Code,
    body: Bytes,
    /// The data of a call processed for the first time (follow-up webhooks are about it).
    fresh_data: Option<Value>,
}

fn process(
    state: &State,
    index: usize,
    endpoint: &Endpoint,
    raw: Option<&Bytes>,
    body: Option<&Value>,
    headers: &HeaderMap,
) -> Outcome {
    let api = &state.api;
    let env = &api.service.envelope;
    let reject = |problem: Problem, field: &str, message: &str| {
        let chosen = codes::closest(api, problem, Some(endpoint));
        let field_note = if field.is_empty() || message.contains(&format!("`{field}`")) {
            String::new()
        } else {
            format!(" (field `{field}`)")
        };
        Outcome {
            label: "rejected",
            body: envelope::error(
                env,
                &chosen.code,
                &format!(
                    "mock: {message}{field_note}; answered with {}",
                    chosen.label
                ),
            ),
            code: chosen.code,
            fresh_data: None,
        }
    };
    if raw.is_none() {
        return reject(
            Problem::Parameter,
            "",
            &format!("the body could not be read or is larger than {MAX_BODY_BYTES} bytes"),
        );
    }
    let Some(body) = body else {
        return reject(Problem::Parameter, "", "the body is not valid JSON");
    };
    if let Err(violation) = validate::check(
        api,
        endpoint,
        body,
        headers,
        state.options.credentials.as_ref(),
    ) {
        return reject(violation.problem, &violation.field, &violation.message);
    }
    let success = |label, data: Value| Outcome {
        label,
        code: env.success.clone(),
        body: envelope::success(env, &state.success_message, &data).0,
        fresh_data: None,
    };

    if let Some(key_field) = &endpoint.idempotency_key {
        let key = match body.get(key_field) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let mut ledger = state.lock_ledger();
        return match ledger.seen(index, &key, body) {
            Seen::Replay(bytes) => Outcome {
                label: "replayed",
                code: env.success.clone(),
                body: bytes,
                fresh_data: None,
            },
            Seen::Conflict => reject(
                Problem::Duplicate,
                key_field,
                &format!("`{key_field}` was used before with a different body"),
            ),
            Seen::Fresh => {
                let data = synthesized(state, endpoint, body);
                let (reply, data_range) = envelope::success(env, &state.success_message, &data);
                let record = matches!(endpoint.response, Response::Object(_)).then_some(data_range);
                ledger.insert(index, &key, body, reply.clone(), record);
                Outcome {
                    label: "created",
                    code: env.success.clone(),
                    body: reply,
                    fresh_data: Some(data),
                }
            }
        };
    }

    let example = matching_example(state, endpoint, body);
    match &endpoint.response {
        Response::Object(object_key) => {
            let filter = record_filter(state, endpoint, object_key, body);
            let record = if filter.is_empty() {
                None
            } else {
                state.lock_ledger().records(object_key, &filter).next()
            };
            if let Some(record) = record.and_then(|bytes| serde_json::from_slice(&bytes).ok()) {
                return success("found a record", record);
            }
            if let Some(data) = example {
                return success("answered from an example", data);
            }
            if state.lookups.contains(&endpoint.spec_name) && !filter.is_empty() {
                return reject(
                    Problem::NotFound,
                    &filter[0].0,
                    "no record matches the lookup",
                );
            }
            let data = first_example(state, endpoint)
                .unwrap_or_else(|| synthesized(state, endpoint, body));
            success("answered", echo(state, endpoint, object_key, body, data))
        }
        Response::Page(object_key) => match example {
            Some(data) => success("answered from an example", data),
            None => success("answered a page", page(state, endpoint, object_key, body)),
        },
        Response::CursorPage(object_key) => match example {
            Some(data) => success("answered from an example", data),
            None => match cursor_page(state, endpoint, object_key, body) {
                Ok(data) => success("answered a cursor page", data),
                Err(cursor_field) => reject(
                    Problem::Parameter,
                    &cursor_field,
                    &format!("`{cursor_field}` is not a cursor this server gave out"),
                ),
            },
        },
        Response::Array(_) | Response::Value(_) | Response::Empty => {
            let data = example
                .or_else(|| first_example(state, endpoint))
                .unwrap_or_else(|| synthesized(state, endpoint, body));
            success("answered", data)
        }
    }
}

/// Sends the configured follow-up events of a call processed for the first time.
fn follow_up(state: &Arc<State>, endpoint: &Endpoint, data: Option<Value>) {
    let (Some(data), Some(hooks), Response::Object(object_key)) =
        (data, state.api.webhooks.as_ref(), &endpoint.response)
    else {
        return;
    };
    let Some(tags) = state.options.webhooks.follow_ups.get(&endpoint.spec_name) else {
        return;
    };
    if !state.sender.is_configured() {
        return;
    }
    let mut bodies = Vec::new();
    for tag in tags {
        if let Some(kind) = crate::webhooks::kind_of_tag(hooks, tag) {
            let mut rng = rng_for(state.options.seed, &["follow-up", tag, &data.to_string()]);
            let payload = crate::webhooks::payload(
                &state.api,
                &state.synth,
                kind,
                Some((object_key, &data)),
                &mut rng,
            );
            bodies.push(crate::webhooks::event_body(hooks, tag, payload));
        }
    }
    let state = Arc::clone(state);
    tokio::spawn(async move {
        for body in bodies {
            // A receiver that fails is the consumer's to notice; the call already succeeded.
            let _ = state.sender.send(body).await;
        }
    });
}

/// Data synthesized for this request: an object, a page or rows of the response type, with
/// the request's values echoed into fields of the same name and type.
fn synthesized(state: &State, endpoint: &Endpoint, body: &Value) -> Value {
    let api = &state.api;
    let mut rng = rng_for(
        state.options.seed,
        &[&endpoint.spec_name, &without_auth(state, body).to_string()],
    );
    match &endpoint.response {
        Response::Object(key) => {
            let data = state
                .synth
                .object(api, &ObjectName::Declared(key.clone()), &mut rng);
            echo(state, endpoint, key, body, data)
        }
        Response::Array(key) => Value::Array(
            (0..2)
                .map(|_| {
                    state
                        .synth
                        .object(api, &ObjectName::Declared(key.clone()), &mut rng)
                })
                .collect(),
        ),
        Response::Page(key) => page(state, endpoint, key, body),
        Response::CursorPage(key) => cursor_page(state, endpoint, key, body).unwrap_or(Value::Null),
        Response::Value(ty) => state.synth.value(api, ty, "", &mut rng),
        Response::Empty => Value::Null,
    }
}

/// `data` with every field that the request also carries (same name and type) set to the
/// request's value: an order answers with the `out_order_id` and `amount` it was sent.
fn echo(
    state: &State,
    endpoint: &Endpoint,
    object_key: &str,
    body: &Value,
    mut data: Value,
) -> Value {
    for (field, value) in record_filter(state, endpoint, object_key, body) {
        if let Value::Object(map) = &mut data {
            map.insert(field, value);
        }
    }
    data
}

/// The request's own fields that the response object also declares with the same type,
/// with the values sent (nulls and empty strings left out).
fn record_filter(
    state: &State,
    endpoint: &Endpoint,
    object_key: &str,
    body: &Value,
) -> Vec<(String, Value)> {
    let api = &state.api;
    let (Some(request), Some(object)) = (
        api.request_object(endpoint),
        api.declared_object(object_key),
    ) else {
        return Vec::new();
    };
    request
        .fields
        .iter()
        .filter(|f| {
            object
                .fields
                .iter()
                .any(|o| o.wire_name == f.wire_name && o.ty == f.ty)
        })
        .filter_map(|f| {
            let value = body.get(&f.wire_name)?;
            let blank = value.is_null() || value.as_str() == Some("");
            (!blank).then(|| (f.wire_name.clone(), value.clone()))
        })
        .collect()
}

/// A page of the records of `object_key` created through the mock that match the request's
/// filters, followed by `list_rows` synthesized rows that match them too.
fn page(state: &State, endpoint: &Endpoint, object_key: &str, body: &Value) -> Value {
    let api = &state.api;
    let Some(pagination) = &api.service.pagination else {
        return Value::Null;
    };
    let filter = record_filter(state, endpoint, object_key, body);
    let size_field = pagination
        .request
        .iter()
        .find(|f| f.wire_name != pagination.page_field && f.ty == apigen::model::Type::Int)
        .map(|f| f.wire_name.as_str());
    let page_no = body
        .get(&pagination.page_field)
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .max(1);
    let size = size_field
        .and_then(|f| body.get(f))
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE);
    let start = usize::try_from((page_no - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let size_rows = usize::try_from(size).unwrap_or(0);
    let (list, total) = rows(state, endpoint, object_key, &filter, start, size_rows);
    let mut known = vec![
        (pagination.total_field.as_str(), Value::from(total)),
        (pagination.page_field.as_str(), Value::from(page_no)),
    ];
    known.extend(size_field.map(|f| (f, Value::from(size))));
    page_wrapper(
        state,
        endpoint,
        &pagination.response,
        &known,
        &pagination.list_field,
        list,
    )
}

/// A page wrapper: the values in `known` for the convention's own fields (total, page number,
/// next cursor, page size), synthesized values for its other `fields`, and the rows under
/// `list_field`.
fn page_wrapper(
    state: &State,
    endpoint: &Endpoint,
    fields: &[Field],
    known: &[(&str, Value)],
    list_field: &str,
    list: Vec<Value>,
) -> Value {
    let mut wrapper = Map::new();
    for field in fields {
        let value = match known.iter().find(|(name, _)| *name == field.wire_name) {
            Some((_, value)) => value.clone(),
            None => {
                let mut rng = rng_for(state.options.seed, &[&endpoint.spec_name, &field.wire_name]);
                state
                    .synth
                    .value(&state.api, &field.ty, &field.wire_name, &mut rng)
            }
        };
        wrapper.insert(field.wire_name.clone(), value);
    }
    wrapper.insert(list_field.to_owned(), Value::Array(list));
    Value::Object(wrapper)
}

/// A cursor page over the same rows as [`page`]: the cursor is the offset of the page's
/// first row, as decimal text; the last page's next cursor is `null`. `Err` with the cursor
/// field's name when the request's cursor is not one this mock gives out.
fn cursor_page(
    state: &State,
    endpoint: &Endpoint,
    object_key: &str,
    body: &Value,
) -> Result<Value, String> {
    let api = &state.api;
    let Some(pagination) = &api.service.cursor_pagination else {
        return Ok(Value::Null);
    };
    let filter = record_filter(state, endpoint, object_key, body);
    let size_field = pagination
        .request
        .iter()
        .find(|f| f.wire_name != pagination.cursor_field && f.ty == apigen::model::Type::Int)
        .map(|f| f.wire_name.as_str());
    let start = match body.get(&pagination.cursor_field) {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) if s.is_empty() => 0,
        Some(Value::String(s)) => s
            .parse::<usize>()
            .map_err(|_| pagination.cursor_field.clone())?,
        Some(_) => return Err(pagination.cursor_field.clone()),
    };
    let size = size_field
        .and_then(|f| body.get(f))
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE);
    let size_rows = usize::try_from(size).unwrap_or(0);
    let (list, total) = rows(state, endpoint, object_key, &filter, start, size_rows);
    let end = start.saturating_add(size_rows);
    let next = if end < total {
        Value::from(end.to_string())
    } else {
        Value::Null
    };
    let mut known = vec![(pagination.next_cursor_field.as_str(), next)];
    known.extend(size_field.map(|f| (f, Value::from(size))));
    Ok(page_wrapper(
        state,
        endpoint,
        &pagination.response,
        &known,
        &pagination.list_field,
        list,
    ))
}

/// Rows `start..start + size_rows` of a listing of `object_key`: the records created through
/// the mock that match `filter`, then `list_rows` synthesized rows that match it too; and the
/// listing's length.
fn rows(
    state: &State,
    endpoint: &Endpoint,
    object_key: &str,
    filter: &[(String, Value)],
    start: usize,
    size_rows: usize,
) -> (Vec<Value>, usize) {
    let api = &state.api;
    // Only the records on this page are parsed.
    let (record_count, records): (usize, Vec<Value>) = {
        let ledger = state.lock_ledger();
        let count = ledger.records(object_key, filter).count();
        let page = ledger
            .records(object_key, filter)
            .skip(start)
            .take(size_rows)
            .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
            .collect();
        (count, page)
    };
    let total = record_count + state.options.list_rows;
    let end = start.saturating_add(size_rows).min(total);
    let list: Vec<Value> = (start..end)
        .map(|i| {
            match records
                .get(i.saturating_sub(start))
                .filter(|_| i < record_count)
            {
                Some(record) => record.clone(),
                None => {
                    let mut rng = rng_for(
                        state.options.seed,
                        &[&endpoint.spec_name, "row", &i.to_string()],
                    );
                    let mut row = state.synth.object(
                        api,
                        &ObjectName::Declared(object_key.to_owned()),
                        &mut rng,
                    );
                    if let Value::Object(map) = &mut row {
                        for (field, value) in filter {
                            map.insert(field.clone(), value.clone());
                        }
                    }
                    row
                }
            }
        })
        .collect();
    (list, total)
}

/// The data of the success example whose request equals this one (auth fields aside).
fn matching_example(state: &State, endpoint: &Endpoint, body: &Value) -> Option<Value> {
    let wanted = without_auth(state, body);
    endpoint.examples.iter().find_map(|example| {
        let request: Value = serde_json::from_str(example.request.as_deref()?).ok()?;
        if without_auth(state, &request) != wanted {
            return None;
        }
        success_data(state, example.response.as_deref()?)
    })
}

/// The data of the endpoint's first success example.
fn first_example(state: &State, endpoint: &Endpoint) -> Option<Value> {
    endpoint
        .examples
        .iter()
        .find_map(|e| success_data(state, e.response.as_deref()?))
}

/// `data` of an example response whose code is the success code.
fn success_data(state: &State, response: &str) -> Option<Value> {
    let env = &state.api.service.envelope;
    let response: Value = serde_json::from_str(response).ok()?;
    (env.read_code(response.get(&env.code)?)? == env.success)
        .then(|| response.get(&env.data).cloned().unwrap_or(Value::Null))
}

/// The body without the auth fields.
fn without_auth(state: &State, body: &Value) -> Value {
    match body {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !state
                        .api
                        .service
                        .auth
                        .iter()
                        .any(|f: &Field| &f.wire_name == *k)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}
