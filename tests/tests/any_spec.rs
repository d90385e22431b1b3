//! "Any valid spec" property: if the generator accepts a spec, the crate it writes compiles; no
//! spec reaches a panic; a refusal always carries a `file:line:col` location.
//!
//! Random *valid-looking* specs are built as YAML text from a structured random model (service
//! with auth fields, envelope and page convention; error codes; groups; int/string, open/closed
//! enums; objects with fields of every type, refs, arrays, inline objects, nullable and sensitive
//! fields, money as numbers or strings and datetimes in every `datetime_format`; endpoints with
//! and without pagination (some with a `fn_name`), some `GET` (scalar fields only), some with
//! examples that match their types; and
//! optionally webhooks with kinds, events and refetch). Names come from a nasty alphabet: Rust
//! keywords, prelude/std names, names the generated code itself uses, leading digits, dashes,
//! camelCase, Unicode, and plain words.
//!
//! Two tests, both run by `cargo test -p apigen-tests --test any_spec`:
//!
//! * `load_emit_any_spec` (cheap, no cargo): `APIGEN_ANY_SPEC_EMIT_CASES` cases (default 200).
//!   Load must not panic; a refusal must locate every `error:`; an accepted spec must emit `Ok`
//!   without panicking, and every generated `.rs` file must parse with `syn::parse_file`.
//! * `any_spec_compiles` (expensive): `APIGEN_ANY_SPEC_CASES` cases (default 3). The same checks,
//!   then the crate is written to `<target>/any-spec/case-N` exactly as generated (with the
//!   workspace `Cargo.lock` beside it; the workspace excludes `target/`, so cargo builds it as a
//!   crate of its own); `cargo clippy --all-targets --offline -- -D warnings` (with and
//!   without `--no-default-features`), then `cargo test --offline`, run on it (online again if
//!   offline fails for a missing crate), all cases sharing `<target>/any-spec-target` so dependencies build once (the first case takes
//!   minutes, the next ones seconds).
//!
//! Environment:
//!
//! * `APIGEN_ANY_SPEC_SEED` (u64, default fixed): the seed. Case `i` of a seed is always the same
//!   spec in both tests, so a failure is reproduced by seed and case number.
//! * `APIGEN_ANY_SPEC_CASES`, `APIGEN_ANY_SPEC_EMIT_CASES`: case counts (see above).
//! * `APIGEN_ANY_SPEC_ONLY=i`: run only case `i` (in both tests).
//! * `APIGEN_ANY_SPEC_KEEP=1`: keep the folders of passing cases too.
//! * `APIGEN_ANY_SPEC_PRINT=1`: print every spec of the load/emit test, and every refusal.
//!
//! Disk: `<target>/any-spec/` is wiped at the start of every run of the compile test and each
//! passing case's folder is removed when done, so only failing cases stay (with their spec in
//! `case-N/spec/`, to replay with `cargo xtask gen --spec ... --out ...`). The shared
//! `any-spec-target` is reused across runs and built with `CARGO_INCREMENTAL=0`; it grows only by
//! the small `check` metadata of each generated crate.
//!
//! Shrinking is deliberately off: a case is a whole spec and, in the compile test, a cargo run.
//! Every failure is collected (not just the first), printed with its spec, and the test fails at
//! the end with a summary of the distinct failures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use proptest::prelude::Rng as _;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde_json::{Map, Value, json};

const DEFAULT_SEED: u64 = 0x00a9_19e5_5eed_2025;

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

struct Rng(TestRng);

impl Rng {
    fn new(seed: u64, case: u64) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..16].copy_from_slice(&case.to_le_bytes());
        bytes[16..24].copy_from_slice(b"anyspec!");
        Rng(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0.next_u64() % n as u64) as usize
        }
    }
    /// In `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

const KEYWORDS: &[&str] = &[
    "type", "self", "Self", "crate", "super", "async", "await", "dyn", "gen", "try", "union",
    "match", "loop", "ref", "mod", "fn", "impl",
];
const STD_NAMES: &[&str] = &[
    "Result", "Option", "Some", "None", "Ok", "Err", "String", "Vec", "Box", "Default", "Clone",
    "Debug", "Send",
];
const GENERATED_NAMES: &[&str] = &[
    "Date",
    "Decimal",
    "Page",
    "Client",
    "ClientBuilder",
    "Error",
    "ErrorCode",
    "Credentials",
    "Api",
    "Event",
    "Refetched",
    "Empty",
    "new",
    "builder",
    "runtime",
    "custom",
];
/// Names that are not Rust identifiers after case conversion (wire names the vendor may use).
const ODD_NAMES: &[&str] = &[
    "3pl",
    "bill-notify",
    "trackingNumber",
    "café",
    "名字",
    "order-no",
    "x2y",
    "_private",
];
const PLAIN: &[&str] = &[
    "wallet", "card", "order", "status", "amount", "name", "holder", "payee", "limit", "currency",
    "fee", "account", "balance", "item", "tag", "note", "user", "region", "created", "detail",
    "merchant", "refund", "parcel", "address", "phone", "rate", "bin", "label", "kind", "total",
];

/// How nasty the names of one case are.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    /// Plain words only.
    Plain,
    /// Plus keywords, std names and names generated code uses: all must be accepted and escaped.
    Idents,
    /// Plus dashes, leading digits, camelCase and Unicode.
    All,
}

/// Names of one namespace: distinct after folding case and separators (so the spec does not
/// trip the documented collision checks on purpose).
#[derive(Default)]
struct Names {
    taken: BTreeSet<String>,
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Names {
    fn with(taken: &[&str]) -> Self {
        let mut n = Names::default();
        for t in taken {
            n.taken.insert(fold(t));
        }
        n
    }
    fn take(&mut self, s: &str) -> bool {
        let f = fold(s);
        !f.is_empty() && self.taken.insert(f)
    }
    fn fresh(&mut self, rng: &mut Rng, level: Level) -> String {
        for _ in 0..20 {
            let candidate = raw_name(rng, level);
            if self.take(&candidate) {
                return candidate;
            }
        }
        loop {
            let candidate = format!("{}_{}", rng.pick(PLAIN), rng.below(100_000));
            if self.take(&candidate) {
                return candidate;
            }
        }
    }
}

fn raw_name(rng: &mut Rng, level: Level) -> String {
    let pool: &[&str] = match (level, rng.below(10)) {
        (Level::Plain, _) | (_, 0..=4) => PLAIN,
        (_, 5..=6) => KEYWORDS,
        (_, 7) => STD_NAMES,
        (_, 8) => GENERATED_NAMES,
        (Level::Idents, _) => GENERATED_NAMES,
        (Level::All, _) => ODD_NAMES,
    };
    let base = rng.pick(pool).to_string();
    // Sometimes a compound: `wallet_type`, `order_Self`.
    if rng.chance(15) {
        format!("{}_{}", rng.pick(PLAIN), base)
    } else {
        base
    }
}

// ---------------------------------------------------------------------------------------------
// The random spec model
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Ty {
    Prim(&'static str),
    Enum(usize),
    Obj(usize),
    Inline(Vec<Field>),
    Array(Box<Ty>),
    /// `map<T>`: string keys.
    Map(Box<Ty>),
}

#[derive(Clone, Debug)]
struct Field {
    name: String,
    ty: Ty,
    required: bool,
    nullable: bool,
    sensitive: bool,
    last4: bool,
    note: Option<String>,
}

#[derive(Clone, Debug)]
enum Code {
    Int(i64),
    Str(String),
}

struct Enum {
    name: String,
    string: bool,
    closed: bool,
    values: Vec<(Code, String)>,
}

struct Object {
    name: String,
    fields: Vec<Field>,
}

#[derive(Clone, Copy)]
enum Resp {
    Object(usize),
    Array(usize),
    Page(usize),
    Empty,
}

struct Endpoint {
    name: String,
    /// The method name within the group, when not made from `name` (unique like the keys).
    fn_name: Option<String>,
    group: String,
    path: String,
    never: bool,
    moves_money: bool,
    idempotency_key: Option<String>,
    /// `method: GET`: only for an endpoint that moves no money and has only scalar fields.
    get: bool,
    request: Vec<Field>,
    response: Resp,
    example: bool,
}

struct Kind {
    name: String,
    payload: usize,
    refetch: Option<(String, Vec<(String, String)>)>,
    events: Vec<(String, String)>,
    example: bool,
}

struct Webhooks {
    tag_field: String,
    data_field: String,
    kinds: Vec<Kind>,
}

struct Pagination {
    page_field: String,
    size_field: String,
    total_field: String,
    total_long: bool,
    list_field: String,
    extra: Vec<Field>,
}

struct Spec {
    level: Level,
    title: String,
    title_en: String,
    package: Option<(String, String)>,
    path_prefix: String,
    version: String,
    auth: Vec<Field>,
    /// Auth fields that are not plain body credentials: (name, header it travels in, computed
    /// by the signer).
    auth_wire: Vec<(String, Option<String>, bool)>,
    env_code: String,
    env_message: String,
    env_data: String,
    success: i64,
    rate_limit_code: Option<i64>,
    pagination: Pagination,
    errors: Vec<(i64, String)>,
    groups: Vec<String>,
    enums: Vec<Enum>,
    objects: Vec<Object>,
    endpoints: Vec<Endpoint>,
    webhooks: Option<Webhooks>,
    /// How the items are split into files.
    split: usize,
    /// `service.money_wire`: `number` or `string`.
    money_wire: &'static str,
    /// `service.datetime_format`: `vendor`, `rfc3339`, `epoch_s` or `epoch_ms`.
    datetime_format: &'static str,
}

const PRIMS: &[&str] = &[
    "long", "int", "string", "bool", "money", "decimal", "datetime", "date",
];

struct Gen<'r> {
    rng: &'r mut Rng,
    level: Level,
    n_enums: usize,
    n_objects: usize,
}

impl Gen<'_> {
    fn name(&mut self, names: &mut Names) -> String {
        names.fresh(self.rng, self.level)
    }

    /// A field type. `owner` is the object being defined (refs to it or later objects only
    /// where the value can be absent or empty: optional or array).
    fn ty(&mut self, owner: Option<usize>, depth: usize, objects_ready: usize) -> (Ty, bool) {
        let scalar = |g: &mut Self| -> (Ty, bool) {
            match g.rng.below(10) {
                0..=5 => (Ty::Prim(g.rng.pick::<&str>(PRIMS)), false),
                6..=7 if g.n_enums > 0 => (Ty::Enum(g.rng.below(g.n_enums)), false),
                _ if objects_ready > 0 => (Ty::Obj(g.rng.below(objects_ready)), false),
                _ => (Ty::Prim(g.rng.pick::<&str>(PRIMS)), false),
            }
        };
        match self.rng.below(20) {
            0 if depth < 2 => {
                let fields = self.fields(owner, depth + 1, objects_ready, 1, 3);
                (Ty::Inline(fields), false)
            }
            1 if depth < 2 => {
                let fields = self.fields(owner, depth + 1, objects_ready, 1, 3);
                (Ty::Array(Box::new(Ty::Inline(fields))), false)
            }
            2..=3 => {
                let (inner, rec) = scalar(self);
                (Ty::Array(Box::new(inner)), rec)
            }
            // Maps, and arrays and maps nested in each other.
            4 => {
                let (inner, rec) = scalar(self);
                let inner = match self.rng.below(4) {
                    0 => Ty::Array(Box::new(inner)),
                    1 => Ty::Map(Box::new(inner)),
                    _ => inner,
                };
                if self.rng.chance(50) {
                    (Ty::Map(Box::new(inner)), rec)
                } else {
                    (Ty::Array(Box::new(inner)), rec)
                }
            }
            // A reference to the object itself or a later one: recursive types.
            5 if owner.is_some() && self.n_objects > 0 => {
                let lo = owner.unwrap_or(0);
                let target = self.rng.range(lo, self.n_objects - 1);
                if self.rng.chance(50) {
                    (Ty::Array(Box::new(Ty::Obj(target))), true)
                } else {
                    (Ty::Obj(target), true)
                }
            }
            _ => scalar(self),
        }
    }

    fn fields(
        &mut self,
        owner: Option<usize>,
        depth: usize,
        objects_ready: usize,
        lo: usize,
        hi: usize,
    ) -> Vec<Field> {
        let mut names = Names::default();
        let n = self.rng.range(lo, hi);
        (0..n)
            .map(|_| {
                let name = self.name(&mut names);
                let (ty, recursive) = self.ty(owner, depth, objects_ready);
                self.field(name, ty, recursive)
            })
            .collect()
    }

    fn field(&mut self, name: String, ty: Ty, recursive: bool) -> Field {
        let recursive_plain = recursive && !matches!(ty, Ty::Array(_) | Ty::Map(_));
        let sensitive = matches!(ty, Ty::Prim("string")) && self.rng.chance(15);
        Field {
            name,
            required: if recursive_plain {
                false
            } else {
                !self.rng.chance(30)
            },
            nullable: self.rng.chance(15),
            sensitive,
            last4: sensitive && self.rng.chance(50),
            note: self
                .rng
                .chance(10)
                .then(|| "a note with `backticks`, <html> & \"quotes\"".to_string()),
            ty,
        }
    }
}

fn generate(seed: u64, case: u64) -> Spec {
    let mut rng = Rng::new(seed, case);
    let level = match rng.below(10) {
        0..=1 => Level::Plain,
        2..=6 => Level::Idents,
        _ => Level::All,
    };
    let n_enums = rng.range(0, 4);
    let n_objects = rng.range(0, 5);
    let mut g = Gen {
        rng: &mut rng,
        level,
        n_enums,
        n_objects,
    };

    let title_en = g
        .rng
        .pick(&[
            "Parcel API",
            "3PL Parcel API",
            "Serde",
            "Time",
            "apigen runtime",
            "Tokio",
            "Self",
            "名字 API",
            "",
            "Card & wallet \"OPEN-API\"",
        ])
        .to_string();
    let title = g
        .rng
        .pick(&["卡与钱包 OPEN-API", "Parcel", "名字", "a: b # c"])
        .to_string();
    let package = g.rng.chance(40).then(|| {
        let name = g
            .rng
            .pick(&[
                "any-spec-client",
                "serde_json",
                "apigen-runtime",
                "types",
                "client",
                "std-client",
            ])
            .to_string();
        let version = g
            .rng
            .pick(&["0.1.0", "1.2.3-beta.1", "10.0.0+build.5"])
            .to_string();
        (name, version)
    });

    // Wire names of the envelope, pagination and webhook fields share no namespace with Rust
    // items, but they become Rust names in places.
    let mut wire = Names::default();
    let env_code = if g.rng.chance(50) {
        wire.take("code");
        "code".into()
    } else {
        g.name(&mut wire)
    };
    let env_message = if g.rng.chance(50) && wire.take("message") {
        "message".into()
    } else {
        g.name(&mut wire)
    };
    let env_data = if g.rng.chance(50) && wire.take("data") {
        "data".into()
    } else {
        g.name(&mut wire)
    };

    let mut auth_names = Names::default();
    let auth: Vec<Field> = (0..g.rng.range(0, 3))
        .map(|_| {
            let name = g.name(&mut auth_names);
            let ty = Ty::Prim(g.rng.pick::<&str>(&["long", "string", "int"]));
            let mut f = g.field(name, ty, false);
            f.required = true;
            f.nullable = false;
            f
        })
        .collect();
    // Header keys and computed fields (strings), after the body credentials.
    let auth_wire: Vec<(String, Option<String>, bool)> = (0..g.rng.range(0, 3))
        .map(|i| {
            let name = g.name(&mut auth_names);
            let header = g.rng.chance(50).then(|| format!("X-Any-{i}"));
            let computed = header.is_none() || g.rng.chance(50);
            (name, header, computed)
        })
        .collect();

    let mut page_names = Names::with(
        &(auth.iter().map(|f| f.name.as_str()))
            .chain(auth_wire.iter().map(|(n, _, _)| n.as_str()))
            .collect::<Vec<_>>(),
    );
    let page_field = g.name(&mut page_names);
    let size_field = g.name(&mut page_names);
    let mut resp_names = Names::default();
    let total_field = g.name(&mut resp_names);
    let list_field = g.name(&mut resp_names);
    let extra: Vec<Field> = (0..g.rng.range(0, 2))
        .map(|_| {
            let name = g.name(&mut resp_names);
            let ty = Ty::Prim(g.rng.pick::<&str>(&["int", "long", "string"]));
            g.field(name, ty, false)
        })
        .collect();
    let pagination = Pagination {
        page_field,
        size_field,
        total_field,
        total_long: g.rng.chance(50),
        list_field,
        extra,
    };

    let mut error_names = Names::default();
    let mut codes = BTreeSet::new();
    let errors: Vec<(i64, String)> = (0..g.rng.range(0, 4))
        .filter_map(|_| {
            let code = *g
                .rng
                .pick(&[1001, 1005, 2001, 3006, -1, 0, 429, i64::from(i32::MAX) + 1]);
            codes.insert(code).then(|| (code, g.name(&mut error_names)))
        })
        .collect();
    let success = *g.rng.pick(&[0, 200, 1]);
    let errors: Vec<_> = errors.into_iter().filter(|(c, _)| *c != success).collect();
    let rate_limit_code = (!errors.is_empty() && g.rng.chance(50)).then(|| errors[0].0);

    let mut group_names = Names::default();
    let groups: Vec<String> = (0..g.rng.range(1, 3))
        .map(|_| g.name(&mut group_names))
        .collect();

    // Enums, objects, inline objects and request types share one namespace.
    let mut types = Names::default();
    let enums: Vec<Enum> = (0..n_enums)
        .map(|_| {
            let name = g.name(&mut types);
            let string = g.rng.chance(40);
            let mut value_names = Names::default();
            let mut seen = BTreeSet::new();
            let values = (0..g.rng.range(1, 4))
                .filter_map(|_| {
                    let code = if string {
                        Code::Str(
                            g.rng
                                .pick(&[
                                    "SHA", "OUR", "a b", "1", "名字", "\"q\"", "x-y", "None",
                                    "self",
                                ])
                                .to_string(),
                        )
                    } else {
                        Code::Int(*g.rng.pick(&[
                            1,
                            2,
                            3,
                            0,
                            -1,
                            100,
                            2_147_483_648,
                            i64::MAX,
                            i64::MIN,
                        ]))
                    };
                    let key = format!("{code:?}");
                    seen.insert(key).then(|| (code, g.name(&mut value_names)))
                })
                .collect();
            Enum {
                name,
                string,
                closed: g.rng.chance(40),
                values,
            }
        })
        .collect();
    let object_names: Vec<String> = (0..n_objects).map(|_| g.name(&mut types)).collect();
    let objects: Vec<Object> = object_names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let fields = g.fields(Some(i), 0, i, 1, 6);
            Object { name, fields }
        })
        .collect();

    let mut op_names = Names::default();
    let endpoints: Vec<Endpoint> = (0..g.rng.range(1, 5))
        .map(|i| {
            let name = g.name(&mut op_names);
            // The request type `<Op>Request` takes a type name too.
            types.take(&format!("{name}Request"));
            let group = g.rng.pick(&groups).clone();
            let path = format!(
                "/{}/{}{i}",
                fold(&group)
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>(),
                g.rng.pick(&["get", "list", "op", "名字", "a-b"])
            );
            let response = match (g.rng.below(4), n_objects) {
                (_, 0) => Resp::Empty,
                (0, n) => Resp::Object(g.rng.below(n)),
                (1, n) => Resp::Array(g.rng.below(n)),
                (2, n) => Resp::Page(g.rng.below(n)),
                _ => Resp::Empty,
            };
            let mut taken: Vec<&str> = (auth.iter().map(|f| f.name.as_str()))
                .chain(auth_wire.iter().map(|(n, _, _)| n.as_str()))
                .collect();
            if matches!(response, Resp::Page(_)) {
                taken.push(&pagination.page_field);
                taken.push(&pagination.size_field);
            }
            let mut req_names = Names::with(&taken);
            let mut request: Vec<Field> = (0..g.rng.range(0, 4))
                .map(|_| {
                    let name = g.name(&mut req_names);
                    let (ty, _) = g.ty(None, 0, n_objects);
                    g.field(name, ty, false)
                })
                .collect();
            let moves_money = g.rng.chance(25);
            let never = moves_money || g.rng.chance(30);
            let idempotency_key = (moves_money || (never && g.rng.chance(50))).then(|| {
                let name = g.name(&mut req_names);
                request.push(Field {
                    name: name.clone(),
                    ty: Ty::Prim("string"),
                    required: true,
                    nullable: false,
                    sensitive: false,
                    last4: false,
                    note: None,
                });
                name
            });
            let scalars = request
                .iter()
                .all(|f| !matches!(f.ty, Ty::Obj(_) | Ty::Inline(_) | Ty::Array(_) | Ty::Map(_)));
            let get = !moves_money && scalars && g.rng.chance(30);
            Endpoint {
                name,
                fn_name: None,
                group,
                path,
                never,
                moves_money,
                idempotency_key,
                get,
                request,
                response,
                example: g.rng.chance(50),
            }
        })
        .collect();

    let webhooks = (n_objects > 0 && g.rng.chance(50)).then(|| {
        let mut hook_wire = Names::default();
        let tag_field = g.name(&mut hook_wire);
        let data_field = g.name(&mut hook_wire);
        let mut kind_names = Names::default();
        let mut event_names = Names::default();
        let mut tags = BTreeSet::new();
        let kinds = (0..g.rng.range(1, 3))
            .map(|_| {
                let name = g.name(&mut kind_names);
                let payload = g.rng.below(n_objects);
                let events = (0..g.rng.range(1, 3))
                    .map(|_| {
                        let tag = loop {
                            let t = format!(
                                "{}.{}",
                                name,
                                g.rng
                                    .pick(&["status.active", "名字", "a-b", "x", "Self", "type"])
                            );
                            let t = if tags.contains(&t) {
                                format!("{t}.{}", g.rng.below(1_000_000))
                            } else {
                                t
                            };
                            if tags.insert(t.clone()) {
                                break t;
                            }
                        };
                        (tag, g.name(&mut event_names))
                    })
                    .collect();
                let refetch = g
                    .rng
                    .chance(60)
                    .then(|| refetch_for(&endpoints, &objects[payload]))
                    .flatten();
                Kind {
                    name,
                    payload,
                    refetch,
                    events,
                    example: g.rng.chance(50),
                }
            })
            .collect();
        Webhooks {
            tag_field,
            data_field,
            kinds,
        }
    });

    // Drawn after everything else, so that the rest of a case's spec does not depend on it.
    let mut endpoints = endpoints;
    for e in &mut endpoints {
        e.fn_name = g.rng.chance(25).then(|| g.name(&mut op_names));
    }

    let split = rng.below(3);
    let money_wire = *rng.pick(&["number", "number", "string"]);
    let datetime_format = *rng.pick(&["vendor", "vendor", "rfc3339", "epoch_s", "epoch_ms"]);
    Spec {
        money_wire,
        datetime_format,
        level,
        title,
        title_en,
        package,
        path_prefix: rng
            .pick(&["/{version}/openApi", "/api/{version}", "/{version}"])
            .to_string(),
        version: rng.pick(&["v1", "v2", "2024-01"]).to_string(),
        auth,
        auth_wire,
        env_code,
        env_message,
        env_data,
        success,
        rate_limit_code,
        pagination,
        errors,
        groups,
        enums,
        objects,
        endpoints,
        webhooks,
        split,
    }
}

/// A refetch through an endpoint returning one object whose every required request field can
/// be fed from a required, non-nullable payload field of the same type.
fn refetch_for(
    endpoints: &[Endpoint],
    payload: &Object,
) -> Option<(String, Vec<(String, String)>)> {
    for ep in endpoints {
        if !matches!(ep.response, Resp::Object(_)) {
            continue;
        }
        let mut map = Vec::new();
        let ok = ep.request.iter().filter(|f| f.required).all(|rf| {
            let found = payload.fields.iter().find(|pf| {
                pf.required
                    && !pf.nullable
                    && same_ty(&pf.ty, &rf.ty)
                    && !matches!(pf.ty, Ty::Inline(_) | Ty::Array(_) | Ty::Map(_))
            });
            if let Some(pf) = found {
                map.push((rf.name.clone(), pf.name.clone()));
            }
            found.is_some()
        });
        if ok {
            return Some((ep.name.clone(), map));
        }
    }
    None
}

fn same_ty(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Prim(x), Ty::Prim(y)) => x == y,
        (Ty::Enum(x), Ty::Enum(y)) | (Ty::Obj(x), Ty::Obj(y)) => x == y,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Example values
// ---------------------------------------------------------------------------------------------

impl Spec {
    fn value(&self, rng: &mut Rng, ty: &Ty, depth: usize) -> Value {
        match ty {
            Ty::Prim("long") => json!(*rng.pick(&[0, 1, -7, 10001001, i64::MAX, i64::MIN])),
            Ty::Prim("int") => json!(*rng.pick(&[0, 1, -1, i32::MAX as i64, i32::MIN as i64])),
            Ty::Prim("string") => json!(*rng.pick(&[
                "",
                "037c",
                "名字",
                "a \"quoted\" \\ string",
                "line\nbreak",
                "null"
            ])),
            Ty::Prim("bool") => json!(rng.chance(50)),
            Ty::Prim("money" | "decimal") => {
                let text = *rng.pick(&[
                    "10",
                    "10.00",
                    "10165.27",
                    "0",
                    "-2.15",
                    "0.000001",
                    "79228162514264337593543950335",
                ]);
                if self.money_wire == "string" {
                    json!(text)
                } else {
                    serde_json::from_str(text).expect("a JSON number")
                }
            }
            Ty::Prim("datetime") => match self.datetime_format {
                "rfc3339" => json!(*rng.pick(&[
                    "2023-10-30T05:35:14+08:00",
                    "2024-02-29T23:59:59Z",
                    "2024-02-29T23:59:59.5-03:30"
                ])),
                "epoch_s" => json!(*rng.pick(&[0, 1_698_615_314, -86_400])),
                "epoch_ms" => json!(*rng.pick(&[0, 1_698_615_314_123_i64, 1_709_251_199_000])),
                _ => json!(*rng.pick(&["2023-10-30 05:35:14", "2024-02-29 23:59:59"])),
            },
            Ty::Prim("date") => json!(*rng.pick(&["2023-10-30", "2024-02-29"])),
            Ty::Prim(other) => unreachable!("primitive {other}"),
            Ty::Enum(i) => {
                let e = &self.enums[*i];
                let code = if !e.closed && rng.chance(20) {
                    if e.string {
                        Code::Str("UNKNOWN-CODE".into())
                    } else {
                        Code::Int(987_654)
                    }
                } else {
                    rng.pick(&e.values).0.clone()
                };
                match code {
                    Code::Int(i) => json!(i),
                    Code::Str(s) => json!(s),
                }
            }
            Ty::Obj(i) => {
                Value::Object(self.object_value(rng, &self.objects[*i].fields, depth + 1))
            }
            Ty::Inline(fields) => Value::Object(self.object_value(rng, fields, depth + 1)),
            Ty::Array(inner) => {
                let n = if depth >= 3 { 0 } else { rng.range(0, 2) };
                Value::Array((0..n).map(|_| self.value(rng, inner, depth + 1)).collect())
            }
            Ty::Map(inner) => {
                let n = if depth >= 3 { 0 } else { rng.range(0, 2) };
                Value::Object(
                    (0..n)
                        .map(|i| (format!("key-{i}"), self.value(rng, inner, depth + 1)))
                        .collect(),
                )
            }
        }
    }

    /// A request example writes an absent nullable value as `null`, the way the client sends
    /// it (it reads `""` as `None`, and `None` goes out as `null`), here and in nested objects.
    fn empty_as_null(&self, fields: &[Field], map: &mut Map<String, Value>) {
        for f in fields {
            let Some(v) = map.get_mut(&f.name) else {
                continue;
            };
            if f.nullable && v.as_str() == Some("") {
                *v = Value::Null;
                continue;
            }
            let nested = match &f.ty {
                Ty::Obj(i) => &self.objects[*i].fields,
                Ty::Inline(inner) => inner,
                _ => continue,
            };
            if let Value::Object(inner) = v {
                self.empty_as_null(nested, inner);
            }
        }
    }

    fn object_value(&self, rng: &mut Rng, fields: &[Field], depth: usize) -> Map<String, Value> {
        let mut m = Map::new();
        for f in fields {
            if !f.required && (depth >= 3 || rng.chance(40)) {
                continue;
            }
            let v = if f.nullable && rng.chance(40) {
                let empty_reads_as_none = matches!(f.ty, Ty::Prim("datetime" | "date"))
                    || (self.money_wire == "string"
                        && matches!(f.ty, Ty::Prim("money" | "decimal")));
                if empty_reads_as_none && rng.chance(50) {
                    json!("")
                } else {
                    Value::Null
                }
            } else {
                self.value(rng, &f.ty, depth)
            };
            m.insert(f.name.clone(), v);
        }
        m
    }

    fn page_value(&self, rng: &mut Rng, item: usize) -> Value {
        let p = &self.pagination;
        let mut m = Map::new();
        m.insert(p.total_field.clone(), json!(3));
        let extras = self.page_response_fields();
        for f in extras.iter().skip(1) {
            if f.required || rng.chance(50) {
                m.insert(f.name.clone(), self.value(rng, &f.ty, 1));
            }
        }
        m.insert(
            p.list_field.clone(),
            self.value(rng, &Ty::Array(Box::new(Ty::Obj(item))), 0),
        );
        Value::Object(m)
    }

    fn page_response_fields(&self) -> Vec<Field> {
        let p = &self.pagination;
        let total = Field {
            name: p.total_field.clone(),
            ty: Ty::Prim(if p.total_long { "long" } else { "int" }),
            required: true,
            nullable: false,
            sensitive: false,
            last4: false,
            note: None,
        };
        std::iter::once(total)
            .chain(p.extra.iter().cloned())
            .collect()
    }

    fn page_request_fields(&self) -> Vec<Field> {
        let p = &self.pagination;
        [&p.page_field, &p.size_field]
            .into_iter()
            .map(|n| Field {
                name: n.clone(),
                ty: Ty::Prim("int"),
                required: false,
                nullable: false,
                sensitive: false,
                last4: false,
                note: None,
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// YAML text
// ---------------------------------------------------------------------------------------------

enum Y {
    /// A string scalar, quoted when needed.
    S(String),
    /// A plain scalar written as is (numbers, booleans).
    P(String),
    /// A literal block scalar.
    Block(String),
    M(Vec<(String, Y)>),
    L(Vec<Y>),
}

fn s(x: impl Into<String>) -> Y {
    Y::S(x.into())
}
fn p(x: impl ToString) -> Y {
    Y::P(x.to_string())
}

/// A YAML scalar for `x`: bare when it is a plain word YAML reads as a string, JSON-quoted
/// (a valid YAML double-quoted scalar) otherwise.
fn q(x: &str) -> String {
    let plain = x.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && x.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            x.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        );
    if plain {
        x.to_string()
    } else {
        serde_json::to_string(x).expect("a string")
    }
}

fn render(y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::M(entries) => {
            for (k, v) in entries {
                let _ = write!(out, "{pad}{}:", q(k));
                render_value(v, indent, out);
            }
        }
        Y::L(items) => {
            for item in items {
                let mut inner = String::new();
                match item {
                    Y::M(_) | Y::L(_) => render(item, indent + 2, &mut inner),
                    _ => {
                        inner.push_str(&" ".repeat(indent + 2));
                        let mut v = String::new();
                        render_value(item, indent, &mut v);
                        inner.push_str(v.trim_start());
                    }
                }
                let _ = write!(out, "{pad}- {}", &inner[indent + 2..]);
            }
        }
        other => render_value(other, indent, out),
    }
}

fn render_value(v: &Y, indent: usize, out: &mut String) {
    match v {
        Y::S(x) => {
            let _ = writeln!(out, " {}", q(x));
        }
        Y::P(x) => {
            let _ = writeln!(out, " {x}");
        }
        Y::Block(text) => {
            out.push_str(" |\n");
            for line in text.lines() {
                let _ = writeln!(out, "{}{line}", " ".repeat(indent + 2));
            }
        }
        Y::M(m) if m.is_empty() => out.push_str(" {}\n"),
        Y::L(l) if l.is_empty() => out.push_str(" []\n"),
        nested => {
            out.push('\n');
            render(nested, indent + 2, out);
        }
    }
}

impl Spec {
    fn ty_text(&self, ty: &Ty) -> String {
        match ty {
            Ty::Prim(p) => (*p).to_string(),
            Ty::Enum(i) => self.enums[*i].name.clone(),
            Ty::Obj(i) => self.objects[*i].name.clone(),
            Ty::Inline(_) => "object".into(),
            Ty::Array(inner) => format!("[{}]", self.ty_text(inner)),
            Ty::Map(inner) => format!("map<{}>", self.ty_text(inner)),
        }
    }

    fn field_yaml(&self, f: &Field) -> Y {
        let mut m = vec![("type".to_string(), s(self.ty_text(&f.ty)))];
        if !f.required {
            m.push(("required".into(), p(false)));
        }
        if f.nullable {
            m.push(("nullable".into(), p(true)));
        }
        if f.sensitive {
            m.push(("sensitive".into(), p(true)));
        }
        if f.last4 {
            m.push(("redact".into(), s("last4")));
        }
        m.push(("zh".into(), s(format!("{} 字段", f.name))));
        m.push(("en".into(), s(format!("the `{}` field", f.name))));
        if let Some(n) = &f.note {
            m.push(("note".into(), s(n.clone())));
        }
        let inline = match &f.ty {
            Ty::Inline(fields) => Some(fields),
            Ty::Array(inner) => match &**inner {
                Ty::Inline(fields) => Some(fields),
                _ => None,
            },
            _ => None,
        };
        if let Some(fields) = inline {
            m.push(("fields".into(), self.fields_yaml(fields)));
        }
        Y::M(m)
    }

    fn fields_yaml(&self, fields: &[Field]) -> Y {
        Y::M(
            fields
                .iter()
                .map(|f| (f.name.clone(), self.field_yaml(f)))
                .collect(),
        )
    }

    /// The body credentials, then the header and computed auth fields.
    fn auth_yaml(&self) -> Y {
        let Y::M(mut m) = self.fields_yaml(&self.auth) else {
            unreachable!("fields are a mapping")
        };
        for (name, header, computed) in &self.auth_wire {
            let mut f = vec![("type".to_string(), s("string"))];
            if let Some(h) = header {
                f.push(("in".into(), s("header")));
                f.push(("header".into(), s(h.clone())));
                f.push(("sensitive".into(), p(!computed)));
            }
            if *computed {
                f.push(("computed".into(), p(true)));
            }
            f.push(("zh".into(), s(format!("{name} 字段"))));
            m.push((name.clone(), Y::M(f)));
        }
        Y::M(m)
    }

    fn service_yaml(&self) -> Y {
        let p_ = &self.pagination;
        let mut env = vec![
            ("code".into(), s(self.env_code.clone())),
            ("message".into(), s(self.env_message.clone())),
            ("data".into(), s(self.env_data.clone())),
            ("success".into(), p(self.success)),
        ];
        if let Some(rl) = self.rate_limit_code {
            env.push(("rate_limit_code".into(), p(rl)));
        }
        env.push(("source".into(), s("documented")));
        let mut service = vec![
            ("money_wire".into(), s(self.money_wire)),
            ("datetime_format".into(), s(self.datetime_format)),
            ("title".into(), s(self.title.clone())),
            ("title_en".into(), s(self.title_en.clone())),
            (
                "description".into(),
                s("A random spec.\nSecond line with `code` and <b>html</b>."),
            ),
            ("base_url".into(), s("http://any-spec.example.test")),
            ("path_prefix".into(), s(self.path_prefix.clone())),
            (
                "version".into(),
                Y::M(vec![
                    ("default".into(), s(self.version.clone())),
                    ("source".into(), s("modeled")),
                ]),
            ),
            ("auth".into(), self.auth_yaml()),
            ("envelope".into(), Y::M(env)),
            (
                "pagination".into(),
                Y::M(vec![
                    (
                        "request".into(),
                        self.fields_yaml(&self.page_request_fields()),
                    ),
                    ("page_field".into(), s(p_.page_field.clone())),
                    ("total_field".into(), s(p_.total_field.clone())),
                    ("list_field".into(), s(p_.list_field.clone())),
                    (
                        "response".into(),
                        self.fields_yaml(&self.page_response_fields()),
                    ),
                    ("source".into(), s("modeled")),
                ]),
            ),
            ("source".into(), s("documented")),
        ];
        if let Some((name, version)) = &self.package {
            service.push((
                "package".into(),
                Y::M(vec![
                    ("name".into(), s(name.clone())),
                    ("version".into(), s(version.clone())),
                ]),
            ));
        }
        Y::M(service)
    }

    fn errors_yaml(&self) -> Y {
        Y::L(
            self.errors
                .iter()
                .map(|(code, name)| {
                    Y::M(vec![
                        ("code".into(), p(code)),
                        ("name".into(), s(name.clone())),
                        ("zh".into(), s("错误")),
                        ("en".into(), s(format!("error {name}"))),
                        ("action".into(), s("Retry later.")),
                        ("source".into(), s("modeled")),
                    ])
                })
                .collect(),
        )
    }

    fn groups_yaml(&self) -> Y {
        Y::M(
            self.groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    (
                        g.clone(),
                        Y::M(vec![
                            ("zh".into(), s("组")),
                            ("en".into(), s(format!("Group {g}"))),
                            ("order".into(), p(i + 1)),
                        ]),
                    )
                })
                .collect(),
        )
    }

    fn enums_yaml(&self) -> Y {
        Y::M(
            self.enums
                .iter()
                .map(|e| {
                    let mut m = vec![
                        ("zh".into(), s("枚举")),
                        ("en".into(), s(format!("Enum {}", e.name))),
                        ("vendor_title".into(), s(format!("{} [page]", e.name))),
                        ("source".into(), s("modeled")),
                        (
                            "provenance".into(),
                            Y::L(vec![Y::M(vec![
                                ("about".into(), s(format!("the codes of `{}` <T>", e.name))),
                                ("source".into(), s("modeled")),
                            ])]),
                        ),
                    ];
                    if e.string {
                        m.push(("repr".into(), s("string")));
                    }
                    if e.closed {
                        m.push(("closed".into(), p(true)));
                    }
                    let values = e
                        .values
                        .iter()
                        .map(|(code, name)| {
                            let code = match code {
                                Code::Int(i) => p(i),
                                Code::Str(x) => s(x.clone()),
                            };
                            Y::M(vec![
                                ("code".into(), code),
                                ("name".into(), s(name.clone())),
                                ("zh".into(), s("值")),
                                ("en".into(), s(format!("value {name}"))),
                            ])
                        })
                        .collect();
                    m.push(("values".into(), Y::L(values)));
                    (e.name.clone(), Y::M(m))
                })
                .collect(),
        )
    }

    fn objects_yaml(&self) -> Y {
        Y::M(
            self.objects
                .iter()
                .map(|o| {
                    (
                        o.name.clone(),
                        Y::M(vec![
                            ("zh".into(), s("对象")),
                            ("en".into(), s(format!("Object {}", o.name))),
                            ("source".into(), s("observed")),
                            ("fields".into(), self.fields_yaml(&o.fields)),
                        ]),
                    )
                })
                .collect(),
        )
    }

    fn endpoint_yaml(&self, rng: &mut Rng, e: &Endpoint) -> Y {
        let mut m = vec![
            ("group".into(), s(e.group.clone())),
            ("zh".into(), s("接口")),
            ("en".into(), s(format!("Endpoint {}", e.name))),
            ("path".into(), s(e.path.clone())),
            ("source".into(), s("modeled")),
            ("retry".into(), s(if e.never { "never" } else { "safe" })),
        ];
        if let Some(f) = &e.fn_name {
            m.push(("fn_name".into(), s(f.clone())));
        }
        if e.moves_money {
            m.push(("moves_money".into(), p(true)));
        }
        if e.get {
            m.push(("method".into(), s("GET")));
        }
        if let Some(k) = &e.idempotency_key {
            m.push(("idempotency_key".into(), s(k.clone())));
            m.push((
                "recovery".into(),
                s(format!("Look the order up by {k} before sending again.")),
            ));
        }
        if !e.request.is_empty() {
            m.push(("request".into(), self.fields_yaml(&e.request)));
        }
        let response = match e.response {
            Resp::Object(i) => Y::M(vec![("object".into(), s(self.objects[i].name.clone()))]),
            Resp::Array(i) => Y::M(vec![("array".into(), s(self.objects[i].name.clone()))]),
            Resp::Page(i) => Y::M(vec![("page".into(), s(self.objects[i].name.clone()))]),
            Resp::Empty => s("empty"),
        };
        m.push(("response".into(), response));
        if matches!(e.response, Resp::Page(_)) {
            m.push(("pagination".into(), s("page")));
        }
        if e.example {
            let mut req = Map::new();
            for f in &self.auth {
                req.insert(f.name.clone(), self.value(rng, &f.ty, 0));
            }
            if matches!(e.response, Resp::Page(_)) {
                req.insert(self.pagination.page_field.clone(), json!(1));
            }
            let mut fields = self.object_value(rng, &e.request, 0);
            self.empty_as_null(&e.request, &mut fields);
            req.extend(fields);
            let data = match e.response {
                Resp::Object(i) => self.value(rng, &Ty::Obj(i), 0),
                Resp::Array(i) => self.value(rng, &Ty::Array(Box::new(Ty::Obj(i))), 0),
                Resp::Page(i) => self.page_value(rng, i),
                Resp::Empty => Value::Null,
            };
            let mut envelope = Map::new();
            envelope.insert(self.env_code.clone(), json!(self.success));
            envelope.insert(self.env_message.clone(), json!("success"));
            envelope.insert(self.env_data.clone(), data);
            m.push((
                "examples".into(),
                Y::L(vec![Y::M(vec![
                    ("name".into(), s("generated")),
                    ("request".into(), Y::Block(Value::Object(req).to_string())),
                    (
                        "response".into(),
                        Y::Block(Value::Object(envelope).to_string()),
                    ),
                ])]),
            ));
        }
        Y::M(m)
    }

    fn webhooks_yaml(&self, rng: &mut Rng, w: &Webhooks) -> Y {
        let kinds = w
            .kinds
            .iter()
            .map(|k| {
                let mut m = vec![
                    ("zh".into(), s("通知")),
                    ("en".into(), s(format!("Kind {}", k.name))),
                    ("source".into(), s("modeled")),
                    ("payload".into(), s(self.objects[k.payload].name.clone())),
                ];
                if let Some((ep, fields)) = &k.refetch {
                    m.push((
                        "refetch".into(),
                        Y::M(vec![
                            ("endpoint".into(), s(ep.clone())),
                            (
                                "fields".into(),
                                Y::M(
                                    fields
                                        .iter()
                                        .map(|(a, b)| (a.clone(), s(b.clone())))
                                        .collect(),
                                ),
                            ),
                        ]),
                    ));
                }
                let events = k
                    .events
                    .iter()
                    .map(|(tag, name)| {
                        Y::M(vec![
                            ("tag".into(), s(tag.clone())),
                            ("name".into(), s(name.clone())),
                            ("zh".into(), s("事件")),
                            ("en".into(), s(format!("event {name}"))),
                        ])
                    })
                    .collect();
                m.push(("events".into(), Y::L(events)));
                if k.example {
                    let payload = self.value(rng, &Ty::Obj(k.payload), 0);
                    let mut body = Map::new();
                    body.insert(w.tag_field.clone(), json!(k.events[0].0));
                    // Flat only when no payload field is named like the tag or data field
                    // (such a body is ambiguous).
                    let clash = self.objects[k.payload]
                        .fields
                        .iter()
                        .any(|f| f.name == w.tag_field || f.name == w.data_field);
                    if clash || rng.chance(70) {
                        body.insert(w.data_field.clone(), payload);
                    } else if let Value::Object(flat) = payload {
                        // Flat: the payload's fields beside the tag.
                        for (key, v) in flat {
                            body.entry(key).or_insert(v);
                        }
                    }
                    m.push((
                        "examples".into(),
                        Y::L(vec![Y::M(vec![
                            ("name".into(), s("generated")),
                            ("request".into(), Y::Block(Value::Object(body).to_string())),
                        ])]),
                    ));
                }
                (k.name.clone(), Y::M(m))
            })
            .collect();
        Y::M(vec![
            ("tag_field".into(), s(w.tag_field.clone())),
            ("data_field".into(), s(w.data_field.clone())),
            ("source".into(), s("modeled")),
            (
                "ack".into(),
                Y::M(vec![
                    ("status".into(), p(200)),
                    ("body".into(), s(r#"{"code":0,"message":"success"}"#)),
                    ("source".into(), s("modeled")),
                ]),
            ),
            ("kinds".into(), Y::M(kinds)),
        ])
    }

    /// The spec as (display name, YAML text) files.
    fn files(&self, seed: u64, case: u64) -> Vec<(String, String)> {
        let mut rng = Rng::new(seed ^ 0x005e_ed0f_e8a3, case);
        let mut files: BTreeMap<String, Vec<(String, Y)>> = BTreeMap::new();
        let dir = format!("case-{case}");
        let mut put = |file: &str, key: &str, y: Y| {
            files
                .entry(format!("{dir}/{file}"))
                .or_default()
                .push((key.to_string(), y));
        };
        put("service.yaml", "service", self.service_yaml());
        if !self.errors.is_empty() {
            put("service.yaml", "errors", self.errors_yaml());
        }
        put("service.yaml", "groups", self.groups_yaml());
        let types_file = if self.split == 0 {
            "service.yaml"
        } else {
            "types.yaml"
        };
        if !self.enums.is_empty() {
            put(types_file, "enums", self.enums_yaml());
        }
        if !self.objects.is_empty() {
            put(types_file, "objects", self.objects_yaml());
        }
        // Endpoints: one file, or one file per group.
        let mut by_file: BTreeMap<String, Vec<(String, Y)>> = BTreeMap::new();
        for e in &self.endpoints {
            let file = if self.split == 2 {
                format!(
                    "endpoints/{}.yaml",
                    fold(&e.group)
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                )
            } else {
                "endpoints.yaml".to_string()
            };
            by_file
                .entry(file)
                .or_default()
                .push((e.name.clone(), self.endpoint_yaml(&mut rng, e)));
        }
        for (file, eps) in by_file {
            put(&file, "endpoints", Y::M(eps));
        }
        if let Some(w) = &self.webhooks {
            put("webhooks.yaml", "webhooks", self.webhooks_yaml(&mut rng, w));
        }
        files
            .into_iter()
            .map(|(name, sections)| {
                let mut text = format!("# generated by tests/tests/any_spec.rs (seed {seed:#x}, case {case}, names {:?})\n", self.level);
                render(&Y::M(sections), 0, &mut text);
                (name, text)
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Checking one case
// ---------------------------------------------------------------------------------------------

struct Failure {
    case: u64,
    category: &'static str,
    /// One line that identifies this failure among others of its category.
    key: String,
    detail: String,
    spec: String,
}

enum Outcome {
    /// A failure was recorded.
    Failed,
    Refused(Vec<String>),
    Accepted(apigen::Output),
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => {
            let v = v.trim();
            let parsed = match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
        }
        Err(_) => default,
    }
}

fn cases(env: &str, default: u64) -> Vec<u64> {
    match std::env::var("APIGEN_ANY_SPEC_ONLY") {
        Ok(_) => vec![env_u64("APIGEN_ANY_SPEC_ONLY", 0)],
        Err(_) => (0..env_u64(env, default)).collect(),
    }
}

fn panic_text(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic payload)".into())
}

fn spec_text(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(n, t)| format!("==> {n} <==\n{t}"))
        .collect()
}

/// The `error:` blocks of a rendered report that carry no `file:line:col`.
fn unlocated_errors(report: &str) -> Vec<String> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in report.lines() {
        if line.starts_with("error") {
            blocks.push(vec![line]);
        } else if let Some(b) = blocks.last_mut() {
            b.push(line);
        }
    }
    let located = |line: &str| {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix("┌─").or_else(|| t.strip_prefix("-->")) else {
            return false;
        };
        let mut parts = rest.trim().rsplitn(3, ':');
        let col = parts.next().unwrap_or("");
        let ln = parts.next().unwrap_or("");
        let file = parts.next().unwrap_or("");
        !file.is_empty() && col.parse::<u32>().is_ok() && ln.parse::<u32>().is_ok()
    };
    blocks
        .into_iter()
        .filter(|b| !b.iter().any(|l| located(l)))
        .map(|b| b[0].to_string())
        .collect()
}

/// Load and emit one case, checking every property short of compiling.
fn load_and_emit(case: u64, files: &[(String, String)], failures: &mut Vec<Failure>) -> Outcome {
    let spec = spec_text(files);
    let fail = |category, key: String, detail: String| Failure {
        case,
        category,
        key,
        detail,
        spec: spec.clone(),
    };
    let loaded = match catch_unwind(AssertUnwindSafe(|| {
        apigen::load_api_from(files.to_vec()).map_err(|e| e.to_string())
    })) {
        Err(p) => {
            let msg = panic_text(&*p);
            failures.push(fail(
                "load panicked",
                msg.lines().next().unwrap_or("").to_string(),
                msg,
            ));
            return Outcome::Failed;
        }
        Ok(Err(report)) => {
            if std::env::var_os("APIGEN_ANY_SPEC_PRINT").is_some() {
                println!("{report}");
            }
            for e in unlocated_errors(&report) {
                failures.push(fail("refusal without file:line:col", e, report.clone()));
            }
            let messages = report
                .lines()
                .filter(|l| l.starts_with("error"))
                .map(str::to_string)
                .collect();
            return Outcome::Refused(messages);
        }
        Ok(Ok(api)) => api,
    };
    let options = apigen::emit::Options::default();
    let output = match catch_unwind(AssertUnwindSafe(|| apigen::emit::emit(&loaded, &options))) {
        Err(p) => {
            let msg = panic_text(&*p);
            failures.push(fail(
                "emit panicked",
                msg.lines().next().unwrap_or("").to_string(),
                msg,
            ));
            return Outcome::Failed;
        }
        Ok(Err(e)) => {
            let e = e.to_string();
            failures.push(fail(
                "emit returned Err after load accepted",
                e.lines().next().unwrap_or("").to_string(),
                e,
            ));
            return Outcome::Failed;
        }
        Ok(Ok(o)) => o,
    };
    let mut parse_failed = false;
    for (path, text) in output.files.iter().chain(&output.scaffolds) {
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        if let Err(e) = syn::parse_file(text) {
            parse_failed = true;
            failures.push(fail(
                "generated Rust does not parse",
                format!("{}: {e}", path.display()),
                format!("{}: {e}\n{text}", path.display()),
            ));
        }
    }
    if parse_failed {
        Outcome::Failed
    } else {
        Outcome::Accepted(output)
    }
}

fn report(
    test: &str,
    seed: u64,
    n: usize,
    accepted: usize,
    refusals: &BTreeMap<String, usize>,
    failures: &[Failure],
    started: Instant,
) {
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{test}: seed {seed:#x}, {n} cases ({accepted} accepted or failed, {} refused) in {secs:.1} s ({:.3} s/case)",
        n - accepted,
        secs / n.max(1) as f64
    );
    if !refusals.is_empty() {
        println!("refusal messages (count):");
        for (m, c) in refusals {
            println!("  {c:4}  {m}");
        }
    }
    if failures.is_empty() {
        return;
    }
    let mut distinct: BTreeMap<(&str, &str), Vec<u64>> = BTreeMap::new();
    for f in failures {
        distinct
            .entry((f.category, &f.key))
            .or_default()
            .push(f.case);
    }
    let mut shown = BTreeSet::new();
    for f in failures {
        if shown.insert((f.category, f.key.clone())) {
            println!(
                "\n======== FAILURE (case {}): {}: {}\n{}\n-------- spec --------\n{}",
                f.case, f.category, f.key, f.detail, f.spec
            );
        }
    }
    let mut summary = format!(
        "{} failures, {} distinct:\n",
        failures.len(),
        distinct.len()
    );
    for ((cat, key), cases) in &distinct {
        let _ = writeln!(summary, "  [{cat}] {key}  (cases {cases:?})");
    }
    println!("\n{summary}");
    panic!(
        "{test}: the generator broke its guarantee (seed {seed:#x}; rerun one case with APIGEN_ANY_SPEC_ONLY=N):\n{summary}"
    );
}

/// Normalise a refusal message for the tally (drop quoted names).
fn refusal_key(m: &str) -> String {
    let mut out = String::new();
    let mut in_tick = false;
    for c in m.chars() {
        if c == '`' {
            in_tick = !in_tick;
            if in_tick {
                out.push_str("`…`");
            }
        } else if !in_tick {
            out.push(c);
        }
    }
    out
}

#[test]
fn load_emit_any_spec() {
    let seed = env_u64("APIGEN_ANY_SPEC_SEED", DEFAULT_SEED);
    let cases = cases("APIGEN_ANY_SPEC_EMIT_CASES", 200);
    println!("load_emit_any_spec: seed {seed:#x}, {} cases", cases.len());
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    let mut accepted = 0;
    for &case in &cases {
        let files = generate(seed, case).files(seed, case);
        if std::env::var_os("APIGEN_ANY_SPEC_PRINT").is_some() {
            println!("{}", spec_text(&files));
        }
        match load_and_emit(case, &files, &mut failures) {
            Outcome::Accepted(_) | Outcome::Failed => accepted += 1,
            Outcome::Refused(msgs) => {
                for m in msgs {
                    *refusals.entry(refusal_key(&m)).or_default() += 1;
                }
            }
        }
    }
    report(
        "load_emit_any_spec",
        seed,
        cases.len(),
        accepted,
        &refusals,
        &failures,
        started,
    );
}

// ---------------------------------------------------------------------------------------------
// Compiling
// ---------------------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => normalize(&root.join(t)),
        None => root.join("target"),
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `cargo clippy --all-targets -- -D warnings` with and without default features (webhooks are
/// behind a default feature), then `cargo test`, in `dir` (what CI asks of every generated
/// crate: it builds clean, and every example it was generated with decodes and round-trips); on
/// failure, the first errors.
fn cargo_check(dir: &Path, target: &Path) -> Result<(), String> {
    for features in [None, Some("--no-default-features")] {
        let mut args = vec![
            "clippy",
            "--all-targets",
            "--message-format=short",
            "--quiet",
        ];
        args.extend(features);
        cargo(dir, target, &args, &["--", "-D", "warnings"])?;
    }
    cargo(dir, target, &["test", "--quiet"], &[])
}

/// `cargo ARGS [--offline] TAIL` in `dir` (online again if offline fails for a missing crate).
fn cargo(dir: &Path, target: &Path, args: &[&str], tail: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |offline: bool| {
        let mut cmd = Command::new(&cargo);
        cmd.args(args);
        if offline {
            cmd.arg("--offline");
        }
        cmd.args(tail);
        cmd.current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("CARGO_MANIFEST_DIR")
            .output()
            .expect("cargo runs")
    };
    let mut out = run(true);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success()
        && stderr.contains("offline")
        && (stderr.contains("no matching package")
            || stderr.contains("failed to download")
            || stderr.contains("failed to select"))
    {
        out = run(false);
    }
    if out.status.success() {
        return Ok(());
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error") || l.contains("panicked") || l.contains("call succeeds"))
        .take(25)
        .collect();
    Err(if errors.is_empty() {
        text.lines().take(40).collect::<Vec<_>>().join("\n")
    } else {
        errors.join("\n")
    })
}

#[test]
fn any_spec_compiles() {
    let seed = env_u64("APIGEN_ANY_SPEC_SEED", DEFAULT_SEED);
    let cases = cases("APIGEN_ANY_SPEC_CASES", 3);
    let keep = std::env::var_os("APIGEN_ANY_SPEC_KEEP").is_some();
    let target = target_dir();
    let base = target.join("any-spec");
    let shared_target = target.join("any-spec-target");
    println!(
        "any_spec_compiles: seed {seed:#x}, {} cases, crates in {}, shared target {}",
        cases.len(),
        base.display(),
        shared_target.display()
    );
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("create the any-spec folder");
    let lock =
        std::fs::read(workspace_root().join("Cargo.lock")).expect("the workspace Cargo.lock");
    let runtime = workspace_root().join("runtime");

    let started = Instant::now();
    let mut failures = Vec::new();
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    let mut accepted = 0;
    for &case in &cases {
        let case_started = Instant::now();
        let files = generate(seed, case).files(seed, case);
        let output = match load_and_emit(case, &files, &mut failures) {
            Outcome::Accepted(o) => o,
            Outcome::Refused(msgs) => {
                println!("case {case}: refused ({} errors)", msgs.len());
                for m in msgs {
                    *refusals.entry(refusal_key(&m)).or_default() += 1;
                }
                continue;
            }
            Outcome::Failed => {
                accepted += 1;
                continue;
            }
        };
        accepted += 1;
        let dir = base.join(format!("case-{case}"));
        // Emit again with the runtime path of this folder (the first emit used the default).
        let api = apigen::load_api_from(files.clone()).expect("accepted above");
        let options = apigen::emit::Options {
            runtime: apigen::emit::RuntimeDependency::beside(&runtime, &dir),
        };
        let output = apigen::emit::emit(&api, &options).unwrap_or(output);
        apigen::write::write(&dir, &output, false).expect("write the generated crate");
        for (name, text) in &files {
            let path = dir
                .join("spec")
                .join(name.trim_start_matches(&format!("case-{case}/")));
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create spec folder");
            std::fs::write(path, text).expect("write the spec");
        }
        std::fs::write(dir.join("Cargo.lock"), &lock).expect("copy Cargo.lock");
        match cargo_check(&dir, &shared_target) {
            Ok(()) => {
                println!(
                    "case {case}: compiles ({:.1} s)",
                    case_started.elapsed().as_secs_f64()
                );
                if !keep {
                    let _ = std::fs::remove_dir_all(&dir);
                }
            }
            Err(errors) => {
                println!(
                    "case {case}: DOES NOT COMPILE ({:.1} s), kept in {}",
                    case_started.elapsed().as_secs_f64(),
                    dir.display()
                );
                let key = errors
                    .lines()
                    .find(|l| l.contains("error"))
                    .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
                    .unwrap_or_default();
                failures.push(Failure {
                    case,
                    category: "generated crate does not compile",
                    key,
                    detail: errors,
                    spec: spec_text(&files),
                });
            }
        }
    }
    report(
        "any_spec_compiles",
        seed,
        cases.len(),
        accepted,
        &refusals,
        &failures,
        started,
    );
}
