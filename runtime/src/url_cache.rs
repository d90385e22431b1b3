//! The parsed request URL of each operation path, kept per client: the base URL and version
//! segment never change after the client is built, so `base + path` is parsed once per path
//! rather than on every call (parsing, with its host and IDNA handling, cost about as much as
//! the rest of the client's own per-call work).

use std::collections::HashMap;
use std::sync::RwLock;

use reqwest::Url;

/// More distinct paths than any API has: beyond this, URLs are parsed on every call rather
/// than remembered, so the cache stays bounded whatever operations a caller makes up.
const MAX_PATHS: usize = 1024;

/// Request URLs by operation path.
#[derive(Debug, Default)]
pub(crate) struct UrlCache {
    urls: RwLock<HashMap<&'static str, Url>>,
}

impl UrlCache {
    /// The URL for `path`: remembered, or made by `parse` (and then remembered if it parsed).
    pub(crate) fn get_or_parse<E>(
        &self,
        path: &'static str,
        parse: impl FnOnce() -> Result<Url, E>,
    ) -> Result<Url, E> {
        // A poisoned lock only means another thread panicked mid-insert of a complete value.
        if let Some(url) = self
            .urls
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(path)
        {
            return Ok(url.clone());
        }
        let url = parse()?;
        let mut urls = self
            .urls
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if urls.len() < MAX_PATHS {
            urls.insert(path, url.clone());
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn each_path_is_parsed_once_and_failures_are_not_kept() {
        let cache = UrlCache::default();
        let parses = Cell::new(0);
        let parse = |text: &str| {
            parses.set(parses.get() + 1);
            Url::parse(text)
        };
        for _ in 0..3 {
            let url = cache.get_or_parse("/v1/a", || parse("http://127.0.0.1:1/v1/a"));
            assert_eq!(url.unwrap().as_str(), "http://127.0.0.1:1/v1/a");
        }
        assert_eq!(parses.get(), 1);
        let url = cache.get_or_parse("/v1/b", || parse("http://127.0.0.1:1/v1/b"));
        assert_eq!(url.unwrap().path(), "/v1/b");
        assert_eq!(parses.get(), 2);
        for _ in 0..2 {
            assert!(
                cache
                    .get_or_parse("/bad", || parse("http://[/bad"))
                    .is_err()
            );
        }
        assert_eq!(parses.get(), 4, "a failure is parsed (and reported) again");
    }

    #[test]
    fn bounded() {
        let cache = UrlCache::default();
        let paths: Vec<&'static str> = (0..MAX_PATHS + 10)
            .map(|i| &*Box::leak(format!("/p{i}").into_boxed_str()))
            .collect();
        for path in &paths {
            let url = format!("http://h{path}");
            cache.get_or_parse(path, || Url::parse(&url)).unwrap();
        }
        assert_eq!(cache.urls.read().unwrap().len(), MAX_PATHS);
        let last = paths[paths.len() - 1];
        assert_eq!(
            cache
                .get_or_parse(last, || Url::parse("http://h/p-last"))
                .unwrap()
                .path(),
            "/p-last",
            "past the bound, parsed every time"
        );
    }
}
