//! Lazily walking page-numbered list endpoints.

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Client, Error, Operation, Service};

/// A page of a list response (`{total, page, page_size, list}`), implemented by the generated
/// `Page<T>`.
pub trait Paged {
    /// The row type.
    type Item;
    /// Total number of rows matching the request, over all pages.
    fn total(&self) -> i64;
    /// The rows of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// A list request with a 1-based `page` field, implemented by the generated list requests.
pub trait PageRequest {
    /// Sets the page number to request.
    fn set_page(&mut self, page: i32);
    /// The page number that will be requested (`1` if unset).
    fn page(&self) -> i32;
}

/// Streams every row of a list endpoint, fetching pages lazily one after the other.
///
/// Starts at `request.page()` (at least 1) and stops when the rows seen reach the page's
/// `total`, when a page is empty, or after the first error, which is yielded once. Rows are
/// counted from the first page fetched, so starting past page 1 may cost one extra request
/// (which comes back empty). Each page is an ordinary call, retried per `op.retry`.
///
/// The stream is not `Unpin`; pin it before polling, e.g. with `std::pin::pin!` or
/// `Box::pin`.
pub fn paginate<S, Req, P>(
    client: Client<S>,
    op: &'static Operation,
    request: Req,
) -> impl Stream<Item = Result<P::Item, Error<S::ErrorCode>>> + Send + 'static
where
    S: Service,
    Req: PageRequest + Serialize + Send + Sync + 'static,
    P: Paged + DeserializeOwned + Send + 'static,
    P::Item: Send + 'static,
{
    let state = State {
        next_page: Some(request.page().max(1)),
        client,
        request,
        seen: 0,
        rows: Vec::new().into_iter(),
    };
    futures_util::stream::try_unfold(state, move |mut state| async move {
        loop {
            if let Some(row) = state.rows.next() {
                return Ok(Some((row, state)));
            }
            let Some(page) = state.next_page else {
                return Ok(None);
            };
            state.request.set_page(page);
            let response: P = state.client.execute(op, &state.request).await?;
            let total = response.total();
            let rows = response.into_items();
            if rows.is_empty() {
                return Ok(None);
            }
            state.seen = state
                .seen
                .saturating_add(i64::try_from(rows.len()).unwrap_or(i64::MAX));
            // Stop after this page when it completes the total (or the page number overflows).
            state.next_page = if state.seen >= total {
                None
            } else {
                page.checked_add(1)
            };
            state.rows = rows.into_iter();
        }
    })
}

struct State<S: Service, Req, Item> {
    client: Client<S>,
    request: Req,
    /// The page to fetch once `rows` is exhausted; `None` when done.
    next_page: Option<i32>,
    /// Rows received so far.
    seen: i64,
    /// The current page's rows not yet yielded.
    rows: std::vec::IntoIter<Item>,
}
