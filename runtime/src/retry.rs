//! Retry policy: how often and how long to wait; *whether* a failure may be retried is decided
//! per operation by [`RetryClass`](super::RetryClass).

use std::time::Duration;

use backon::ExponentialBuilder;

/// Upper bound on a server-requested `Retry-After` delay.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How many times to try a call and how long to wait between tries.
///
/// The delay before retry *n* (n = 1, 2, …) is `initial_backoff * 2^(n-1)`, capped at
/// `max_backoff`; with `jitter` a random extra of up to 100 % of that delay is added (so the
/// effective maximum is `2 * max_backoff`). On HTTP 429 and 503 a `Retry-After: <seconds>`
/// header raises the delay to at least that many seconds (itself capped at 60 s).
///
/// ```
/// use std::time::Duration;
/// use apigen_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.max_attempts, 5);
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first one (`1` disables retries; `0` is treated as `1`).
    /// Default 3.
    pub max_attempts: u32,
    /// Delay before the first retry. Default 200 ms.
    pub initial_backoff: Duration,
    /// Cap on the exponential delay (before jitter). Default 5 s.
    pub max_backoff: Duration,
    /// Add random jitter to each delay. Default `true`.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (a single attempt).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets [`max_attempts`](Self::max_attempts).
    #[must_use]
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets [`initial_backoff`](Self::initial_backoff).
    #[must_use]
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets [`max_backoff`](Self::max_backoff).
    #[must_use]
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets [`jitter`](Self::jitter).
    #[must_use]
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The backoff schedule: `max_attempts - 1` delays.
    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        let retries = usize::try_from(self.max_attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let builder = ExponentialBuilder::new()
            .with_factor(2.0)
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(retries);
        if self.jitter {
            builder.with_jitter()
        } else {
            builder
        }
    }
}

/// The delay actually waited: the backoff, raised to the server's `Retry-After` (capped).
pub(crate) fn effective_delay(backoff: Duration, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(wanted) => backoff.max(wanted.min(MAX_RETRY_AFTER)),
        None => backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backon::BackoffBuilder as _;

    #[test]
    fn schedule_without_jitter_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .max_attempts(6)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(500))
            .jitter(false);
        let delays: Vec<_> = policy.backoff().build().map(|d| d.as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
        assert_eq!(RetryPolicy::none().backoff().build().count(), 0);
        assert_eq!(
            RetryPolicy::default()
                .max_attempts(0)
                .backoff()
                .build()
                .count(),
            0
        );
    }

    #[test]
    fn retry_after_raises_the_delay_but_is_capped() {
        let ms = Duration::from_millis;
        assert_eq!(effective_delay(ms(200), None), ms(200));
        assert_eq!(effective_delay(ms(200), Some(ms(2000))), ms(2000));
        assert_eq!(effective_delay(ms(3000), Some(ms(1000))), ms(3000));
        assert_eq!(
            effective_delay(ms(200), Some(Duration::from_secs(3600))),
            MAX_RETRY_AFTER
        );
    }
}
