//! `cargo xtask drift [--spec PATH] [--apply] FILE...`: reads drift capture files (JSON Lines
//! written by a client built with `ClientBuilder::drift_capture`) and prints the spec edits
//! they suggest, each at `file:line`; `--apply` writes them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apigen::locate::{SpecLocations, spec_locations};
use apigen::model::{Api, ObjectName, Response, Type};
use serde_json::Value;

pub(crate) const USAGE: &str = "usage: cargo xtask drift [--spec PATH] [--apply] FILE...

  FILE...       drift capture files (JSON Lines, from `ClientBuilder::drift_capture`)
  --spec PATH   the spec folder the client was generated from (default: spec/)
  --apply       write the edits into the spec (marked `source: observed`); then run
                `cargo xtask gen` and review the result as usual";

/// One drift record of a capture line: endpoint, normalised path, kind, redacted sample.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    endpoint: String,
    path: String,
    kind: String,
    sample: Option<String>,
}

/// A proposed edit: insert `lines` after line `after` (1-based) of `file`, or, with
/// `replace`, replace that line by them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    file: String,
    line: usize,
    replace: bool,
    lines: Vec<String>,
    why: String,
}

/// What the captures suggest: edits with a place, and advice where no edit can be made.
#[derive(Debug, Default, PartialEq, Eq)]
struct Proposals {
    edits: Vec<Edit>,
    advice: Vec<String>,
}

impl fmt::Display for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = if self.replace {
            "replace with"
        } else {
            "insert after it"
        };
        writeln!(f, "{}:{}: {} ({how}):", self.file, self.line, self.why)?;
        for line in &self.lines {
            writeln!(f, "    {line}")?;
        }
        Ok(())
    }
}

pub(crate) fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut spec = root.join("spec");
    let mut apply = false;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--spec" => match it.next() {
                Some(path) => spec = PathBuf::from(path),
                None => return usage("--spec needs a path"),
            },
            "--apply" => apply = true,
            other if other.starts_with("--") => {
                return usage(&format!("unknown argument `{other}`"));
            }
            file => files.push(PathBuf::from(file)),
        }
    }
    if files.is_empty() {
        return usage("no capture file given");
    }
    let mut seen = BTreeSet::new();
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                if let Err(e) = read_capture(&text, &mut seen) {
                    eprintln!("error: {}: {e}", file.display());
                    return ExitCode::FAILURE;
                }
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let (api, places) = match (apigen::load_api(&spec), spec_locations(&spec)) {
        (Ok(api), Ok(places)) => (api, places),
        (Err(report), _) | (_, Err(report)) => {
            eprint!("{report}");
            return ExitCode::FAILURE;
        }
    };
    let base = spec.parent().unwrap_or(Path::new("."));
    let texts = match SpecTexts::read(base, &places) {
        Ok(texts) => texts,
        Err(e) => {
            eprintln!("error: reading the spec: {e}");
            return ExitCode::FAILURE;
        }
    };
    let proposals = propose(&api, &places, &texts, &seen);
    for edit in &proposals.edits {
        print!("{edit}");
    }
    for advice in &proposals.advice {
        println!("note: {advice}");
    }
    if proposals.edits.is_empty() && proposals.advice.is_empty() {
        println!("no drift in {} capture file(s)", files.len());
    }
    if apply && !proposals.edits.is_empty() {
        if let Err(e) = apply_edits(base, &proposals.edits) {
            eprintln!("error: writing the spec: {e}");
            return ExitCode::FAILURE;
        }
        println!(
            "applied {} edit(s); now run `cargo xtask gen` and review the result",
            proposals.edits.len()
        );
    }
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\n\n{USAGE}");
    ExitCode::from(2)
}

/// Collects the distinct drift records of one capture file.
///
/// The line of an unknown webhook tag carries the shape of its payload: its field names are
/// kept in `seen` as `Seen { kind: "payload_field", path: <tag>, sample: <field> }`, so that
/// the tag can be matched to the kind whose payload has those fields.
fn read_capture(text: &str, seen: &mut BTreeSet<Seen>) -> Result<(), String> {
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let endpoint = value["endpoint"].as_str().unwrap_or_default();
        for drift in value["drift"].as_array().into_iter().flatten() {
            let kind = drift["kind"].as_str().unwrap_or_default();
            let sample = drift["sample"].as_str().map(str::to_owned);
            if let ("unknown_field", Some("object" | "array")) = (kind, sample.as_deref()) {
                let path = drift["path"].as_str().unwrap_or_default();
                if let Some(value) = shape_at(&value["shape"], path) {
                    seen.insert(Seen {
                        endpoint: endpoint.to_owned(),
                        path: path.to_owned(),
                        kind: VALUE_SHAPE.to_owned(),
                        sample: Some(value.to_string()),
                    });
                }
            }
            if let ("unknown_webhook_tag", Some(tag), Some(fields)) =
                (kind, &sample, value["shape"].as_object())
            {
                for field in fields.keys() {
                    seen.insert(Seen {
                        endpoint: endpoint.to_owned(),
                        path: tag.clone(),
                        kind: PAYLOAD_FIELD.to_owned(),
                        sample: Some(field.clone()),
                    });
                }
            }
            seen.insert(Seen {
                endpoint: endpoint.to_owned(),
                path: drift["path"].as_str().unwrap_or_default().to_owned(),
                kind: kind.to_owned(),
                sample,
            });
        }
    }
    Ok(())
}

/// The pseudo-kind of [`Seen`] records holding a field name of an unknown tag's payload.
const PAYLOAD_FIELD: &str = "payload_field";
/// The pseudo-kind of [`Seen`] records holding the captured shape (JSON text) of an unknown
/// field whose value is an object or an array.
const VALUE_SHAPE: &str = "value_shape";

/// The part of a captured `shape` of `data` at the drift path `path` (`data.list[].extra`).
fn shape_at<'a>(shape: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = shape;
    for segment in split(path.strip_prefix("data")?) {
        at = match segment {
            "[]" => at.as_array()?.first()?,
            "*" => at.as_object()?.values().next()?,
            name => at.get(name)?,
        };
    }
    Some(at)
}

/// Where a drift path leads in the spec: the declared object holding the last segment (if
/// any), the field's name, and the field's type when it is declared.
struct Target {
    object: Option<String>,
    field: String,
    /// The declared field: its type, whether required, whether nullable.
    declared: Option<(Type, bool, bool)>,
}

/// Follows `path` (`data.list[].status`) from the response of `endpoint`.
///
/// `webhooks.<kind>` (the drift of a webhook payload) starts from the kind's payload object.
fn target(api: &Api, endpoint: &str, path: &str) -> Option<Target> {
    let rest = path.strip_prefix("data")?;
    let response = match endpoint.strip_prefix("webhooks.") {
        Some(kind) => {
            let kind = api
                .webhooks
                .as_ref()?
                .kinds
                .iter()
                .find(|k| k.spec_key == kind)?;
            Response::Object(kind.payload.clone())
        }
        None => api
            .endpoints
            .iter()
            .find(|e| e.spec_name == endpoint)?
            .response
            .clone(),
    };
    // The page wrapper of either convention: its list field, other fields and row type.
    let page = match &response {
        Response::Page(k) => api
            .service
            .pagination
            .as_ref()
            .map(|p| (p.list_field.as_str(), p.response.as_slice(), k)),
        Response::CursorPage(k) => api
            .service
            .cursor_pagination
            .as_ref()
            .map(|p| (p.list_field.as_str(), p.response.as_slice(), k)),
        _ => None,
    };
    // The type at the current point; `None` with `in_page` for the page wrapper itself.
    let mut ty = match &response {
        Response::Object(k) => Some(Type::Object(ObjectName::Declared(k.clone()))),
        Response::Array(k) => Some(Type::Array(Box::new(Type::Object(ObjectName::Declared(
            k.clone(),
        ))))),
        Response::Page(_) | Response::CursorPage(_) => None,
        Response::Value(t) => Some(t.clone()),
        Response::Empty => return None,
    };
    let mut segments = split(rest).into_iter().peekable();
    let mut last = None;
    while let Some(segment) = segments.next() {
        let is_last = segments.peek().is_none();
        match segment {
            "[]" | "*" => match ty {
                Some(Type::Array(inner) | Type::Map(inner)) => ty = Some(*inner),
                _ => return None,
            },
            name => {
                let (object, fields) = match &ty {
                    None => {
                        let (list, response, k) = page?;
                        if name == list {
                            ty = Some(Type::Array(Box::new(Type::Object(ObjectName::Declared(
                                k.clone(),
                            )))));
                            continue;
                        }
                        (None, response)
                    }
                    Some(Type::Object(o)) => {
                        let declared = match o {
                            ObjectName::Declared(k) => Some(k.clone()),
                            _ => None,
                        };
                        (declared, api.object(o)?.fields.as_slice())
                    }
                    Some(_) => return None,
                };
                let field = fields.iter().find(|f| f.wire_name == name);
                if is_last {
                    last = Some(Target {
                        object,
                        field: name.to_owned(),
                        declared: field.map(|f| (f.ty.clone(), f.required, f.nullable)),
                    });
                } else {
                    ty = Some(field?.ty.clone());
                }
            }
        }
    }
    last
}

/// `.list[].status` → `["list", "[]", "status"]`; `.*` → `"*"`.
fn split(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut part = part;
        let mut rows = 0;
        while let Some(stripped) = part.strip_suffix("[]") {
            part = stripped;
            rows += 1;
        }
        if !part.is_empty() {
            out.push(part);
        }
        out.extend(std::iter::repeat_n("[]", rows));
    }
    // A leading `[]` (an array response) is written `data[]`, which splits as above.
    out
}

/// Where a drift was seen, for the text of a proposed field: "`get_card` responses" or
/// "`card` webhook payloads".
fn seen_in(endpoint: &str) -> String {
    match endpoint.strip_prefix("webhooks.") {
        Some(kind) => format!("`{kind}` webhook payloads"),
        None => format!("`{endpoint}` responses"),
    }
}

/// An undeclared field whose value is an object or an array, proposed from its captured
/// shape: an array of scalars as `[type]`; an object (or an array of objects) as a new object
/// `<Parent><Field>` declared just before its parent, with one optional field per scalar
/// member (a member holding an object or a list is left out, with advice), and the field
/// referring to it.
fn propose_structured_field(
    api: &Api,
    texts: &SpecTexts,
    seen: &BTreeSet<Seen>,
    s: &Seen,
    object: Option<(&String, &apigen::locate::ObjectLocation)>,
    field: &str,
    out: &mut Proposals,
) {
    let captured = seen
        .iter()
        .find(|v| v.kind == VALUE_SHAPE && v.endpoint == s.endpoint && v.path == s.path)
        .and_then(|v| serde_json::from_str::<Value>(v.sample.as_deref()?).ok());
    let advice = |out: &mut Proposals, why: &str| {
        out.advice.push(format!(
            "`{}` returns an undeclared field at {} ({}): {why}; declare it by hand",
            s.endpoint,
            s.path,
            s.sample.as_deref().unwrap_or("?")
        ));
    };
    let (Some((parent, place)), Some(captured)) = (object, captured) else {
        return advice(out, "its shape was not captured");
    };
    // The object whose members become the new object's fields, and how the field wraps it.
    let (members, array) = match &captured {
        Value::Array(items) => match items.first() {
            Some(Value::String(json)) => {
                let Some(ty) = inferred_type(json) else {
                    return advice(out, "a list of values of no simple type");
                };
                let edit = field_edit(texts, place, parent, field, &format!("\"[{ty}]\""), s);
                out.edits.push(edit);
                return;
            }
            Some(Value::Object(members)) => (members, true),
            _ => return advice(out, "an empty list, or a list of lists"),
        },
        Value::Object(members) => (members, false),
        _ => return advice(out, "its shape was not captured"),
    };
    let mut lines = Vec::new();
    let mut name = format!(
        "{}{}",
        apigen::naming::type_name(parent),
        apigen::naming::type_name(field)
    );
    while api.declared_object(&name).is_some() {
        name.push_str("Observed");
    }
    let key_line = texts.line(&place.file, place.line).unwrap_or("");
    let indent = " ".repeat(indentation(key_line));
    let Some(&(_, _, field_column)) = place.fields.first() else {
        return;
    };
    let field_indent = " ".repeat(field_column.saturating_sub(1));
    lines.push(format!("{indent}{name}:"));
    let inner = format!("{indent}  ");
    lines.push(format!("{inner}zh: {name}"));
    lines.push(format!(
        "{inner}en: \"observed as `{field}` in {}\"",
        seen_in(&s.endpoint)
    ));
    lines.push(format!("{inner}source: observed"));
    lines.push(format!("{inner}fields:"));
    let mut declared = 0;
    for (key, json) in members {
        if key == "?" {
            continue;
        }
        let Some(ty) = json.as_str().and_then(inferred_type) else {
            out.advice.push(format!(
                "`{name}.{key}` (seen at {}.{key}) holds an object or a list: left out; declare it by hand",
                s.path
            ));
            continue;
        };
        declared += 1;
        lines.push(format!(
            "{field_indent}{key}: {{ type: {ty}, required: false, zh: {key}, source: observed }}"
        ));
    }
    if declared == 0 {
        return advice(out, "an object with no member of a simple type");
    }
    out.edits.push(Edit {
        file: place.file.clone(),
        line: place.line.saturating_sub(1),
        replace: false,
        lines,
        why: format!("declare the object `{name}` (seen at {})", s.path),
    });
    let ty = if array { format!("\"[{name}]\"") } else { name };
    let edit = field_edit(texts, place, parent, field, &ty, s);
    out.edits.push(edit);
}

/// The edit adding the optional field `field` of type `ty` at the end of `parent`'s fields.
fn field_edit(
    texts: &SpecTexts,
    place: &apigen::locate::ObjectLocation,
    parent: &str,
    field: &str,
    ty: &str,
    s: &Seen,
) -> Edit {
    let (line, column) = place.fields.last().map_or((place.line, 1), |f| (f.1, f.2));
    let indent = " ".repeat(column.saturating_sub(1));
    Edit {
        file: place.file.clone(),
        line: texts.end_of_block(&place.file, line, column),
        replace: false,
        lines: vec![format!(
            "{indent}{field}: {{ type: {ty}, required: false, zh: {field}, en: \"observed in {}\", source: observed }}",
            seen_in(&s.endpoint)
        )],
        why: format!(
            "add the field `{field}` to `{parent}` ({ty}, seen at {})",
            s.path
        ),
    }
}

/// An unknown business error code: a new entry at the end of `errors:`.
fn propose_error_code(
    api: &Api,
    places: &SpecLocations,
    texts: &SpecTexts,
    s: &Seen,
    out: &mut Proposals,
) {
    let Some(code) = s.sample.as_deref() else {
        return;
    };
    if api
        .errors
        .iter()
        .any(|e| e.code.to_string().trim_matches('"') == code)
    {
        return;
    }
    if code.contains('…') {
        out.advice.push(format!(
            "`{}` answered with a business code that looks like a card number: not proposed",
            s.endpoint
        ));
        return;
    }
    let Some((list, &(line, _))) = places
        .errors
        .as_ref()
        .and_then(|list| Some((list, list.items.last()?)))
    else {
        out.advice.push(format!(
            "`{}` answered with the business code {code}, and the spec lists no `errors:` to add it to",
            s.endpoint
        ));
        return;
    };
    let Some((code_yaml, name)) = code_entry(code, list.int_codes) else {
        return;
    };
    let indent = " ".repeat(indentation(texts.line(&list.file, line).unwrap_or("")));
    out.edits.push(Edit {
        file: list.file.clone(),
        line: texts.end_of_item(&list.file, line),
        replace: false,
        lines: vec![format!(
            "{indent}- {{ code: {code_yaml}, name: {name}, zh: \"{code}\", en: observed error code {code}, action: Not known yet; ask the vendor what it means., source: observed }}"
        )],
        why: format!(
            "add the business error code {code_yaml} (answered by `{}`)",
            s.endpoint
        ),
    });
}

/// An unknown webhook tag: a new event of the kind whose tags share the longest dotted prefix
/// with it or, failing that, whose payload has most of the fields the tag's payload had.
fn propose_event(
    api: &Api,
    places: &SpecLocations,
    texts: &SpecTexts,
    seen: &BTreeSet<Seen>,
    s: &Seen,
    out: &mut Proposals,
) {
    let Some(tag) = s.sample.as_deref() else {
        return;
    };
    let known = api.webhooks.iter().flat_map(|w| &w.kinds);
    if known.clone().flat_map(|k| &k.events).any(|e| e.tag == tag) {
        return;
    }
    if tag.contains('…') || tag.contains('\\') {
        out.advice.push(
            "a webhook came with a tag that is masked or escaped in the capture: not proposed"
                .to_owned(),
        );
        return;
    }
    let fields: BTreeSet<&str> = seen
        .iter()
        .filter(|f| f.kind == PAYLOAD_FIELD && f.path == tag)
        .filter_map(|f| f.sample.as_deref())
        .collect();
    let kind = best_kind(api, places, tag, &fields);
    let Some((key, place)) = kind.and_then(|k| Some((k, places.webhook_kinds.get(k)?))) else {
        out.advice.push(format!(
            "a webhook came with the unknown tag `{tag}`, and no kind's tags or payload match it: add it by hand"
        ));
        return;
    };
    let Some(&(_, line, _)) = place.events.last() else {
        return;
    };
    let mut name = apigen::naming::type_name(&tag.replace(['.', '-', ':', '/'], "_"));
    while place.names.contains(&name) {
        name.push_str("Observed");
    }
    let indent = " ".repeat(indentation(texts.line(&place.file, line).unwrap_or("")));
    out.edits.push(Edit {
        file: place.file.clone(),
        line: texts.end_of_item(&place.file, line),
        replace: false,
        lines: vec![format!(
            "{indent}- {{ tag: {tag:?}, name: {name}, zh: {tag:?}, en: observed event {tag:?}, source: observed }}"
        )],
        why: format!("add the event `{tag}` to the webhook kind `{key}`"),
    });
}

/// The webhook kind an unknown `tag` most likely belongs to: the one with the longest dotted
/// prefix in common with one of its tags (at least one segment, and no tie), else the one whose
/// payload object declares most of `fields` (at least half, and no tie).
fn best_kind<'a>(
    api: &Api,
    places: &'a SpecLocations,
    tag: &str,
    fields: &BTreeSet<&str>,
) -> Option<&'a str> {
    let common = |other: &str| {
        tag.split('.')
            .zip(other.split('.'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    let by_prefix: Vec<(usize, &str)> = places
        .webhook_kinds
        .iter()
        .map(|(key, place)| {
            let best = place.events.iter().map(|(t, _, _)| common(t)).max();
            (best.unwrap_or(0), key.as_str())
        })
        .collect();
    if let Some(choice) = unique_best(&by_prefix) {
        return Some(choice);
    }
    let by_fields: Vec<(usize, &str)> = places
        .webhook_kinds
        .iter()
        .map(|(key, place)| {
            let declared = api.declared_object(&place.payload).map(|o| &o.fields);
            let matching = declared
                .into_iter()
                .flatten()
                .filter(|f| fields.contains(f.wire_name.as_str()))
                .count();
            (matching, key.as_str())
        })
        .collect();
    unique_best(&by_fields).filter(|_| {
        let best = by_fields.iter().map(|(n, _)| *n).max().unwrap_or(0);
        best * 2 >= fields.len()
    })
}

/// The key with the highest positive score, if no other key has it too.
fn unique_best<'a>(scores: &[(usize, &'a str)]) -> Option<&'a str> {
    let best = scores.iter().map(|(n, _)| *n).max().filter(|n| *n > 0)?;
    let mut at_best = scores.iter().filter(|(n, _)| *n == best);
    let first = at_best.next()?;
    at_best.next().is_none().then_some(first.1)
}

/// The spec type to propose for an undeclared field seen with JSON type `json`.
fn inferred_type(json: &str) -> Option<&'static str> {
    match json {
        "integer" => Some("long"),
        "number" => Some("decimal"),
        "string" => Some("string"),
        "bool" => Some("bool"),
        _ => None,
    }
}

fn propose(
    api: &Api,
    places: &SpecLocations,
    texts: &SpecTexts,
    seen: &BTreeSet<Seen>,
) -> Proposals {
    let mut out = Proposals::default();
    for s in seen {
        match s.kind.as_str() {
            PAYLOAD_FIELD | VALUE_SHAPE => continue,
            "unknown_error_code" => {
                propose_error_code(api, places, texts, s, &mut out);
                continue;
            }
            "unknown_webhook_tag" => {
                propose_event(api, places, texts, seen, s, &mut out);
                continue;
            }
            _ => {}
        }
        let Some(t) = target(api, &s.endpoint, &s.path) else {
            out.advice.push(format!(
                "{} at {} ({}): not a place of the spec's response of `{}`",
                s.kind,
                s.path,
                s.sample.as_deref().unwrap_or("-"),
                s.endpoint
            ));
            continue;
        };
        let object = t
            .object
            .as_ref()
            .and_then(|o| places.objects.get(o).map(|p| (o, p)));
        // Captures are history: skip what the spec already says (e.g. after `--apply`).
        let already = match (s.kind.as_str(), &t.declared) {
            ("unknown_field", declared) => declared.is_some(),
            ("empty_value", Some((_, _, nullable))) => *nullable,
            ("missing_field", Some((_, required, _))) => !required,
            ("unknown_enum_code", Some((ty, _, _))) => match innermost(ty) {
                Type::Enum(key) => api.enum_(key).is_some_and(|e| {
                    e.values
                        .iter()
                        .any(|v| Some(v.code.to_string().trim_matches('"')) == s.sample.as_deref())
                }),
                _ => false,
            },
            _ => false,
        };
        if already {
            continue;
        }
        match s.kind.as_str() {
            "unknown_field" if matches!(s.sample.as_deref(), Some("object" | "array")) => {
                propose_structured_field(api, texts, seen, s, object, &t.field, &mut out);
            }
            "unknown_field" => {
                let (Some((name, place)), Some(ty)) =
                    (object, s.sample.as_deref().and_then(inferred_type))
                else {
                    out.advice.push(format!(
                        "`{}` returns an undeclared field at {} ({}): declare it by hand",
                        s.endpoint,
                        s.path,
                        s.sample.as_deref().unwrap_or("?")
                    ));
                    continue;
                };
                out.edits
                    .push(field_edit(texts, place, name, &t.field, ty, s));
            }
            "unknown_enum_code" => {
                let Some(Type::Enum(key)) = t.declared.as_ref().map(|d| innermost(&d.0)) else {
                    out.advice.push(format!(
                        "`{}` at {}: an unknown code in a field that is not an enum",
                        s.endpoint, s.path
                    ));
                    continue;
                };
                let (Some(place), Some(code)) = (places.enums.get(key), s.sample.as_deref()) else {
                    continue;
                };
                if code.contains('…') {
                    out.advice.push(format!(
                        "`{key}` got a code that looks like a card number at {}: not proposed",
                        s.path
                    ));
                    continue;
                }
                let Some(&(line, _)) = place.values.last() else {
                    continue;
                };
                let indent = " ".repeat(indentation(texts.line(&place.file, line).unwrap_or("")));
                let Some((code_yaml, name)) = code_entry(code, place.int_codes) else {
                    continue;
                };
                out.edits.push(Edit {
                    file: place.file.clone(),
                    line,
                    replace: false,
                    lines: vec![
                        format!("{indent}# source: observed (cargo xtask drift)"),
                        format!("{indent}- {{ code: {code_yaml}, name: {name}, zh: \"{code}\", en: observed code {code} }}"),
                    ],
                    why: format!("add the code {code_yaml} to `{key}` (seen at {})", s.path),
                });
            }
            kind @ ("empty_value" | "missing_field") => {
                let Some((name, place)) = object else {
                    continue;
                };
                let Some(&(_, line, _)) = place.fields.iter().find(|f| f.0 == t.field) else {
                    continue;
                };
                let (key, why) = if kind == "empty_value" {
                    ("nullable: true", "is sent as null or \"\"")
                } else {
                    ("required: false", "is sometimes missing")
                };
                let Some(text) = texts.line(&place.file, line) else {
                    continue;
                };
                let Some(open) = text.find("{ ") else {
                    out.advice.push(format!(
                        "`{name}.{}` {why} (at {}): add `{key}` to it",
                        t.field, s.path
                    ));
                    continue;
                };
                let edited = format!("{}{{ {key}, {}", &text[..open], &text[open + 2..]);
                let edited = mark_observed(&edited);
                out.edits.push(Edit {
                    file: place.file.clone(),
                    line,
                    replace: true,
                    lines: vec![edited],
                    why: format!(
                        "`{name}.{}` {why} (seen at {}): mark it `{key}`",
                        t.field, s.path
                    ),
                });
            }
            "never_arrived" => out.advice.push(format!(
                "`{}` never sent the optional field at {}: check whether it exists",
                s.endpoint, s.path
            )),
            other => out.advice.push(format!(
                "{other} at {} of `{}` ({}): edit the spec by hand",
                s.path,
                s.endpoint,
                s.sample.as_deref().unwrap_or("-")
            )),
        }
    }
    // Two endpoints returning one object report the same edit: keep one.
    out.edits
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    out.edits
        .dedup_by(|a, b| a.file == b.file && a.line == b.line && a.lines == b.lines);
    out
}

/// `[[T]]` → `T`.
fn innermost(ty: &Type) -> &Type {
    match ty {
        Type::Array(inner) | Type::Map(inner) => innermost(inner),
        other => other,
    }
}

/// An observed code as YAML and the name of its new entry (`CODE_9`, `CODE_E_429`): an
/// integer for a list of integer codes (`None` when it is not one), else a quoted string.
fn code_entry(code: &str, int_codes: bool) -> Option<(String, String)> {
    if int_codes {
        let n = code.trim().parse::<i64>().ok()?;
        Some((n.to_string(), format!("CODE_{}", n.unsigned_abs())))
    } else {
        Some((format!("{code:?}"), format!("CODE_{}", code_name(code))))
    }
}

/// A string code as the tail of a variant name: letters and digits upper-cased, the rest `_`.
fn code_name(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Adds `source: observed` to a flow mapping line that has no `source:` yet.
fn mark_observed(line: &str) -> String {
    if line.contains("source:") {
        return line.to_owned();
    }
    match line.rfind(" }") {
        Some(close) => format!("{}, source: observed{}", &line[..close], &line[close..]),
        None => line.to_owned(),
    }
}

/// The text of the spec files, by display name (`spec/objects.yaml`).
#[derive(Debug, Default)]
struct SpecTexts(BTreeMap<String, String>);

impl SpecTexts {
    /// Reads the files `places` names; `base` is the folder their names are relative to
    /// (the spec folder's parent).
    fn read(base: &Path, places: &SpecLocations) -> std::io::Result<Self> {
        let files: BTreeSet<&String> = places
            .objects
            .values()
            .map(|o| &o.file)
            .chain(places.enums.values().map(|e| &e.file))
            .chain(places.errors.iter().map(|e| &e.file))
            .chain(places.webhook_kinds.values().map(|k| &k.file))
            .collect();
        let mut texts = BTreeMap::new();
        for file in files {
            texts.insert(file.clone(), std::fs::read_to_string(base.join(file))?);
        }
        Ok(Self(texts))
    }

    /// Line `line` (1-based) of `file`.
    fn line(&self, file: &str, line: usize) -> Option<&str> {
        self.0.get(file)?.lines().nth(line.checked_sub(1)?)
    }

    /// The last line of the field block whose key is at `line`, `column`: the lines after it
    /// indented deeper than the key belong to it.
    fn end_of_block(&self, file: &str, line: usize, column: usize) -> usize {
        let key_indent = column.saturating_sub(1);
        let mut end = line;
        while let Some(next) = self.line(file, end + 1) {
            if next.trim().is_empty() || indentation(next) <= key_indent {
                break;
            }
            end += 1;
        }
        end
    }
}

impl SpecTexts {
    /// The last line of the list item (`- …`) that starts at `line`: the lines after it
    /// indented deeper than its dash belong to it.
    fn end_of_item(&self, file: &str, line: usize) -> usize {
        let dash = indentation(self.line(file, line).unwrap_or(""));
        let mut end = line;
        while let Some(next) = self.line(file, end + 1) {
            if next.trim().is_empty() || indentation(next) <= dash {
                break;
            }
            end += 1;
        }
        end
    }
}

fn indentation(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

/// Applies the edits, bottom-up in each file so that earlier line numbers stay valid, and
/// writes each file atomically.
fn apply_edits(base: &Path, edits: &[Edit]) -> std::io::Result<()> {
    let files: BTreeSet<&String> = edits.iter().map(|e| &e.file).collect();
    for file in files {
        let path = base.join(file);
        let text = std::fs::read_to_string(&path)?;
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut mine: Vec<(usize, &Edit)> = edits
            .iter()
            .filter(|e| &e.file == file)
            .enumerate()
            .collect();
        // Bottom-up; of two insertions after one line, the later first, so that they end up
        // in proposal order.
        mine.sort_by_key(|(i, e)| std::cmp::Reverse((e.line, e.replace, *i)));
        for (_, edit) in mine {
            let at = edit.line.min(lines.len());
            if edit.replace && at >= 1 {
                lines.splice(at - 1..at, edit.lines.iter().cloned());
            } else {
                lines.splice(at..at, edit.lines.iter().cloned());
            }
        }
        let mut out = lines.join("\n");
        if text.ends_with('\n') {
            out.push('\n');
        }
        let tmp = path.with_extension("yaml.drift-tmp");
        std::fs::write(&tmp, out)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the `mini` fixture spec in a fresh temporary folder `<tmp>/spec`.
    fn mini_spec(name: &str) -> PathBuf {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/mini");
        let base = std::env::temp_dir().join(format!("xtask-drift-{name}-{}", std::process::id()));
        let spec = base.join("spec");
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&spec).unwrap_or_else(|e| panic!("{e}"));
        for entry in std::fs::read_dir(&from).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let to = spec.join(path.file_name().unwrap_or_default());
            std::fs::copy(&path, to).unwrap_or_else(|e| panic!("{e}"));
        }
        spec
    }

    fn capture() -> &'static str {
        concat!(
            r#"{"endpoint":"get_wallet_detail","shape":{},"drift":["#,
            r#"{"path":"data.nickname","kind":"unknown_field","sample":"string"},"#,
            r#"{"path":"data.status","kind":"unknown_enum_code","sample":"9"}]}"#,
            "\n",
            r#"{"endpoint":"list_wallets","shape":{},"drift":["#,
            r#"{"path":"data.list[].status","kind":"unknown_enum_code","sample":"9"},"#,
            r#"{"path":"data.list[].score","kind":"unknown_field","sample":"integer"},"#,
            r#"{"path":"data.list[].status","kind":"unknown_enum_code","sample":"…1111"}]}"#,
            "\n",
            r#"{"endpoint":"get_card_detail","shape":{},"drift":["#,
            r#"{"path":"data.type","kind":"empty_value","sample":"string"},"#,
            r#"{"path":"data.active","kind":"missing_field","sample":null},"#,
            r#"{"path":"data.rate","kind":"never_arrived","sample":null}]}"#,
            "\n",
        )
    }

    /// What `propose` makes of the capture text `capture` against the spec at `spec`.
    fn proposals(capture: &str, spec: &Path) -> Proposals {
        let mut seen = BTreeSet::new();
        read_capture(capture, &mut seen).unwrap_or_else(|e| panic!("{e}"));
        let api = apigen::load_api(spec).unwrap_or_else(|e| panic!("{e}"));
        let places = spec_locations(spec).unwrap_or_else(|e| panic!("{e}"));
        let base = spec.parent().unwrap_or(Path::new("."));
        let texts = SpecTexts::read(base, &places).unwrap_or_else(|e| panic!("{e}"));
        propose(&api, &places, &texts, &seen)
    }

    #[test]
    fn each_kind_gets_its_edit_at_the_right_line() {
        let spec = mini_spec("propose");
        let out = proposals(capture(), &spec);
        let edits: Vec<(usize, bool, Vec<&str>)> = out
            .edits
            .iter()
            .map(|e| {
                assert_eq!(e.file, "spec/types.yaml");
                (
                    e.line,
                    e.replace,
                    e.lines.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            edits,
            [
                (
                    8,
                    false,
                    vec![
                        "      # source: observed (cargo xtask drift)",
                        "      - { code: 9, name: CODE_9, zh: \"9\", en: observed code 9 }",
                    ]
                ),
                (
                    30,
                    false,
                    vec![
                        "      nickname: { type: string, required: false, zh: nickname, en: \"observed in `get_wallet_detail` responses\", source: observed }"
                    ]
                ),
                (
                    30,
                    false,
                    vec![
                        "      score: { type: long, required: false, zh: score, en: \"observed in `list_wallets` responses\", source: observed }"
                    ]
                ),
                (
                    39,
                    true,
                    vec![
                        "      type: { nullable: true, type: int, zh: 类型, en: a field named after a Rust keyword, source: observed }"
                    ]
                ),
                (
                    43,
                    true,
                    vec![
                        "      active: { required: false, type: bool, zh: 是否可用, source: observed }"
                    ]
                ),
            ]
        );
        assert_eq!(out.advice.len(), 2, "{:?}", out.advice);
        assert!(
            out.advice
                .iter()
                .any(|a| a.contains("never sent the optional field at data.rate"))
        );
        assert!(
            out.advice
                .iter()
                .any(|a| a.contains("looks like a card number"))
        );
        let _ = std::fs::remove_dir_all(spec.parent().unwrap_or(&spec));
    }

    /// Capture lines of drift outside a response's `data`: an unknown business code, unknown
    /// webhook tags (one matching a kind by its tag, one by its payload's fields, one by
    /// neither) and a webhook payload with an undeclared field.
    fn capture_beyond_responses() -> &'static str {
        concat!(
            r#"{"endpoint":"get_wallet_detail","shape":"null","drift":["#,
            r#"{"path":"code","kind":"unknown_error_code","sample":"4040"}]}"#,
            "\n",
            r#"{"endpoint":"webhook","shape":{"card_id":"string"},"drift":["#,
            r#"{"path":"eventTag","kind":"unknown_webhook_tag","sample":"card.status.expired"}]}"#,
            "\n",
            r#"{"endpoint":"webhook","shape":{"wallet_id":"integer","status":"integer","x":"string"},"drift":["#,
            r#"{"path":"eventTag","kind":"unknown_webhook_tag","sample":"funds_arrived"}]}"#,
            "\n",
            r#"{"endpoint":"webhook","shape":{"other":"string"},"drift":["#,
            r#"{"path":"eventTag","kind":"unknown_webhook_tag","sample":"mystery"}]}"#,
            "\n",
            r#"{"endpoint":"webhooks.wallet","shape":{},"drift":["#,
            r#"{"path":"data.memo","kind":"unknown_field","sample":"string"}]}"#,
            "\n",
        )
    }

    #[test]
    fn error_codes_webhook_tags_and_payload_fields_get_their_edits() {
        let spec = mini_spec("beyond");
        let out = proposals(capture_beyond_responses(), &spec);
        let edits: Vec<(&str, usize, Vec<&str>)> = out
            .edits
            .iter()
            .map(|e| {
                assert!(!e.replace);
                (
                    e.file.as_str(),
                    e.line,
                    e.lines.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            edits,
            [
                (
                    "spec/endpoints.yaml",
                    91,
                    vec![
                        r#"        - { tag: "card.status.expired", name: CardStatusExpired, zh: "card.status.expired", en: observed event "card.status.expired", source: observed }"#
                    ]
                ),
                (
                    "spec/endpoints.yaml",
                    99,
                    vec![
                        r#"        - { tag: "funds_arrived", name: FundsArrived, zh: "funds_arrived", en: observed event "funds_arrived", source: observed }"#
                    ]
                ),
                (
                    "spec/service.yaml",
                    31,
                    vec![
                        r#"  - { code: 4040, name: CODE_4040, zh: "4040", en: observed error code 4040, action: Not known yet; ask the vendor what it means., source: observed }"#
                    ]
                ),
                (
                    "spec/types.yaml",
                    30,
                    vec![
                        "      memo: { type: string, required: false, zh: memo, en: \"observed in `wallet` webhook payloads\", source: observed }"
                    ]
                ),
            ]
        );
        assert_eq!(out.advice.len(), 1, "{:?}", out.advice);
        assert!(
            out.advice[0].contains("unknown tag `mystery`"),
            "{:?}",
            out.advice
        );

        // Applied, the spec loads and has them; nothing is proposed twice.
        let base = spec.parent().unwrap_or(Path::new("."));
        apply_edits(base, &out.edits).unwrap_or_else(|e| panic!("{e}"));
        let api = apigen::load_api(&spec).unwrap_or_else(|e| panic!("{e}"));
        assert!(api.errors.iter().any(|e| e.code.to_string() == "4040"));
        let tags = |kind: &str| -> Vec<String> {
            let kinds = api.webhooks.iter().flat_map(|w| &w.kinds);
            let kind = kinds.filter(|k| k.spec_key == kind);
            kind.flat_map(|k| k.events.iter().map(|e| e.tag.clone()))
                .collect()
        };
        assert_eq!(
            tags("card"),
            [
                "card.status.active",
                "card.status.freeze",
                "card.status.expired"
            ]
        );
        assert_eq!(tags("wallet"), ["wallet.balance.in", "funds_arrived"]);
        let again = proposals(capture_beyond_responses(), &spec);
        assert_eq!(again.edits, [], "proposed again");
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn object_and_list_values_become_declared_types() {
        let spec = mini_spec("structured");
        let capture = concat!(
            r#"{"endpoint":"get_wallet_detail","shape":{"#,
            r#""limits":{"daily":"number","note":"string","?":"string","deep":{}},"#,
            r#""tags":["string"],"rows":[{"id":"integer"}],"empty":[]},"drift":["#,
            r#"{"path":"data.limits","kind":"unknown_field","sample":"object"},"#,
            r#"{"path":"data.tags","kind":"unknown_field","sample":"array"},"#,
            r#"{"path":"data.rows","kind":"unknown_field","sample":"array"},"#,
            r#"{"path":"data.empty","kind":"unknown_field","sample":"array"}]}"#,
        );
        let out = proposals(capture, &spec);
        let base = spec.parent().unwrap_or(Path::new("."));
        let whys: Vec<&str> = out.edits.iter().map(|e| e.why.as_str()).collect();
        assert_eq!(
            whys,
            [
                "declare the object `WalletLimits` (seen at data.limits)",
                "declare the object `WalletRows` (seen at data.rows)",
                "add the field `limits` to `Wallet` (WalletLimits, seen at data.limits)",
                "add the field `rows` to `Wallet` (\"[WalletRows]\", seen at data.rows)",
                "add the field `tags` to `Wallet` (\"[string]\", seen at data.tags)",
            ]
        );
        assert_eq!(
            out.edits[0].lines,
            [
                "  WalletLimits:",
                "    zh: WalletLimits",
                "    en: \"observed as `limits` in `get_wallet_detail` responses\"",
                "    source: observed",
                "    fields:",
                "      daily: { type: decimal, required: false, zh: daily, source: observed }",
                "      note: { type: string, required: false, zh: note, source: observed }",
            ]
        );
        assert_eq!(out.advice.len(), 2, "{:?}", out.advice);
        assert!(out.advice[0].contains("data.empty"), "{:?}", out.advice);
        assert!(
            out.advice[1].contains("`WalletLimits.deep`"),
            "{:?}",
            out.advice
        );

        apply_edits(base, &out.edits).unwrap_or_else(|e| panic!("{e}"));
        let api = apigen::load_api(&spec).unwrap_or_else(|e| panic!("the edited spec: {e}"));
        let wallet = api.declared_object("Wallet").map(|o| &o.fields);
        let added: Vec<(&str, String)> = wallet
            .into_iter()
            .flatten()
            .filter(|f| f.source == apigen::model::Source::Observed)
            .map(|f| (f.wire_name.as_str(), format!("{:?}", f.ty)))
            .collect();
        assert_eq!(added.len(), 3, "{added:?}");
        let limits = api.declared_object("WalletLimits").map(|o| o.fields.len());
        assert_eq!(limits, Some(2));
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn applied_edits_give_a_valid_spec_that_has_them() {
        let spec = mini_spec("apply");
        let out = proposals(capture(), &spec);
        let base = spec.parent().unwrap_or(Path::new("."));
        apply_edits(base, &out.edits).unwrap_or_else(|e| panic!("{e}"));
        let api = apigen::load_api(&spec).unwrap_or_else(|e| panic!("{e}"));
        let wallet = api.declared_object("Wallet").map(|o| &o.fields);
        let names: Vec<&str> = wallet
            .into_iter()
            .flatten()
            .map(|f| f.wire_name.as_str())
            .collect();
        assert!(names.ends_with(&["nickname", "score"]), "{names:?}");
        let status = api.enum_("WalletStatus").map(|e| e.values.len());
        assert_eq!(status, Some(3));
        let card = api.declared_object("Card");
        let field = |name: &str| card.and_then(|c| c.fields.iter().find(|f| f.wire_name == name));
        assert!(field("type").is_some_and(|f| f.nullable));
        assert!(field("active").is_some_and(|f| !f.required));
        // Nothing left to propose for what was applied.
        let again = proposals(capture(), &spec);
        assert_eq!(again.edits, [], "proposed again");
        let _ = std::fs::remove_dir_all(base);
    }
}
