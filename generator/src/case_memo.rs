//! Case conversions remembered on a thread while a job runs ([`remembering`]): an emitter
//! converts the same spec names again and again (a type's name in its item, its docs, every
//! field that names it), and `heck` redoes the whole conversion each time.
//!
//! Outside [`remembering`] nothing is kept, so a thread that converts a name once (the
//! loader) pays nothing, and nothing outlives the job that filled it.

use std::cell::RefCell;
use std::collections::HashMap;

/// The case conversions remembered.
#[derive(Clone, Copy)]
pub(crate) enum Case {
    /// `card_trade` -> `CardTrade`.
    UpperCamel,
    /// `getWalletDetail` -> `get_wallet_detail`.
    Snake,
}

/// Each case's conversions, by the name converted.
#[derive(Default)]
struct Remembered {
    upper_camel: HashMap<Box<str>, Box<str>>,
    snake: HashMap<Box<str>, Box<str>>,
}

thread_local! {
    /// `Some` while [`remembering`] runs on this thread.
    static REMEMBERED: RefCell<Option<Remembered>> = const { RefCell::new(None) };
}

/// Runs `job` with the conversions it makes on this thread remembered, then forgets them.
pub(crate) fn remembering<T>(job: impl FnOnce() -> T) -> T {
    REMEMBERED.with(|r| *r.borrow_mut() = Some(Remembered::default()));
    let out = job();
    REMEMBERED.with(|r| *r.borrow_mut() = None);
    out
}

/// `name` in `case`, converted by `convert` unless remembered.
pub(crate) fn convert(case: Case, name: &str, convert: impl FnOnce(&str) -> String) -> String {
    REMEMBERED.with(|r| {
        let mut r = r.borrow_mut();
        let Some(remembered) = r.as_mut() else {
            return convert(name);
        };
        let map = match case {
            Case::UpperCamel => &mut remembered.upper_camel,
            Case::Snake => &mut remembered.snake,
        };
        if let Some(known) = map.get(name) {
            return known.to_string();
        }
        let converted = convert(name);
        map.insert(name.into(), converted.as_str().into());
        converted
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_conversion_is_made_once_while_remembering_and_every_time_outside() {
        let calls = Cell::new(0);
        let upper = |n: &str| {
            calls.set(calls.get() + 1);
            n.to_uppercase()
        };
        remembering(|| {
            assert_eq!(convert(Case::UpperCamel, "ab", upper), "AB");
            assert_eq!(convert(Case::UpperCamel, "ab", upper), "AB");
            // Each case is remembered apart.
            assert_eq!(convert(Case::Snake, "ab", |n| n.to_owned()), "ab");
        });
        assert_eq!(calls.get(), 1);
        convert(Case::UpperCamel, "ab", upper);
        convert(Case::UpperCamel, "ab", upper);
        assert_eq!(calls.get(), 3);
    }
}
