//! The resolved model: every reference resolved, every name checked, in a
//! deterministic order. Emitters read only this.
//!
//! The model keeps names as the spec writes them (keys, wire names, operation
//! names); what a derived type is named after is kept as an [`ObjectName`].
//! Emitters make identifiers from them through [`crate::naming`], the same
//! functions the resolver uses to refuse unusable or colliding names.

pub use crate::raw::{EnumRepr, Source};

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// The `service` section.
    pub service: Service,
    /// The business error codes, in declaration order.
    pub errors: Vec<ErrorCode>,
    /// In `order`, then key order.
    pub groups: Vec<Group>,
    /// In declaration order (files sorted by path).
    pub enums: Vec<Enum>,
    /// Shared objects and hoisted inline objects, in declaration order.
    pub objects: Vec<Object>,
    /// By group, then declaration order.
    pub endpoints: Vec<Endpoint>,
    /// The `webhooks` section, if any.
    pub webhooks: Option<Webhooks>,
    /// Positions by name, for the lookups below (built by [`Api::new`]).
    index: Index,
}

/// Name -> position in the vectors of [`Api`], so lookups stay O(1) on large specs.
#[derive(Debug, Clone, Default)]
struct Index {
    objects: std::collections::HashMap<ObjectName, usize>,
    enums: std::collections::HashMap<String, usize>,
    endpoints: std::collections::HashMap<String, usize>,
}

/// One statement about an item and where it comes from (`provenance:` in the spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// What the statement covers, as written (`the codes and Chinese labels`).
    pub about: String,
    /// Where that part comes from.
    pub source: Source,
}

/// The `service` section: what every call shares.
#[derive(Debug, Clone)]
pub struct Service {
    /// Title (Chinese).
    pub title: String,
    /// Title (English).
    pub title_en: String,
    /// The vendor's own title, verbatim, if the spec records it.
    pub vendor_title: Option<String>,
    /// Longer description (spec prose), if any.
    pub description: Option<String>,
    /// Default base URL of the service.
    pub base_url: String,
    /// Prefix of every path, with a `{version}` segment (`/{version}/openApi`).
    pub path_prefix: String,
    /// What `{version}` is filled with by default.
    pub default_version: String,
    /// Where the version rule comes from.
    pub version_source: Source,
    /// The auth fields added to every request, as written (their struct is `Auth`).
    pub auth: Vec<Field>,
    /// Names and values of the response envelope.
    pub envelope: Envelope,
    /// How paginated endpoints page; `None` when the spec has no paginated endpoint.
    pub pagination: Option<Pagination>,
    /// How cursor-paginated endpoints page; `None` when the spec has none.
    pub cursor_pagination: Option<CursorPagination>,
    /// Where the section comes from.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// Package metadata of the generated crate.
    pub package: Package,
    /// The unit of `money` amounts as the docs name it (`service.money.unit`), if given.
    pub money_unit: Option<String>,
    /// How money and decimals travel unless a field says otherwise (`service.money_wire`).
    pub money_wire: MoneyWire,
    /// How datetimes travel unless a field says otherwise (`service.datetime_format`).
    pub datetime_format: DateTimeFormat,
}

/// How a `money` or `decimal` value is written in JSON; exact in both forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MoneyWire {
    /// A JSON number (`23.50`).
    #[default]
    Number,
    /// A JSON string (`"23.50"`); a nullable one may be `""`.
    String,
}

impl MoneyWire {
    /// The spelling in the spec (`number`, `string`).
    pub fn as_str(self) -> &'static str {
        match self {
            MoneyWire::Number => "number",
            MoneyWire::String => "string",
        }
    }
}

/// How a `datetime` value is written in JSON, and so which Rust type holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DateTimeFormat {
    /// `"YYYY-MM-DD HH:MM:SS"` without an offset: `time::PrimitiveDateTime`.
    #[default]
    Vendor,
    /// RFC 3339 with an offset (`"2026-11-28T12:00:00+08:00"`): `time::OffsetDateTime`, the
    /// offset kept.
    Rfc3339,
    /// Whole seconds since the Unix epoch (a JSON integer): `time::OffsetDateTime` in UTC.
    EpochS,
    /// Whole milliseconds since the Unix epoch (a JSON integer): `time::OffsetDateTime` in UTC.
    EpochMs,
}

impl DateTimeFormat {
    /// The spelling in the spec (`vendor`, `rfc3339`, `epoch_s`, `epoch_ms`).
    pub fn as_str(self) -> &'static str {
        match self {
            DateTimeFormat::Vendor => "vendor",
            DateTimeFormat::Rfc3339 => "rfc3339",
            DateTimeFormat::EpochS => "epoch_s",
            DateTimeFormat::EpochMs => "epoch_ms",
        }
    }

    /// Does the value keep an offset (`OffsetDateTime`) rather than none (`PrimitiveDateTime`)?
    pub fn has_offset(self) -> bool {
        self != DateTimeFormat::Vendor
    }

    /// How docs describe the wire form and the Rust type it is read into.
    pub fn description(self) -> &'static str {
        match self {
            DateTimeFormat::Vendor => {
                "`YYYY-MM-DD HH:MM:SS`, time zone not documented by the vendor"
            }
            DateTimeFormat::Rfc3339 => "RFC 3339 with an offset, kept in an `OffsetDateTime`",
            DateTimeFormat::EpochS => {
                "Unix timestamp in seconds (an integer), read as an `OffsetDateTime` in UTC"
            }
            DateTimeFormat::EpochMs => {
                "Unix timestamp in milliseconds (an integer), read as an `OffsetDateTime` in UTC"
            }
        }
    }
}

/// Package metadata of the generated crate, defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Crate name as written in `Cargo.toml` (`card-wallet`).
    pub name: String,
    /// `MAJOR.MINOR.PATCH[-pre]`.
    pub version: String,
    /// One line for `Cargo.toml` and the crate docs.
    pub description: String,
}

impl Package {
    /// The crate's name in Rust paths (`card_wallet`).
    pub fn crate_ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// The response envelope every call answers with.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Wire name of the business code field.
    pub code: String,
    /// Wire name of the message field.
    pub message: String,
    /// Wire name of the payload field.
    pub data: String,
    /// The business code of success; every code of [`Api::errors`] is of the same kind.
    pub success: Code,
    /// The business code meaning "rate limited", if any (one of [`Api::errors`]).
    pub rate_limit_code: Option<Code>,
    /// Where the envelope rule comes from.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
}

impl Envelope {
    /// A business code read from the JSON of the code field as the client reads it: for integer
    /// codes a number or a string holding one, for string codes a string or an integer (as its
    /// decimal text). `None` for anything else.
    pub fn read_code(&self, value: &serde_json::Value) -> Option<Code> {
        use serde_json::Value;
        match (&self.success, value) {
            (Code::Int(_), Value::Number(n)) => n.as_i64().map(Code::Int),
            (Code::Int(_), Value::String(s)) => s.trim().parse().ok().map(Code::Int),
            (Code::Str(_), Value::String(s)) => Some(Code::Str(s.clone())),
            (Code::Str(_), Value::Number(n)) if n.is_i64() || n.is_u64() => {
                Some(Code::Str(n.to_string()))
            }
            _ => None,
        }
    }
}

/// How paginated endpoints page.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Request fields added to paginated endpoints.
    pub request: Vec<Field>,
    /// Wire name of the page number request field (one of `request`).
    pub page_field: String,
    /// Wire name of the total row count in the page wrapper.
    pub total_field: String,
    /// Wire name of the list in the page wrapper.
    pub list_field: String,
    /// Page wrapper fields other than the list.
    pub response: Vec<Field>,
    /// Where the pagination rule comes from.
    pub source: Source,
}

/// How cursor-paginated endpoints page: each page names the cursor of the next.
#[derive(Debug, Clone)]
pub struct CursorPagination {
    /// Request fields added to cursor-paginated endpoints.
    pub request: Vec<Field>,
    /// Wire name of the cursor request field (one of `request`, an optional string).
    pub cursor_field: String,
    /// Wire name of the next cursor in the page wrapper (one of `response`, a string).
    pub next_cursor_field: String,
    /// Wire name of the list in the page wrapper.
    pub list_field: String,
    /// Cursor page wrapper fields other than the list.
    pub response: Vec<Field>,
    /// Where the convention comes from.
    pub source: Source,
}

/// A business error code (`errors`).
#[derive(Debug, Clone)]
pub struct ErrorCode {
    /// The code on the wire, of the same kind as [`Envelope::success`].
    pub code: Code,
    /// The name as written in the spec (`CARD_FROZEN`); the `ErrorCode` variant is
    /// [`crate::naming::type_name`] of it.
    pub name: String,
    /// Meaning (Chinese).
    pub zh: String,
    /// Meaning (English).
    pub en: String,
    /// What the caller should do, if the spec says.
    pub action: Option<String>,
    /// Where the code is documented.
    pub source: Source,
}

/// An endpoint group.
#[derive(Debug, Clone)]
pub struct Group {
    /// Key as written in the spec (`pay_method`); the OpenAPI tag and what
    /// [`Endpoint::group_key`] refers to. Its `Client` accessor and API struct are
    /// `crate::naming::group_accessor` and `crate::naming::group_struct` of it.
    pub spec_key: String,
    /// Name (Chinese).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// The vendor's own title, verbatim, if the spec records it.
    pub vendor_title: Option<String>,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
}

/// An enum (`enums`).
#[derive(Debug, Clone)]
pub struct Enum {
    /// Key as written in the spec (`CardStatus`); what [`Type::Enum`] refers to.
    pub name: String,
    /// Name (Chinese).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// The vendor's own title, verbatim, if the spec records it.
    pub vendor_title: Option<String>,
    /// Longer description (spec prose), if any.
    pub description: Option<String>,
    /// Integer or string codes.
    pub repr: EnumRepr,
    /// No values beyond the listed ones (no `Unknown` fallback).
    pub closed: bool,
    /// Where the enum is documented.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// The values, in declaration order.
    pub values: Vec<EnumValue>,
}

/// A wire code: of an enum value, or a business code of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// An integer code (`repr: int`).
    Int(i64),
    /// A string code (`repr: string`).
    Str(String),
}

impl Code {
    /// The code as a JSON value: a number or a string.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Code::Int(c) => serde_json::Value::from(*c),
            Code::Str(c) => serde_json::Value::from(c.as_str()),
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Code::Int(i) => write!(f, "{i}"),
            Code::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// One value of an enum.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// The wire code.
    pub code: Code,
    /// The name as written in the spec (`NORMAL`); the variant is
    /// [`crate::naming::type_name`] of it (`Normal`).
    pub spec_name: String,
    /// Meaning (Chinese).
    pub zh: String,
    /// Meaning (English).
    pub en: String,
}

/// What an object is named after; [`crate::naming::object_type_name`] makes
/// its Rust type name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ObjectName {
    /// A shared object: its key under `objects` as written (`Card`).
    Declared(String),
    /// The request of an endpoint: the endpoint's name as written (`getWalletDetail`).
    Request(String),
    /// The credentials struct (`service.auth`), owner of inline auth fields.
    Auth,
    /// The page wrapper (`service.pagination`), owner of inline pagination fields.
    Page,
    /// The cursor page wrapper (`service.cursor_pagination`), owner of its inline fields.
    CursorPage,
    /// An object hoisted from an inline `type: object` field: the object holding
    /// the field, and the field's key as written (`Card` + `limits`).
    Inline(Box<ObjectName>, String),
}

/// Where an object comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// Declared under `objects`.
    Shared,
    /// Hoisted from an inline `type: object` field.
    Inline,
    /// The request of an endpoint.
    Request,
}

/// An object: a shared one, a hoisted inline one or an endpoint's request.
#[derive(Debug, Clone)]
pub struct Object {
    /// What it is named after (the key, the endpoint, or owner and field).
    pub name: ObjectName,
    /// Where it comes from.
    pub kind: ObjectKind,
    /// Name (Chinese).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// Longer description (spec prose), if any.
    pub description: Option<String>,
    /// Where it is documented.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// The fields, in declaration order.
    pub fields: Vec<Field>,
}

impl Object {
    /// Does `Debug` need to hide something?
    pub fn has_sensitive(&self) -> bool {
        self.fields.iter().any(|f| f.sensitive)
    }
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `long` (64-bit integer).
    Long,
    /// `int` (32-bit integer).
    Int,
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `money` (decimal amount), sent as a JSON number or string.
    Money(MoneyWire),
    /// `decimal`, sent as a JSON number or string.
    Decimal(MoneyWire),
    /// `datetime`, in one of the wire formats.
    DateTime(DateTimeFormat),
    /// `date`.
    Date,
    /// An enum, by its key as written (see [`Enum::name`]).
    Enum(String),
    /// An object, by what it is named after (see [`Object::name`]).
    Object(ObjectName),
    /// `[T]`.
    Array(Box<Type>),
    /// `map<T>`: a JSON object whose keys are strings (ids, currency codes, …) and whose values
    /// are `T`.
    Map(Box<Type>),
}

impl Type {
    /// How docs and messages name this type: primitives as the spec writes
    /// them, enums and objects by their Rust type name.
    pub fn spec_name(&self) -> String {
        match self {
            Type::Long => "long".into(),
            Type::Int => "int".into(),
            Type::String => "string".into(),
            Type::Bool => "bool".into(),
            Type::Money(_) => "money".into(),
            Type::Decimal(_) => "decimal".into(),
            Type::DateTime(_) => "datetime".into(),
            Type::Date => "date".into(),
            Type::Enum(n) => crate::naming::type_name(n),
            Type::Object(n) => crate::naming::object_type_name(n),
            Type::Array(t) => format!("[{}]", t.spec_name()),
            Type::Map(t) => format!("map<{}>", t.spec_name()),
        }
    }

    /// Like [`Type::spec_name`], with each non-default wire form after a `/`:
    /// `map<money/string>`, `[datetime/epoch_ms]`; what tells two wire forms apart in messages.
    pub fn wire_name(&self) -> String {
        match self {
            Type::Money(MoneyWire::String) => "money/string".into(),
            Type::Decimal(MoneyWire::String) => "decimal/string".into(),
            Type::DateTime(f) if *f != DateTimeFormat::Vendor => {
                format!("datetime/{}", f.as_str())
            }
            Type::Array(t) => format!("[{}]", t.wire_name()),
            Type::Map(t) => format!("map<{}>", t.wire_name()),
            t => t.spec_name(),
        }
    }

    /// The same type with every wire form at its default: equal for two types that differ
    /// only in how their values are written.
    pub fn without_wire(&self) -> Type {
        match self {
            Type::Money(_) => Type::Money(MoneyWire::Number),
            Type::Decimal(_) => Type::Decimal(MoneyWire::Number),
            Type::DateTime(_) => Type::DateTime(DateTimeFormat::Vendor),
            Type::Array(t) => Type::Array(Box::new(t.without_wire())),
            Type::Map(t) => Type::Map(Box::new(t.without_wire())),
            t => t.clone(),
        }
    }

    /// Is the Rust type the same for both (datetimes with and without an offset differ)?
    pub fn same_rust_type(&self, other: &Type) -> bool {
        fn offsets(t: &Type, out: &mut Vec<bool>) {
            match t {
                Type::DateTime(f) => out.push(f.has_offset()),
                Type::Array(t) | Type::Map(t) => offsets(t, out),
                _ => {}
            }
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        offsets(self, &mut a);
        offsets(other, &mut b);
        self.without_wire() == other.without_wire() && a == b
    }

    /// The type inside every array and map (`money` for `map<[money]>`).
    pub fn innermost(&self) -> &Type {
        match self {
            Type::Array(t) | Type::Map(t) => t.innermost(),
            t => t,
        }
    }
}

/// A field of an object, of `Auth` or of the page wrapper.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name in the JSON body, as written in the spec (`cardNo`); the Rust field is
    /// [`crate::naming::field_name`] of it (`card_no`).
    pub wire_name: String,
    /// Its type.
    pub ty: Type,
    /// Always sent.
    pub required: bool,
    /// May be `null` (or empty) on the wire.
    pub nullable: bool,
    /// Hidden by `Debug` and redacted in logs.
    pub sensitive: bool,
    /// Redaction keeps the last four characters.
    pub redact_last4: bool,
    /// Held in a `Box`: the field closes a cycle of objects holding each other by value.
    pub boxed: bool,
    /// Meaning (Chinese).
    pub zh: String,
    /// Meaning (English), if given.
    pub en: Option<String>,
    /// A note (spec prose), if any.
    pub note: Option<String>,
    /// Where it is documented.
    pub source: Source,
    /// Where it travels: always [`Carrier::Body`] outside `service.auth`.
    pub carrier: Carrier,
    /// An auth field computed per request by the client's signer, not one of the
    /// credentials: always `false` outside `service.auth`.
    pub computed: bool,
}

impl Field {
    /// Is it one of the credentials (an auth field the caller gives, not a computed one)?
    pub fn is_credential(&self) -> bool {
        !self.computed
    }

    /// Is the Rust type an `Option`?
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }

    /// The HTTP header carrying this (auth) field, if it travels in one.
    pub fn header(&self) -> Option<&str> {
        match &self.carrier {
            Carrier::Body => None,
            Carrier::Header(name) => Some(name),
        }
    }
}

/// Where a field travels in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carrier {
    /// A member of the JSON body.
    Body,
    /// An HTTP header of this name, as written in the spec (`X-App-Key`); auth fields only.
    Header(String),
}

/// What an endpoint returns in `data`; objects by their key under `objects`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// One object.
    Object(String),
    /// An array of objects.
    Array(String),
    /// A page of objects.
    Page(String),
    /// A cursor page of objects (`{ cursor_page: T }`).
    CursorPage(String),
    /// Any other value (`{ value: T }`, `{ map: T }`, or `{ array: T }` of a non-object `T`):
    /// a primitive, an enum, or arrays and maps of any type.
    Value(Type),
    /// Nothing (`null` or `{}`).
    Empty,
}

/// Whether a failed call may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Retrying is safe.
    Safe,
    /// Never retried automatically.
    Never,
}

/// One endpoint: an HTTP operation with its request fields, response, retry class and
/// examples.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The operation name as written in the spec (`loop`, `getWalletDetail`): what
    /// `refetch.endpoint` refers to. The client method and the request struct are named
    /// after it (the request struct is [`ObjectName::Request`] of it).
    pub spec_name: String,
    /// The [`Group::spec_key`] of the group it belongs to.
    pub group_key: String,
    /// The method name within its group as written (`fn_name: cancel`), if it is not made
    /// from the key; see [`Endpoint::method_source`].
    pub fn_name: Option<String>,
    /// Summary (Chinese).
    pub zh: String,
    /// Summary (English).
    pub en: String,
    /// Longer description (spec prose), if any.
    pub description: Option<String>,
    /// Path after the prefix (`/wallet/getWalletDetail`).
    pub path: String,
    /// Full path template (`/{version}/openApi/wallet/getWalletDetail`).
    pub full_path: String,
    /// How the request is sent: a JSON body (`POST`) or a query string (`GET`).
    pub method: HttpMethod,
    /// Where it is documented.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// What `data` holds on success.
    pub response: Response,
    /// Pages through the service's pagination fields (its `pagination` or, for a
    /// [`Response::CursorPage`], its `cursor_pagination`).
    pub paginated: bool,
    /// Whether a failed call may be repeated.
    pub retry: Retry,
    /// Wire name of the request field that makes a repeated call harmless, if any.
    pub idempotency_key: Option<String>,
    /// The call moves money.
    pub moves_money: bool,
    /// How to recover after an uncertain outcome (spec prose), if given.
    pub recovery: Option<String>,
    /// The lookup that settles an uncertain outcome (`recovery: { lookup, fields }`), if given.
    pub recover: Option<Recover>,
    /// JSON examples, in declaration order.
    pub examples: Vec<Example>,
}

/// The HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpMethod {
    /// `GET`: the request fields (and the auth fields carried in the body of a `POST`) travel
    /// in the query string; there is no body. Only scalar fields may be sent.
    Get,
    /// `POST` (the default): one JSON body.
    #[default]
    Post,
}

impl HttpMethod {
    /// The method as HTTP writes it (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

impl Endpoint {
    /// The name its group method (and `*_stream`, `*_and_recover` twins) is made from:
    /// `fn_name` if given, else the key. The `Operation` constant, the request struct, the
    /// test and the OpenAPI `operationId` are always made from the key, which is unique.
    pub fn method_source(&self) -> &str {
        self.fn_name.as_deref().unwrap_or(&self.spec_name)
    }
}

/// A JSON example of an endpoint or webhook kind.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its name as written.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// The request (or webhook) body, JSON text.
    pub request: Option<String>,
    /// The response body, JSON text.
    pub response: Option<String>,
}

/// The `webhooks` section.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// Wire name of the field holding the event tag.
    pub tag_field: String,
    /// Where the tag field's name comes from.
    pub tag_field_source: Source,
    /// Wire name of the field holding the payload.
    pub data_field: String,
    /// HTTP status of the acknowledgement.
    pub ack_status: u16,
    /// Body of the acknowledgement, JSON text.
    pub ack_body: String,
    /// Where the acknowledgement rule comes from.
    pub ack_source: Source,
    /// Where the section comes from.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// The kinds, in declaration order.
    pub kinds: Vec<WebhookKind>,
}

/// A webhook kind: events sharing one payload.
#[derive(Debug, Clone)]
pub struct WebhookKind {
    /// Key as written in the spec (`card_trade`); the `Event` variant is
    /// [`crate::naming::type_name`] of it (`CardTrade`).
    pub spec_key: String,
    /// Name (Chinese).
    pub zh: String,
    /// Name (English).
    pub en: String,
    /// The vendor's own title, verbatim, if the spec records it.
    pub vendor_title: Option<String>,
    /// Where it is documented.
    pub source: Source,
    /// Per-statement provenance when the item mixes sources (`source` is then the weakest).
    pub provenance: Vec<Statement>,
    /// The payload object: its key under `objects`.
    pub payload: String,
    /// How to fetch the current state through an endpoint, if given.
    pub refetch: Option<Refetch>,
    /// Wire names of the payload fields that, with the tag, identify a delivery (empty: the
    /// whole object does).
    pub delivery_key: Vec<String>,
    /// The events of this kind, in declaration order.
    pub events: Vec<WebhookEvent>,
    /// JSON examples, in declaration order.
    pub examples: Vec<Example>,
}

/// Settling an uncertain call through a lookup endpoint.
#[derive(Debug, Clone)]
pub struct Recover {
    /// [`Endpoint::spec_name`] of the lookup endpoint.
    pub lookup: String,
    /// (lookup request field, this endpoint's request field) pairs, by wire name.
    pub fields: Vec<(String, String)>,
}

/// Re-fetching a webhook's subject through a detail endpoint.
#[derive(Debug, Clone)]
pub struct Refetch {
    /// [`Endpoint::spec_name`] of the detail endpoint.
    pub endpoint: String,
    /// (request field, payload field) pairs, by wire name.
    pub fields: Vec<(String, String)>,
    /// (response field, payload field) pairs that must be equal for the re-fetched object to
    /// be the event's: each mapped pair whose request field the response also has, with the
    /// payload field's type.
    pub identity: Vec<(String, String)>,
}

/// One event of a webhook kind.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    /// The tag on the wire.
    pub tag: String,
    /// The name as written in the spec; the variant is [`crate::naming::type_name`] of it.
    pub name: String,
    /// Meaning (Chinese).
    pub zh: String,
    /// Meaning (English).
    pub en: String,
    /// Where it is documented.
    pub source: Source,
    /// (payload field wire name, value) pairs the tag implies.
    pub implies: Vec<(String, Code)>,
}

impl Api {
    /// Assemble the model and index it by name.
    pub fn new(
        service: Service,
        errors: Vec<ErrorCode>,
        groups: Vec<Group>,
        enums: Vec<Enum>,
        objects: Vec<Object>,
        endpoints: Vec<Endpoint>,
        webhooks: Option<Webhooks>,
    ) -> Self {
        let index = Index {
            objects: objects
                .iter()
                .enumerate()
                .map(|(i, o)| (o.name.clone(), i))
                .collect(),
            enums: enums
                .iter()
                .enumerate()
                .map(|(i, e)| (e.name.clone(), i))
                .collect(),
            endpoints: endpoints
                .iter()
                .enumerate()
                .map(|(i, e)| (e.spec_name.clone(), i))
                .collect(),
        };
        Api {
            service,
            errors,
            groups,
            enums,
            objects,
            endpoints,
            webhooks,
            index,
        }
    }

    /// The object with this name.
    pub fn object(&self, name: &ObjectName) -> Option<&Object> {
        self.index
            .objects
            .get(name)
            .and_then(|&i| self.objects.get(i))
    }

    /// The endpoints of group `group_key`, in declaration order.
    pub fn group_endpoints<'a>(&'a self, group_key: &'a str) -> impl Iterator<Item = &'a Endpoint> {
        self.endpoints
            .iter()
            .filter(move |e| e.group_key == group_key)
    }

    /// The enum with this key.
    pub fn enum_(&self, name: &str) -> Option<&Enum> {
        self.index.enums.get(name).and_then(|&i| self.enums.get(i))
    }

    /// The endpoint with this operation name as written.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.index
            .endpoints
            .get(name)
            .and_then(|&i| self.endpoints.get(i))
    }

    /// The position of the object with this name in [`Api::objects`].
    pub fn object_position(&self, name: &ObjectName) -> Option<usize> {
        self.index.objects.get(name).copied()
    }

    /// The position of the enum with this key in [`Api::enums`].
    pub fn enum_position(&self, name: &str) -> Option<usize> {
        self.index.enums.get(name).copied()
    }

    /// The position of the endpoint with this operation name in [`Api::endpoints`].
    pub fn endpoint_position(&self, name: &str) -> Option<usize> {
        self.index.endpoints.get(name).copied()
    }

    /// The request struct of an endpoint.
    pub fn request_object(&self, endpoint: &Endpoint) -> Option<&Object> {
        self.object(&ObjectName::Request(endpoint.spec_name.clone()))
    }

    /// The shared object with this key under `objects`.
    pub fn declared_object(&self, key: &str) -> Option<&Object> {
        self.object(&ObjectName::Declared(key.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(success: Code) -> Envelope {
        Envelope {
            code: "code".into(),
            message: "message".into(),
            data: "data".into(),
            success,
            rate_limit_code: None,
            provenance: Vec::new(),
            source: Source::Modeled,
        }
    }

    #[test]
    fn integer_codes_are_read_from_numbers_and_numeric_strings() {
        let env = envelope(Code::Int(0));
        let read = |json: &str| env.read_code(&serde_json::from_str(json).unwrap());
        assert_eq!(read("1001"), Some(Code::Int(1001)));
        assert_eq!(read("\" 7 \""), Some(Code::Int(7)));
        assert_eq!(read("\"E1\""), None);
        assert_eq!(read("1.5"), None);
        assert_eq!(read("null"), None);
    }

    #[test]
    fn string_codes_are_read_from_strings_and_integers() {
        let env = envelope(Code::Str("0000".into()));
        let read = |json: &str| env.read_code(&serde_json::from_str(json).unwrap());
        assert_eq!(read("\"0000\""), Some(Code::Str("0000".into())));
        assert_eq!(read("429"), Some(Code::Str("429".into())));
        assert_eq!(read("1.5"), None);
        assert_eq!(read("[]"), None);
    }
}
