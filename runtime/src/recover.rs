//! Settling a call whose outcome is unknown through a lookup ([`recover`]).

use std::future::Future;

use crate::{BusinessCode, Error, Outcome};

/// What [`recover`] found out about a call that must not be sent twice.
///
/// A generated crate names it in its `*_and_recover` methods, with the endpoint's response as
/// `T`, the lookup endpoint's response as `L` and its business codes as `C`.
#[derive(Debug)]
#[must_use = "the call may have moved money: look at what happened"]
pub enum Recovered<T, L, C> {
    /// The call answered with success: its response.
    Done(T),
    /// The call's outcome was unknown ([`Outcome::Unknown`]) and the lookup found its record:
    /// the call reached the server and took effect. Nothing was sent again.
    Found(L),
    /// The call's outcome was unknown and the lookup answered that there is no such record (a
    /// business error of the lookup, other than the rate-limit code): the call did **not** take
    /// effect.
    ///
    /// Sending it again is then safe **with the same idempotency key** (so that a late first
    /// request and the second one are still one order on the server). Whether to send it again
    /// is the caller's decision: [`recover`] never re-sends.
    NotFound {
        /// The call's own error (its outcome is [`Outcome::Unknown`]).
        error: Error<C>,
        /// The lookup's answer that there is no record.
        lookup_error: Error<C>,
    },
}

/// Sends a call once and, if its outcome is unknown, settles it with a lookup.
///
/// * `first` is the call (a request that must not be sent twice, typically one that moves
///   money); it is awaited exactly once and never repeated.
/// * If it succeeds: [`Recovered::Done`] with its response.
/// * If it fails with [`Outcome::NotSent`] or [`Outcome::Rejected`]: that error, as is. The
///   lookup is not called.
/// * If it fails with [`Outcome::Unknown`] (a timeout, a dropped connection, an HTTP 5xx, …):
///   `lookup` is called once (it should be an idempotent read, which the client retries on its
///   own) and gives [`Recovered::Found`] with the record, or [`Recovered::NotFound`] when the
///   lookup is answered with a business error that is not the rate-limit code.
/// * If the lookup fails in any other way (it too timed out, say), the outcome is still
///   unknown: the call's own error is returned, so that [`Error::outcome`] of an `Err` is
///   always the outcome of the call, never that of the lookup. The lookup's error is logged
///   (`tracing`, level `warn`).
///
/// # Errors
///
/// The call's error when it was not sent, was rejected, or its outcome could not be settled.
pub async fn recover<T, L, C, F, G, LF>(first: F, lookup: G) -> Result<Recovered<T, L, C>, Error<C>>
where
    C: BusinessCode,
    F: Future<Output = Result<T, Error<C>>>,
    G: FnOnce() -> LF,
    LF: Future<Output = Result<L, Error<C>>>,
{
    let error = match first.await {
        Ok(response) => return Ok(Recovered::Done(response)),
        Err(error) if error.outcome() != Outcome::Unknown => return Err(error),
        Err(error) => error,
    };
    match lookup().await {
        Ok(record) => Ok(Recovered::Found(record)),
        Err(lookup_error) if is_not_found(&lookup_error) => Ok(Recovered::NotFound {
            error,
            lookup_error,
        }),
        Err(lookup_error) => {
            tracing::warn!(
                endpoint = error.endpoint().unwrap_or_default(),
                lookup = lookup_error.endpoint().unwrap_or_default(),
                lookup_error = %lookup_error,
                "the lookup could not settle the call's outcome: it is still unknown"
            );
            Err(error)
        }
    }
}

/// A business error of the lookup (the server answered and has no such record), not the
/// rate-limit code (which says nothing about the record).
fn is_not_found<C: BusinessCode>(error: &Error<C>) -> bool {
    matches!(error, Error::Api { code, .. } if !code.is_rate_limited())
}
