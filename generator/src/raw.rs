//! The raw model: exactly what a spec file says, as serde reads it from YAML.
//!
//! Unknown keys are rejected (`deny_unknown_fields`); every item that a later
//! diagnostic may point at is wrapped in [`Spanned`] so the validator can name
//! its `file:line:col`. Nothing here is resolved: type names are still strings.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
pub use serde_saphyr::{Location, Spanned};

/// A map key that remembers where it was written. Equality and hashing use
/// the text only, so it can key an `IndexMap`.
#[derive(Debug, Clone)]
pub struct Key {
    /// The key as written.
    pub value: String,
    /// Where the key starts.
    pub loc: Location,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl Eq for Key {}
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(d)?;
        Ok(Key {
            value: s.value,
            loc: s.referenced,
        })
    }
}

/// The JSON Schema of a spec file (see [`crate::spec_schema`]).
pub(crate) fn schema() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<SpecFile>()
}

/// In the schema a key is the plain string it was written as.
impl JsonSchema for Key {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// One YAML file under `spec/`. Every section is optional; the loader merges
/// the files and reports an item defined twice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The service: title, base URL, version segment, auth, envelope.
    #[schemars(with = "Option<Service>")]
    pub service: Option<Spanned<Service>>,
    /// Business error codes returned in the envelope's `code`.
    #[serde(default)]
    #[schemars(with = "Vec<ErrorCode>")]
    pub errors: Vec<Spanned<ErrorCode>>,
    /// Endpoint groups (client accessors), by key.
    #[serde(default)]
    pub groups: IndexMap<Key, Group>,
    /// Constant enums, by type name.
    #[serde(default)]
    pub enums: IndexMap<Key, Enum>,
    /// Objects (structs), by type name.
    #[serde(default)]
    pub objects: IndexMap<Key, Object>,
    /// Endpoints, by operation name.
    #[serde(default)]
    pub endpoints: IndexMap<Key, Endpoint>,
    /// The webhook section.
    #[schemars(with = "Option<Webhooks>")]
    pub webhooks: Option<Spanned<Webhooks>>,
}

/// Where a fact comes from (see "Provenance" in `spec/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Stated on a vendor page read in full.
    Documented,
    /// Stated by the vendor, seen only in an excerpt.
    Observed,
    /// Our best reconstruction; may be refined.
    Modeled,
}

impl Source {
    /// The word the spec uses: `documented`, `observed` or `modeled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Documented => "documented",
            Source::Observed => "observed",
            Source::Modeled => "modeled",
        }
    }

    /// How strong the evidence is: modeled < observed < documented.
    pub fn strength(self) -> u8 {
        match self {
            Source::Modeled => 0,
            Source::Observed => 1,
            Source::Documented => 2,
        }
    }
}

/// One statement about an item and where it comes from, for an item whose facts come from
/// more than one source (an enum whose codes are documented and whose names are modeled).
/// The item's own `source` must then be the weakest source among its statements.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// What the statement covers, in a few words (`the codes and Chinese labels`).
    pub about: String,
    /// Where that part comes from.
    #[schemars(with = "Source")]
    pub source: Spanned<Source>,
}

/// The service as a whole: names, base URL, version, auth, envelope and pagination.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Chinese title of the service.
    pub title: String,
    /// English title; the default crate name is its kebab-case form.
    pub title_en: String,
    /// The vendor's own title, verbatim, as its navigation shows it (`Wallet Status`).
    #[serde(default)]
    pub vendor_title: Option<String>,
    /// Spec prose for the crate docs.
    #[serde(default)]
    pub description: Option<String>,
    /// The base URL the spec gives (often the vendor's placeholder); clients take the host of
    /// their environment as a setting.
    pub base_url: String,
    /// Path prefix before each endpoint path; must contain `{version}`.
    #[schemars(with = "String")]
    pub path_prefix: Spanned<String>,
    /// The version segment and its default.
    pub version: Version,
    /// Fields injected into every request body.
    pub auth: IndexMap<Key, Field>,
    /// The response envelope.
    pub envelope: Envelope,
    /// The page convention shared by every paginated endpoint (optional: a spec without
    /// paginated endpoints leaves it out).
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// The cursor convention shared by every cursor-paginated endpoint (optional: a spec
    /// without cursor-paginated endpoints leaves it out).
    #[serde(default)]
    pub cursor_pagination: Option<CursorPagination>,
    /// Provenance of the service facts.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// Package metadata of the generated crate; every key has a default.
    #[serde(default)]
    pub package: Option<Package>,
    /// How the docs describe `money` amounts; without it they name no unit.
    #[serde(default)]
    pub money: Option<Money>,
    /// How `money` and `decimal` values travel: `number` (default, `23.50`) or `string`
    /// (`"23.50"`); a field's `wire` overrides it.
    #[serde(default)]
    pub money_wire: Option<MoneyWire>,
    /// How `datetime` values travel: `vendor` (default, `"YYYY-MM-DD HH:MM:SS"`), `rfc3339`,
    /// `epoch_s` or `epoch_ms`; a field's `format` overrides it.
    #[serde(default)]
    pub datetime_format: Option<DateTimeFormat>,
}

/// How money and decimals are written in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyWire {
    /// A JSON number: `23.50`.
    Number,
    /// A JSON string: `"23.50"`.
    String,
}

/// How datetimes are written in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateTimeFormat {
    /// `"YYYY-MM-DD HH:MM:SS"`, no offset.
    Vendor,
    /// RFC 3339 with an offset: `"2026-11-28T12:00:00+08:00"`.
    Rfc3339,
    /// Whole seconds since the Unix epoch, a JSON integer.
    EpochS,
    /// Whole milliseconds since the Unix epoch, a JSON integer.
    EpochMs,
}

/// Wording of `money` amounts in the generated docs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The unit as the docs should name it, e.g. `major units (元)` or `EUR, in euros`.
    pub unit: String,
}

/// Package metadata of the generated crate (`Cargo.toml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Crate name, e.g. `card-wallet` (default: the kebab-case English title).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// Crate version, `MAJOR.MINOR.PATCH` (default `0.1.0`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub version: Option<Spanned<String>>,
    /// One-line description (default: "Typed client for the `<English title>`.").
    #[serde(default)]
    pub description: Option<String>,
}

/// The API version segment substituted for `{version}` in the path prefix.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// The version the generated client uses unless told otherwise (`v1`).
    pub default: String,
    /// Provenance of the version.
    pub source: Source,
}

/// The JSON envelope around every response: the names of its fields and the success code.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Name of the business-code field.
    pub code: String,
    /// Name of the message field.
    pub message: String,
    /// Name of the field holding the payload.
    pub data: String,
    /// The business code that means success: an integer (`0`) or a string (`"0000"`). Every
    /// code of `errors` and `rate_limit_code` is written the same way.
    #[schemars(with = "Code")]
    pub success: Spanned<Code>,
    /// Business code that means "rate limited"; retried like HTTP 429 on safe endpoints.
    #[serde(default)]
    #[schemars(with = "Option<Code>")]
    pub rate_limit_code: Option<Spanned<Code>>,
    /// Provenance of the envelope.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
}

/// How list endpoints page: the request fields, the page number field and the page wrapper.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// Request fields added to every paginated endpoint (page number first).
    pub request: IndexMap<Key, Field>,
    /// Name of the request field holding the 1-based page number.
    #[schemars(with = "String")]
    pub page_field: Spanned<String>,
    /// Name of the response field holding the total number of items.
    pub total_field: String,
    /// Name of the response field holding the items of the page.
    pub list_field: String,
    /// Response fields of the page wrapper other than the list.
    pub response: IndexMap<Key, Field>,
    /// Provenance of the convention.
    pub source: Source,
}

/// How cursor-paginated list endpoints page: each page names the cursor of the next one.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CursorPagination {
    /// Request fields added to every cursor-paginated endpoint (the cursor first).
    pub request: IndexMap<Key, Field>,
    /// Name of the request field carrying the cursor (an optional `string`; unset on the
    /// first page).
    #[schemars(with = "String")]
    pub cursor_field: Spanned<String>,
    /// Name of the response field holding the next page's cursor (a `string`); the listing
    /// ends when it is `null`, `""` or absent.
    #[schemars(with = "String")]
    pub next_cursor_field: Spanned<String>,
    /// Name of the response field holding the items of the page.
    pub list_field: String,
    /// Response fields of the cursor page wrapper other than the list (the next cursor
    /// among them).
    pub response: IndexMap<Key, Field>,
    /// Provenance of the convention.
    pub source: Source,
}

/// One business error code the envelope's `code` may carry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The value of the envelope's `code`: an integer or a string, as the success code is.
    #[schemars(with = "Code")]
    pub code: Spanned<Code>,
    /// Rust-friendly name (any case; converted to UpperCamelCase).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Chinese meaning, as on the vendor page.
    pub zh: String,
    /// English meaning.
    pub en: String,
    /// What a client should do about it.
    #[serde(default)]
    pub action: Option<String>,
    /// Provenance of the code.
    pub source: Source,
}

/// An endpoint group: one accessor on the generated client (`client.wallet()`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Chinese title.
    pub zh: String,
    /// English title.
    pub en: String,
    /// The vendor's own title, verbatim, as its navigation shows it (`Wallet Status`).
    #[serde(default)]
    pub vendor_title: Option<String>,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// Sort key for the docs and the client; groups without one follow, in spec order.
    #[serde(default)]
    pub order: Option<u32>,
}

/// A constant enum page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enum {
    /// Chinese title.
    pub zh: String,
    /// English title.
    pub en: String,
    /// The vendor's own title, verbatim, as its navigation shows it (`Wallet Status`).
    #[serde(default)]
    pub vendor_title: Option<String>,
    /// Spec prose for the docs.
    #[serde(default)]
    pub description: Option<String>,
    /// `int` (default) or `string` codes.
    #[serde(default)]
    pub repr: EnumRepr,
    /// A closed enum rejects unknown codes; enums are open by default.
    #[serde(default)]
    pub closed: bool,
    /// Provenance of the values.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// The values, in doc order.
    #[schemars(with = "Vec<EnumValue>")]
    pub values: Vec<Spanned<EnumValue>>,
}

/// How an enum's codes are written on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    /// Integer codes (the default).
    #[default]
    Int,
    /// String codes.
    String,
}

/// One value of a constant enum.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The wire code: an integer for `repr: int`, a string for `repr: string`.
    #[schemars(with = "Code")]
    pub code: Spanned<Code>,
    /// Rust-friendly name (any case; converted to UpperCamelCase).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Chinese meaning.
    pub zh: String,
    /// English meaning.
    pub en: String,
}

/// A wire code as written in the spec: an enum value's (matching the enum's `repr`) or a
/// business code of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Code {
    /// An integer code (`repr: int`).
    Int(i64),
    /// A string code (`repr: string`).
    Str(String),
}

/// An object type: a struct with named fields.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Object {
    /// Chinese title.
    pub zh: String,
    /// English title.
    pub en: String,
    /// Spec prose for the docs.
    #[serde(default)]
    pub description: Option<String>,
    /// Default provenance of the fields.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// The fields, by wire name, in order.
    pub fields: IndexMap<Key, Field>,
}

/// A field of an object, a request, the auth block or the page wrapper.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// `long`, `int`, `string`, `bool`, `money`, `decimal`, `datetime`, `date`,
    /// an enum or object name, or `[T]` for an array of `T`.
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub ty: Spanned<String>,
    /// Defaults to `true`: the field is always present.
    #[serde(default = "yes")]
    pub required: bool,
    /// The field is always present but may be `""` or `null`, read as `None`.
    #[serde(default)]
    pub nullable: bool,
    /// Never printed: redacted in `Debug`, logs and errors.
    #[serde(default)]
    pub sensitive: bool,
    /// `last4`: `Debug` may show the last four characters of a sensitive value.
    #[serde(default)]
    pub redact: Option<Redact>,
    /// Chinese description, as on the vendor page.
    pub zh: String,
    /// English description.
    #[serde(default)]
    pub en: Option<String>,
    /// Extra notes for the docs.
    #[serde(default)]
    pub note: Option<String>,
    /// Defaults to the source of the enclosing item.
    #[serde(default)]
    pub source: Option<Source>,
    /// Inline nested object; `type` must then be `object` or `[object]`.
    #[serde(default)]
    pub fields: Option<IndexMap<Key, Field>>,
    /// For `money` and `decimal` (also inside arrays and maps): overrides `service.money_wire`.
    #[serde(default)]
    #[schemars(with = "Option<MoneyWire>")]
    pub wire: Option<Spanned<MoneyWire>>,
    /// For `datetime` (also inside arrays and maps): overrides `service.datetime_format`.
    #[serde(default)]
    #[schemars(with = "Option<DateTimeFormat>")]
    pub format: Option<Spanned<DateTimeFormat>>,
    /// Auth fields only: where the field travels, `body` (the default: a member of the JSON
    /// body) or `header` (an HTTP header named by `header`; the field must be a `string`).
    #[serde(default, rename = "in")]
    #[schemars(with = "Option<Carrier>")]
    pub carrier: Option<Spanned<Carrier>>,
    /// Auth fields with `in: header` only: the HTTP header name, e.g. `X-App-Key`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub header: Option<Spanned<String>>,
    /// Auth fields only: computed per request by the client's signer (a signature, a
    /// timestamp, a nonce) instead of given in the credentials; must be a `string`.
    #[serde(default)]
    #[schemars(with = "bool")]
    pub computed: Option<Spanned<bool>>,
}

/// Where an auth field travels (`in:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// A member of the JSON body of every request.
    Body,
    /// An HTTP header of every request.
    Header,
}

/// The default of [`Field::required`].
fn yes() -> bool {
    true
}

/// How much of a sensitive value `Debug` may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Redact {
    /// `Debug` shows the last four characters.
    Last4,
}

/// One endpoint: a POST of a JSON body (or a GET with a query string) to a path, answered
/// with an envelope.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Key of the group the endpoint belongs to.
    #[schemars(with = "String")]
    pub group: Spanned<String>,
    /// Chinese title as on the vendor page.
    pub zh: String,
    /// English meaning.
    pub en: String,
    /// Spec prose for the docs.
    #[serde(default)]
    pub description: Option<String>,
    /// Path after the service prefix, e.g. `/wallet/getWalletDetail`.
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// HTTP method: `POST` (the default: the fields in a JSON body) or `GET` (the fields in
    /// the query string).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub method: Option<Spanned<String>>,
    /// The method name within its group (`cancel`), when it should not be made from the
    /// key; keys stay unique spec-wide, method names only within a group.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub fn_name: Option<Spanned<String>>,
    /// Provenance of the endpoint.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// Request fields besides the auth fields (and the page fields).
    #[serde(default)]
    pub request: IndexMap<Key, Field>,
    /// What `data` holds on success.
    #[schemars(with = "Response")]
    pub response: Spanned<Response>,
    /// `page` or `cursor`: the endpoint takes the page (or cursor) fields and gets a stream
    /// method.
    #[serde(default)]
    #[schemars(with = "Option<PaginationMarker>")]
    pub pagination: Option<Spanned<PaginationMarker>>,
    /// Whether the client may retry the call.
    #[schemars(with = "Retry")]
    pub retry: Spanned<Retry>,
    /// Request field that makes the call idempotent on the server (e.g. `out_order_id`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub idempotency_key: Option<Spanned<String>>,
    /// Does a successful call move money?
    #[serde(default)]
    pub moves_money: bool,
    /// How to recover when a `never`-retried call fails in flight: text, or a lookup.
    #[serde(default)]
    pub recovery: Option<Recovery>,
    /// Request/response examples, each checked and turned into a test.
    #[serde(default)]
    #[schemars(with = "Vec<Example>")]
    pub examples: Vec<Spanned<Example>>,
}

/// An endpoint's `recovery`: plain text, or a mapping naming the lookup endpoint.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum Recovery {
    /// `recovery: <text>`: shown in docs and errors only.
    Text(String),
    /// `recovery: { lookup, fields, note }`: also gives a `*_and_recover` method.
    Lookup(RecoveryLookup),
}

impl Recovery {
    /// The text (the plain form, or the lookup's `note`).
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            Self::Lookup(l) => l.note.as_deref(),
        }
    }
}

impl<'de> Deserialize<'de> for Recovery {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Recovery;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text, or a mapping with `lookup`, `fields` and `note`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Recovery, E> {
                Ok(Recovery::Text(v.to_owned()))
            }
            // Through the YAML deserializer's own map access, so spans survive.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<Recovery, A::Error> {
                RecoveryLookup::deserialize(serde::de::value::MapAccessDeserializer::new(m))
                    .map(Recovery::Lookup)
            }
        }
        d.deserialize_any(V)
    }
}

/// The structured form of `recovery`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryLookup {
    /// The lookup endpoint, by its name in the spec.
    #[schemars(with = "String")]
    pub lookup: Spanned<String>,
    /// Lookup request field name -> this endpoint's request field name.
    #[serde(default)]
    pub fields: IndexMap<Key, String>,
    /// What to tell the caller besides the lookup (docs and errors).
    #[serde(default)]
    pub note: Option<String>,
}

/// What `data` holds on success.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Response {
    /// `data` is one object of the named type.
    Object(#[schemars(with = "String")] Spanned<String>),
    /// `data` is a JSON array of the named type (an object, or any field type: `string`,
    /// `money`, `[string]`, `map<Rate>`, …).
    Array(#[schemars(with = "String")] Spanned<String>),
    /// `data` is a JSON object keyed by strings whose values are of the named type.
    Map(#[schemars(with = "String")] Spanned<String>),
    /// `data` is one value of any field type (`bool`, `money`, `[[string]]`, an object, …).
    Value(#[schemars(with = "String")] Spanned<String>),
    /// `data` is a page wrapper whose list holds the named type.
    Page(#[schemars(with = "String")] Spanned<String>),
    /// `data` is a cursor page wrapper (`service.cursor_pagination`) whose list holds the
    /// named type.
    CursorPage(#[schemars(with = "String")] Spanned<String>),
    /// `data` is `null`, `{}` or absent (written `response: empty`).
    Empty,
}

/// The value of an endpoint's `pagination` key (`page` or `cursor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaginationMarker {
    /// Page-numbered: the endpoint takes the page fields (`service.pagination`).
    Page,
    /// Cursor-paginated: the endpoint takes the cursor fields
    /// (`service.cursor_pagination`).
    Cursor,
}

/// Whether the client may retry a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// Reads: retried on connect errors, timeouts, 429, 5xx and the rate-limit code.
    Safe,
    /// Never retried once the request may have reached the server.
    Never,
}

/// An example exchange (an endpoint's request and response, or a webhook body as
/// `request`), checked against the types and turned into a test.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Name of the example; becomes part of the test name.
    pub name: String,
    /// Provenance of the example; defaults to the enclosing item's.
    #[serde(default)]
    pub source: Option<Source>,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// The request body as JSON text (auth fields included or not).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub request: Option<Spanned<String>>,
    /// The whole response envelope as JSON text.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub response: Option<Spanned<String>>,
}

/// The webhook section: how event bodies are tagged and acknowledged, and the event kinds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// Name of the body field carrying the event tag (`eventTag`).
    pub tag_field: String,
    /// Provenance of the tag field's name; defaults to the section's.
    #[serde(default)]
    pub tag_field_source: Option<Source>,
    /// Name of the field holding the object when the body is enveloped; a flat
    /// body (object fields beside the tag) is accepted too.
    pub data_field: String,
    /// The acknowledgement response.
    pub ack: Ack,
    /// Provenance of the webhook conventions.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// Event kinds, by key.
    pub kinds: IndexMap<Key, WebhookKind>,
}

/// The response the receiver sends to acknowledge a webhook.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    /// HTTP status code.
    pub status: u16,
    /// Response body as JSON text.
    #[schemars(with = "String")]
    pub body: Spanned<String>,
    /// Provenance of the acknowledgement.
    pub source: Source,
}

/// One kind of webhook event: the object it carries and the events that carry it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookKind {
    /// Chinese title.
    pub zh: String,
    /// English title.
    pub en: String,
    /// The vendor's own title, verbatim, as its navigation shows it (`Wallet Status`).
    #[serde(default)]
    pub vendor_title: Option<String>,
    /// Provenance of the kind.
    pub source: Source,
    /// Per-statement provenance, for an item that mixes sources; `source` is then the weakest.
    #[serde(default)]
    #[schemars(with = "Vec<Statement>")]
    pub provenance: Vec<Spanned<Statement>>,
    /// Object type of the payload.
    #[schemars(with = "String")]
    pub payload: Spanned<String>,
    /// The detail endpoint that re-fetches the object, and the payload field that feeds its request.
    #[serde(default)]
    #[schemars(with = "Option<Refetch>")]
    pub refetch: Option<Spanned<Refetch>>,
    /// Top-level payload fields that, with the tag, identify one delivery for
    /// deduplication: the object's id and its status or update time (`[payment_sn, status]`).
    /// Without it a delivery is identified by its whole object.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub delivery_key: Vec<Spanned<String>>,
    /// The event tags of this kind.
    #[schemars(with = "Vec<WebhookEvent>")]
    pub events: Vec<Spanned<WebhookEvent>>,
    /// Example bodies, each checked and turned into a test.
    #[serde(default)]
    #[schemars(with = "Vec<Example>")]
    pub examples: Vec<Spanned<Example>>,
}

/// How a webhook payload is re-fetched through a detail endpoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refetch {
    /// Operation name of the detail endpoint.
    #[schemars(with = "String")]
    pub endpoint: Spanned<String>,
    /// Request field name -> payload field name.
    pub fields: IndexMap<Key, String>,
}

/// One event tag of a webhook kind.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    /// The value of the tag field.
    #[schemars(with = "String")]
    pub tag: Spanned<String>,
    /// Rust-friendly name (any case; converted to UpperCamelCase).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Chinese meaning.
    pub zh: String,
    /// English meaning.
    pub en: String,
    /// Provenance of the event; defaults to the kind's.
    #[serde(default)]
    pub source: Option<Source>,
    /// Payload field values this tag implies (`{ status: 4 }`): a payload with another value
    /// is refused as contradicting its tag.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, Code>")]
    pub implies: IndexMap<Key, Code>,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn schema() -> Value {
        serde_json::from_str(&crate::spec_schema()).expect("the schema is JSON")
    }

    /// Whether an object schema takes exactly these keys (no unknown one).
    fn allows(def: &Value, keys: &[&str]) -> bool {
        keys.iter().all(|k| def["properties"].get(*k).is_some())
            || def["additionalProperties"] != Value::Bool(false)
    }

    #[test]
    fn schema_is_deterministic_and_draft07() {
        assert_eq!(crate::spec_schema(), crate::spec_schema());
        let s = schema();
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(s["additionalProperties"], false);
    }

    #[test]
    fn schema_refuses_unknown_keys_and_knows_defaults() {
        let s = schema();
        let endpoint = &s["definitions"]["Endpoint"];
        assert_eq!(endpoint["additionalProperties"], false);
        assert!(allows(endpoint, &["group", "path", "retry", "moves_money"]));
        assert!(
            !allows(endpoint, &["group", "retyr"]),
            "a typo'd key is refused"
        );
        let required: Vec<&str> = endpoint["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(required.contains(&"response") && required.contains(&"retry"));
        assert!(
            !required.contains(&"moves_money"),
            "`#[serde(default)]` is optional"
        );
        let field = &s["definitions"]["Field"];
        assert_eq!(field["properties"]["required"]["default"], true);
        assert_eq!(
            field["properties"]["nullable"]["description"],
            "The field is always present but may be `\"\"` or `null`, read as `None`."
        );
        assert!(
            field["properties"].get("ty").is_none() && field["properties"].get("type").is_some()
        );
    }

    #[test]
    fn schema_keeps_the_spec_forms() {
        let s = schema();
        let text = s["definitions"]["Response"].to_string();
        assert!(text.contains(r#""const":"empty""#) && text.contains(r#""required":["page"]"#));
        let recovery = s["definitions"]["Recovery"]["anyOf"].as_array().unwrap();
        assert_eq!(recovery.len(), 2, "text or lookup mapping");
        assert_eq!(recovery[0]["type"], "string");
        // Keys are plain strings, spans are invisible.
        assert_eq!(
            s["definitions"]["Endpoint"]["properties"]["path"]["type"],
            "string"
        );
    }
}
