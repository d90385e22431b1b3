//! An endpoint's `method:` (`POST`, the default, or `GET`) and what a `GET` may carry: its
//! request fields travel in the query string, so each must be a scalar, and a call that moves
//! money is refused.

use super::Resolver;
use super::merge::In;
use crate::diag::did_you_mean;
use crate::model::{self, HttpMethod, Type};
use crate::raw;

/// The methods a spec may write, as written.
const METHODS: [&str; 2] = ["GET", "POST"];

impl Resolver<'_> {
    /// The method of endpoint `e` with request `fields`, reporting an unknown method and, for a
    /// `GET`, a request field that is no scalar and `moves_money: true`.
    pub(super) fn http_method(
        &mut self,
        e: &In<'_, raw::Endpoint>,
        fields: &[model::Field],
    ) -> HttpMethod {
        let (file, v) = (e.file, e.item);
        let Some(written) = &v.method else {
            return HttpMethod::Post;
        };
        let method = match written.value.as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            other => {
                let hint = did_you_mean(&other.to_ascii_uppercase(), METHODS)
                    .unwrap_or_else(|| "the method is `GET` or `POST`".into());
                self.report
                    .err(
                        file,
                        &written.referenced,
                        format!("unknown method `{other}` for `{}`", e.key.value),
                    )
                    .hint = Some(hint);
                return HttpMethod::Post;
            }
        };
        if method == HttpMethod::Post {
            return method;
        }
        for field in fields {
            if !is_query_scalar(&field.ty) {
                let loc = v
                    .request
                    .keys()
                    .find(|k| k.value == field.wire_name)
                    .map_or(written.referenced, |k| k.loc);
                self.report
                    .err(
                        file,
                        &loc,
                        format!(
                            "`{}` of GET endpoint `{}` is a `{}`, which a query string cannot carry",
                            field.wire_name,
                            e.key.value,
                            field.ty.spec_name()
                        ),
                    )
                    .hint = Some(
                    "GET sends fields in the query string: use POST, or a string field".into(),
                );
            }
        }
        if v.moves_money {
            self.report
                .err(
                    file,
                    &written.referenced,
                    format!("`{}` moves money but is a GET", e.key.value),
                )
                .hint = Some(
                "a GET reads; a call that moves money is a POST (drop `method: GET`), or set \
                 `moves_money: false` if it only reads"
                    .into(),
            );
        }
        method
    }
}

/// Whether a value of type `ty` fits in one query parameter: anything but an array, a map or
/// an object.
fn is_query_scalar(ty: &Type) -> bool {
    !matches!(ty, Type::Array(_) | Type::Map(_) | Type::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_fit_a_query_string_and_containers_do_not() {
        for ty in [
            Type::Long,
            Type::Int,
            Type::String,
            Type::Bool,
            Type::Money(model::MoneyWire::String),
            Type::Decimal(model::MoneyWire::Number),
            Type::DateTime(model::DateTimeFormat::EpochMs),
            Type::Date,
            Type::Enum("Currency".into()),
        ] {
            assert!(is_query_scalar(&ty), "{ty:?}");
        }
        for ty in [
            Type::Array(Box::new(Type::String)),
            Type::Map(Box::new(Type::Money(model::MoneyWire::Number))),
            Type::Object(model::ObjectName::Declared("Rate".into())),
        ] {
            assert!(!is_query_scalar(&ty), "{ty:?}");
        }
    }
}
