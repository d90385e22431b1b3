//! The resolved model: every reference resolved, every name converted and
//! checked, in a deterministic order. Emitters read only this.

pub use crate::raw::{EnumRepr, Source};

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub service: Service,
    pub errors: Vec<ErrorCode>,
    /// In `order`, then key order.
    pub groups: Vec<Group>,
    /// In declaration order (files sorted by path).
    pub enums: Vec<Enum>,
    /// Shared objects and hoisted inline objects, in declaration order.
    pub objects: Vec<Object>,
    /// By group, then declaration order.
    pub endpoints: Vec<Endpoint>,
    pub webhooks: Option<Webhooks>,
    /// Positions by name, for the lookups below (built by [`Api::new`]).
    index: Index,
}

/// Name -> position in the vectors of [`Api`], so lookups stay O(1) on large specs.
#[derive(Debug, Clone, Default)]
struct Index {
    objects: std::collections::HashMap<String, usize>,
    enums: std::collections::HashMap<String, usize>,
    endpoints: std::collections::HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub title: String,
    pub title_en: String,
    pub description: Option<String>,
    pub base_url: String,
    pub path_prefix: String,
    pub default_version: String,
    pub version_source: Source,
    pub auth: Vec<Field>,
    pub envelope: Envelope,
    pub pagination: Pagination,
    pub source: Source,
    /// Package metadata of the generated crate.
    pub package: Package,
    /// The unit of `money` amounts as the docs name it (`service.money.unit`), if given.
    pub money_unit: Option<String>,
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

#[derive(Debug, Clone)]
pub struct Envelope {
    pub code: String,
    pub message: String,
    pub data: String,
    pub success: i64,
    pub rate_limit_code: Option<i64>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Pagination {
    /// Request fields added to paginated endpoints.
    pub request: Vec<Field>,
    pub page_field: String,
    pub total_field: String,
    pub list_field: String,
    /// Page wrapper fields other than the list.
    pub response: Vec<Field>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct ErrorCode {
    pub code: i64,
    /// UpperCamelCase variant name.
    pub variant: String,
    pub zh: String,
    pub en: String,
    pub action: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// Key as written in the spec (`pay_method`); the OpenAPI tag and what
    /// [`Endpoint::group_key`] refers to.
    pub spec_key: String,
    /// Name of the `Client` method that returns the group (snake_case, escaped: `pay_method`).
    pub accessor_method: String,
    /// Rust name of the struct holding the group's endpoint methods (`PayMethodApi`).
    pub api_struct: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone)]
pub struct Enum {
    /// Rust type name (UpperCamelCase).
    pub rust_name: String,
    pub zh: String,
    pub en: String,
    pub description: Option<String>,
    pub repr: EnumRepr,
    pub closed: bool,
    pub source: Source,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Code::Int(i) => write!(f, "{i}"),
            Code::Str(s) => write!(f, "{s:?}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub code: Code,
    /// The name as written in the spec (`NORMAL`).
    pub spec_name: String,
    /// UpperCamelCase variant (`Normal`).
    pub variant: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// Declared under `objects`.
    Shared,
    /// Hoisted from an inline `type: object` field.
    Inline,
    /// The request of an endpoint.
    Request,
}

#[derive(Debug, Clone)]
pub struct Object {
    /// Rust type name (UpperCamelCase).
    pub rust_name: String,
    pub kind: ObjectKind,
    pub zh: String,
    pub en: String,
    pub description: Option<String>,
    pub source: Source,
    pub fields: Vec<Field>,
}

impl Object {
    /// Does `Debug` need to hide something?
    pub fn has_sensitive(&self) -> bool {
        self.fields.iter().any(|f| f.sensitive)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Long,
    Int,
    String,
    Bool,
    Money,
    Decimal,
    DateTime,
    Date,
    /// An enum, by Rust type name.
    Enum(String),
    /// An object, by Rust type name.
    Object(String),
    Array(Box<Type>),
}

impl Type {
    /// How the spec writes this type.
    pub fn spec_name(&self) -> String {
        match self {
            Type::Long => "long".into(),
            Type::Int => "int".into(),
            Type::String => "string".into(),
            Type::Bool => "bool".into(),
            Type::Money => "money".into(),
            Type::Decimal => "decimal".into(),
            Type::DateTime => "datetime".into(),
            Type::Date => "date".into(),
            Type::Enum(n) | Type::Object(n) => n.clone(),
            Type::Array(t) => format!("[{}]", t.spec_name()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Name in the JSON body, as written in the spec (`cardNo`).
    pub wire_name: String,
    /// Rust field name: snake_case, a keyword escaped as a raw identifier.
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    pub sensitive: bool,
    pub redact_last4: bool,
    /// Held in a `Box`: the field closes a cycle of objects holding each other by value.
    pub boxed: bool,
    pub zh: String,
    pub en: Option<String>,
    pub note: Option<String>,
    pub source: Source,
}

impl Field {
    /// Is the Rust type an `Option`?
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Object(String),
    Array(String),
    Page(String),
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Safe,
    Never,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The operation name as written in the spec (`loop`, `getWalletDetail`): what
    /// `refetch.endpoint` refers to.
    pub spec_name: String,
    /// Rust method name: snake_case, a keyword escaped (`get_wallet_detail`,
    /// `r#type`). Without the `r#` it is the OpenAPI `operationId`.
    pub method_name: String,
    /// The [`Group::spec_key`] of the group it belongs to.
    pub group_key: String,
    pub zh: String,
    pub en: String,
    pub description: Option<String>,
    /// Path after the prefix (`/wallet/getWalletDetail`).
    pub path: String,
    /// Full path template (`/{version}/openApi/wallet/getWalletDetail`).
    pub full_path: String,
    pub source: Source,
    /// Rust name of the request struct.
    pub request_type: String,
    pub response: Response,
    pub paginated: bool,
    pub retry: Retry,
    pub idempotency_key: Option<String>,
    pub moves_money: bool,
    pub recovery: Option<String>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub name: String,
    pub source: Source,
    pub request: Option<String>,
    pub response: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Webhooks {
    pub tag_field: String,
    pub data_field: String,
    pub ack_status: u16,
    pub ack_body: String,
    pub ack_source: Source,
    pub source: Source,
    pub kinds: Vec<WebhookKind>,
}

#[derive(Debug, Clone)]
pub struct WebhookKind {
    /// Key as written in the spec (`card_trade`).
    pub spec_key: String,
    /// UpperCamelCase (`CardTrade`).
    pub variant: String,
    pub zh: String,
    pub en: String,
    pub source: Source,
    /// Payload object type name.
    pub payload: String,
    pub refetch: Option<Refetch>,
    pub events: Vec<WebhookEvent>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone)]
pub struct Refetch {
    /// [`Endpoint::method_name`] of the detail endpoint.
    pub endpoint_method: String,
    /// (request field, payload field) pairs.
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct WebhookEvent {
    pub tag: String,
    pub variant: String,
    pub zh: String,
    pub en: String,
    pub source: Source,
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
                .map(|(i, o)| (o.rust_name.clone(), i))
                .collect(),
            enums: enums
                .iter()
                .enumerate()
                .map(|(i, e)| (e.rust_name.clone(), i))
                .collect(),
            endpoints: endpoints
                .iter()
                .enumerate()
                .map(|(i, e)| (e.method_name.clone(), i))
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

    /// The object with this Rust name.
    pub fn object(&self, name: &str) -> Option<&Object> {
        self.index
            .objects
            .get(name)
            .and_then(|&i| self.objects.get(i))
    }

    /// The enum with this Rust name.
    pub fn enum_(&self, name: &str) -> Option<&Enum> {
        self.index.enums.get(name).and_then(|&i| self.enums.get(i))
    }

    /// The endpoint with this operation name.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.index
            .endpoints
            .get(name)
            .and_then(|&i| self.endpoints.get(i))
    }

    /// The request struct of an endpoint.
    pub fn request_object(&self, endpoint: &Endpoint) -> Option<&Object> {
        self.object(&endpoint.request_type)
    }
}
