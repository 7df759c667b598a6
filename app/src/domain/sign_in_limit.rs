//! Failed sign-ins are counted per (account, address) in a sliding window.
//! After `MAX_FAILURES` failures within `WINDOW_MS`, further attempts are
//! refused until the oldest failure leaves the window. A success clears the
//! count. Time comes in as milliseconds since the Unix epoch.

use std::collections::{HashMap, VecDeque};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MS: i64 = 60_000;

#[derive(Debug, Default)]
pub struct SignInLimiter {
    failures: HashMap<(String, String), VecDeque<i64>>,
}

impl SignInLimiter {
    /// `Ok(())` when an attempt may go ahead, or `Err(seconds)` to wait.
    pub fn check(&mut self, username: &str, address: &str, now_ms: i64) -> Result<(), u64> {
        let key = (username.to_owned(), address.to_owned());
        let Some(times) = self.failures.get_mut(&key) else {
            return Ok(());
        };
        while times.front().is_some_and(|&t| now_ms - t >= WINDOW_MS) {
            times.pop_front();
        }
        if times.is_empty() {
            self.failures.remove(&key);
            return Ok(());
        }
        if times.len() >= MAX_FAILURES {
            let oldest = times[times.len() - MAX_FAILURES];
            let wait_ms = (oldest + WINDOW_MS - now_ms).max(1);
            // Round up so that waiting the advertised time is always enough.
            return Err(((wait_ms + 999) / 1000) as u64);
        }
        Ok(())
    }

    pub fn record_failure(&mut self, username: &str, address: &str, now_ms: i64) {
        self.failures
            .entry((username.to_owned(), address.to_owned()))
            .or_default()
            .push_back(now_ms);
        // Keep memory bounded: drop entries whose failures have all expired.
        if self.failures.len() > 10_000 {
            self.failures
                .retain(|_, times| times.back().is_some_and(|&t| now_ms - t < WINDOW_MS));
        }
    }

    pub fn record_success(&mut self, username: &str, address: &str) {
        self.failures
            .remove(&(username.to_owned(), address.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_in_a_minute_lock_out_the_sixth_attempt() {
        let mut limiter = SignInLimiter::default();
        for i in 0..5 {
            assert_eq!(limiter.check("sam", "1.2.3.4", i * 1000), Ok(()));
            limiter.record_failure("sam", "1.2.3.4", i * 1000);
        }
        assert_eq!(limiter.check("sam", "1.2.3.4", 5_000), Err(55));
    }

    #[test]
    fn the_lock_lifts_when_the_oldest_failure_leaves_the_window() {
        let mut limiter = SignInLimiter::default();
        for i in 0..5 {
            limiter.record_failure("sam", "a", i * 1000);
        }
        assert!(limiter.check("sam", "a", 59_999).is_err());
        assert_eq!(limiter.check("sam", "a", 60_000), Ok(()));
    }

    #[test]
    fn other_accounts_and_addresses_are_not_affected() {
        let mut limiter = SignInLimiter::default();
        for i in 0..5 {
            limiter.record_failure("sam", "a", i);
        }
        assert_eq!(limiter.check("sam", "b", 10), Ok(()));
        assert_eq!(limiter.check("alex", "a", 10), Ok(()));
    }

    #[test]
    fn a_success_clears_the_count() {
        let mut limiter = SignInLimiter::default();
        for i in 0..4 {
            limiter.record_failure("sam", "a", i);
        }
        limiter.record_success("sam", "a");
        limiter.record_failure("sam", "a", 10);
        assert_eq!(limiter.check("sam", "a", 11), Ok(()));
    }
}
