//! The type of a field as written in the spec: a name (`money`, `Wallet`), an array `[T]` or a
//! map with string keys `map<T>`, nested as deep as needed (`[[string]]`, `map<[money]>`).

/// A parsed type expression; names are resolved later.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TypeExpr<'a> {
    /// A primitive, enum or object name, or `object` (an inline object).
    Name(&'a str),
    /// `[T]`.
    Array(Box<TypeExpr<'a>>),
    /// `map<T>`.
    Map(Box<TypeExpr<'a>>),
}

impl<'a> TypeExpr<'a> {
    /// The name inside every array and map.
    pub(super) fn innermost(&self) -> &'a str {
        match self {
            TypeExpr::Name(n) => n,
            TypeExpr::Array(t) | TypeExpr::Map(t) => t.innermost(),
        }
    }
}

/// Why a type expression is malformed, and how to write it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Malformed {
    pub message: String,
    pub hint: String,
}

/// Parses `text` (surrounding whitespace ignored, also inside brackets).
pub(super) fn parse(text: &str) -> Result<TypeExpr<'_>, Malformed> {
    let whole = text.trim();
    part(whole).map_err(|mut malformed| {
        if !malformed.message.contains(&format!("`{whole}`")) {
            malformed.message.push_str(&format!(" (in `{whole}`)"));
        }
        malformed
    })
}

/// Parses one part of a type expression.
fn part(text: &str) -> Result<TypeExpr<'_>, Malformed> {
    let text = text.trim();
    let malformed = |message: String, hint: &str| Malformed {
        message,
        hint: hint.to_owned(),
    };
    if let Some(rest) = text.strip_prefix('[') {
        let Some(inner) = rest.strip_suffix(']') else {
            return Err(malformed(
                format!("`{text}` opens `[` but does not end with `]`"),
                "an array is written `[T]`, e.g. `[string]` or `[[money]]`",
            ));
        };
        return nonempty(inner, text).and_then(|t| Ok(TypeExpr::Array(Box::new(part(t)?))));
    }
    if let Some(rest) = text.strip_prefix("map<") {
        let Some(inner) = rest.strip_suffix('>') else {
            return Err(malformed(
                format!("`{text}` opens `map<` but does not end with `>`"),
                "a map is written `map<T>`, e.g. `map<money>` or `map<[string]>`",
            ));
        };
        if inner.contains(',') && !inner.contains(['[', '<']) {
            return Err(malformed(
                format!("`{text}` names a key type"),
                "map keys are always strings (ids, currency codes): write only the value type, e.g. `map<money>`",
            ));
        }
        return nonempty(inner, text).and_then(|t| Ok(TypeExpr::Map(Box::new(part(t)?))));
    }
    if text.is_empty() {
        return Err(malformed(
            "the type is empty".into(),
            "write a primitive, an enum or object name, `[T]` or `map<T>`",
        ));
    }
    if text.contains(['[', ']', '<', '>', ',', ' ']) {
        return Err(malformed(
            format!("`{text}` is not a type"),
            "write a primitive, an enum or object name, an array `[T]` or a map `map<T>`",
        ));
    }
    Ok(TypeExpr::Name(text))
}

/// `inner`, unless it is blank (`[]`, `map<>`).
fn nonempty<'a>(inner: &'a str, whole: &str) -> Result<&'a str, Malformed> {
    if inner.trim().is_empty() {
        Err(Malformed {
            message: format!("`{whole}` does not say what it holds"),
            hint: "write the element type inside, e.g. `[string]` or `map<money>`".into(),
        })
    } else {
        Ok(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> TypeExpr<'_> {
        TypeExpr::Name(n)
    }
    fn array(t: TypeExpr<'_>) -> TypeExpr<'_> {
        TypeExpr::Array(Box::new(t))
    }
    fn map(t: TypeExpr<'_>) -> TypeExpr<'_> {
        TypeExpr::Map(Box::new(t))
    }

    #[test]
    fn names_arrays_and_maps_nest() {
        assert_eq!(parse("money"), Ok(name("money")));
        assert_eq!(parse(" [ string ] "), Ok(array(name("string"))));
        assert_eq!(parse("[[string]]"), Ok(array(array(name("string")))));
        assert_eq!(parse("map<money>"), Ok(map(name("money"))));
        assert_eq!(parse("map<[Rate]>"), Ok(map(array(name("Rate")))));
        assert_eq!(parse("[map<map<date>>]"), Ok(array(map(map(name("date"))))));
        assert_eq!(parse("[[object]]").unwrap().innermost(), "object");
    }

    #[test]
    fn malformed_types_say_how_to_write_them() {
        for (text, hint) in [
            ("[string", "an array is written"),
            ("map<money", "a map is written"),
            ("map<string, money>", "map keys are always strings"),
            ("[]", "write the element type inside"),
            ("map<>", "write the element type inside"),
            ("[[ ]]", "write the element type inside"),
            ("", "write a primitive"),
            ("string]", "write a primitive"),
            ("Vec<string>", "write a primitive"),
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.hint.contains(hint), "{text}: {err:?}");
            assert!(err.message.contains(text.trim()), "{text}: {err:?}");
        }
    }
}
