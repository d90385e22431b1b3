//! The hint for a reference to an unknown endpoint (`refetch.endpoint`, `recovery.lookup`).
//! References name an endpoint by its key exactly as written; someone who writes the method
//! name instead (`get_transfer` for `getTransfer`, or a `fn_name` shared by several groups)
//! is told which keys it could mean.

use crate::diag::did_you_mean;
use crate::model;
use crate::naming::{method_name, unraw};

/// The hint for `written`, which is no endpoint key: the keys whose method is spelt
/// `written`, else the closest key.
pub(super) fn unknown_endpoint_hint(
    written: &str,
    endpoints: &[model::Endpoint],
) -> Option<String> {
    let by_method: Vec<String> = endpoints
        .iter()
        .filter(|e| {
            [e.spec_name.as_str(), e.method_source()]
                .iter()
                .any(|n| unraw(&method_name(n)) == written.trim())
        })
        .map(|e| format!("`{}`", e.spec_name))
        .collect();
    if by_method.is_empty() {
        return did_you_mean(written, endpoints.iter().map(|e| e.spec_name.as_str()));
    }
    Some(format!(
        "endpoints are named by their key as written, not by their method: did you mean {}?",
        by_method.join(" or ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(key: &str, fn_name: Option<&str>) -> model::Endpoint {
        model::Endpoint {
            spec_name: key.into(),
            group_key: "g".into(),
            fn_name: fn_name.map(Into::into),
            method: model::HttpMethod::Post,
            zh: String::new(),
            en: String::new(),
            description: None,
            path: "/p".into(),
            full_path: "/p".into(),
            source: model::Source::Modeled,
            provenance: Vec::new(),
            response: model::Response::Empty,
            paginated: false,
            retry: model::Retry::Safe,
            idempotency_key: None,
            moves_money: false,
            recovery: None,
            recover: None,
            examples: Vec::new(),
        }
    }

    #[test]
    fn the_snake_case_form_points_at_the_key() {
        let eps = [endpoint("getTransfer", None), endpoint("listRates", None)];
        assert_eq!(
            unknown_endpoint_hint("get_transfer", &eps).as_deref(),
            Some(
                "endpoints are named by their key as written, not by their method: did you mean `getTransfer`?"
            )
        );
    }

    #[test]
    fn a_shared_fn_name_lists_every_key() {
        let eps = [
            endpoint("cancel_transfer", Some("cancel")),
            endpoint("cancel_quote", Some("cancel")),
        ];
        assert_eq!(
            unknown_endpoint_hint("cancel", &eps).as_deref(),
            Some(
                "endpoints are named by their key as written, not by their method: did you mean `cancel_transfer` or `cancel_quote`?"
            )
        );
    }

    #[test]
    fn a_typo_gets_the_closest_key() {
        let eps = [endpoint("getTransfer", None)];
        assert_eq!(
            unknown_endpoint_hint("getTransfr", &eps).as_deref(),
            Some("did you mean `getTransfer`?")
        );
        assert_eq!(unknown_endpoint_hint("zzz", &eps), None);
    }
}
