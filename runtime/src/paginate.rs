//! Lazily walking page-numbered list endpoints (and, in [`cursor`], cursor-paginated ones).

pub(crate) mod cursor;

use std::hash::Hasher as _;

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{CallInfo, Client, Error, Operation, PageError, Service};

/// A page of a list response (`{total, page, page_size, list}`), implemented by the generated
/// `Page<T>`.
pub trait Paged {
    /// The row type.
    type Item;
    /// Total number of rows matching the request, over all pages.
    fn total(&self) -> i64;
    /// The page number the server says this page is, if the response echoes it. When it does,
    /// a stream stops with [`PageError::WrongPage`] as soon as it differs from the page
    /// requested. Default: `None` (not checked).
    fn page(&self) -> Option<i64> {
        None
    }
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

/// Limits of a paged stream ([`paginate_with`], or for [`paginate`] the client's
/// [`ClientBuilder::page_options`](crate::ClientBuilder::page_options)).
///
/// ```
/// use apigen_runtime::PageOptions;
///
/// let options = PageOptions::default().max_pages(50).lenient_total(true);
/// assert_eq!(options.max_pages, 50);
/// assert_eq!(PageOptions::default().max_pages, 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageOptions {
    /// Most pages one stream fetches; one more page fails with
    /// [`PageError::TooManyPages`]. Default 10,000.
    pub max_pages: u32,
    /// When the listing ends (an empty page) before `total` rows were seen, end normally
    /// instead of failing with [`PageError::Incomplete`] — but only if `total` changed while
    /// paging (rows were removed meanwhile). Default `false`.
    pub lenient_total: bool,
}

impl Default for PageOptions {
    fn default() -> Self {
        Self {
            max_pages: 10_000,
            lenient_total: false,
        }
    }
}

impl PageOptions {
    /// Sets [`max_pages`](Self::max_pages).
    #[must_use]
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// Sets [`lenient_total`](Self::lenient_total).
    #[must_use]
    pub fn lenient_total(mut self, lenient_total: bool) -> Self {
        self.lenient_total = lenient_total;
        self
    }
}

/// Streams every row of a list endpoint with the client's
/// [`PageOptions`](crate::ClientBuilder::page_options); see [`paginate_with`].
pub fn paginate<S, Req, P>(
    client: Client<S>,
    op: &'static Operation,
    request: Req,
) -> impl Stream<Item = Result<P::Item, Error<S::ErrorCode>>> + Send + 'static
where
    S: Service,
    Req: PageRequest + Serialize + Send + Sync + 'static,
    P: Paged + DeserializeOwned + Send + 'static,
    P::Item: Serialize + Send + 'static,
{
    let options = client.inner.pages;
    paginate_with::<S, Req, P>(client, op, request, options)
}

/// Streams every row of a list endpoint, fetching pages lazily one after the other.
///
/// Starts at `request.page()` (at least 1) and ends when the rows seen reach the page's
/// `total`. It stops with an error, yielded once, after a failed call or when the pages do not
/// add up ([`Error::Paging`]):
///
/// * the page echoes another page number than the one requested ([`PageError::WrongPage`]);
/// * a page has exactly the rows of the page before it ([`PageError::Repeated`]): the server
///   ignores the page number. Rows are compared by a 64-bit hash of their JSON serialization,
///   so nothing is kept or cloned;
/// * the stream would fetch more than `options.max_pages` pages ([`PageError::TooManyPages`]);
/// * a page comes back empty before `total` rows were seen ([`PageError::Incomplete`]), unless
///   `total` changed while paging and `options.lenient_total` is set.
///
/// Rows are counted from the first page fetched, so a stream started past page 1 may cost one
/// extra request (which comes back empty) and is not checked for [`PageError::Incomplete`].
/// Each page is an ordinary call,
/// retried per `op.retry`.
///
/// The stream is not `Unpin`; pin it before polling, e.g. with `std::pin::pin!` or
/// `Box::pin`.
pub fn paginate_with<S, Req, P>(
    client: Client<S>,
    op: &'static Operation,
    request: Req,
    options: PageOptions,
) -> impl Stream<Item = Result<P::Item, Error<S::ErrorCode>>> + Send + 'static
where
    S: Service,
    Req: PageRequest + Serialize + Send + Sync + 'static,
    P: Paged + DeserializeOwned + Send + 'static,
    P::Item: Serialize + Send + 'static,
{
    let first_page = request.page();
    let state = State {
        next_page: Some(first_page.max(1)),
        client,
        request,
        seen: 0,
        pages: 0,
        first_total: None,
        last_hash: None,
        partial: first_page > 1,
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
            let Some(page) = state.next_page else {
                return Ok(None);
            };
            if state.pages >= options.max_pages {
                return Err(fail(
                    PageError::TooManyPages {
                        max_pages: options.max_pages,
                    },
                    state.pages,
                ));
            }
            state.request.set_page(page);
            let response: P = state.client.execute(op, &state.request).await?;
            state.pages += 1;
            let total = response.total();
            let first_total = *state.first_total.get_or_insert(total);
            if let Some(echoed) = response.page()
                && echoed != i64::from(page)
            {
                return Err(fail(
                    PageError::WrongPage {
                        requested: page.into(),
                        echoed,
                    },
                    state.pages,
                ));
            }
            let rows = response.into_items();
            if rows.is_empty() {
                let lenient = state.partial || (options.lenient_total && total != first_total);
                if state.seen < total && !lenient {
                    return Err(fail(
                        PageError::Incomplete {
                            seen: state.seen,
                            total,
                        },
                        state.pages,
                    ));
                }
                return Ok(None);
            }
            let hash = rows_hash(&rows);
            if hash.is_some() && state.last_hash == hash {
                return Err(fail(PageError::Repeated { page: page.into() }, state.pages));
            }
            state.last_hash = hash;
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

/// A hash of the rows' JSON form (`None` if they do not serialize: then nothing is compared).
fn rows_hash<T: Serialize>(rows: &[T]) -> Option<u64> {
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(std::collections::hash_map::DefaultHasher::new());
    serde_json::to_writer(&mut writer, rows).ok()?;
    Some(writer.0.finish())
}

struct State<S: Service, Req, Item> {
    client: Client<S>,
    request: Req,
    /// The page to fetch once `rows` is exhausted; `None` when done.
    next_page: Option<i32>,
    /// Rows received so far.
    seen: i64,
    /// Pages fetched so far.
    pages: u32,
    /// `total` of the first page.
    first_total: Option<i64>,
    /// Hash of the previous page's rows.
    last_hash: Option<u64>,
    /// The stream started past page 1, so `seen` does not count the rows before it.
    partial: bool,
    /// The current page's rows not yet yielded.
    rows: std::vec::IntoIter<Item>,
}
