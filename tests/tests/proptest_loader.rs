//! The loader and validator never panic, whatever the input: random bytes, YAML-ish token soup,
//! and small mutations of the real `fixtures/mini` files all end in `Ok` or in a rendered report
//! (which always ends with the summary line).
//!
//! Bounded: 256 cases per property, a few seconds in a debug build.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::select;

const MINI_FILES: [&str; 3] = ["service.yaml", "types.yaml", "endpoints.yaml"];

/// The mini fixture as (display name, text), read once.
fn mini() -> &'static [(String, String)] {
    static MINI: OnceLock<Vec<(String, String)>> = OnceLock::new();
    MINI.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini");
        MINI_FILES
            .iter()
            .map(|f| {
                (
                    format!("mini/{f}"),
                    std::fs::read_to_string(dir.join(f)).unwrap(),
                )
            })
            .collect()
    })
}

/// Load, and check the one thing every outcome must satisfy.
fn load(files: Vec<(String, String)>) -> Result<(), TestCaseError> {
    match apigen::load_api_from(files) {
        Ok(_) => Ok(()),
        Err(rendered) => {
            prop_assert!(
                rendered.to_string().ends_with(" in the spec.\n"),
                "a report without its summary line:\n{rendered}"
            );
            Ok(())
        }
    }
}

/// 256 cases, unless `PROPTEST_CASES` asks for more (for a longer local hunt).
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_some() {
        default
    } else {
        ProptestConfig {
            cases: 256,
            ..default
        }
    }
}

/// Pieces of YAML and of this spec format, to build text that gets past the scanner often.
fn yaml_token() -> impl Strategy<Value = String> {
    let fixed = select(vec![
        "\n",
        "\n",
        "\n",
        "  ",
        "  ",
        "    ",
        "\t",
        " ",
        "- ",
        ": ",
        ":",
        ", ",
        "{ ",
        " }",
        "[",
        "]",
        "\"",
        "'",
        "|\n",
        ">-\n",
        "#",
        "---\n",
        "...\n",
        "&a ",
        "*a",
        "!!str ",
        "? ",
        "~",
        "null",
        "yes",
        "true",
        "0",
        "-1",
        "1.5",
        "1e999",
        "9223372036854775808",
        "service:",
        "errors:",
        "groups:",
        "enums:",
        "objects:",
        "endpoints:",
        "webhooks:",
        "type",
        "money",
        "[string]",
        "object",
        "fields:",
        "values:",
        "code",
        "name",
        "zh",
        "en",
        "source",
        "documented",
        "modeled",
        "required",
        "path",
        "/x",
        "group",
        "response",
        "{ object: A }",
        "{ page: A }",
        "empty",
        "retry",
        "never",
        "safe",
        "pagination",
        "page",
        "kinds:",
        "events:",
        "tag",
        "examples:",
        "request",
        "{\"a\": 1}",
        "钱包",
        "é",
        "\u{0}",
        "\u{feff}",
        "\r\n",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        8 => fixed,
        1 => "[a-zA-Z_]{1,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn yamlish_text() -> impl Strategy<Value = String> {
    prop::collection::vec(yaml_token(), 0..80).prop_map(|t| t.concat())
}

/// A replacement character: anything, with the structural and multi-byte ones favoured.
fn some_char() -> impl Strategy<Value = char> {
    prop_oneof![
        1 => any::<char>(),
        2 => select(vec![' ', '\t', '\n', ':', '-', '{', '}', '[', ']', '"', '\'', '#', '|', '&', '*', '钱', 'é', '\u{0}']),
    ]
}

/// Positions are raw numbers taken modulo the number of lines (or characters).
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Change the indentation of a line by this many spaces (negative: remove).
    Reindent(usize, i8),
    ReplaceChar(usize, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), -4i8..=4).prop_map(|(i, d)| Mutation::Reindent(i, d)),
        (any::<usize>(), some_char()).prop_map(|(i, c)| Mutation::ReplaceChar(i, c)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.is_empty() {
        return text.to_string();
    }
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(*i % lines.len());
        }
        Mutation::DuplicateLine(i) => {
            let i = *i % lines.len();
            lines.insert(i, lines[i].clone());
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (*a % lines.len(), *b % lines.len());
            lines.swap(a, b);
        }
        Mutation::Reindent(i, d) => {
            let i = *i % lines.len();
            let line = &lines[i];
            let body = line.trim_start_matches(' ');
            let indent = (line.len() - body.len()) as i64 + i64::from(*d);
            lines[i] = format!("{}{body}", " ".repeat(indent.max(0) as usize));
        }
        Mutation::ReplaceChar(i, c) => {
            let chars: Vec<char> = text.chars().collect();
            let i = *i % chars.len().max(1);
            return chars
                .iter()
                .enumerate()
                .map(|(j, x)| if j == i { *c } else { *x })
                .collect();
        }
    }
    lines.concat()
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes (made UTF-8 lossily, as a file reader would refuse them otherwise).
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        load(vec![("fuzz/random.yaml".into(), text)])?;
    }

    /// Token soup that often parses as YAML, alone and next to the valid mini files.
    #[test]
    fn yamlish_text_never_panics(text in yamlish_text(), with_mini in any::<bool>()) {
        let mut files = if with_mini { mini().to_vec() } else { Vec::new() };
        files.push(("fuzz/soup.yaml".into(), text));
        load(files)?;
    }

    /// One or two small edits of the real mini files: these get deep into the validator.
    #[test]
    fn mutated_mini_never_panics(
        edits in prop::collection::vec((0..MINI_FILES.len(), mutation()), 1..=2),
    ) {
        let mut files = mini().to_vec();
        for (file, m) in &edits {
            files[*file].1 = apply(&files[*file].1, m);
        }
        load(files)?;
    }
}

/// The mutations do what they say, and the unmutated fixture loads, so a passing property
/// means something.
#[test]
fn mutations_are_sane() {
    assert!(apigen::load_api_from(mini().to_vec()).is_ok());
    let text = "a:\n  b: 1\n  c: 2\n";
    assert_eq!(apply(text, &Mutation::DeleteLine(4)), "a:\n  c: 2\n");
    assert_eq!(
        apply(text, &Mutation::DuplicateLine(2)),
        "a:\n  b: 1\n  c: 2\n  c: 2\n"
    );
    assert_eq!(
        apply(text, &Mutation::SwapLines(0, 2)),
        "  c: 2\n  b: 1\na:\n"
    );
    assert_eq!(
        apply(text, &Mutation::Reindent(1, -2)),
        "a:\nb: 1\n  c: 2\n"
    );
    assert_eq!(
        apply(text, &Mutation::Reindent(0, 3)),
        "   a:\n  b: 1\n  c: 2\n"
    );
    assert_eq!(
        apply(text, &Mutation::ReplaceChar(0, '钱')),
        "钱:\n  b: 1\n  c: 2\n"
    );
}
