//! Which of the spec's business error codes the mock answers a problem with: the one whose
//! name and meaning are closest to the problem (and to the endpoint), or the mock's own code
//! when the spec declares none that fits.

use apigen::model::{Api, Code, Endpoint};

/// What went wrong, as far as the choice of a code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Auth fields missing, of the wrong type or not the configured credentials.
    Auth,
    /// A malformed body, a missing, unknown or ill-typed field, an unknown enum code.
    Parameter,
    /// The idempotency key was used before with a different body.
    Duplicate,
    /// A lookup found no record.
    NotFound,
}

impl Problem {
    /// Words that, found in a code's name or English meaning, say it is about this problem.
    fn keywords(self) -> &'static [&'static str] {
        match self {
            Problem::Auth => &["auth", "credential", "unauthori", "signature", "token"],
            Problem::Parameter => &["parameter", "param", "invalid", "argument", "validation"],
            Problem::Duplicate => &["duplicate", "already exist", "conflict", "repeat"],
            Problem::NotFound => &["not found", "not_found", "no such", "unknown"],
        }
    }

    /// The code answered when the spec has none for this problem (an HTTP status in
    /// spirit), of the spec's kind (`400` or `"MOCK-400"`), moved away from the success code
    /// if they collide.
    pub fn own_code(self, success: &Code) -> Code {
        let status = match self {
            Problem::Auth => 401,
            Problem::Parameter => 400,
            Problem::Duplicate => 409,
            Problem::NotFound => 404,
        };
        match success {
            Code::Int(s) if *s == status => Code::Int(status + 1000),
            Code::Int(_) => Code::Int(status),
            Code::Str(s) if *s == format!("MOCK-{status}") => Code::Str(format!("MOCK-{status}-X")),
            Code::Str(_) => Code::Str(format!("MOCK-{status}")),
        }
    }
}

/// The business code chosen for a problem, with how the mock names it in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The code on the wire.
    pub code: Code,
    /// `1002 INVALID_PARAMETER`, or a note that the code is the mock's own.
    pub label: String,
}

/// The closest code of `api.errors` for `problem`; ties go to the code sharing more words
/// with the endpoint's name and group, then to the earlier code.
pub fn closest(api: &Api, problem: Problem, endpoint: Option<&Endpoint>) -> Chosen {
    let endpoint_words: Vec<String> = endpoint
        .map(|e| {
            words(&e.spec_name)
                .into_iter()
                .chain(words(&e.group_key))
                .collect()
        })
        .unwrap_or_default();
    let mut best: Option<(usize, usize, &apigen::model::ErrorCode)> = None;
    for error in &api.errors {
        let text = format!("{} {}", error.name.to_lowercase(), error.en.to_lowercase());
        let text_spaced = text.replace('_', " ");
        let hits = problem
            .keywords()
            .iter()
            .filter(|k| text.contains(*k) || text_spaced.contains(*k))
            .count();
        if hits == 0 {
            continue;
        }
        let name_words = words(&error.name);
        let shared = endpoint_words
            .iter()
            .filter(|w| name_words.contains(w))
            .count();
        if best.is_none_or(|(h, s, _)| (hits, shared) > (h, s)) {
            best = Some((hits, shared, error));
        }
    }
    match best {
        Some((_, _, error)) => Chosen {
            code: error.code.clone(),
            label: format!("{} {}", error.code, error.name),
        },
        None => {
            let code = problem.own_code(&api.service.envelope.success);
            Chosen {
                label: format!("{code}, the mock's own code: the spec declares none that fits"),
                code,
            }
        }
    }
}

/// Lowercase words of a name: `open_card` and `openCard` both give `open`, `card`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_upper = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else {
            if c.is_uppercase() && !previous_upper && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.extend(c.to_lowercase());
        }
        previous_upper = c.is_uppercase();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
service:
  title: t
  title_en: T
  base_url: https://t.example.test
  path_prefix: "/{version}"
  version: { default: v1, source: documented }
  auth: {}
  envelope: { code: code, message: message, data: data, success: 0, source: documented }
  source: documented
errors:
  - { code: 10, name: SYSTEM_BUSY, zh: 忙, en: system busy, source: documented }
  - { code: 11, name: INVALID_PARAMETER, zh: 参数, en: invalid parameter, source: documented }
  - { code: 12, name: AUTH_FAILED, zh: 鉴权, en: key invalid, source: documented }
  - { code: 13, name: DUPLICATE_CARD_ORDER, zh: 重复, en: duplicate card order, source: documented }
  - { code: 14, name: DUPLICATE_PAYMENT_ORDER, zh: 重复, en: duplicate payment order, source: documented }
groups:
  payment: { zh: 付, en: Payment, order: 1 }
endpoints:
  create_payment:
    group: payment
    zh: 付
    en: Pay
    path: /payment/create
    source: documented
    retry: safe
    request: {}
    response: empty
"#;

    #[test]
    fn picks_the_code_named_for_the_problem_and_the_endpoint() {
        let api = apigen::load_api_from(vec![("t.yaml".into(), SPEC.into())]).unwrap();
        let payment = api.endpoint("create_payment");
        let code = |problem| closest(&api, problem, payment).code;
        assert_eq!(code(Problem::Parameter), Code::Int(11));
        assert_eq!(code(Problem::Auth), Code::Int(12), "`auth` in the name");
        assert_eq!(
            code(Problem::Duplicate),
            Code::Int(14),
            "the payment endpoint's duplicate"
        );
        assert_eq!(
            closest(&api, Problem::Duplicate, None).code,
            Code::Int(13),
            "ties go to the first"
        );
        let none = closest(&api, Problem::NotFound, payment);
        assert_eq!(none.code, Code::Int(404));
        assert!(none.label.contains("the mock's own code"), "{}", none.label);
        assert_eq!(
            closest(&api, Problem::Parameter, payment).label,
            "11 INVALID_PARAMETER"
        );
    }

    #[test]
    fn words_split_snake_and_camel_case() {
        assert_eq!(words("open_card"), ["open", "card"]);
        assert_eq!(words("getWalletDetail"), ["get", "wallet", "detail"]);
        assert_eq!(
            words("DUPLICATE_CARD_ORDER"),
            ["duplicate", "card", "order"]
        );
    }

    #[test]
    fn own_code_avoids_the_success_code() {
        assert_eq!(Problem::Parameter.own_code(&Code::Int(0)), Code::Int(400));
        assert_eq!(
            Problem::Parameter.own_code(&Code::Int(400)),
            Code::Int(1400)
        );
        let string = Code::Str("0000".into());
        assert_eq!(
            Problem::Parameter.own_code(&string),
            Code::Str("MOCK-400".into())
        );
    }
}
