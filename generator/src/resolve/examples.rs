//! Example checking: every JSON example of an endpoint or webhook is parsed
//! and checked against its declared types; a problem points at the offending
//! key inside the example's block scalar.

use super::Resolver;
use super::json_position::{json_path_offset, token_end_json};
use super::merge::Merged;
use crate::diag::{Diagnostic, FileId, Span, offset_of_line_col, span_of};
use crate::model::{self, Api, Code, DateTimeFormat, MoneyWire, Type};
use crate::raw::Spanned;

impl Resolver<'_> {
    /// Check every example against its declared types.
    pub(super) fn check_examples(&mut self, m: &Merged<'_>, api: &Api) {
        for e in &m.endpoints {
            let Some(ep) = api.endpoints.iter().find(|x| x.spec_name == e.key.value) else {
                continue;
            };
            for ex in &e.item.examples {
                if let Some(req) = &ex.value.request {
                    self.check_example(e.file, req, api, Target::Request(ep), &ex.value.name);
                }
                if let Some(resp) = &ex.value.response {
                    self.check_example(e.file, resp, api, Target::Response(ep), &ex.value.name);
                }
            }
        }
        if let (Some((file, w)), Some(hooks)) = (m.webhooks, &api.webhooks) {
            for (key, k) in &w.value.kinds {
                let Some(kind) = hooks.kinds.iter().find(|x| x.spec_key == key.value) else {
                    continue;
                };
                for ex in &k.examples {
                    if let Some(body) = &ex.value.request {
                        self.check_example(
                            file,
                            body,
                            api,
                            Target::Webhook(hooks, kind),
                            &ex.value.name,
                        );
                    }
                    if ex.value.response.is_some() {
                        self.report
                            .err(
                                file,
                                &ex.referenced,
                                "a webhook example has a body (`request`) only",
                            )
                            .hint = Some("the acknowledgement is `webhooks.ack`".into());
                    }
                }
            }
        }
    }

    fn check_example(
        &mut self,
        file: FileId,
        text: &Spanned<String>,
        api: &Api,
        target: Target<'_>,
        name: &str,
    ) {
        let value: serde_json::Value = match serde_json::from_str(&text.value) {
            Ok(v) => v,
            Err(e) => {
                let at = offset_of_line_col(&text.value, e.line() as u64, e.column().max(1) as u64);
                let span = self.block_span(file, text, Some(at));
                let message = format!(
                    "example `{name}` is not valid JSON: {}",
                    e.to_string().split(" at line ").next().unwrap_or("")
                );
                self.report.push(
                    Diagnostic::at(span, message)
                        .label("here")
                        .hint("examples are JSON text; check commas, quotes and brackets"),
                );
                return;
            }
        };
        let mut problems = Vec::new();
        let checker = Checker { api };
        match target {
            Target::Request(ep) => {
                if let Some(req) = api.request_object(ep) {
                    // Auth fields carried in headers are not in the body.
                    let extra: Vec<&model::Field> = (api.service.auth.iter())
                        .filter(|f| f.header().is_none())
                        .collect();
                    checker.object_fields(&value, &req.fields, &extra, "$", &mut problems);
                }
            }
            Target::Response(ep) => checker.envelope(&value, ep, &mut problems),
            Target::Webhook(hooks, kind) => checker.webhook(&value, hooks, kind, &mut problems),
        }
        for (path, msg) in problems {
            let at = json_path_offset(&text.value, &path);
            let span = self.block_span(file, text, at);
            let d = Diagnostic::at(
                span,
                format!("example `{name}` does not match its type at `{path}`: {msg}"),
            )
            .label("here")
            .hint("fix the example, or the declared type if the example is the vendor's");
            self.report.push(d);
        }
    }

    /// The place in the spec file of byte `at` of an example's JSON text (a
    /// block scalar keeps the JSON's lines, indented), or the example itself.
    fn block_span(&self, file: FileId, text: &Spanned<String>, at: Option<usize>) -> Span {
        let block = span_of(self.report.sources, file, &text.referenced);
        let Some(at) = at else { return block };
        let src = self.report.sources.text(file);
        let json = &text.value;
        let line_idx = json[..at.min(json.len())].matches('\n').count();
        let col = at - json[..at].rfind('\n').map_or(0, |i| i + 1);
        let first = json.lines().next().unwrap_or("").trim();
        if first.is_empty() {
            return block;
        }
        // The file line holding the JSON's first line, at or after the example's start.
        let mut offset = src[..block.range.start].rfind('\n').map_or(0, |i| i + 1);
        let mut lines = src[offset..].split_inclusive('\n');
        let mut indent = None;
        for l in lines.by_ref() {
            if l.trim() == first || (l.trim_start().starts_with(first) && !l.contains('|')) {
                indent = Some(l.find(first).unwrap_or(0));
                break;
            }
            offset += l.len();
        }
        let Some(indent) = indent else { return block };
        let mut line_start = offset;
        for l in src[offset..].split_inclusive('\n').take(line_idx) {
            line_start += l.len();
        }
        let line_end = src[line_start..]
            .find('\n')
            .map_or(src.len(), |i| line_start + i);
        let start = if line_idx == 0 {
            line_start + indent + col
        } else {
            line_start + indent.min(line_end - line_start) + col
        };
        if start >= line_end {
            return block;
        }
        Span {
            file,
            range: start..token_end_json(src, start, line_end),
        }
    }
}

enum Target<'a> {
    Request(&'a model::Endpoint),
    Response(&'a model::Endpoint),
    Webhook(&'a model::Webhooks, &'a model::WebhookKind),
}

/// (JSON path, message)
type Problem = (String, String);

struct Checker<'a> {
    api: &'a Api,
}

impl Checker<'_> {
    fn envelope(&self, v: &serde_json::Value, ep: &model::Endpoint, out: &mut Vec<Problem>) {
        let env = &self.api.service.envelope;
        let Some(map) = v.as_object() else {
            out.push((
                "$".into(),
                "a response example is the whole envelope object".into(),
            ));
            return;
        };
        if !self.envelope_head(map, out) {
            return; // an error example: data is free-form
        }
        let data = map.get(&env.data).unwrap_or(&serde_json::Value::Null);
        self.response_data(data, ep, &format!("$.{}", env.data), out);
    }

    /// Checks an envelope's code and message; false for an error example (a code other
    /// than success).
    fn envelope_head(
        &self,
        map: &serde_json::Map<String, serde_json::Value>,
        out: &mut Vec<Problem>,
    ) -> bool {
        let env = &self.api.service.envelope;
        match map.get(&env.code).and_then(|v| env.read_code(v)) {
            None => out.push((
                format!("$.{}", env.code),
                match env.success {
                    Code::Int(_) => "missing, or not an integer code",
                    Code::Str(_) => "missing, or not a string code",
                }
                .into(),
            )),
            Some(code) if code != env.success => return false,
            Some(_) => {}
        }
        if !map
            .get(&env.message)
            .is_some_and(serde_json::Value::is_string)
        {
            out.push((
                format!("$.{}", env.message),
                "missing or not a string".into(),
            ));
        }
        true
    }

    /// Checks an envelope's `data` against the endpoint's response.
    fn response_data(
        &self,
        data: &serde_json::Value,
        ep: &model::Endpoint,
        path: &str,
        out: &mut Vec<Problem>,
    ) {
        match &ep.response {
            model::Response::Empty => {
                if !(data.is_null() || data.as_object().is_some_and(|m| m.is_empty())) {
                    out.push((
                        path.to_string(),
                        "this endpoint's data is empty (null or {})".into(),
                    ));
                }
            }
            model::Response::Object(t) => self.value(
                data,
                &Type::Object(model::ObjectName::Declared(t.clone())),
                path,
                out,
            ),
            model::Response::Array(t) => self.value(
                data,
                &Type::Array(Box::new(Type::Object(model::ObjectName::Declared(
                    t.clone(),
                )))),
                path,
                out,
            ),
            model::Response::Page(t) => {
                // Page responses without a page convention were refused by the resolver.
                if let Some(p) = &self.api.service.pagination {
                    self.page(data, t, (&p.list_field, &p.response), path, out);
                }
            }
            model::Response::CursorPage(t) => {
                if let Some(p) = &self.api.service.cursor_pagination {
                    self.page(data, t, (&p.list_field, &p.response), path, out);
                }
            }
            model::Response::Value(t) => self.value(data, t, path, out),
        }
    }

    /// Checks a page (or cursor page) `data`: its list of `t` and the other fields of the
    /// convention, given as (list field, other fields).
    fn page(
        &self,
        data: &serde_json::Value,
        t: &str,
        (list_field, fields): (&str, &[model::Field]),
        path: &str,
        out: &mut Vec<Problem>,
    ) {
        let Some(m) = data.as_object() else {
            out.push((path.to_string(), "expected a page object".into()));
            return;
        };
        let list = m.get(list_field).unwrap_or(&serde_json::Value::Null);
        let lp = format!("{path}.{list_field}");
        self.value(
            list,
            &Type::Array(Box::new(Type::Object(model::ObjectName::Declared(
                t.to_string(),
            )))),
            &lp,
            out,
        );
        let rest: serde_json::Map<String, serde_json::Value> = m
            .iter()
            .filter(|(k, _)| k.as_str() != list_field)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.object_fields(&serde_json::Value::Object(rest), fields, &[], path, out);
    }

    fn webhook(
        &self,
        v: &serde_json::Value,
        hooks: &model::Webhooks,
        kind: &model::WebhookKind,
        out: &mut Vec<Problem>,
    ) {
        let Some(map) = v.as_object() else {
            out.push(("$".into(), "a webhook body is a JSON object".into()));
            return;
        };
        let data = map.get(&hooks.data_field);
        match map
            .get(&hooks.tag_field)
            .and_then(serde_json::Value::as_str)
        {
            Some(tag) if kind.events.iter().any(|e| e.tag == tag) => {
                let event = kind.events.iter().find(|e| e.tag == tag);
                let (object, prefix) = match data {
                    Some(data) => (data, format!("$.{}", hooks.data_field)),
                    None => (v, "$".to_owned()),
                };
                for (field, code) in event.map_or(&[][..], |e| &e.implies) {
                    let expected = match code {
                        model::Code::Int(i) => serde_json::Value::from(*i),
                        model::Code::Str(s) => serde_json::Value::from(s.as_str()),
                    };
                    if object.get(field) != Some(&expected) {
                        out.push((
                            format!("{prefix}.{field}"),
                            format!("the tag `{tag}` implies `{field}` = {code}"),
                        ));
                    }
                }
            }
            Some(tag) => out.push((
                format!("$.{}", hooks.tag_field),
                format!("`{tag}` is not a tag of this kind"),
            )),
            None => out.push((format!("$.{}", hooks.tag_field), "missing event tag".into())),
        }
        let ty = Type::Object(model::ObjectName::Declared(kind.payload.clone()));
        match data {
            Some(data) => self.value(data, &ty, &format!("$.{}", hooks.data_field), out),
            None => {
                let flat: serde_json::Map<String, serde_json::Value> = map
                    .iter()
                    .filter(|(k, _)| **k != hooks.tag_field)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if let Some(o) = self.api.declared_object(&kind.payload) {
                    self.object_fields(&serde_json::Value::Object(flat), &o.fields, &[], "$", out);
                }
            }
        }
    }

    fn object_fields(
        &self,
        v: &serde_json::Value,
        fields: &[model::Field],
        also_allowed: &[&model::Field],
        path: &str,
        out: &mut Vec<Problem>,
    ) {
        let Some(map) = v.as_object() else {
            out.push((
                path.into(),
                format!("expected an object, found {}", kind_of(v)),
            ));
            return;
        };
        for f in fields {
            match map.get(&f.wire_name) {
                None if f.required => out.push((
                    path.into(),
                    format!("required field `{}` is missing", f.wire_name),
                )),
                None => {}
                Some(x) => self.field(x, f, &format!("{path}.{}", f.wire_name), out),
            }
        }
        for (k, x) in map {
            if fields.iter().any(|f| &f.wire_name == k) {
                continue;
            }
            match also_allowed.iter().find(|f| &f.wire_name == k) {
                Some(f) => self.field(x, f, &format!("{path}.{k}"), out),
                None => out.push((format!("{path}.{k}"), "this field is not declared".into())),
            }
        }
    }

    fn field(&self, v: &serde_json::Value, f: &model::Field, path: &str, out: &mut Vec<Problem>) {
        let empty = v.is_null() || v.as_str() == Some("");
        let may_be_empty = f.nullable || !f.required;
        // The client reads `""` as none for dates, datetimes and money sent as strings.
        let empty_reads_as_none = matches!(
            f.ty,
            Type::DateTime(_)
                | Type::Date
                | Type::Money(MoneyWire::String)
                | Type::Decimal(MoneyWire::String)
        );
        let empty_ok = empty_reads_as_none && (may_be_empty || v.is_null());
        if empty && (empty_ok || (v.is_null() && may_be_empty)) {
            return;
        }
        self.value(v, &f.ty, path, out);
    }

    /// Checks a JSON value against a type, pushing each mismatch with its path.
    fn value(&self, v: &serde_json::Value, ty: &Type, path: &str, out: &mut Vec<Problem>) {
        let mut bad = |want: &str| {
            out.push((
                path.into(),
                format!("expected {want}, found {}", kind_of(v)),
            ));
        };
        match ty {
            Type::Long => {
                if !v.is_i64() {
                    bad("an integer (long)")
                }
            }
            Type::Int => {
                if v.as_i64().is_none_or(|i| i32::try_from(i).is_err()) {
                    bad("a 32-bit integer (int)")
                }
            }
            Type::String => {
                if !v.is_string() {
                    bad("a string")
                }
            }
            Type::Bool => {
                if !v.is_boolean() {
                    bad("a boolean")
                }
            }
            Type::Money(MoneyWire::Number) | Type::Decimal(MoneyWire::Number) => {
                decimal_value(v, path, out)
            }
            Type::Money(MoneyWire::String) | Type::Decimal(MoneyWire::String) => {
                decimal_text_value(v, path, out)
            }
            Type::DateTime(DateTimeFormat::Rfc3339) => match v.as_str() {
                Some(s) if is_rfc3339(s) && rfc3339_written(s).as_deref() != Some(s) => {
                    out.push((
                        path.into(),
                        format!(
                            "the client writes {} back as {}; write the example that way so \
                             it round-trips",
                            quoted(s),
                            quoted(&rfc3339_written(s).unwrap_or_default())
                        ),
                    ))
                }
                Some(s) if !is_rfc3339(s) => out.push((
                    path.into(),
                    format!(
                        "expected an RFC 3339 datetime with an offset (\"2026-11-28T12:00:00+08:00\"), found {}",
                        quoted(s)
                    ),
                )),
                Some(_) => {}
                None => bad("an RFC 3339 datetime string"),
            },
            Type::DateTime(format @ (DateTimeFormat::EpochS | DateTimeFormat::EpochMs)) => {
                let unit = if *format == DateTimeFormat::EpochS {
                    "seconds"
                } else {
                    "milliseconds"
                };
                match v.as_i64() {
                    Some(n) if !is_epoch(n, *format) => out.push((
                        path.into(),
                        format!("{n} {unit} since the Unix epoch is out of the range of a datetime"),
                    )),
                    Some(_) => {}
                    None => bad(&format!("a Unix timestamp in {unit} (an integer)")),
                }
            }
            Type::DateTime(DateTimeFormat::Vendor) => match v.as_str() {
                Some(s) if !is_datetime(s) => out.push((
                    path.into(),
                    format!(
                        "expected a datetime \"YYYY-MM-DD HH:MM:SS\" that exists on the \
                         calendar, found {}",
                        quoted(s)
                    ),
                )),
                Some(_) => {}
                None => bad("a datetime \"YYYY-MM-DD HH:MM:SS\""),
            },
            Type::Date => match v.as_str() {
                Some(s) if !is_date(s) => out.push((
                    path.into(),
                    format!(
                        "expected a date \"YYYY-MM-DD\" that exists on the calendar, found {}",
                        quoted(s)
                    ),
                )),
                Some(_) => {}
                None => bad("a date \"YYYY-MM-DD\""),
            },
            Type::Enum(name) => self.enum_value(v, name, path, out),
            Type::Object(name) => {
                if let Some(o) = self.api.object(name) {
                    self.object_fields(v, &o.fields, &[], path, out);
                }
            }
            Type::Array(inner) => match v.as_array() {
                Some(items) => {
                    for (i, x) in items.iter().enumerate() {
                        self.value(x, inner, &format!("{path}[{i}]"), out);
                    }
                }
                None => bad("an array"),
            },
            Type::Map(inner) => match v.as_object() {
                Some(entries) => {
                    for (key, x) in entries {
                        self.value(x, inner, &format!("{path}.{key}"), out);
                    }
                }
                None => bad("an object (a map)"),
            },
        }
    }

    /// Checks an enum value: a code of the enum's representation and, for a closed enum, one
    /// of its codes.
    fn enum_value(&self, v: &serde_json::Value, name: &str, path: &str, out: &mut Vec<Problem>) {
        use serde_json::Value as J;
        let Some(e) = self.api.enum_(name) else {
            return;
        };
        let code = match (e.repr, v) {
            (model::EnumRepr::Int, J::Number(n)) => n.as_i64().map(Code::Int),
            (model::EnumRepr::String, J::String(s)) => Some(Code::Str(s.clone())),
            _ => None,
        };
        match code {
            None => out.push(expected(
                v,
                path,
                if e.repr == model::EnumRepr::Int {
                    "an integer code"
                } else {
                    "a string code"
                },
            )),
            Some(c) if e.closed && !e.values.iter().any(|x| x.code == c) => out.push((
                path.into(),
                format!(
                    "{c} is not a code of the closed enum `{}`",
                    crate::naming::type_name(name)
                ),
            )),
            Some(_) => {}
        }
    }
}

/// The problem of a value that is not what its type wants.
fn expected(v: &serde_json::Value, path: &str, want: &str) -> Problem {
    (
        path.into(),
        format!("expected {want}, found {}", kind_of(v)),
    )
}

/// Checks a money or decimal value: a number the client holds exactly.
fn decimal_value(v: &serde_json::Value, path: &str, out: &mut Vec<Problem>) {
    use serde_json::Value as J;
    match v {
        J::Number(n) if !is_exact_decimal(&n.to_string()) => out.push((
            path.into(),
            format!(
                "expected a decimal number the client can hold exactly (at most 28 \
                 significant digits), found {n}"
            ),
        )),
        J::Number(_) => {}
        _ => out.push(expected(v, path, "a decimal number")),
    }
}

/// Checks money or a decimal sent as a JSON string: plain decimal text the client holds
/// exactly.
fn decimal_text_value(v: &serde_json::Value, path: &str, out: &mut Vec<Problem>) {
    match v.as_str() {
        Some(s) if !is_decimal_text(s) => out.push((
            path.into(),
            format!(
                "expected decimal text such as \"23.50\", found {}",
                quoted(s)
            ),
        )),
        Some(s) if rust_decimal::Decimal::from_str_exact(s).is_ok_and(|d| d.to_string() != s) => {
            out.push((
                path.into(),
                format!(
                    "the client writes {} back as {}; write the example that way so it \
                     round-trips",
                    quoted(s),
                    quoted(
                        &rust_decimal::Decimal::from_str_exact(s)
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    )
                ),
            ))
        }
        Some(s) if !is_exact_decimal(s) => out.push((
            path.into(),
            format!(
                "expected a decimal the client can hold exactly (at most 28 significant \
                 digits), found {}",
                quoted(s)
            ),
        )),
        Some(_) => {}
        None => out.push(expected(
            v,
            path,
            "a decimal number as a string (\"23.50\")",
        )),
    }
}

/// Plain decimal text: an optional `-`, digits, and optionally `.` and more digits.
fn is_decimal_text(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// RFC 3339 text with an offset, read as the runtime reads it (`apigen_runtime::serde::rfc3339`).
fn is_rfc3339(s: &str) -> bool {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
}

/// RFC 3339 text as the client writes the instant `s` names back (`+00:00` becomes `Z`).
fn rfc3339_written(s: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(s, &Rfc3339)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// A Unix timestamp (seconds or milliseconds) that a datetime can hold.
fn is_epoch(n: i64, format: DateTimeFormat) -> bool {
    let nanos_per_unit: i128 = if format == DateTimeFormat::EpochS {
        1_000_000_000
    } else {
        1_000_000
    };
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(n) * nanos_per_unit).is_ok()
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        serde_json::Value::Number(_) => "a decimal number",
        serde_json::Value::String(s) if s.is_empty() => "an empty string",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A number text `rust_decimal` reads exactly, as the generated client does (plain or with an
/// exponent, at most 28 significant digits).
fn is_exact_decimal(text: &str) -> bool {
    rust_decimal::Decimal::from_str_exact(text).is_ok()
        || (text.contains(['e', 'E']) && rust_decimal::Decimal::from_scientific(text).is_ok())
}

/// `s` quoted for a message, cut to 40 characters.
fn quoted(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

/// `"YYYY-MM-DD HH:MM:SS"` naming a real calendar instant, read exactly as the runtime reads
/// it (`apigen_runtime::serde::datetime`), so an example that passes here decodes there.
fn is_datetime(s: &str) -> bool {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, FORMAT).is_ok()
}

/// `"YYYY-MM-DD"` naming a real calendar day, read as the runtime reads it.
fn is_date(s: &str) -> bool {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, FORMAT).is_ok()
}

#[cfg(test)]
mod tests {
    use super::{is_date, is_datetime};

    #[test]
    fn datetimes_are_real_calendar_instants() {
        assert!(is_datetime("2024-02-29 23:59:59"));
        assert!(is_datetime("2023-10-30 05:35:14"));
        for bad in [
            "2024-02-30 25:61:00",
            "2023-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00",
            "2024-01-01 00:00:00 ",
            "",
            "２０２４-01-01 00:00", // multi-byte, 19 bytes long: no slicing panic
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn money_must_fit_a_decimal_exactly() {
        for ok in [
            "10",
            "10.00",
            "12.345678901234567890",
            "0E-2",
            "1.5e3",
            "-0.10",
        ] {
            assert!(super::is_exact_decimal(ok), "{ok}");
        }
        for bad in [
            "1e40",
            "123456789012345678901234567890",
            "0.00000000000000000000000000001",
        ] {
            assert!(!super::is_exact_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn string_money_is_plain_decimal_text() {
        for ok in ["23.50", "-0.10", "0", "1234567890.12"] {
            assert!(super::is_decimal_text(ok), "{ok}");
        }
        for bad in [
            "", "-", "1.", ".5", "1e3", "+1", " 1", "1,00", "1_000", "１",
        ] {
            assert!(!super::is_decimal_text(bad), "{bad}");
        }
    }

    #[test]
    fn rfc3339_needs_an_offset_and_epochs_a_datetime_range() {
        use crate::model::DateTimeFormat;
        assert!(super::is_rfc3339("2026-11-28T12:00:00+08:00"));
        assert!(super::is_rfc3339("2026-11-28T04:00:00.5Z"));
        for bad in [
            "2026-11-28 12:00:00",
            "2026-11-28T12:00:00",
            "2026-02-30T00:00:00Z",
        ] {
            assert!(!super::is_rfc3339(bad), "{bad}");
        }
        for same in ["2026-11-28T12:00:00+08:00", "2026-11-28T04:00:00.125Z"] {
            assert_eq!(super::rfc3339_written(same).as_deref(), Some(same));
        }
        assert_eq!(
            super::rfc3339_written("2026-11-28T04:00:00+00:00").as_deref(),
            Some("2026-11-28T04:00:00Z")
        );
        assert!(super::is_epoch(1_795_838_400, DateTimeFormat::EpochS));
        assert!(!super::is_epoch(i64::MAX, DateTimeFormat::EpochMs));
        assert!(!super::is_epoch(i64::MAX, DateTimeFormat::EpochS));
        assert!(super::is_epoch(-1, DateTimeFormat::EpochMs));
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(is_date("2024-02-29"));
        for bad in [
            "2023-02-29",
            "2024-04-31",
            "2024-1-01",
            "20240101",
            "é024-01-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
