//! Lowering of the service-wide items: the `service` section, the business
//! error codes and the endpoint groups.

use std::collections::HashMap;

use super::merge::{In, Merged};
use super::{Resolver, WireForms};
use crate::diag::{FileId, did_you_mean};
use crate::model::{self, ObjectName, Type};
use crate::naming::{group_accessor, group_struct, is_ident, reserved, type_name, unraw};
use crate::raw::{self, Location, Spanned};

impl Resolver<'_> {
    /// The service section, lowered: path, version, auth, envelope, pagination, package, money.
    pub(super) fn service(
        &mut self,
        file: FileId,
        s: &Spanned<raw::Service>,
    ) -> Option<model::Service> {
        let v = &s.value;
        self.check_path(file, s);
        let auth = self.fields(file, &v.auth, v.source, &ObjectName::Auth);
        self.check_auth_headers(file, &v.auth);
        let accessors: Vec<&model::Field> = auth.iter().filter(|f| !f.sensitive).collect();
        self.check_setters(
            file,
            &v.auth,
            &accessors,
            reserved::ACCESSORS,
            "auth field",
            "Credentials",
        );
        let pagination = v
            .pagination
            .as_ref()
            .map(|p| self.pagination(file, p, &s.referenced));
        let cursor_pagination = v
            .cursor_pagination
            .as_ref()
            .map(|p| self.cursor_pagination(file, p));
        let provenance = self.provenance(file, "the service", Some(v.source), &v.provenance);
        let envelope_provenance = self.provenance(
            file,
            "the envelope",
            Some(v.envelope.source),
            &v.envelope.provenance,
        );
        Some(model::Service {
            title: v.title.clone(),
            title_en: v.title_en.clone(),
            vendor_title: v.vendor_title.clone(),
            description: v.description.clone(),
            base_url: v.base_url.clone(),
            path_prefix: v.path_prefix.value.clone(),
            default_version: v.version.default.clone(),
            version_source: v.version.source,
            auth,
            envelope: model::Envelope {
                code: v.envelope.code.clone(),
                message: v.envelope.message.clone(),
                data: v.envelope.data.clone(),
                success: business_code(&v.envelope.success.value),
                rate_limit_code: v
                    .envelope
                    .rate_limit_code
                    .as_ref()
                    .map(|c| business_code(&c.value)),
                source: v.envelope.source,
                provenance: envelope_provenance,
            },
            pagination,
            cursor_pagination,
            source: v.source,
            provenance,
            package: self.package(file, v),
            money_unit: v
                .money
                .as_ref()
                .map(|m| m.unit.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|u| !u.is_empty()),
            money_wire: self.wire_defaults.money,
            datetime_format: self.wire_defaults.datetime,
        })
    }

    /// Reports a `path_prefix` without `{version}` and a default version that cannot be a
    /// path segment.
    fn check_path(&mut self, file: FileId, s: &Spanned<raw::Service>) {
        let v = &s.value;
        if !v.path_prefix.value.contains("{version}") {
            self.report
                .err(
                    file,
                    &v.path_prefix.referenced,
                    "`path_prefix` has no `{version}` segment",
                )
                .hint = Some("write it like `/{version}/openApi`".into());
        }
        let version = &v.version.default;
        if version.is_empty()
            || !version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            self.report
                .err(
                    file,
                    &s.referenced,
                    format!("version `{version}` is not usable as a path segment"),
                )
                .hint = Some(
                "`version.default` fills `{version}` in every path: use letters, digits, `.`, `_` and `-`"
                    .into(),
            );
        }
    }

    /// The page convention shared by every paginated endpoint, checked: the page field is an
    /// optional `int` request field, the total field a `long`/`int` response field.
    fn pagination(
        &mut self,
        file: FileId,
        p: &raw::Pagination,
        service: &Location,
    ) -> model::Pagination {
        let request = self.fields(file, &p.request, p.source, &ObjectName::Page);
        if !p.request.keys().any(|k| k.value == p.page_field.value) {
            let names: Vec<&str> = p.request.keys().map(|k| k.value.as_str()).collect();
            self.report
                .err(
                    file,
                    &p.page_field.referenced,
                    format!(
                        "page field `{}` is not one of the pagination request fields",
                        p.page_field.value
                    ),
                )
                .hint = did_you_mean(&p.page_field.value, names);
        }
        if let Some(f) = request.iter().find(|f| f.wire_name == p.page_field.value)
            && (f.ty != Type::Int || f.required)
        {
            self.report
                .err(
                    file,
                    &p.page_field.referenced,
                    format!("page field `{}` must be an optional `int`", f.wire_name),
                )
                .hint = Some("write it `{ type: int, required: false, ... }`".into());
        }
        let response = self.fields(file, &p.response, p.source, &ObjectName::Page);
        match response.iter().find(|f| f.wire_name == p.total_field) {
            Some(f) if matches!(f.ty, Type::Long | Type::Int) => {}
            Some(_) => {
                self.report
                    .err(
                        file,
                        service,
                        format!("total field `{}` must be `long` or `int`", p.total_field),
                    )
                    .hint = Some("the total counts rows".into());
            }
            None => {
                let names: Vec<&str> = p.response.keys().map(|k| k.value.as_str()).collect();
                self.report
                    .err(
                        file,
                        service,
                        format!(
                            "total field `{}` is not one of the pagination response fields",
                            p.total_field
                        ),
                    )
                    .hint = did_you_mean(&p.total_field, names)
                    .or_else(|| Some("declare it under `pagination.response`".into()));
            }
        }
        model::Pagination {
            request,
            page_field: p.page_field.value.clone(),
            total_field: p.total_field.clone(),
            list_field: p.list_field.clone(),
            response,
            source: p.source,
        }
    }

    /// The generated crate's package metadata, defaults filled in, names checked.
    pub(super) fn package(&mut self, file: FileId, v: &raw::Service) -> model::Package {
        let p = v.package.as_ref();
        let name = match p.and_then(|p| p.name.as_ref()) {
            Some(n) => {
                if !is_crate_name(&n.value) {
                    self.report
                        .err(file, &n.referenced, format!("`{}` is not a valid crate name", n.value))
                        .hint = Some(
                        "use ASCII letters, digits, `-` and `_`, starting with a letter (at most 64 characters); `std`, `core`, `test` and the like are taken".into(),
                    );
                } else if is_dependency_name(&n.value) {
                    self.report
                        .err(
                            file,
                            &n.referenced,
                            format!(
                                "`{}` is the name of a crate the generated crate depends on",
                                n.value
                            ),
                        )
                        .hint = Some(format!("call it something like `{}-client`", n.value));
                }
                n.value.clone()
            }
            None => default_crate_name(&v.title_en),
        };
        let version = match p.and_then(|p| p.version.as_ref()) {
            Some(ver) => {
                if !is_semver(&ver.value) {
                    self.report
                        .err(
                            file,
                            &ver.referenced,
                            format!("`{}` is not a version `MAJOR.MINOR.PATCH`", ver.value),
                        )
                        .hint = Some("write it like `0.1.0` or `1.2.3-beta.1`".into());
                }
                ver.value.clone()
            }
            None => "0.1.0".to_owned(),
        };
        let description = p
            .and_then(|p| p.description.clone())
            .unwrap_or_else(|| format!("Typed client for the {}.", v.title_en.trim()));
        model::Package {
            name,
            version,
            description: description.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    pub(super) fn errors(
        &mut self,
        errs: &[(FileId, &Spanned<raw::ErrorCode>)],
    ) -> Vec<model::ErrorCode> {
        let mut out: Vec<model::ErrorCode> = Vec::new();
        let mut seen_codes: HashMap<model::Code, String> = HashMap::new();
        let mut seen_names: HashMap<String, String> = HashMap::new();
        for (file, e) in errs {
            let v = &e.value;
            let variant = type_name(&v.name.value);
            let here = self.report.place(*file, &e.referenced);
            if !is_ident(&variant) {
                self.report
                    .err(
                        *file,
                        &v.name.referenced,
                        format!("`{}` is not usable as an error name", v.name.value),
                    )
                    .hint = Some(
                    "error names become variants of `ErrorCode`: use ASCII letters, digits, `_` and `-`"
                        .into(),
                );
                continue;
            }
            let code = business_code(&v.code.value);
            if let Some(first) = seen_codes.get(&code) {
                self.report
                    .err(
                        *file,
                        &v.code.referenced,
                        format!("duplicate error code {code}"),
                    )
                    .hint = Some(format!("it is already defined at {first}"));
                continue;
            }
            if let Some(first) = seen_names.get(&variant) {
                self.report
                    .err(
                        *file,
                        &v.name.referenced,
                        format!(
                            "error name `{}` collides with another: both become `{variant}`",
                            v.name.value
                        ),
                    )
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            if reserved::VARIANTS.contains(&variant.as_str()) {
                self.report
                    .err(
                        *file,
                        &v.name.referenced,
                        "`UNKNOWN` is reserved for codes the spec does not list",
                    )
                    .hint = Some("choose another name".into());
                continue;
            }
            seen_codes.insert(code.clone(), here.clone());
            seen_names.insert(variant, here);
            out.push(model::ErrorCode {
                code,
                name: v.name.value.clone(),
                zh: v.zh.clone(),
                en: v.en.clone(),
                action: v.action.clone(),
                source: v.source,
            });
        }
        out
    }

    pub(super) fn groups(&mut self, groups: &[In<'_, raw::Group>]) -> Vec<model::Group> {
        let mut out: Vec<(u32, usize, model::Group)> = Vec::new();
        let mut taken: HashMap<String, String> = HashMap::new();
        for (i, g) in groups.iter().enumerate() {
            let method = group_accessor(&g.key.value);
            let api_struct = group_struct(&g.key.value);
            if !is_ident(unraw(&method)) || !is_ident(&api_struct) {
                self.report
                    .err(
                        g.file,
                        &g.key.loc,
                        format!("`{}` is not usable as a group name", g.key.value),
                    )
                    .hint = Some(
                    "group keys become method names: use ASCII letters, digits, `_` and `-`".into(),
                );
                continue;
            }
            if let Some((first, made)) = taken
                .get(&method)
                .map(|f| (f, format!("`client.{}()`", unraw(&method))))
                .or_else(|| {
                    taken
                        .get(&api_struct)
                        .map(|f| (f, format!("`{api_struct}`")))
                })
            {
                self.report
                    .err(
                        g.file,
                        &g.key.loc,
                        format!(
                            "group `{}` collides with another: both become {made}",
                            g.key.value
                        ),
                    )
                    .set_label("collides")
                    .hint = Some(format!("the other is at {first}; rename one"));
                continue;
            }
            let here = self.report.place(g.file, &g.key.loc);
            taken.insert(method, here.clone());
            taken.insert(api_struct, here);
            let provenance = self.provenance(
                g.file,
                &format!("group `{}`", g.key.value),
                None,
                &g.item.provenance,
            );
            out.push((
                g.item.order.unwrap_or(u32::MAX),
                i,
                model::Group {
                    spec_key: g.key.value.clone(),
                    zh: g.item.zh.clone(),
                    en: g.item.en.clone(),
                    vendor_title: g.item.vendor_title.clone(),
                    provenance,
                },
            ));
        }
        out.sort_by_key(|(order, i, _)| (*order, *i));
        out.into_iter().map(|(_, _, g)| g).collect()
    }

    /// Every business code is written like the success code (all integers or all strings), and
    /// the envelope's rate-limit code is one of the listed `errors`.
    pub(super) fn check_business_codes(
        &mut self,
        m: &Merged<'_>,
        errs: &[(FileId, &Spanned<raw::ErrorCode>)],
        errors: &[model::ErrorCode],
    ) {
        let Some((file, svc)) = m.service else { return };
        let envelope = &svc.value.envelope;
        let success = &envelope.success.value;
        let mismatched = |code: &raw::Code| kind(code) != kind(success);
        let hint = match success {
            raw::Code::Int(_) => {
                "the success code is an integer, so write every business code as one (`1001`), or write the success code as a string (`\"0\"`)"
            }
            raw::Code::Str(_) => {
                "the success code is a string, so write every business code as one (`\"1001\"`, quoted in YAML), or write the success code as an integer"
            }
        };
        for (file, e) in errs {
            let code = &e.value.code;
            if mismatched(&code.value) {
                self.report
                    .err(
                        *file,
                        &code.referenced,
                        format!(
                            "error code {} is {}, but the envelope's success code {} is {}",
                            business_code(&code.value),
                            kind(&code.value),
                            business_code(success),
                            kind(success)
                        ),
                    )
                    .hint = Some(hint.into());
            }
        }
        let Some(rl) = &envelope.rate_limit_code else {
            return;
        };
        let rate_limit = business_code(&rl.value);
        if mismatched(&rl.value) {
            self.report
                .err(
                    file,
                    &rl.referenced,
                    format!(
                        "rate-limit code {rate_limit} is {}, but the success code {} is {}",
                        kind(&rl.value),
                        business_code(success),
                        kind(success)
                    ),
                )
                .hint = Some(hint.into());
        } else if !errors.iter().any(|e| e.code == rate_limit) {
            self.report
                .err(
                    file,
                    &rl.referenced,
                    format!("rate-limit code {rate_limit} is not one of the listed `errors`"),
                )
                .hint = Some("add it under `errors` so clients can name it".into());
        }
    }
}

/// A business code of the spec in the model.
fn business_code(code: &raw::Code) -> model::Code {
    match code {
        raw::Code::Int(i) => model::Code::Int(*i),
        raw::Code::Str(s) => model::Code::Str(s.clone()),
    }
}

/// "an integer" or "a string", for messages.
fn kind(code: &raw::Code) -> &'static str {
    match code {
        raw::Code::Int(_) => "an integer",
        raw::Code::Str(_) => "a string",
    }
}

/// A crate name cargo accepts: ASCII letters, digits, `-`, `_`; starts with a letter.
fn is_crate_name(s: &str) -> bool {
    s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !reserved::BUILTIN_CRATES.contains(&s.replace('-', "_").as_str())
}

/// Whether `name` is, up to `-`/`_`, a dependency of every generated crate: the crate could not
/// name that dependency any more (and cargo would see two packages of one name).
fn is_dependency_name(name: &str) -> bool {
    let norm = |s: &str| s.replace('-', "_").to_ascii_lowercase();
    crate::emit::dependency_names().any(|dep| norm(dep) == norm(name))
}

/// The crate name made from the English title: kebab-case ASCII, `api-client` when nothing usable
/// remains, `-client` appended when the title names a dependency (`Tokio` → `tokio-client`).
fn default_crate_name(title_en: &str) -> String {
    use heck::ToKebabCase as _;
    let ascii: String = title_en
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let name = ascii.to_kebab_case();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let name: String = name.chars().take(64).collect();
    let name = name.trim_end_matches('-').to_owned();
    if !is_crate_name(&name) {
        "api-client".to_owned()
    } else if is_dependency_name(&name) {
        format!("{name}-client")
    } else {
        name
    }
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` or `+build` suffix of `[0-9A-Za-z.-]`.
fn is_semver(s: &str) -> bool {
    let (core, rest) = match s.find(['-', '+']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "1"),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
}

/// The service-wide wire forms of money and datetimes, defaults filled in.
pub(super) fn wire_defaults(s: &raw::Service) -> WireForms {
    WireForms {
        money: s.money_wire.map(money_wire).unwrap_or_default(),
        datetime: s.datetime_format.map(datetime_format).unwrap_or_default(),
    }
}

/// The model's form of a `money_wire` / `wire` value.
pub(super) fn money_wire(w: raw::MoneyWire) -> model::MoneyWire {
    match w {
        raw::MoneyWire::Number => model::MoneyWire::Number,
        raw::MoneyWire::String => model::MoneyWire::String,
    }
}

/// The model's form of a `datetime_format` / `format` value.
pub(super) fn datetime_format(f: raw::DateTimeFormat) -> model::DateTimeFormat {
    match f {
        raw::DateTimeFormat::Vendor => model::DateTimeFormat::Vendor,
        raw::DateTimeFormat::Rfc3339 => model::DateTimeFormat::Rfc3339,
        raw::DateTimeFormat::EpochS => model::DateTimeFormat::EpochS,
        raw::DateTimeFormat::EpochMs => model::DateTimeFormat::EpochMs,
    }
}

#[cfg(test)]
mod package_tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(
            default_crate_name("Card and wallet OPEN-API"),
            "card-and-wallet-open-api"
        );
        assert_eq!(default_crate_name("3PL Parcel API"), "pl-parcel-api");
        assert_eq!(default_crate_name("卡与钱包"), "api-client");
        assert_eq!(default_crate_name(""), "api-client");
        assert_eq!(default_crate_name("Tokio"), "tokio-client");
        assert_eq!(default_crate_name("Serde JSON"), "serde-json-client");
        assert!(is_dependency_name("apigen_runtime"));
        assert!(is_dependency_name("Rust-Decimal"));
        assert!(!is_dependency_name("card-wallet"));
        assert!(is_crate_name("card-wallet"));
        assert!(!is_crate_name("3pl"));
        assert!(!is_crate_name("std"));
        assert!(is_dependency_name("serde"));
        assert!(is_dependency_name("rust-decimal"));
        assert!(!is_crate_name("a b"));
    }

    #[test]
    fn versions() {
        for ok in ["0.1.0", "1.2.3-beta.1", "10.0.0+build.5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0.0", ""] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
