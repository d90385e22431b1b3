//! Stage 2: validate the raw files and resolve them into the model.
//!
//! Every check runs to the end and all problems are returned together, each
//! pointing at the place in the spec that causes it. The steps:
//!
//! 1. [`merge`]: gather the sections of every file, reporting items defined twice;
//! 2. lower each kind of item into the model ([`service`], [`enums`],
//!    [`objects`], [`endpoints`], [`webhooks`]), checking names and references, and
//!    [`provenance`]: an item's `source` against the statements of its `provenance`;
//! 3. [`examples`]: check every JSON example against its declared types
//!    (pointing into the JSON with [`json_position`]).

mod carrier;
mod cursor_pagination;
mod endpoint_ref;
mod endpoints;
mod enums;
mod examples;
mod field_map;
mod json_position;
mod merge;
mod method;
mod objects;
mod provenance;
mod recovery;
mod service;
mod type_expr;
mod webhooks;

use std::collections::HashMap;

use crate::diag::{Diagnostic, FileId, Sources, Span, span_of};
use crate::load::Loaded;
use crate::model::{self, Api};
use crate::naming::{is_ident, reserved, type_name};
use crate::raw::Location;

use merge::Merged;

/// Validate and resolve. All problems are reported at once, sorted by place.
pub fn resolve(loaded: &Loaded) -> Result<Api, Vec<Diagnostic>> {
    let mut report = Reporter::new(&loaded.sources);
    let merged = merge::merge(&mut report, loaded);
    let mut resolver = Resolver::new(report);
    resolver.declare_types(&merged);
    let api = resolver.lower(&merged);
    // Examples are checked against a complete model only: after any refusal (an unusable name,
    // an unknown type) the model lacks the refused item and every example touching it would
    // echo the same mistake.
    if let Some(api) = &api
        && resolver.report.diags.is_empty()
    {
        resolver.check_examples(&merged, api);
    }
    resolver.report.finish(api)
}

/// The diagnostics found so far and the sources they point into: the one
/// owner of diagnostics while resolving.
pub(crate) struct Reporter<'s> {
    sources: &'s Sources,
    diags: Vec<Diagnostic>,
}

impl<'s> Reporter<'s> {
    fn new(sources: &'s Sources) -> Self {
        Reporter {
            sources,
            diags: Vec::new(),
        }
    }

    /// The span of the token at `loc`.
    fn span(&self, file: FileId, loc: &Location) -> Span {
        span_of(self.sources, file, loc)
    }

    /// Report a problem at `loc`; returns it so a label or hint can be added.
    fn err(&mut self, file: FileId, loc: &Location, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::at(self.span(file, loc), message);
        self.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Report a problem built by the caller.
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// The last problem reported, to reword it.
    fn last_mut(&mut self) -> Option<&mut Diagnostic> {
        self.diags.last_mut()
    }

    /// `file:line:col` of `loc`, for hints that point at another place.
    fn place(&self, file: FileId, loc: &Location) -> String {
        format!(
            "{}:{}:{}",
            self.sources.name(file),
            loc.line(),
            loc.column()
        )
    }

    /// The model when nothing was reported; otherwise every problem, sorted
    /// by place so the report reads top to bottom, file by file.
    fn finish(self, api: Option<Api>) -> Result<Api, Vec<Diagnostic>> {
        match api {
            Some(api) if self.diags.is_empty() => Ok(api),
            _ => {
                let mut diags = self.diags;
                diags.sort_by_key(|d| d.span.as_ref().map(|s| (s.file, s.range.start)));
                Err(diags)
            }
        }
    }
}

/// What a type name in the spec refers to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Named {
    Enum,
    Object,
}

/// Lowers the merged raw items into the model, one kind of item per module.
struct Resolver<'s> {
    report: Reporter<'s>,
    /// Enum and object names as written in the spec.
    types: HashMap<String, Named>,
    /// Every Rust type name taken so far: (name as written, where).
    type_names: HashMap<String, (String, String)>,
    /// Objects hoisted from inline `type: object` fields.
    hoisted: Vec<model::Object>,
    /// How money and datetimes travel where a field says nothing (`service.money_wire`,
    /// `service.datetime_format`).
    wire_defaults: WireForms,
}

/// The wire forms of a field's money and datetime values: the service's, or the field's own.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WireForms {
    pub money: model::MoneyWire,
    pub datetime: model::DateTimeFormat,
}

impl<'s> Resolver<'s> {
    fn new(report: Reporter<'s>) -> Self {
        let mut type_names = HashMap::new();
        // Names the generated code defines itself.
        for name in reserved::TYPES {
            type_names.insert(
                name.to_string(),
                (name.to_string(), "generated by apigen".to_string()),
            );
        }
        Resolver {
            report,
            types: HashMap::new(),
            type_names,
            hoisted: Vec::new(),
            wire_defaults: WireForms::default(),
        }
    }

    /// Enums and objects share one namespace, compared after conversion.
    fn declare_types(&mut self, m: &Merged<'_>) {
        let enums = m.enums.iter().map(|e| (Named::Enum, e.file, e.key));
        let objects = m.objects.iter().map(|o| (Named::Object, o.file, o.key));
        for (kind, file, key) in enums.chain(objects) {
            self.claim_type(&type_name(&key.value), &key.value, file, &key.loc);
            self.types.insert(key.value.clone(), kind);
        }
    }

    /// Lower every item; `None` when there is no usable `service`.
    fn lower(&mut self, m: &Merged<'_>) -> Option<Api> {
        if let Some((_, s)) = m.service {
            self.wire_defaults = service::wire_defaults(&s.value);
        }
        let service = m.service.and_then(|(file, s)| self.service(file, s));
        if m.service.is_none() {
            self.report.push(Diagnostic::global("the spec has no `service` section").hint(
                "add `service:` (title, base_url, path_prefix, version, auth, envelope, pagination) to spec/service.yaml",
            ));
        }
        let errors = self.errors(&m.errors);
        self.check_business_codes(m, &m.errors, &errors);
        let groups = self.groups(&m.groups);
        let enums: Vec<model::Enum> = m.enums.iter().filter_map(|e| self.enum_(e)).collect();
        let mut objects: Vec<model::Object> = m.objects.iter().map(|o| self.object(o)).collect();
        let mut endpoints = self.endpoints(&m.endpoints, &groups, service.as_ref(), &mut objects);
        self.recoveries(&m.endpoints, &mut endpoints, &objects);
        objects.append(&mut self.hoisted);
        box_cycles(&mut objects);
        // Fields as written, so that a field dropped for its own error is not reported again.
        let written: webhooks::WrittenFields<'_> = m
            .objects
            .iter()
            .map(|o| {
                let fields = o.item.fields.keys().map(|k| k.value.as_str()).collect();
                (o.key.value.as_str(), fields)
            })
            .collect();
        let known = webhooks::Known {
            endpoints: &endpoints,
            objects: &objects,
            enums: &enums,
            written: &written,
        };
        let webhooks = m
            .webhooks
            .and_then(|(file, w)| self.webhooks(file, w, &known));
        Some(Api::new(
            service?, errors, groups, enums, objects, endpoints, webhooks,
        ))
    }

    /// Take the Rust type name `rust` (written `written` at `loc`); report a
    /// clash with any type, request or inline object that already has it.
    fn claim_type(&mut self, rust: &str, written: &str, file: FileId, loc: &Location) -> bool {
        if !is_ident(rust) {
            self.report
                .err(
                    file,
                    loc,
                    format!("`{written}` is not usable as a type name"),
                )
                .hint = Some(
                "use ASCII letters, digits, `_` and `-` (names become Rust identifiers)".into(),
            );
            return false;
        }
        if let Some((other, place)) = self.type_names.get(rust) {
            let msg = if other == written {
                format!("type name `{rust}` is already taken")
            } else {
                format!(
                    "type name `{written}` collides with `{other}`: both become `{rust}` in Rust"
                )
            };
            let hint = format!(
                "`{other}` is {}; rename one of them",
                if place.contains(':') {
                    format!("at {place}")
                } else {
                    place.clone()
                }
            );
            self.report.err(file, loc, msg).set_label("collides").hint = Some(hint);
            return false;
        }
        let place = self.report.place(file, loc);
        self.type_names
            .insert(rust.to_string(), (written.to_string(), place));
        true
    }
}

/// Mark every field that closes a cycle of objects holding each other
/// directly (not through an array): `Box.inner: Box`, or `A.b: B` with
/// `B.a: A`. The emitter puts such a field in a `Box`, so the struct has a
/// finite size.
fn box_cycles(objects: &mut [model::Object]) {
    let index: HashMap<&model::ObjectName, usize> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| (&o.name, i))
        .collect();
    // Direct edges: object -> objects it holds by value.
    let edges: Vec<Vec<usize>> = objects
        .iter()
        .map(|o| {
            o.fields
                .iter()
                .filter_map(|f| match &f.ty {
                    model::Type::Object(n) => index.get(n).copied(),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let reaches = |from: usize, to: usize| {
        let mut seen = vec![false; edges.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(&edges[n]);
            }
        }
        false
    };
    let mut boxed = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        for (j, f) in o.fields.iter().enumerate() {
            if let model::Type::Object(n) = &f.ty
                && let Some(&t) = index.get(n)
                && reaches(t, i)
            {
                boxed.push((i, j));
            }
        }
    }
    for (i, j) in boxed {
        objects[i].fields[j].boxed = true;
    }
}
