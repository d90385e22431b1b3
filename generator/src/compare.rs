//! Compare two resolved specs and classify every change for users of the generated crate
//! (`cargo xtask diff`). Pure: no I/O, the caller loads both models.
//!
//! Rules (what the emitter produces today decides the Rust level):
//!
//! - Generated structs (requests and responses) are plain `pub` structs with `pub` fields, NOT
//!   `#[non_exhaustive]`: users may build them with a struct literal, so ANY new field is a
//!   Rust-level break (cargo-semver-checks `constructible_struct_adds_field`), even where the
//!   wire change is additive (a new optional request field, a new response field).
//! - Open enums, `ErrorCode` and the webhook `Event` are `#[non_exhaustive]` with an `Unknown`
//!   fallback: a new value is additive (old clients see `Unknown`). Closed enums are plain
//!   enums: a new value breaks exhaustive `match`es and old clients reject the code on the wire.
//! - Removing anything that has a Rust name (endpoint, field, enum, value, event, group) is a
//!   Rust-level break; changing a type, a path or the wire envelope is a wire-level break.
//! - A retry class changed from `never` to `safe` is breaking: the client starts repeating a
//!   call it never repeated (side effects may happen twice).
//! - zh / en / vendor titles / description / note / source / provenance statements / examples /
//!   recovery prose are docs only.

use std::collections::BTreeSet;
use std::fmt;

use crate::model::{
    Api, Carrier, Code, Endpoint, Enum, Field, Object, ObjectKind, ObjectName, Retry, Service,
    Webhooks,
};
use crate::naming;

/// How a change affects users of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Existing code or calls may stop working.
    Breaking,
    /// New capability; existing code keeps compiling and working.
    Additive,
    /// Only documentation text changes.
    Docs,
}

/// Where a breaking change bites; for additive and docs changes, where the change is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Rust code using the crate (compile errors, changed types).
    Rust,
    /// The HTTP exchange with the vendor (what is sent, accepted or decoded).
    Wire,
    /// Both.
    Both,
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking, additive or docs only.
    pub class: Class,
    /// Rust, wire or both.
    pub level: Level,
    /// What changed (`endpoint open_card`, `field Card.card_id`).
    pub item: String,
    /// What happened, in one line.
    pub message: String,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Docs => "docs only",
        })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Rust => "rust",
            Level::Wire => "wire",
            Level::Both => "rust+wire",
        })
    }
}

struct Out(Vec<Change>);

/// A docs-only change naming the fields (`zh, source`) that differ between `$o` and `$n`.
macro_rules! docs {
    ($out:expr, $item:expr, $o:expr, $n:expr; $($f:ident).+ $(, $($g:ident).+)*) => {{
        let mut changed: Vec<&str> = Vec::new();
        if $o.$($f).+ != $n.$($f).+ {
            changed.push(stringify!($($f).+));
        }
        $(if $o.$($g).+ != $n.$($g).+ {
            changed.push(stringify!($($g).+));
        })*
        if !changed.is_empty() {
            $out.push(Class::Docs, Level::Rust, $item, format!("{} changed", changed.join(", ")));
        }
    }};
}

impl Out {
    fn push(
        &mut self,
        class: Class,
        level: Level,
        item: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.0.push(Change {
            class,
            level,
            item: item.into(),
            message: msg.into(),
        });
    }
    fn docs<T: PartialEq>(&mut self, item: &str, what: &str, old: &T, new: &T) {
        if old != new {
            self.push(Class::Docs, Level::Rust, item, format!("{what} changed"));
        }
    }
}

/// Every change from `old` to `new`, sorted by class (breaking first), then item.
pub fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Out(Vec::new());
    service(&mut out, old, new);
    errors(&mut out, old, new);
    groups(&mut out, old, new);
    enums(&mut out, old, new);
    objects(&mut out, old, new);
    endpoints(&mut out, old, new);
    webhooks(&mut out, old.webhooks.as_ref(), new.webhooks.as_ref());
    let mut v = out.0;
    v.sort();
    v.dedup();
    v
}

fn service(out: &mut Out, old: &Api, new: &Api) {
    let (o, n) = (&old.service, &new.service);
    let item = "service";
    for (what, a, b) in [
        ("base_url", &o.base_url, &n.base_url),
        ("path_prefix", &o.path_prefix, &n.path_prefix),
        ("default version", &o.default_version, &n.default_version),
        ("envelope code field", &o.envelope.code, &n.envelope.code),
        (
            "envelope message field",
            &o.envelope.message,
            &n.envelope.message,
        ),
        ("envelope data field", &o.envelope.data, &n.envelope.data),
    ] {
        if a != b {
            out.push(
                Class::Breaking,
                Level::Wire,
                item,
                format!("{what} changed: {a} -> {b}"),
            );
        }
    }
    if is_int(&o.envelope.success) != is_int(&n.envelope.success) {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            format!(
                "business codes changed kind: {} -> {} (ErrorCode::code() and ErrorCode::Unknown change type)",
                o.envelope.success, n.envelope.success
            ),
        );
    }
    if code_text(&o.envelope.success) != code_text(&n.envelope.success)
        || o.envelope.rate_limit_code.as_ref().map(code_text)
            != n.envelope.rate_limit_code.as_ref().map(code_text)
    {
        out.push(
            Class::Breaking,
            Level::Wire,
            item,
            "envelope success or rate-limit code changed",
        );
    }
    if o.package.name != n.package.name {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            format!("crate renamed: {} -> {}", o.package.name, n.package.name),
        );
    }
    docs!(out, item, o, n; title, title_en, vendor_title);
    out.docs(item, "description", &o.description, &n.description);
    docs!(out, item, o, n; source, provenance, version_source, envelope.source, envelope.provenance);
    out.docs(
        item,
        "package description",
        &o.package.description,
        &n.package.description,
    );
    out.docs(item, "money unit", &o.money_unit, &n.money_unit);
    fields(out, "Auth", true, &o.auth, &n.auth);
    match (&o.pagination, &n.pagination) {
        (Some(a), Some(b)) => {
            if (&a.page_field, &a.total_field, &a.list_field)
                != (&b.page_field, &b.total_field, &b.list_field)
            {
                out.push(
                    Class::Breaking,
                    Level::Wire,
                    "pagination",
                    "page, total or list field renamed",
                );
            }
            fields(out, "pagination request", true, &a.request, &b.request);
            fields(out, "Page", false, &a.response, &b.response);
            out.docs("pagination", "source", &a.source, &b.source);
        }
        (None, Some(_)) => out.push(
            Class::Additive,
            Level::Rust,
            "pagination",
            "pagination added",
        ),
        (Some(_), None) => out.push(
            Class::Breaking,
            Level::Rust,
            "pagination",
            "pagination removed (Page type gone)",
        ),
        (None, None) => {}
    }
    cursor_pagination(out, o, n);
}

/// Changes of the cursor convention (`service.cursor_pagination`).
fn cursor_pagination(out: &mut Out, o: &Service, n: &Service) {
    let item = "cursor_pagination";
    match (&o.cursor_pagination, &n.cursor_pagination) {
        (Some(a), Some(b)) => {
            if (&a.cursor_field, &a.next_cursor_field, &a.list_field)
                != (&b.cursor_field, &b.next_cursor_field, &b.list_field)
            {
                out.push(
                    Class::Breaking,
                    Level::Wire,
                    item,
                    "cursor, next cursor or list field renamed",
                );
            }
            fields(
                out,
                "cursor_pagination request",
                true,
                &a.request,
                &b.request,
            );
            fields(out, "CursorPage", false, &a.response, &b.response);
            out.docs(item, "source", &a.source, &b.source);
        }
        (None, Some(_)) => out.push(
            Class::Additive,
            Level::Rust,
            item,
            "cursor pagination added",
        ),
        (Some(_), None) => out.push(
            Class::Breaking,
            Level::Rust,
            item,
            "cursor pagination removed (CursorPage type gone)",
        ),
        (None, None) => {}
    }
}

/// Is it an integer code?
fn is_int(code: &Code) -> bool {
    matches!(code, Code::Int(_))
}

/// A business code as the wire carries it, whatever its kind: `1005` and `"1005"` are one code
/// (the client reads either form); a change of kind alone is reported once, for the service.
fn code_text(code: &Code) -> String {
    match code {
        Code::Int(c) => c.to_string(),
        Code::Str(c) => c.clone(),
    }
}

fn errors(out: &mut Out, old: &Api, new: &Api) {
    for o in &old.errors {
        let item = format!("error code {}", o.code);
        match new
            .errors
            .iter()
            .find(|n| code_text(&n.code) == code_text(&o.code))
        {
            None => out.push(
                Class::Breaking,
                Level::Rust,
                item,
                format!(
                    "removed (ErrorCode::{} gone; the code now decodes as Unknown)",
                    naming::type_name(&o.name)
                ),
            ),
            Some(n) => {
                if n.name != o.name && naming::type_name(&n.name) != naming::type_name(&o.name) {
                    out.push(
                        Class::Breaking,
                        Level::Rust,
                        &item,
                        format!(
                            "variant renamed: ErrorCode::{} -> ErrorCode::{}",
                            naming::type_name(&o.name),
                            naming::type_name(&n.name)
                        ),
                    );
                }
                docs!(out, &item, o, n; zh, en, action, source);
            }
        }
    }
    for n in &new.errors {
        if !old
            .errors
            .iter()
            .any(|o| code_text(&o.code) == code_text(&n.code))
        {
            out.push(
                Class::Additive,
                Level::Rust,
                format!("error code {}", n.code),
                format!(
                    "new ErrorCode::{} (ErrorCode is #[non_exhaustive])",
                    naming::type_name(&n.name)
                ),
            );
        }
    }
}

fn groups(out: &mut Out, old: &Api, new: &Api) {
    for o in &old.groups {
        let item = format!("group {}", o.spec_key);
        match new.groups.iter().find(|n| n.spec_key == o.spec_key) {
            None => out.push(
                Class::Breaking,
                Level::Rust,
                item,
                "removed (its Client accessor is gone)",
            ),
            Some(n) => {
                out.docs(&item, "labels", &(&o.zh, &o.en), &(&n.zh, &n.en));
                docs!(out, &item, o, n; vendor_title, provenance);
            }
        }
    }
    for n in &new.groups {
        if !old.groups.iter().any(|o| o.spec_key == n.spec_key) {
            out.push(
                Class::Additive,
                Level::Rust,
                format!("group {}", n.spec_key),
                "new group",
            );
        }
    }
}

fn enums(out: &mut Out, old: &Api, new: &Api) {
    for o in &old.enums {
        let item = format!("enum {}", naming::type_name(&o.name));
        match new.enum_(&o.name) {
            None => out.push(Class::Breaking, Level::Rust, item, "removed"),
            Some(n) => enum_values(out, &item, o, n),
        }
    }
    for n in &new.enums {
        if old.enum_(&n.name).is_none() {
            out.push(
                Class::Additive,
                Level::Rust,
                format!("enum {}", naming::type_name(&n.name)),
                "new enum",
            );
        }
    }
}

fn enum_values(out: &mut Out, item: &str, o: &Enum, n: &Enum) {
    if o.repr != n.repr {
        out.push(
            Class::Breaking,
            Level::Both,
            item,
            "code representation changed (int <-> string)",
        );
    }
    if o.closed != n.closed {
        let msg = if n.closed {
            "became closed: the Unknown variant is gone and unlisted codes are rejected"
        } else {
            "became open: new Unknown variant and #[non_exhaustive] break exhaustive matches"
        };
        out.push(Class::Breaking, Level::Rust, item, msg);
    }
    docs!(out, item, o, n; zh, en, vendor_title, description, source, provenance);
    for ov in &o.values {
        let vitem = format!("{item} value {}", ov.code);
        match n.values.iter().find(|v| v.code == ov.code) {
            None => {
                let (level, why) = if o.closed {
                    (Level::Both, "; the code is now rejected on the wire")
                } else {
                    (Level::Rust, "; the code now decodes as Unknown")
                };
                out.push(
                    Class::Breaking,
                    level,
                    vitem,
                    format!(
                        "removed (variant {} gone{why})",
                        naming::type_name(&ov.spec_name)
                    ),
                );
            }
            Some(nv) => {
                let (a, b) = (
                    naming::type_name(&ov.spec_name),
                    naming::type_name(&nv.spec_name),
                );
                if a != b {
                    out.push(
                        Class::Breaking,
                        Level::Rust,
                        &vitem,
                        format!("variant renamed: {a} -> {b}"),
                    );
                }
                docs!(out, &vitem, ov, nv; zh, en);
            }
        }
    }
    for nv in &n.values {
        if o.values.iter().any(|v| v.code == nv.code) {
            continue;
        }
        let vitem = format!("{item} value {}", nv.code);
        let variant = naming::type_name(&nv.spec_name);
        if n.closed {
            out.push(Class::Breaking, Level::Both, vitem, format!("new value {variant} of a closed enum: breaks exhaustive matches; old clients reject the code"));
        } else {
            out.push(
                Class::Additive,
                Level::Rust,
                vitem,
                format!(
                    "new value {variant} (open enum, #[non_exhaustive]; old clients see Unknown)"
                ),
            );
        }
    }
}

/// Is this object sent (a request or something hoisted from one) rather than received?
fn is_request(name: &ObjectName, kind: ObjectKind) -> bool {
    match name {
        ObjectName::Request(_) | ObjectName::Auth => true,
        ObjectName::Inline(owner, _) => is_request(owner, ObjectKind::Inline),
        _ => kind == ObjectKind::Request,
    }
}

fn objects(out: &mut Out, old: &Api, new: &Api) {
    for o in &old.objects {
        let name = naming::object_type_name(&o.name);
        let request = is_request(&o.name, o.kind);
        match new.object(&o.name) {
            None => {
                // A request struct goes with its endpoint, reported there.
                if !matches!(o.name, ObjectName::Request(_)) {
                    out.push(
                        Class::Breaking,
                        Level::Rust,
                        format!("type {name}"),
                        "removed",
                    );
                }
            }
            Some(n) => object(out, &name, request, o, n),
        }
    }
    for n in &new.objects {
        if old.object(&n.name).is_none() && !matches!(n.name, ObjectName::Request(_)) {
            out.push(
                Class::Additive,
                Level::Rust,
                format!("type {}", naming::object_type_name(&n.name)),
                "new type",
            );
        }
    }
}

fn object(out: &mut Out, name: &str, request: bool, o: &Object, n: &Object) {
    docs!(out, &format!("type {name}"), o, n; zh, en, description, source, provenance);
    fields(out, name, request, &o.fields, &n.fields);
}

fn fields(out: &mut Out, owner: &str, request: bool, old: &[Field], new: &[Field]) {
    for of in old {
        let item = format!("field {owner}.{}", of.wire_name);
        match new.iter().find(|f| f.wire_name == of.wire_name) {
            None if request => out.push(Class::Breaking, Level::Both, item, "removed from the request: the vendor no longer receives it; the Rust field and setter are gone"),
            None => out.push(Class::Breaking, Level::Rust, item, "removed from the response: the Rust field is gone (the wire ignores an extra key)"),
            Some(nf) => field(out, &item, request, of, nf),
        }
    }
    for nf in new {
        if old.iter().any(|f| f.wire_name == nf.wire_name) {
            continue;
        }
        let item = format!("field {owner}.{}", nf.wire_name);
        let rust =
            format!("{owner} is not #[non_exhaustive]: a struct literal of it no longer compiles");
        if request && nf.required {
            out.push(
                Class::Breaking,
                Level::Both,
                item,
                format!(
                    "new required request field: the vendor requires it; `new` takes it; {rust}"
                ),
            );
        } else if request {
            out.push(
                Class::Breaking,
                Level::Rust,
                item,
                format!("new optional request field (wire: additive); {rust}"),
            );
        } else {
            out.push(
                Class::Breaking,
                Level::Rust,
                item,
                format!("new response field (wire: additive); {rust}"),
            );
        }
    }
}

fn field(out: &mut Out, item: &str, request: bool, o: &Field, n: &Field) {
    if o.ty.without_wire() != n.ty.without_wire() {
        out.push(
            Class::Breaking,
            Level::Both,
            item,
            format!("type changed: {} -> {}", o.ty.spec_name(), n.ty.spec_name()),
        );
    } else if o.ty != n.ty {
        let (level, rust) = if o.ty.same_rust_type(&n.ty) {
            (Level::Wire, "same Rust type")
        } else {
            (
                Level::Both,
                "the Rust type changes (an offset is kept or no longer)",
            )
        };
        out.push(
            Class::Breaking,
            level,
            item,
            format!(
                "wire form changed: {} -> {}; old clients misread the value ({rust})",
                o.ty.wire_name(),
                n.ty.wire_name()
            ),
        );
    }
    if request && !o.required && n.required {
        out.push(
            Class::Breaking,
            Level::Both,
            item,
            "request field became required: the vendor rejects calls without it; `new` takes it",
        );
    } else if request && o.required && !n.required {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            "request field became optional (wire: relaxed); its Rust type and `new` change",
        );
    } else if !request && !o.is_option() && n.is_option() {
        out.push(Class::Breaking, Level::Both, item, "response field became optional: its Rust type is now Option; old clients fail to decode a missing or null value");
    } else if o.is_option() != n.is_option() {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            format!(
                "Rust type changed: Option {} -> {}",
                o.is_option(),
                n.is_option()
            ),
        );
    } else if o.required != n.required || o.nullable != n.nullable {
        out.push(
            Class::Additive,
            Level::Wire,
            item,
            "required/nullable changed, same Rust type",
        );
    }
    if o.computed != n.computed {
        out.push(
            Class::Breaking,
            Level::Both,
            item,
            if n.computed {
                "now computed by the signer: `Credentials::new` no longer takes it and the client needs a signer"
            } else {
                "no longer computed: `Credentials::new` takes it and the signer no longer makes it"
            },
        );
    }
    if o.carrier != n.carrier {
        let place = |c: &Carrier| match c {
            Carrier::Body => "the body".to_owned(),
            Carrier::Header(h) => format!("header `{h}`"),
        };
        out.push(
            Class::Breaking,
            Level::Wire,
            item,
            format!(
                "moved from {} to {}: old clients send it where the vendor no longer reads it",
                place(&o.carrier),
                place(&n.carrier)
            ),
        );
    }
    if o.boxed != n.boxed {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            "now held in a Box (or no longer)",
        );
    }
    if (o.sensitive, o.redact_last4) != (n.sensitive, n.redact_last4) {
        out.push(
            Class::Additive,
            Level::Rust,
            item,
            "redaction in Debug and logs changed",
        );
    }
    docs!(out, item, o, n; zh, en, note, source);
}

fn endpoints(out: &mut Out, old: &Api, new: &Api) {
    let new_names: BTreeSet<&str> = new.endpoints.iter().map(|e| e.spec_name.as_str()).collect();
    for o in &old.endpoints {
        let item = format!("endpoint {}", o.spec_name);
        match new.endpoint(&o.spec_name) {
            None => {
                // Same path under another name: only the Rust names changed.
                let renamed = new
                    .endpoints
                    .iter()
                    .find(|n| n.path == o.path && old.endpoint(&n.spec_name).is_none());
                match renamed {
                    Some(n) => out.push(
                        Class::Breaking,
                        Level::Rust,
                        item,
                        format!(
                            "renamed to {}: method {} -> {}, request {} -> {} (same path)",
                            n.spec_name,
                            naming::method_name(&o.spec_name),
                            naming::method_name(&n.spec_name),
                            naming::request_type_name(&o.spec_name),
                            naming::request_type_name(&n.spec_name)
                        ),
                    ),
                    None => out.push(
                        Class::Breaking,
                        Level::Rust,
                        item,
                        format!(
                            "removed: method {} and {} are gone",
                            naming::method_name(&o.spec_name),
                            naming::request_type_name(&o.spec_name)
                        ),
                    ),
                }
            }
            Some(n) => endpoint(out, &item, o, n),
        }
    }
    for n in &new.endpoints {
        if old.endpoint(&n.spec_name).is_some() {
            continue;
        }
        let renamed = old
            .endpoints
            .iter()
            .any(|o| o.path == n.path && !new_names.contains(o.spec_name.as_str()));
        if !renamed {
            out.push(
                Class::Additive,
                Level::Both,
                format!("endpoint {}", n.spec_name),
                format!(
                    "new endpoint {} ({})",
                    naming::method_name(&n.spec_name),
                    n.path
                ),
            );
        }
    }
}

fn endpoint(out: &mut Out, item: &str, o: &Endpoint, n: &Endpoint) {
    if o.full_path != n.full_path {
        out.push(
            Class::Breaking,
            Level::Wire,
            item,
            format!("path changed: {} -> {}", o.full_path, n.full_path),
        );
    }
    if o.method != n.method {
        out.push(
            Class::Breaking,
            Level::Wire,
            item,
            format!(
                "method changed: {} -> {} (the fields move between the body and the query string)",
                o.method.as_str(),
                n.method.as_str()
            ),
        );
    }
    if o.group_key != n.group_key {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            format!("moved from group {} to {}", o.group_key, n.group_key),
        );
    }
    if naming::method_name(o.method_source()) != naming::method_name(n.method_source()) {
        out.push(
            Class::Breaking,
            Level::Rust,
            item,
            format!(
                "method renamed: {} -> {}",
                naming::unraw(&naming::method_name(o.method_source())),
                naming::unraw(&naming::method_name(n.method_source()))
            ),
        );
    }
    if o.response != n.response || o.paginated != n.paginated {
        out.push(
            Class::Breaking,
            Level::Both,
            item,
            format!("response changed: {:?} -> {:?}", o.response, n.response),
        );
    }
    match (o.retry, n.retry) {
        (Retry::Never, Retry::Safe) => out.push(Class::Breaking, Level::Wire, item, "retry class never -> safe: the client now repeats failed calls (side effects may happen twice)"),
        (Retry::Safe, Retry::Never) => out.push(Class::Additive, Level::Wire, item, "retry class safe -> never: failed calls are no longer repeated"),
        _ => {}
    }
    if o.idempotency_key != n.idempotency_key || o.moves_money != n.moves_money {
        out.push(
            Class::Additive,
            Level::Rust,
            item,
            "idempotency key or moves_money changed",
        );
    }
    match (&o.recover, &n.recover) {
        (Some(_), None) => out.push(
            Class::Breaking,
            Level::Rust,
            item,
            format!(
                "recovery lookup removed: {} is gone",
                naming::recover_method(&naming::method_name(o.method_source()))
            ),
        ),
        (None, Some(_)) => out.push(Class::Additive, Level::Rust, item, "recovery lookup added"),
        (Some(a), Some(b)) if (&a.lookup, &a.fields) != (&b.lookup, &b.fields) => {
            out.push(
                Class::Additive,
                Level::Wire,
                item,
                "recovery lookup changed",
            );
        }
        _ => {}
    }
    docs!(out, item, o, n; zh, en, description, source, provenance);
    out.docs(item, "recovery note", &o.recovery, &n.recovery);
    let ex = |e: &Endpoint| {
        e.examples
            .iter()
            .map(|x| {
                let provenance = (x.source, x.provenance.clone());
                (
                    x.name.clone(),
                    provenance,
                    x.request.clone(),
                    x.response.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    out.docs(item, "examples", &ex(o), &ex(n));
}

fn webhooks(out: &mut Out, old: Option<&Webhooks>, new: Option<&Webhooks>) {
    let (o, n) = match (old, new) {
        (None, None) => return,
        (None, Some(_)) => {
            return out.push(Class::Additive, Level::Rust, "webhooks", "webhooks added");
        }
        (Some(_), None) => {
            return out.push(Class::Breaking, Level::Rust, "webhooks", "webhooks removed");
        }
        (Some(o), Some(n)) => (o, n),
    };
    if (&o.tag_field, &o.data_field, o.ack_status, &o.ack_body)
        != (&n.tag_field, &n.data_field, n.ack_status, &n.ack_body)
    {
        out.push(
            Class::Breaking,
            Level::Wire,
            "webhooks",
            "tag field, data field or acknowledgement changed",
        );
    }
    docs!(out, "webhooks", o, n; source, provenance, tag_field_source, ack_source);
    for ok in &o.kinds {
        let item = format!("webhook {}", ok.spec_key);
        let Some(nk) = n.kinds.iter().find(|k| k.spec_key == ok.spec_key) else {
            out.push(
                Class::Breaking,
                Level::Rust,
                item,
                "kind removed (its Event variants are gone)",
            );
            continue;
        };
        if ok.payload != nk.payload {
            out.push(
                Class::Breaking,
                Level::Both,
                &item,
                format!("payload changed: {} -> {}", ok.payload, nk.payload),
            );
        }
        match (&ok.refetch, &nk.refetch) {
            (Some(_), None) => out.push(Class::Breaking, Level::Rust, &item, "refetch removed"),
            (None, Some(_)) => out.push(Class::Additive, Level::Rust, &item, "refetch added"),
            (Some(a), Some(b)) if (&a.endpoint, &a.fields) != (&b.endpoint, &b.fields) => {
                out.push(Class::Additive, Level::Wire, &item, "refetch changed")
            }
            _ => {}
        }
        if ok.delivery_key != nk.delivery_key {
            out.push(
                Class::Additive,
                Level::Wire,
                &item,
                format!(
                    "delivery key changed: [{}] -> [{}] (deliveries remembered under the old key may be handled once more)",
                    ok.delivery_key.join(", "),
                    nk.delivery_key.join(", ")
                ),
            );
        }
        docs!(out, &item, ok, nk; zh, en, vendor_title, source, provenance);
        let ex = |k: &crate::model::WebhookKind| {
            k.examples
                .iter()
                .map(|x| {
                    let provenance = (x.source, x.provenance.clone());
                    (x.name.clone(), provenance, x.request.clone())
                })
                .collect::<Vec<_>>()
        };
        out.docs(&item, "examples", &ex(ok), &ex(nk));
        for oe in &ok.events {
            let eitem = format!("webhook event {}", oe.tag);
            match nk.events.iter().find(|e| e.tag == oe.tag) {
                None => out.push(
                    Class::Breaking,
                    Level::Rust,
                    eitem,
                    format!(
                        "removed (variant {} gone; the tag now parses as Unknown)",
                        naming::type_name(&oe.name)
                    ),
                ),
                Some(ne) => {
                    let (a, b) = (naming::type_name(&oe.name), naming::type_name(&ne.name));
                    if a != b {
                        out.push(
                            Class::Breaking,
                            Level::Rust,
                            &eitem,
                            format!("variant renamed: {a} -> {b}"),
                        );
                    }
                    implied_changes(out, &eitem, &oe.implies, &ne.implies);
                    docs!(out, &eitem, oe, ne; zh, en, source);
                }
            }
        }
        for ne in &nk.events {
            if !ok.events.iter().any(|e| e.tag == ne.tag) {
                out.push(
                    Class::Additive,
                    Level::Rust,
                    format!("webhook event {}", ne.tag),
                    format!(
                        "new event {} (Event is #[non_exhaustive])",
                        naming::type_name(&ne.name)
                    ),
                );
            }
        }
    }
    for nk in &n.kinds {
        if !o.kinds.iter().any(|k| k.spec_key == nk.spec_key) {
            out.push(
                Class::Additive,
                Level::Rust,
                format!("webhook {}", nk.spec_key),
                "new webhook kind (Event is #[non_exhaustive])",
            );
        }
    }
}

/// A value a tag implies that is new or different refuses payloads accepted before
/// (breaking, on the wire); one dropped accepts more (additive).
fn implied_changes(
    out: &mut Out,
    item: &str,
    old: &[(String, crate::model::Code)],
    new: &[(String, crate::model::Code)],
) {
    for (field, code) in new {
        match old.iter().find(|(f, _)| f == field) {
            Some((_, before)) if before == code => {}
            Some((_, before)) => out.push(
                Class::Breaking,
                Level::Wire,
                item,
                format!("implies {field} = {code} instead of {before} (payloads with {before} are refused)"),
            ),
            None => out.push(
                Class::Breaking,
                Level::Wire,
                item,
                format!("now implies {field} = {code} (payloads with another {field} are refused)"),
            ),
        }
    }
    for (field, code) in old {
        if !new.iter().any(|(f, _)| f == field) {
            out.push(
                Class::Additive,
                Level::Wire,
                item,
                format!("no longer implies {field} = {code}"),
            );
        }
    }
}

/// The version the generated crate needs after `changes`, from `version` (`MAJOR.MINOR.PATCH`,
/// a pre-release suffix dropped): pre-1.0, breaking bumps the minor and anything else the patch;
/// from 1.0, breaking bumps the major, additive the minor, docs the patch. `None` without changes
/// or for a version that does not parse.
pub fn bump(version: &str, changes: &[Change]) -> Option<String> {
    let core = version.split(['-', '+']).next()?;
    let parts: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    let worst = changes.iter().map(|c| c.class).min()?;
    Some(match (major, worst) {
        (0, Class::Breaking) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Class::Breaking) => format!("{}.0.0", major + 1),
        (_, Class::Additive) => format!("{major}.{}.0", minor + 1),
        (_, Class::Docs) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// The report `cargo xtask diff` prints: changes grouped by class, then the version bump.
pub fn render(old: &Api, changes: &[Change]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if changes.is_empty() {
        s.push_str("no API changes\n");
    }
    for class in [Class::Breaking, Class::Additive, Class::Docs] {
        let of: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{class} ({}):", of.len());
        for c in of {
            if class == Class::Docs {
                let _ = writeln!(s, "  {}: {}", c.item, c.message);
            } else {
                let _ = writeln!(s, "  [{}] {}: {}", c.level, c.item, c.message);
            }
        }
    }
    let version = &old.service.package.version;
    match bump(version, changes) {
        Some(next) => {
            let worst = changes.iter().map(|c| c.class).min().unwrap_or(Class::Docs);
            let _ = writeln!(s, "bump: {version} -> {next} ({worst})");
        }
        None => {
            let _ = writeln!(s, "bump: none (version {version})");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(class: Class) -> Change {
        Change {
            class,
            level: Level::Rust,
            item: "x".into(),
            message: "y".into(),
        }
    }

    #[test]
    fn bump_follows_pre_1_0_and_1_x_rules() {
        assert_eq!(
            bump("0.1.0", &[change(Class::Breaking)]).as_deref(),
            Some("0.2.0")
        );
        assert_eq!(
            bump("0.1.3", &[change(Class::Additive)]).as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            bump("0.1.3", &[change(Class::Docs)]).as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            bump("1.2.3", &[change(Class::Breaking)]).as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            bump("1.2.3", &[change(Class::Additive), change(Class::Docs)]).as_deref(),
            Some("1.3.0")
        );
        assert_eq!(
            bump("1.2.3-rc.1", &[change(Class::Docs)]).as_deref(),
            Some("1.2.4")
        );
        assert_eq!(bump("0.1.0", &[]), None);
        assert_eq!(bump("x", &[change(Class::Docs)]), None);
    }

    fn field(name: &str, required: bool) -> Field {
        Field {
            wire_name: name.into(),
            ty: crate::model::Type::String,
            required,
            nullable: false,
            sensitive: false,
            redact_last4: false,
            boxed: false,
            zh: "z".into(),
            en: None,
            note: None,
            source: crate::model::Source::Modeled,
            carrier: crate::model::Carrier::Body,
            computed: false,
        }
    }

    fn classes(request: bool, old: &[Field], new: &[Field]) -> Vec<(Class, Level)> {
        let mut out = Out(Vec::new());
        fields(&mut out, "T", request, old, new);
        out.0.iter().map(|c| (c.class, c.level)).collect()
    }

    #[test]
    fn field_rules() {
        let a = [field("a", true)];
        let opt_a = [field("a", false)];
        let b = field("b", false);
        // New response field: Rust break (plain struct), wire additive.
        assert_eq!(
            classes(false, &a, &[a[0].clone(), b]),
            [(Class::Breaking, Level::Rust)]
        );
        // Request field made required: both.
        assert_eq!(classes(true, &opt_a, &a), [(Class::Breaking, Level::Both)]);
        // Response field made optional: both.
        assert_eq!(classes(false, &a, &opt_a), [(Class::Breaking, Level::Both)]);
        // Removed request field: both; removed response field: Rust only.
        assert_eq!(classes(true, &a, &[]), [(Class::Breaking, Level::Both)]);
        assert_eq!(classes(false, &a, &[]), [(Class::Breaking, Level::Rust)]);
        // Docs only.
        let mut doc_a = a.clone();
        doc_a[0].note = Some("n".into());
        assert_eq!(classes(false, &a, &doc_a), [(Class::Docs, Level::Rust)]);
        assert!(classes(false, &a, &a).is_empty());
        // An auth field moved into a header, or into another header: the wire breaks.
        let mut in_header = a.clone();
        in_header[0].carrier = Carrier::Header("X-A".into());
        assert_eq!(
            classes(true, &a, &in_header),
            [(Class::Breaking, Level::Wire)]
        );
        let mut other_header = a.clone();
        other_header[0].carrier = Carrier::Header("X-B".into());
        assert_eq!(
            classes(true, &in_header, &other_header),
            [(Class::Breaking, Level::Wire)]
        );
        // An auth field the signer now computes: `Credentials::new` and the wire change.
        let mut computed = a.clone();
        computed[0].computed = true;
        assert_eq!(
            classes(true, &a, &computed),
            [(Class::Breaking, Level::Both)]
        );
    }

    #[test]
    fn a_wire_form_change_is_a_wire_break_unless_the_rust_type_changes() {
        use crate::model::{DateTimeFormat, MoneyWire, Type};
        let typed = |ty: Type| {
            let mut f = field("a", true);
            f.ty = ty;
            [f]
        };
        let money = |w| Type::Map(Box::new(Type::Money(w)));
        assert_eq!(
            classes(
                false,
                &typed(money(MoneyWire::Number)),
                &typed(money(MoneyWire::String))
            ),
            [(Class::Breaking, Level::Wire)]
        );
        let at = |f| Type::DateTime(f);
        assert_eq!(
            classes(
                true,
                &typed(at(DateTimeFormat::Rfc3339)),
                &typed(at(DateTimeFormat::EpochMs))
            ),
            [(Class::Breaking, Level::Wire)]
        );
        assert_eq!(
            classes(
                false,
                &typed(at(DateTimeFormat::Vendor)),
                &typed(at(DateTimeFormat::Rfc3339))
            ),
            [(Class::Breaking, Level::Both)]
        );
        let mut out = Out(Vec::new());
        fields(
            &mut out,
            "T",
            false,
            &typed(money(MoneyWire::Number)),
            &typed(money(MoneyWire::String)),
        );
        assert!(
            out.0[0].message.contains("map<money> -> map<money/string>"),
            "{}",
            out.0[0].message
        );
    }
}
