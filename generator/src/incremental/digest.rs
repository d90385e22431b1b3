//! SHA-256 digests of the model parts each generated file is made from, and of text.
//!
//! A part is hashed through its `Debug` form, which `derive(Debug)` writes from every field:
//! a field added to the model is covered without anyone remembering to hash it. The model
//! holds no hash maps outside its private index (never hashed), so the form is deterministic.

use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};

use sha2::{Digest, Sha256};

use crate::depends::{self, Inputs};
use crate::emit::Options;
use crate::model::Api;

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
        hex(&self.0.finalize())
    }
}

impl std::fmt::Write for Hasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Lower-case hexadecimal of some bytes.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The SHA-256 of some bytes (a file's contents), in hexadecimal.
pub(crate) fn of_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
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

/// The input hash of each kind of [`Inputs`], computed once per run and shared by the files
/// with the same inputs (a group's `api/` and `requests/` files).
pub(crate) struct InputHashes<'a> {
    api: &'a Api,
    options: &'a Options,
    generator: &'a str,
    done: BTreeMap<Inputs, String>,
}

impl<'a> InputHashes<'a> {
    pub(crate) fn new(api: &'a Api, options: &'a Options, generator: &'a str) -> Self {
        InputHashes {
            api,
            options,
            generator,
            done: BTreeMap::new(),
        }
    }

    /// The hash of what a file with these inputs is made from, with the generator build.
    pub(crate) fn get(&mut self, inputs: &Inputs) -> String {
        if let Some(h) = self.done.get(inputs) {
            return h.clone();
        }
        let h = input_hash(self.api, self.options, self.generator, inputs);
        self.done.insert(inputs.clone(), h.clone());
        h
    }
}

/// The hash of the part of `api` (and `options`) that [`Inputs`] names, with the generator
/// build `generator`. Pure.
pub(crate) fn input_hash(api: &Api, options: &Options, generator: &str, inputs: &Inputs) -> String {
    let mut h = Hasher::new("inputs");
    h.text(generator);
    match inputs {
        Inputs::Model => {
            h.text("model")
                .part(options)
                .part(&api.service)
                .part(&api.errors);
            for g in &api.groups {
                h.part(g);
            }
            for e in &api.enums {
                h.part(e);
            }
            for o in &api.objects {
                h.part(o);
            }
            for e in &api.endpoints {
                h.part(e);
            }
            h.part(&api.webhooks);
        }
        part_inputs => {
            h.text(&format!("{part_inputs:?}")).part(&api.service);
            let part = depends::part(api, part_inputs).unwrap_or_default();
            h.text("groups");
            for g in &part.groups {
                h.part(g);
            }
            h.text("enums");
            for e in &part.enums {
                h.part(e);
            }
            h.text("objects");
            for o in &part.objects {
                h.part(o);
            }
            h.text("endpoints");
            for e in &part.endpoints {
                h.part(e);
            }
        }
    }
    h.hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini(edit: impl Fn(&str) -> String) -> Api {
        let files = vec![
            (
                "mini/endpoints.yaml".to_owned(),
                edit(include_str!("../../../tests/fixtures/mini/endpoints.yaml")),
            ),
            (
                "mini/service.yaml".to_owned(),
                include_str!("../../../tests/fixtures/mini/service.yaml").to_owned(),
            ),
            (
                "mini/types.yaml".to_owned(),
                include_str!("../../../tests/fixtures/mini/types.yaml").to_owned(),
            ),
        ];
        crate::load_api_from(files).unwrap_or_else(|e| panic!("mini loads:\n{e}"))
    }

    fn hashes(api: &Api, generator: &str) -> [String; 3] {
        let o = Options::default();
        [
            input_hash(api, &o, generator, &Inputs::Model),
            input_hash(api, &o, generator, &Inputs::Group("wallet".into())),
            input_hash(api, &o, generator, &Inputs::Group("card".into())),
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
