//! Where an auth field travels (`in: body`, the default, or `in: header` with its `header:`
//! name) and whether the signer computes it (`computed: true`). Only auth fields may say so.

use std::collections::HashMap;

use super::Resolver;
use crate::diag::FileId;
use crate::model::{self, ObjectName, Type};
use crate::raw::{self, Key, Location};

/// Headers the client sets itself; an auth field may not take them over.
const CLIENT_HEADERS: &[&str] = &[
    "accept",
    "connection",
    "content-length",
    "content-type",
    "host",
    "transfer-encoding",
    "user-agent",
];

impl Resolver<'_> {
    /// The carrier of field `key` of `owner`, reporting `in:`/`header:`/`computed:` outside the
    /// auth block, a computed field that is not a `string`,
    /// `in: header` without a `header:` name (or a `header:` without `in: header`), a header
    /// name that is not a plain token or is one the client sets, and a header field that is
    /// not a `string`.
    pub(super) fn carrier(
        &mut self,
        file: FileId,
        key: &Key,
        f: &raw::Field,
        owner: &ObjectName,
        ty: &Type,
    ) -> model::Carrier {
        let computed = f.computed.as_ref().filter(|c| c.value);
        if *owner != ObjectName::Auth {
            if let Some(loc) = (f.carrier.as_ref().map(|c| c.referenced))
                .or(f.header.as_ref().map(|h| h.referenced))
                .or(computed.map(|c| c.referenced))
            {
                self.report
                    .err(
                        file,
                        &loc,
                        format!(
                            "`{}`: `in:`, `header:` and `computed:` apply to auth fields only",
                            key.value
                        ),
                    )
                    .hint = Some(
                    "request and object fields travel in the JSON body; move the field to \
                     `service.auth` if it is a credential"
                        .into(),
                );
            }
            return model::Carrier::Body;
        }
        if computed.is_some() && *ty != Type::String {
            self.report
                .err(
                    file,
                    &f.ty.referenced,
                    format!(
                        "`{}` is computed by the signer, so it must be a `string`, not `{}`",
                        key.value,
                        ty.spec_name()
                    ),
                )
                .hint = Some(
                "write `type: string`: a signer returns text (a timestamp too, e.g. \"1700000000000\")"
                    .into(),
            );
        }
        let carrier = f.carrier.as_ref().map(|c| c.value);
        match (carrier, &f.header) {
            (None | Some(raw::Carrier::Body), None) => model::Carrier::Body,
            (None | Some(raw::Carrier::Body), Some(h)) => {
                self.report
                    .err(
                        file,
                        &h.referenced,
                        format!("`{}` names a header but travels in the body", key.value),
                    )
                    .hint = Some("add `in: header`, or drop `header:`".into());
                model::Carrier::Body
            }
            (Some(raw::Carrier::Header), None) => {
                let loc = f.carrier.as_ref().map_or(key.loc, |c| c.referenced);
                self.report
                    .err(
                        file,
                        &loc,
                        format!("`{}` is `in: header` without a header name", key.value),
                    )
                    .hint = Some("add `header: X-…`, the HTTP header that carries it".into());
                model::Carrier::Body
            }
            (Some(raw::Carrier::Header), Some(h)) => {
                self.check_header_name(file, &h.referenced, &h.value);
                if *ty != Type::String {
                    self.report
                        .err(
                            file,
                            &f.ty.referenced,
                            format!(
                                "`{}` travels in a header, so it must be a `string`, not `{}`",
                                key.value,
                                ty.spec_name()
                            ),
                        )
                        .hint = Some(
                        "write `type: string` (a header value is text), or keep the field in the body"
                            .into(),
                    );
                }
                model::Carrier::Header(h.value.clone())
            }
        }
    }

    /// Reports a header name that is not a plain token, or that the client sets itself.
    fn check_header_name(&mut self, file: FileId, loc: &Location, name: &str) {
        if !is_header_token(name) {
            self.report
                .err(
                    file,
                    loc,
                    format!("`{name}` is not usable as a header name"),
                )
                .hint = Some(
                "use ASCII letters, digits and `-`, starting with a letter (e.g. `X-App-Key`)"
                    .into(),
            );
        } else if CLIENT_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            self.report
                .err(
                    file,
                    loc,
                    format!("`{name}` is a header the client sets itself"),
                )
                .hint = Some(format!(
                "choose another header; the client sets {}",
                CLIENT_HEADERS.join(", ")
            ));
        }
    }

    /// Reports two auth fields carried in the same header (names compare case-insensitively).
    pub(super) fn check_auth_headers(
        &mut self,
        file: FileId,
        raw_auth: &indexmap::IndexMap<Key, raw::Field>,
    ) {
        let mut seen: HashMap<String, (String, Location)> = HashMap::new();
        for (key, f) in raw_auth {
            let Some(h) = &f.header else { continue };
            let folded = h.value.to_ascii_lowercase();
            if let Some((other, loc)) = seen.get(&folded) {
                let first = self.report.place(file, loc);
                self.report
                    .err(
                        file,
                        &h.referenced,
                        format!(
                            "`{}` and `{other}` both travel in header `{}`",
                            key.value, h.value
                        ),
                    )
                    .hint = Some(format!(
                    "the other is at {first}; header names are case-insensitive, give each field its own"
                ));
            } else {
                seen.insert(folded, (key.value.clone(), h.referenced));
            }
        }
    }
}

/// A header name we accept: an ASCII letter, then ASCII letters, digits and `-`.
fn is_header_token(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::is_header_token;

    #[test]
    fn header_tokens() {
        for good in ["X-App-Key", "Authorization", "x-sign-2"] {
            assert!(is_header_token(good), "{good}");
        }
        for bad in ["", "-X", "1X", "X App", "X_App", "X:Key", "Ключ"] {
            assert!(!is_header_token(bad), "{bad}");
        }
    }
}
