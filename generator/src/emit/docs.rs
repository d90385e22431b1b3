//! The Markdown reference (`docs/api.md`): the whole API for readers who never
//! open the Rust crate, with the provenance of every item.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::emit::prose::{cell, code, inline, md, run_in, sourced};
use crate::emit::splice::{Reuse, Splicer};
use crate::incremental::digest::ItemDigests;
use crate::model::{
    Api, DateTimeFormat, Endpoint, Enum, Field, Group, MoneyWire, Object, ObjectName, Response,
    Retry, Statement, Type, Webhooks,
};
use crate::naming::{method_name, object_type_name, type_name};

fn anchor(kind: &str, name: &str) -> String {
    format!("{kind}-{}", name.to_ascii_lowercase().replace('_', "-"))
}

/// ` (vendor title: Wallet Status)` after our title, when the spec records the vendor's.
fn vendor_title(title: Option<&str>) -> String {
    title
        .map(|t| format!(" (vendor title: {})", inline(t)))
        .unwrap_or_default()
}

/// A list of statements and their sources, one bullet each (nothing for an empty list).
fn statement_list(out: &mut String, lead: &str, statements: &[Statement]) {
    if statements.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{lead}
"
    );
    for s in statements {
        let _ = writeln!(out, "- {}: **{}**", inline(&s.about), s.source.as_str());
    }
    out.push('\n');
}

/// A type with a link to its enum or object section.
fn type_link(t: &Type) -> String {
    match t {
        Type::Enum(n) => {
            let n = type_name(n);
            format!("[`{n}`](#{})", anchor("enum", &n))
        }
        Type::Object(n) => {
            let n = object_type_name(n);
            format!("[`{n}`](#{})", anchor("object", &n))
        }
        Type::Array(inner) => format!("array of {}", type_link(inner)),
        Type::Map(inner) => format!("map of string keys to {}", type_link(inner)),
        Type::Money(MoneyWire::String) | Type::Decimal(MoneyWire::String) => {
            format!("`{}` as a string", t.spec_name())
        }
        Type::DateTime(format) if *format != DateTimeFormat::Vendor => {
            format!("`datetime` ({})", datetime_label(*format))
        }
        other => format!("`{}`", other.spec_name()),
    }
}

/// How a non-default datetime format is named in type cells.
fn datetime_label(format: DateTimeFormat) -> &'static str {
    match format {
        DateTimeFormat::Vendor => "`YYYY-MM-DD HH:MM:SS`",
        DateTimeFormat::Rfc3339 => "RFC 3339",
        DateTimeFormat::EpochS => "epoch seconds",
        DateTimeFormat::EpochMs => "epoch milliseconds",
    }
}

fn field_table(out: &mut String, fields: &[&Field]) {
    out.push_str("| field | type | required | meaning | source |\n|---|---|---|---|---|\n");
    for f in fields {
        let mut meaning = cell(&f.zh);
        if let Some(en) = &f.en {
            meaning.push_str(&format!(" — {}", cell(en)));
        }
        if let Some(n) = &f.note {
            meaning.push_str(&format!(" ({})", cell(n)));
        }
        if f.sensitive {
            meaning.push_str(" **sensitive**");
        }
        if f.computed {
            meaning.push_str(" **computed per request by the client's signer**");
        }
        let required = match (f.required, f.nullable) {
            (true, false) => "yes",
            (true, true) => "yes, may be empty",
            (false, _) => "no",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {required} | {meaning} | {} |",
            f.wire_name,
            type_link(&f.ty),
            f.source.as_str()
        );
    }
}

/// The file this module renders.
const FILE: &str = "docs/api.md";

/// The whole reference, section by section, assembled from fragments (see
/// `emit/splice.rs`): the header, the conventions, the error codes, each group's lines of the
/// contents, each group heading, each endpoint, each enum, each object and the webhooks. With
/// `reuse`, a fragment whose key is in the previous text is copied from it.
pub(super) fn api_markdown(api: &Api, reuse: Option<&Reuse<'_>>) -> String {
    let digests = reuse.map(|r| r.digests);
    let key = |kind: &str, items: &[&str]| digests.map(|d| d.service_key(FILE, kind, items));
    let at = |list: fn(&ItemDigests) -> &Vec<String>, i: usize| {
        digests.map_or("", |d| list(d)[i].as_str())
    };
    let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in api.endpoints.iter().enumerate() {
        by_group.entry(e.group_key.as_str()).or_default().push(i);
    }
    let none = Vec::new();
    let group_endpoints = |g: &str| by_group.get(g).unwrap_or(&none);
    let previous = reuse.and_then(|r| r.previous.get(Path::new(FILE)));
    let mut s = Splicer::new(previous, previous.map_or(0, |p| p.text_len() + 4096));
    fragment(&mut s, key("header", &[]), |out| header(out, api));
    s.push("## Contents\n\n- [Conventions](#conventions)\n- [Error codes](#error-codes)\n");
    for (gi, g) in api.groups.iter().enumerate() {
        let eps = group_endpoints(&g.spec_key);
        let mut parts = vec![at(|d| &d.groups, gi)];
        parts.extend(eps.iter().map(|&i| at(|d| &d.endpoints, i)));
        fragment(&mut s, key("contents", &parts), |out| {
            contents_group(out, g, eps.iter().map(|&i| &api.endpoints[i]));
        });
    }
    s.push("- [Enums](#enums)\n- [Objects](#objects)\n");
    if api.webhooks.is_some() {
        s.push("- [Webhooks](#webhooks)\n");
    }
    s.push("\n");
    fragment(&mut s, key("conventions", &[]), |out| conventions(out, api));
    let errors = digests.map_or("", |d| d.errors.as_str());
    fragment(&mut s, key("errors", &[errors]), |out| {
        error_codes(out, api)
    });
    for (gi, g) in api.groups.iter().enumerate() {
        fragment(&mut s, key("group", &[at(|d| &d.groups, gi)]), |out| {
            group_heading(out, g);
        });
        for &i in group_endpoints(&g.spec_key) {
            let e = &api.endpoints[i];
            let req = api.request_object(e);
            let req_at = req
                .and_then(|r| api.object_position(&r.name))
                .map_or("", |p| at(|d| &d.objects, p));
            fragment(
                &mut s,
                key("endpoint", &[at(|d| &d.endpoints, i), req_at]),
                |out| endpoint(out, req, e),
            );
        }
    }
    s.push("## Enums\n\nEnums are open unless marked closed: a client keeps a code it does not know.\n\n");
    for (i, e) in api.enums.iter().enumerate() {
        fragment(&mut s, key("enum", &[at(|d| &d.enums, i)]), |out| {
            enum_section(out, e);
        });
    }
    s.push("## Objects\n\n");
    for (i, o) in api.objects.iter().enumerate() {
        if o.kind == crate::model::ObjectKind::Request {
            continue;
        }
        fragment(&mut s, key("object", &[at(|d| &d.objects, i)]), |out| {
            object(out, o);
        });
    }
    if let Some(w) = &api.webhooks {
        let webhook_digest = digests.map_or("", |d| d.webhooks.as_str());
        fragment(&mut s, key("webhooks", &[webhook_digest]), |out| {
            webhooks(out, w);
        });
    }
    match reuse {
        Some(r) => r.record(FILE, s),
        None => s.finish().0,
    }
}

/// Append the fragment with this key, written by `write` unless it is reused.
fn fragment(s: &mut Splicer<'_>, key: Option<String>, write: impl FnOnce(&mut String)) {
    // Writing into a `String` cannot fail.
    let _ = s.fragment(key, || {
        let mut out = String::new();
        write(&mut out);
        Ok::<_, std::convert::Infallible>(out)
    });
}

/// The `@generated` marker, the title, the description and the provenance legend.
fn header(out: &mut String, api: &Api) {
    let s = &api.service;
    let _ = writeln!(
        out,
        "<!-- @generated by apigen from the API spec. Do not edit: change the spec and run `cargo xtask gen`. -->\n"
    );
    let _ = writeln!(
        out,
        "# {} — {}{}\n",
        inline(&s.title_en),
        inline(&s.title),
        vendor_title(s.vendor_title.as_deref())
    );
    if let Some(d) = &s.description {
        let _ = writeln!(out, "{}\n", md(d));
    }
    out.push_str(
        "Every item says where it comes from: **documented** (the vendor page we have in full), \
         **observed** (a vendor excerpt) or **modeled** (our reconstruction, to be confirmed with the vendor). \
         An item that mixes sources is tagged with the weakest of them, followed by each statement and its own source.\n\n",
    );
}

/// A group's lines of the table of contents: the group, then each of its endpoints.
fn contents_group<'a>(out: &mut String, g: &Group, endpoints: impl Iterator<Item = &'a Endpoint>) {
    let _ = writeln!(
        out,
        "- [{} — {}{}](#{})",
        inline(&g.zh),
        inline(&g.en),
        vendor_title(g.vendor_title.as_deref()),
        anchor("group", &g.spec_key)
    );
    for e in endpoints {
        let _ = writeln!(
            out,
            "  - [{} `{}`](#{})",
            inline(&e.zh),
            method_name(e.method_source()),
            anchor("endpoint", &method_name(&e.spec_name))
        );
    }
}

/// The conventions section: base URL, path, envelope, money, datetimes, auth and page fields.
fn conventions(out: &mut String, api: &Api) {
    let s = &api.service;
    let env = &s.envelope;
    let _ = writeln!(out, "## Conventions\n");
    let _ = writeln!(
        out,
        "- Base URL: {} in the spec; pass the host of your environment to the client.",
        code(&s.base_url)
    );
    let _ = writeln!(
        out,
        "- Every endpoint is `POST {}<path>` with a JSON body{}; `{{version}}` defaults to `{}` (the default is {}).",
        s.path_prefix,
        if api
            .endpoints
            .iter()
            .any(|e| e.method == crate::model::HttpMethod::Get)
        {
            ", except those marked `GET`, which send their fields (with the auth fields a `POST` carries in its body) as query parameters sorted by name, and no body"
        } else {
            ""
        },
        s.default_version,
        s.version_source.as_str()
    );
    let _ = writeln!(
        out,
        "- Response envelope `{{\"{}\", \"{}\", \"{}\"}}`; `{}` = {} means success ({}{}",
        env.code,
        env.message,
        env.data,
        env.code,
        env.success,
        env.source.as_str(),
        if env.provenance.is_empty() {
            ")."
        } else {
            " as a whole):"
        }
    );
    for st in &env.provenance {
        let _ = writeln!(out, "  - {}: **{}**", inline(&st.about), st.source.as_str());
    }
    if let Some(rl) = &env.rate_limit_code {
        let source = api
            .errors
            .iter()
            .find(|e| e.code == *rl)
            .map(|e| e.source)
            .unwrap_or(env.source);
        let _ = writeln!(
            out,
            "- Code {rl} means rate limited: safe calls are retried with backoff ({}).",
            source.as_str()
        );
    }
    let unit = match &s.money_unit {
        Some(unit) => format!(" in {}", inline(unit)),
        None => String::new(),
    };
    let _ = match s.money_wire {
        MoneyWire::Number => writeln!(
            out,
            "- Money is an exact decimal number{unit}; `10` and `10.00` are both valid."
        ),
        MoneyWire::String => writeln!(
            out,
            "- Money and decimals are exact decimal numbers{unit}, sent as JSON strings (`\"23.50\"`) \
             unless their type says otherwise; a string that is not a decimal, or has more digits \
             than a decimal holds, is a decode error, never rounded; `\"\"` means absent."
        ),
    };
    let _ = match s.datetime_format {
        DateTimeFormat::Vendor => writeln!(
            out,
            "- Datetimes are `YYYY-MM-DD HH:MM:SS`; the time zone is not documented; `\"\"` means absent.\n"
        ),
        DateTimeFormat::Rfc3339 => writeln!(
            out,
            "- Datetimes are RFC 3339 with an offset (`\"2026-11-28T12:00:00+08:00\"`), read into \
             `time::OffsetDateTime` with the offset kept, unless their type says otherwise; `\"\"` \
             means absent.\n"
        ),
        DateTimeFormat::EpochS | DateTimeFormat::EpochMs => writeln!(
            out,
            "- Datetimes are Unix timestamps in {} (JSON integers), read into \
             `time::OffsetDateTime` in UTC, unless their type says otherwise.\n",
            if s.datetime_format == DateTimeFormat::EpochS {
                "seconds"
            } else {
                "milliseconds"
            }
        ),
    };
    statement_list(
        out,
        &format!(
            "Where these conventions come from ({} as a whole):",
            s.source.as_str()
        ),
        &s.provenance,
    );
    let (headers, body): (Vec<&Field>, Vec<&Field>) =
        s.auth.iter().partition(|f| f.header().is_some());
    if !body.is_empty() || headers.is_empty() {
        out.push_str("Auth fields, sent in the body of every request:\n\n");
        field_table(out, &body);
    }
    if !headers.is_empty() {
        if !body.is_empty() {
            out.push('\n');
        }
        out.push_str("Auth fields, sent as HTTP headers of every request:\n\n");
        for f in &headers {
            let _ = writeln!(
                out,
                "- `{}`: header `{}`",
                f.wire_name,
                f.header().unwrap_or_default()
            );
        }
        out.push('\n');
        field_table(out, &headers);
    }
    if let Some(p) = &s.pagination {
        let _ = writeln!(
            out,
            "\nPaginated endpoints take these fields too, and return `{{{}, …, \"{}\": [rows]}}` ({}):\n",
            p.total_field,
            p.list_field,
            p.source.as_str()
        );
        field_table(out, &p.request.iter().collect::<Vec<_>>());
    }
    if let Some(p) = &s.cursor_pagination {
        let _ = writeln!(
            out,
            "\nCursor-paginated endpoints take these fields too (`{}` unset on the first page), and return `{{\"{}\": cursor, …, \"{}\": [rows]}}`; the listing ends when the next cursor is `null`, `\"\"` or absent ({}):\n",
            p.cursor_field,
            p.next_cursor_field,
            p.list_field,
            p.source.as_str()
        );
        field_table(out, &p.request.iter().collect::<Vec<_>>());
    }
    out.push('\n');
}

/// The error code table.
fn error_codes(out: &mut String, api: &Api) {
    out.push_str("## Error codes\n\n| code | name | 中文 | English | what to do | source |\n|---|---|---|---|---|---|\n");
    for e in &api.errors {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} |",
            e.code,
            type_name(&e.name),
            cell(&e.zh),
            cell(&e.en),
            cell(e.action.as_deref().unwrap_or("")),
            e.source.as_str()
        );
    }
    out.push('\n');
}

/// A group's heading and where its titles come from (its endpoints follow).
fn group_heading(out: &mut String, g: &Group) {
    let _ = writeln!(
        out,
        "<a id=\"{}\"></a>\n## {} — {}{}\n",
        anchor("group", &g.spec_key),
        inline(&g.zh),
        inline(&g.en),
        vendor_title(g.vendor_title.as_deref())
    );
    statement_list(out, "Where the titles come from:", &g.provenance);
}

/// One enum: its heading, source, description and table of values.
fn enum_section(out: &mut String, e: &Enum) {
    let _ = writeln!(
        out,
        "<a id=\"{}\"></a>\n### `{}` — {} / {}{}\n",
        anchor("enum", &type_name(&e.name)),
        type_name(&e.name),
        inline(&e.zh),
        inline(&e.en),
        vendor_title(e.vendor_title.as_deref())
    );
    let _ = writeln!(
        out,
        "Source: {}. {}\n",
        sourced(e.source, &e.provenance),
        if e.closed { "Closed." } else { "Open." }
    );
    if let Some(d) = &e.description {
        let _ = writeln!(out, "{}\n", md(d));
    }
    out.push_str("| code | name | 中文 | English |\n|---|---|---|---|\n");
    for v in &e.values {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            code(&v.code.to_string()).replace('|', "\\|"),
            v.spec_name,
            cell(&v.zh),
            cell(&v.en)
        );
    }
    out.push('\n');
}

/// The webhooks section: where the tag and the object are, the acknowledgement, then each kind with its events and examples.
fn webhooks(out: &mut String, w: &Webhooks) {
    let _ = writeln!(out, "## Webhooks\n");
    let _ = writeln!(
        out,
        "The server POSTs JSON to your URL. The event tag is in `{}` ({}); the object is under `{}`, or beside the tag in a flat body ({}).\n",
        w.tag_field,
        w.tag_field_source.as_str(),
        w.data_field,
        w.source.as_str()
    );
    statement_list(
        out,
        "Where the webhook conventions come from:",
        &w.provenance,
    );
    let _ = writeln!(
        out,
        "Acknowledge with HTTP {} and the body `{}` ({}).\n",
        w.ack_status,
        w.ack_body,
        w.ack_source.as_str()
    );
    for k in &w.kinds {
        let _ = writeln!(
            out,
            "### {} — {}{}\n",
            inline(&k.zh),
            inline(&k.en),
            vendor_title(k.vendor_title.as_deref())
        );
        let _ = writeln!(
            out,
            "Payload: {} · source: {}",
            type_link(&Type::Object(ObjectName::Declared(k.payload.clone()))),
            sourced(k.source, &k.provenance)
        );
        if let Some(r) = &k.refetch {
            let _ = writeln!(
                out,
                " · re-fetch with [`{}`](#{})",
                method_name(&r.endpoint),
                anchor("endpoint", &method_name(&r.endpoint))
            );
        }
        webhook_rules(out, k);
        out.push_str("\n| tag | event | 中文 | English | source |\n|---|---|---|---|---|\n");
        for ev in &k.events {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                code(&ev.tag).replace('|', "\\|"),
                type_name(&ev.name),
                cell(&ev.zh),
                cell(&ev.en),
                ev.source.as_str()
            );
        }
        for ex in &k.examples {
            if let Some(body) = &ex.request {
                let _ = writeln!(
                    out,
                    "\nExample — {} ({}):\n\n```json\n{}\n```",
                    inline(&ex.name),
                    sourced(ex.source, &ex.provenance),
                    body.trim_end()
                );
            }
        }
        out.push('\n');
    }
}

/// A kind's delivery key and the values its tags imply, when the spec gives them.
fn webhook_rules(out: &mut String, k: &crate::model::WebhookKind) {
    let fields = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if k.delivery_key.is_empty() {
        out.push_str(" · a delivery is identified by its tag and whole object\n");
    } else {
        let _ = writeln!(
            out,
            " · a delivery is identified by its tag and {}",
            fields(&k.delivery_key)
        );
    }
    let implied: Vec<String> = k
        .events
        .iter()
        .flat_map(|ev| {
            ev.implies
                .iter()
                .map(move |(field, value)| format!("{} → `{field}` = `{value}`", code(&ev.tag)))
        })
        .collect();
    if !implied.is_empty() {
        let _ = writeln!(
            out,
            " · a payload contradicting its tag is refused: {}",
            implied.join("; ")
        );
    }
}

fn endpoint(out: &mut String, req: Option<&Object>, e: &Endpoint) {
    endpoint_heading(out, e);
    endpoint_retry(out, e);
    out.push_str("Request (besides the auth fields):\n\n");
    let req: Vec<&Field> = req.map(|o| o.fields.iter().collect()).unwrap_or_default();
    if req.is_empty() {
        out.push_str("_none_\n\n");
    } else {
        field_table(out, &req);
        out.push('\n');
    }
    let _ = writeln!(out, "Response `data`: {}\n", response_data(e));
    endpoint_examples(out, e);
}

/// An endpoint's anchor, title, path line and description.
fn endpoint_heading(out: &mut String, e: &Endpoint) {
    let _ = writeln!(
        out,
        "<a id=\"{}\"></a>\n### {} — {}\n",
        anchor("endpoint", &method_name(&e.spec_name)),
        inline(&e.zh),
        inline(&e.en)
    );
    // With `fn_name` the group method is named apart from the (spec-wide) operation.
    let method = match &e.fn_name {
        Some(_) => format!(
            " · method `{}().{}()`",
            crate::naming::unraw(&crate::naming::group_accessor(&e.group_key)),
            crate::naming::unraw(&method_name(e.method_source()))
        ),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "`{} {}` · operation `{}`{method} · source: **{}**\n",
        e.method.as_str(),
        e.full_path,
        method_name(&e.spec_name),
        sourced(e.source, &e.provenance)
    );
    if let Some(d) = &e.description {
        let _ = writeln!(out, "{}\n", md(d));
    }
}

/// An endpoint's retry class, with money, idempotency, recovery text and lookup.
fn endpoint_retry(out: &mut String, e: &Endpoint) {
    match e.retry {
        Retry::Safe => out.push_str("Retry: **safe** (read; retried on transient failures).\n\n"),
        Retry::Never => {
            out.push_str("Retry: **never** once the request may have reached the server");
            if e.moves_money {
                out.push_str("; **moves money**");
            }
            if let Some(k) = &e.idempotency_key {
                let _ = write!(out, "; idempotency field `{k}`");
            }
            out.push_str(".\n\n");
            if let Some(r) = &e.recovery {
                let _ = writeln!(out, "{}\n", run_in("Recovery: ", r));
            }
            if let Some(r) = &e.recover {
                let mapped: Vec<String> = r
                    .fields
                    .iter()
                    .map(|(lk, of)| format!("`{lk}` = `{of}`"))
                    .collect();
                let _ = writeln!(
                    out,
                    "Lookup after an unknown outcome: `{}` ({}); the client method `{}` sends the call once and then the lookup.\n",
                    r.lookup,
                    mapped.join(", "),
                    crate::naming::unraw(&crate::naming::recover_method(
                        &crate::naming::method_name(e.method_source())
                    )),
                );
            }
        }
    }
}

/// What an endpoint's response `data` is, in words with a link to its type.
fn response_data(e: &Endpoint) -> String {
    match &e.response {
        Response::Object(t) => type_link(&Type::Object(ObjectName::Declared(t.clone()))),
        Response::Array(t) => format!(
            "array of {}",
            type_link(&Type::Object(ObjectName::Declared(t.clone())))
        ),
        Response::Page(t) => format!(
            "a page of {}{}",
            type_link(&Type::Object(ObjectName::Declared(t.clone()))),
            if e.paginated { " (paginated)" } else { "" }
        ),
        Response::CursorPage(t) => format!(
            "a cursor page of {}{}",
            type_link(&Type::Object(ObjectName::Declared(t.clone()))),
            if e.paginated {
                " (cursor-paginated)"
            } else {
                ""
            }
        ),
        Response::Value(t) => type_link(t),
        Response::Empty => "empty (`null`)".into(),
    }
}

/// An endpoint's examples, request and response as JSON blocks.
fn endpoint_examples(out: &mut String, e: &Endpoint) {
    for ex in &e.examples {
        let _ = writeln!(
            out,
            "Example — {} ({}):\n",
            inline(&ex.name),
            sourced(ex.source, &ex.provenance)
        );
        if let Some(r) = &ex.request {
            let _ = writeln!(out, "```json\n{}\n```\n", r.trim_end());
        }
        if let Some(r) = &ex.response {
            let _ = writeln!(out, "```json\n{}\n```\n", r.trim_end());
        }
    }
}

fn object(out: &mut String, o: &Object) {
    let _ = writeln!(
        out,
        "<a id=\"{}\"></a>\n### `{}` — {} / {}\n",
        anchor("object", &object_type_name(&o.name)),
        object_type_name(&o.name),
        inline(&o.zh),
        inline(&o.en)
    );
    let _ = writeln!(out, "Source: {}.\n", sourced(o.source, &o.provenance));
    if let Some(d) = &o.description {
        let _ = writeln!(out, "{}\n", md(d));
    }
    field_table(out, &o.fields.iter().collect::<Vec<_>>());
    out.push('\n');
}
