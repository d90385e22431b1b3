//! Lazily walking cursor-paginated list endpoints: each page names the cursor of the next one.

use std::collections::HashSet;
use std::hash::{Hash as _, Hasher as _};

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{CallInfo, Client, Error, Operation, PageError, PageOptions, Service};

/// A page of a cursor-paginated list (`{next_cursor, list}`), implemented by the generated
/// `CursorPage<T>`.
pub trait CursorPaged {
    /// The row type.
    type Item;
    /// The cursor to send for the next page. The listing ends after this page when it is
    /// `None` (absent or `null` on the wire) or empty (`""`).
    fn next_cursor(&self) -> Option<&str>;
    /// The rows of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// A list request with a cursor field, implemented by the generated cursor list requests.
pub trait CursorRequest {
    /// Sets the cursor to send (the next page's, as the previous page named it).
    fn set_cursor(&mut self, cursor: String);
}

/// Streams every row of a cursor-paginated list endpoint with the client's
/// [`PageOptions`](crate::ClientBuilder::page_options); see [`paginate_cursor_with`].
pub fn paginate_cursor<S, Req, P>(
    client: Client<S>,
    op: &'static Operation,
    request: Req,
) -> impl Stream<Item = Result<P::Item, Error<S::ErrorCode>>> + Send + 'static
where
    S: Service,
    Req: CursorRequest + Serialize + Send + Sync + 'static,
    P: CursorPaged + DeserializeOwned + Send + 'static,
    P::Item: Send + 'static,
{
    let options = client.inner.pages;
    paginate_cursor_with::<S, Req, P>(client, op, request, options)
}

/// Streams every row of a cursor-paginated list endpoint, fetching pages lazily one after the
/// other.
///
/// The first page is requested as `request` is (with its cursor, if it has one set); each
/// next page with the cursor the page before named. The stream ends after a page whose next
/// cursor is absent, `null` or `""`. It stops with an error, yielded once, after a failed
/// call or when the cursors do not advance ([`Error::Paging`]):
///
/// * a page names a cursor that was already sent in this stream
///   ([`PageError::CursorRepeated`]): the listing loops. Cursors are remembered by a 64-bit
///   hash, at most `options.max_pages` of them;
/// * the stream would fetch more than `options.max_pages` pages ([`PageError::TooManyPages`]).
///
/// An empty page with a next cursor is not an end: some servers filter rows after paging.
/// Each page is an ordinary call, retried per `op.retry`. `options.lenient_total` does not
/// apply (a cursor page has no total).
///
/// The stream is not `Unpin`; pin it before polling, e.g. with `std::pin::pin!` or
/// `Box::pin`.
pub fn paginate_cursor_with<S, Req, P>(
    client: Client<S>,
    op: &'static Operation,
    request: Req,
    options: PageOptions,
) -> impl Stream<Item = Result<P::Item, Error<S::ErrorCode>>> + Send + 'static
where
    S: Service,
    Req: CursorRequest + Serialize + Send + Sync + 'static,
    P: CursorPaged + DeserializeOwned + Send + 'static,
    P::Item: Send + 'static,
{
    let state = State {
        client,
        request,
        more: true,
        pages: 0,
        sent: HashSet::new(),
        rows: Vec::new().into_iter(),
    };
    futures_util::stream::try_unfold(state, move |mut state| async move {
        let fail = |problem, pages| Error::Paging {
            endpoint: op.name,
            problem,
            call: CallInfo {
                operation: op,
                attempts: pages,
            },
        };
        loop {
            if let Some(row) = state.rows.next() {
                return Ok(Some((row, state)));
            }
            if !state.more {
                return Ok(None);
            }
            if state.pages >= options.max_pages {
                return Err(fail(
                    PageError::TooManyPages {
                        max_pages: options.max_pages,
                    },
                    state.pages,
                ));
            }
            let response: P = state.client.execute(op, &state.request).await?;
            state.pages += 1;
            match response.next_cursor().filter(|c| !c.is_empty()) {
                None => state.more = false,
                Some(cursor) => {
                    if !state.sent.insert(cursor_hash(cursor)) {
                        return Err(fail(
                            PageError::CursorRepeated {
                                page: i64::from(state.pages),
                            },
                            state.pages,
                        ));
                    }
                    state.request.set_cursor(cursor.to_owned());
                }
            }
            state.rows = response.into_items().into_iter();
        }
    })
}

/// A 64-bit hash of a cursor, to remember it without keeping it.
fn cursor_hash(cursor: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}

struct State<S: Service, Req, Item> {
    client: Client<S>,
    /// The request of the next page (its cursor set from the page before).
    request: Req,
    /// Another page follows once `rows` is exhausted.
    more: bool,
    /// Pages fetched so far.
    pages: u32,
    /// Hashes of the cursors sent so far (the first page's own cursor is not among them).
    sent: HashSet<u64>,
    /// The current page's rows not yet yielded.
    rows: std::vec::IntoIter<Item>,
}

#[cfg(test)]
mod tests {
    use super::cursor_hash;

    #[test]
    fn equal_cursors_hash_alike_and_different_ones_apart() {
        assert_eq!(cursor_hash("c-2"), cursor_hash("c-2"));
        assert_ne!(cursor_hash("c-2"), cursor_hash("c-3"));
    }
}
