//! SHA-256 digests of the model parts each generated file is made from, and of text.
//!
//! A part is hashed through its `Debug` form, which `derive(Debug)` writes from every field:
//! a field added to the model is covered without anyone remembering to hash it. The model
//! holds no hash maps outside its private index (never hashed), so the form is deterministic.

use std::fmt::{Debug, Write as _};

use sha2::{Digest, Sha256};

use crate::depends::{self, Inputs};
use crate::emit::Options;
use crate::model::Api;
use crate::parallel_map;

/// What identifies the generator build: a change to any of its sources (or to the printing
/// crates it is built with) changes every input hash, so everything is emitted again.
pub(crate) const GENERATOR: &str = env!("APIGEN_BUILD_HASH");

/// A running SHA-256 that `Debug` forms and text can be written into.
pub(crate) struct Hasher(Sha256);

impl Hasher {
    pub(crate) fn new(label: &str) -> Self {
        let mut h = Hasher(Sha256::new());
        h.text(label);
        h
    }

    /// `value`'s `Debug` form, then a line break (never part of a `Debug` form of the
    /// model, whose strings are escaped), so consecutive parts cannot run together.
    pub(crate) fn part(&mut self, value: &impl Debug) -> &mut Self {
        // Writing into a hasher cannot fail.
        let _ = writeln!(self, "{value:?}");
        self
    }

    /// Some text, preceded by its length.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        self.0.update((text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
        self
    }

    pub(crate) fn hex(self) -> String {
        hex::encode(self.0.finalize())
    }
}

impl std::fmt::Write for Hasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The SHA-256 of some bytes (a file's contents), in hexadecimal.
pub(crate) fn of_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The SHA-256 of the spec files as read: their names and texts, in order.
pub(crate) fn of_spec(files: &[(String, String)]) -> String {
    let mut h = Hasher::new("spec");
    for (name, text) in files {
        h.text(name).text(text);
    }
    h.hex()
}

/// The SHA-256 of the emit options.
pub(crate) fn of_options(options: &Options) -> String {
    let mut h = Hasher::new("options");
    h.part(options);
    h.hex()
}

/// The digest of every item of the model, each formatted through `Debug` once per run: the
/// input hash of a file ([`InputHashes`]) and the key of a fragment ([`ItemDigests::key`]) are
/// made from these, so no item is formatted twice.
#[derive(Debug, Clone)]
pub(crate) struct ItemDigests {
    generator: String,
    /// The emit options.
    pub(crate) options: String,
    /// `Api::service`.
    pub(crate) service: String,
    /// `Api::errors`, all of them.
    pub(crate) errors: String,
    /// `Api::webhooks`.
    pub(crate) webhooks: String,
    /// One per `Api::groups`, by position.
    pub(crate) groups: Vec<String>,
    /// One per `Api::enums`.
    pub(crate) enums: Vec<String>,
    /// One per `Api::objects`.
    pub(crate) objects: Vec<String>,
    /// One per `Api::endpoints`.
    pub(crate) endpoints: Vec<String>,
}

/// The SHA-256 of `value`'s `Debug` form, under `label`.
fn of_debug(label: &str, value: &impl Debug) -> String {
    let mut h = Hasher::new(label);
    h.part(value);
    h.hex()
}

impl ItemDigests {
    /// Digest every item of `api`, with the generator build `generator`, on every core.
    pub(crate) fn new(api: &Api, options: &Options, generator: &str) -> Self {
        let mut items: Vec<(&str, &(dyn Debug + Sync))> = Vec::new();
        items.extend(api.endpoints.iter().map(|e| ("endpoint", e as _)));
        items.extend(api.objects.iter().map(|o| ("object", o as _)));
        items.extend(api.enums.iter().map(|e| ("enum", e as _)));
        items.extend(api.groups.iter().map(|g| ("group", g as _)));
        // Runs of 64: the items differ in size (a request object with its field docs against
        // a group title), so each core takes the next run until none is left.
        let mut all = parallel_map::map(&items, 64, |(label, v)| of_debug(label, v)).into_iter();
        let mut take = |n: usize| all.by_ref().take(n).collect::<Vec<_>>();
        ItemDigests {
            generator: generator.to_owned(),
            options: of_debug("options", options),
            service: of_debug("service", &api.service),
            errors: of_debug("errors", &api.errors),
            webhooks: of_debug("webhooks", &api.webhooks),
            endpoints: take(api.endpoints.len()),
            objects: take(api.objects.len()),
            enums: take(api.enums.len()),
            groups: take(api.groups.len()),
        }
    }

    /// The key of a fragment of generated file `file`: its kind and the digests (or other
    /// texts) it is made from, with the generator build. Pure.
    ///
    /// Half a SHA-256 (128 bits, 32 hexadecimal digits): a key is looked up only among the
    /// fragments of one file's previous text, where two keys of different fragments agree
    /// with a chance of about 2⁻¹²⁸ per pair, and the local cache, which holds one key per
    /// fragment (over a hundred thousand at thousands of endpoints), is half as large.
    pub(crate) fn key(&self, file: &str, kind: &str, parts: &[&str]) -> String {
        let mut h = Hasher::new("fragment");
        h.text(&self.generator).text(file).text(kind);
        for p in parts {
            h.text(p);
        }
        let mut key = h.hex();
        key.truncate(32);
        key
    }

    /// [`ItemDigests::key`] of a fragment of a file made from the whole spec: every such
    /// fragment may read the service section, so its digest comes first among the parts.
    pub(crate) fn service_key(&self, file: &str, kind: &str, parts: &[&str]) -> String {
        let mut all = Vec::with_capacity(parts.len() + 1);
        all.push(self.service.as_str());
        all.extend_from_slice(parts);
        self.key(file, kind, &all)
    }
}

/// The hash of the part of `api` (and the options) that [`Inputs`] names, from the items'
/// digests (with the generator build). Pure.
pub(crate) fn input_hash(api: &Api, d: &ItemDigests, inputs: &Inputs) -> String {
    let mut h = Hasher::new("inputs");
    h.text(&d.generator);
    match inputs {
        Inputs::Model => {
            h.text("model")
                .text(&d.options)
                .text(&d.service)
                .text(&d.errors);
            for list in [&d.groups, &d.enums, &d.objects, &d.endpoints] {
                h.text("list");
                for x in list {
                    h.text(x);
                }
            }
            h.text(&d.webhooks);
        }
        part_inputs => {
            h.text(&format!("{part_inputs:?}")).text(&d.service);
            let p = depends::positions(api, part_inputs).unwrap_or_default();
            for (label, list, at) in [
                ("groups", &d.groups, &p.groups),
                ("enums", &d.enums, &p.enums),
                ("objects", &d.objects, &p.objects),
                ("endpoints", &d.endpoints, &p.endpoints),
            ] {
                h.text(label);
                for &i in at {
                    h.text(&list[i]);
                }
            }
        }
    }
    h.hex()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mini_fixture::mini;

    fn hashes(api: &Api, generator: &str) -> [String; 3] {
        let d = ItemDigests::new(api, &Options::default(), generator);
        [
            input_hash(api, &d, &Inputs::Model),
            input_hash(api, &d, &Inputs::Group("wallet".into())),
            input_hash(api, &d, &Inputs::Group("card".into())),
        ]
    }

    #[test]
    fn an_edit_in_one_group_changes_that_group_and_the_model_only() {
        let before = hashes(&mini(str::to_owned), "g");
        let after = hashes(
            &mini(|t| t.replace("en: Delete a card", "en: Delete one card")),
            "g",
        );
        assert_ne!(before[0], after[0], "the model changed");
        assert_eq!(before[1], after[1], "wallet does not use delete_card");
        assert_ne!(before[2], after[2], "card holds delete_card");
    }

    #[test]
    fn an_object_edit_changes_every_group_that_reaches_it() {
        // `Card` is returned by the wallet group (list_fee_modes) and by the card group.
        let api = mini(str::to_owned);
        let card = api.declared_object("Card").expect("Card");
        let field = card.fields[0].wire_name.clone();
        let before = hashes(&api, "g");
        let mut edited = api.clone();
        let pos = edited
            .object_position(&crate::model::ObjectName::Declared("Card".into()))
            .expect("Card");
        edited.objects[pos].fields[0].zh.push('!');
        let after = hashes(&edited, "g");
        assert!(before.iter().zip(&after).all(|(b, a)| b != a), "{field}");
    }

    #[test]
    fn the_generator_build_changes_every_hash_and_equal_inputs_hash_equally() {
        let api = mini(str::to_owned);
        assert_eq!(hashes(&api, "g"), hashes(&mini(str::to_owned), "g"));
        let other = hashes(&api, "h");
        assert!(hashes(&api, "g").iter().zip(&other).all(|(a, b)| a != b));
    }

    #[test]
    fn a_fragment_key_names_its_file_kind_items_and_generator() {
        let api = mini(str::to_owned);
        let d = ItemDigests::new(&api, &Options::default(), "g");
        assert_eq!(d.endpoints.len(), api.endpoints.len());
        assert_eq!(d.objects.len(), api.objects.len());
        let k = d.key("openapi.json", "path", &["a", "b"]);
        assert_eq!(k, d.key("openapi.json", "path", &["a", "b"]));
        assert_ne!(k, d.key("docs/api.md", "path", &["a", "b"]));
        assert_ne!(k, d.key("openapi.json", "request", &["a", "b"]));
        assert_ne!(k, d.key("openapi.json", "path", &["ab"]));
        let other = ItemDigests::new(&api, &Options::default(), "h");
        assert_ne!(k, other.key("openapi.json", "path", &["a", "b"]));
        // An edit of one endpoint changes its digest only.
        let edited = mini(|t| t.replace("en: Delete a card", "en: Delete one card"));
        let e = ItemDigests::new(&edited, &Options::default(), "g");
        let changed: Vec<usize> = (0..d.endpoints.len())
            .filter(|&i| d.endpoints[i] != e.endpoints[i])
            .collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(api.endpoints[changed[0]].spec_name, "delete_card");
        assert_eq!(d.service, e.service);
        // Of the objects, only the endpoint's request (it carries the endpoint's title).
        let request = api
            .object_position(&crate::model::ObjectName::Request("delete_card".into()))
            .expect("the request of delete_card");
        for i in 0..d.objects.len() {
            assert_eq!(d.objects[i] == e.objects[i], i != request, "object {i}");
        }
    }

    #[test]
    fn digests_of_text_and_spec_files() {
        assert_eq!(
            of_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let a = of_spec(&[("a.yaml".into(), "x".into())]);
        assert_ne!(a, of_spec(&[("b.yaml".into(), "x".into())]));
        assert_ne!(a, of_spec(&[("a.yaml".into(), "y".into())]));
        // Name and text cannot trade characters.
        assert_ne!(
            of_spec(&[("ab".into(), "c".into())]),
            of_spec(&[("a".into(), "bc".into())])
        );
    }
}
