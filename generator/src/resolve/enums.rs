//! Lowering of `enums`: codes checked against the representation, variant
//! names converted and checked for collisions.

use std::collections::HashMap;

use super::Resolver;
use super::merge::In;
use crate::model::{self, Code};
use crate::naming::{is_ident, reserved, type_name};
use crate::raw::{self, Location};

impl Resolver<'_> {
    /// An enum, lowered: each value with a checked code and variant name, no duplicates.
    pub(super) fn enum_(&mut self, e: &In<'_, raw::Enum>) -> Option<model::Enum> {
        let v = e.item;
        let mut values: Vec<model::EnumValue> = Vec::new();
        let mut codes: HashMap<Code, Location> = HashMap::new();
        let mut names: HashMap<String, (String, Location)> = HashMap::new();
        for val in &v.values {
            let val = &val.value;
            let Some(code) = self.value_code(e, val) else {
                continue;
            };
            if let Some(first) = codes.get(&code) {
                let first = self.report.place(e.file, first);
                self.report
                    .err(
                        e.file,
                        &val.code.referenced,
                        format!("duplicate code {code} in enum `{}`", e.key.value),
                    )
                    .set_label("used again")
                    .hint = Some(format!("first used at {first}"));
                continue;
            }
            let Some(variant) = self.variant_name(e, val) else {
                continue;
            };
            if let Some((first_name, first)) = names.get(&variant) {
                let first = self.report.place(e.file, first);
                let msg = if *first_name == val.name.value {
                    format!(
                        "duplicate name `{}` in enum `{}`",
                        val.name.value, e.key.value
                    )
                } else {
                    format!(
                        "`{}` collides with `{first_name}` in enum `{}`: both become `{variant}`",
                        val.name.value, e.key.value
                    )
                };
                self.report.err(e.file, &val.name.referenced, msg).hint =
                    Some(format!("the other is at {first}; rename one"));
                continue;
            }
            codes.insert(code.clone(), val.code.referenced);
            names.insert(
                variant.clone(),
                (val.name.value.clone(), val.name.referenced),
            );
            values.push(model::EnumValue {
                code,
                spec_name: val.name.value.clone(),
                zh: val.zh.clone(),
                en: val.en.clone(),
            });
        }
        if v.values.is_empty() {
            self.report.err(
                e.file,
                &e.key.loc,
                format!("enum `{}` has no values", e.key.value),
            );
        }
        let provenance = self.provenance(
            e.file,
            &format!("enum `{}`", e.key.value),
            Some(v.source),
            &v.provenance,
        );
        Some(model::Enum {
            name: e.key.value.clone(),
            zh: v.zh.clone(),
            en: v.en.clone(),
            vendor_title: v.vendor_title.clone(),
            description: v.description.clone(),
            repr: v.repr,
            closed: v.closed,
            source: v.source,
            provenance,
            values,
        })
    }

    /// The code of a value, checked against the enum's `repr`; `None` (reported) if it does
    /// not match.
    fn value_code(&mut self, e: &In<'_, raw::Enum>, val: &raw::EnumValue) -> Option<Code> {
        Some(match (&val.code.value, e.item.repr) {
            (raw::Code::Int(i), raw::EnumRepr::Int) => Code::Int(*i),
            (raw::Code::Str(s), raw::EnumRepr::String) => Code::Str(s.clone()),
            (raw::Code::Str(s), raw::EnumRepr::Int) => {
                self.report
                    .err(
                        e.file,
                        &val.code.referenced,
                        format!(
                            "code `{s}` is not an integer, but `{}` has `repr: int`",
                            e.key.value
                        ),
                    )
                    .hint = Some("write an integer code, or set `repr: string` on the enum".into());
                return None;
            }
            (raw::Code::Int(i), raw::EnumRepr::String) => {
                self.report
                    .err(
                        e.file,
                        &val.code.referenced,
                        format!(
                            "code {i} is an integer, but `{}` has `repr: string`",
                            e.key.value
                        ),
                    )
                    .hint = Some(format!("quote it (`\"{i}\"`), or use `repr: int`"));
                return None;
            }
        })
    }

    /// The variant name of a value, checked to be an identifier and not reserved; `None`
    /// (reported) otherwise.
    fn variant_name(&mut self, e: &In<'_, raw::Enum>, val: &raw::EnumValue) -> Option<String> {
        let variant = type_name(&val.name.value);
        if !is_ident(&variant) {
            self.report
                .err(
                    e.file,
                    &val.name.referenced,
                    format!("`{}` is not usable as a variant name", val.name.value),
                )
                .hint = Some(
                "use ASCII letters, digits, `_` and `-` (names become Rust identifiers)".into(),
            );
            return None;
        }
        if reserved::VARIANTS.contains(&variant.as_str()) {
            self.report
                .err(
                    e.file,
                    &val.name.referenced,
                    "`Unknown` is reserved for the fallback that keeps unlisted codes",
                )
                .hint = Some("name the value after its meaning, e.g. `UNSPECIFIED`".into());
            return None;
        }
        Some(variant)
    }
}
