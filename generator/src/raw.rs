//! The raw model: exactly what a spec file says, as serde reads it from YAML.
//!
//! Unknown keys are rejected (`deny_unknown_fields`); every item that a later
//! diagnostic may point at is wrapped in [`Spanned`] so the validator can name
//! its `file:line:col`. Nothing here is resolved: type names are still strings.

use indexmap::IndexMap;
use serde::Deserialize;
pub use serde_saphyr::{Location, Spanned};

/// A map key that remembers where it was written. Equality and hashing use
/// the text only, so it can key an `IndexMap`.
#[derive(Debug, Clone)]
pub struct Key {
    pub value: String,
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

/// One YAML file under `spec/`. Every section is optional; the loader merges
/// the files and reports an item defined twice.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The service: title, base URL, version segment, auth, envelope.
    pub service: Option<Spanned<Service>>,
    /// Business error codes returned in the envelope's `code`.
    #[serde(default)]
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
    pub webhooks: Option<Spanned<Webhooks>>,
}

/// Where a fact comes from (see "Provenance" in `spec/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub title: String,
    pub title_en: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Placeholder base URL from the vendor docs (the real host is per customer).
    pub base_url: String,
    /// Path prefix before each endpoint path; must contain `{version}`.
    pub path_prefix: Spanned<String>,
    pub version: Version,
    /// Fields injected into every request body.
    pub auth: IndexMap<Key, Field>,
    pub envelope: Envelope,
    /// The page convention shared by every paginated endpoint (optional: a spec without
    /// paginated endpoints leaves it out).
    #[serde(default)]
    pub pagination: Option<Pagination>,
    pub source: Source,
    /// Package metadata of the generated crate; every key has a default.
    #[serde(default)]
    pub package: Option<Package>,
    /// How the docs describe `money` amounts; without it they name no unit.
    #[serde(default)]
    pub money: Option<Money>,
}

/// Wording of `money` amounts in the generated docs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The unit as the docs should name it, e.g. `major units (元)` or `EUR, in euros`.
    pub unit: String,
}

/// Package metadata of the generated crate (`Cargo.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Crate name, e.g. `card-wallet` (default: the kebab-case English title).
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// Crate version, `MAJOR.MINOR.PATCH` (default `0.1.0`).
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// One-line description (default: "Typed client for the <English title>.").
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    pub default: String,
    pub source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub code: String,
    pub message: String,
    pub data: String,
    pub success: i64,
    /// Business code that means "rate limited"; retried like HTTP 429 on safe endpoints.
    #[serde(default)]
    pub rate_limit_code: Option<Spanned<i64>>,
    pub source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// Request fields added to every paginated endpoint (page number first).
    pub request: IndexMap<Key, Field>,
    /// Name of the request field holding the 1-based page number.
    pub page_field: Spanned<String>,
    /// Names of the response fields.
    pub total_field: String,
    pub list_field: String,
    /// Response fields of the page wrapper other than the list.
    pub response: IndexMap<Key, Field>,
    pub source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: i64,
    /// Rust-friendly name (any case; converted to UpperCamelCase).
    pub name: Spanned<String>,
    pub zh: String,
    pub en: String,
    /// What a client should do about it.
    #[serde(default)]
    pub action: Option<String>,
    pub source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub order: Option<u32>,
}

/// A constant enum page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enum {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `int` (default) or `string` codes.
    #[serde(default)]
    pub repr: EnumRepr,
    /// A closed enum rejects unknown codes; enums are open by default.
    #[serde(default)]
    pub closed: bool,
    pub source: Source,
    pub values: Vec<Spanned<EnumValue>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    #[default]
    Int,
    String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The wire code: an integer for `repr: int`, a string for `repr: string`.
    pub code: Spanned<Code>,
    pub name: Spanned<String>,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Code {
    Int(i64),
    Str(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Object {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub description: Option<String>,
    pub source: Source,
    pub fields: IndexMap<Key, Field>,
}

/// A field of an object, a request, the auth block or the page wrapper.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// `long`, `int`, `string`, `bool`, `money`, `decimal`, `datetime`, `date`,
    /// an enum or object name, or `[T]` for an array of `T`.
    #[serde(rename = "type")]
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
    pub zh: String,
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
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Redact {
    Last4,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub group: Spanned<String>,
    /// Chinese title as on the vendor page.
    pub zh: String,
    /// English meaning.
    pub en: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Path after the service prefix, e.g. `/wallet/getWalletDetail`.
    pub path: Spanned<String>,
    pub source: Source,
    /// Request fields besides the auth fields (and the page fields).
    #[serde(default)]
    pub request: IndexMap<Key, Field>,
    pub response: Spanned<Response>,
    /// `page`: the endpoint takes the page fields and gets a stream method.
    #[serde(default)]
    pub pagination: Option<Spanned<PaginationMarker>>,
    pub retry: Spanned<Retry>,
    /// Request field that makes the call idempotent on the server (e.g. `out_order_id`).
    #[serde(default)]
    pub idempotency_key: Option<Spanned<String>>,
    /// Does a successful call move money?
    #[serde(default)]
    pub moves_money: bool,
    /// How to recover when a `never`-retried call fails in flight: text, or a lookup.
    #[serde(default)]
    pub recovery: Option<Recovery>,
    #[serde(default)]
    pub examples: Vec<Spanned<Example>>,
}

/// An endpoint's `recovery`: plain text, or a mapping naming the lookup endpoint.
#[derive(Debug)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryLookup {
    /// The lookup endpoint, by its name in the spec.
    pub lookup: Spanned<String>,
    /// Lookup request field name -> this endpoint's request field name.
    #[serde(default)]
    pub fields: IndexMap<Key, String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What `data` holds on success.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Response {
    /// `data` is one object of the named type.
    Object(Spanned<String>),
    /// `data` is a JSON array of the named type.
    Array(Spanned<String>),
    /// `data` is a page wrapper whose list holds the named type.
    Page(Spanned<String>),
    /// `data` is `null`, `{}` or absent (written `response: empty`).
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationMarker {
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// Reads: retried on connect errors, timeouts, 429, 5xx and the rate-limit code.
    Safe,
    /// Never retried once the request may have reached the server.
    Never,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    #[serde(default)]
    pub source: Option<Source>,
    /// The request body as JSON text (auth fields included or not).
    #[serde(default)]
    pub request: Option<Spanned<String>>,
    /// The whole response envelope as JSON text.
    #[serde(default)]
    pub response: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// Name of the body field carrying the event tag (`eventTag`).
    pub tag_field: String,
    /// Name of the field holding the object when the body is enveloped; a flat
    /// body (object fields beside the tag) is accepted too.
    pub data_field: String,
    pub ack: Ack,
    pub source: Source,
    /// Event kinds, by key.
    pub kinds: IndexMap<Key, WebhookKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    pub status: u16,
    /// Response body as JSON text.
    pub body: Spanned<String>,
    pub source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookKind {
    pub zh: String,
    pub en: String,
    pub source: Source,
    /// Object type of the payload.
    pub payload: Spanned<String>,
    /// The detail endpoint that re-fetches the object, and the payload field that feeds its request.
    #[serde(default)]
    pub refetch: Option<Spanned<Refetch>>,
    pub events: Vec<Spanned<WebhookEvent>>,
    #[serde(default)]
    pub examples: Vec<Spanned<Example>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refetch {
    pub endpoint: Spanned<String>,
    /// Request field name -> payload field name.
    pub fields: IndexMap<Key, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    pub tag: Spanned<String>,
    pub name: Spanned<String>,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub source: Option<Source>,
}
