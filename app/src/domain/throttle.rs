//! Throttles on guessing passwords and PINs. Every check of a password or
//! PIN first writes itself down against a few counters, then counts, and
//! goes ahead only when none is over its limit: so concurrent guesses are
//! all counted before any of them is hashed. A refused attempt takes its
//! own mark back (so a client retrying too soon does not hold itself off
//! for ever), a success gives its mark back too.
//!
//! A counter's key names what it counts: one account from one address, one
//! address, one account, one signed-in person's re-checks. Windows slide:
//! the attempts counted are those of the last `window_ms`. The marks live
//! in the database (`server::throttle`), so several server processes
//! sharing one PostgreSQL count together. Time comes in as milliseconds
//! since the Unix epoch.

/// How many attempts a counter allows in its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_ms: i64,
}

const MINUTE_MS: i64 = 60_000;

/// One account from one address: a person mistyping gets five tries a minute.
pub const ACCOUNT_FROM_ADDRESS: Limit = Limit {
    max: 5,
    window_ms: MINUTE_MS,
};
/// One address, whatever usernames it tries: one password sprayed across
/// many accounts is slowed here. A centre's office shares one address, so
/// this is generous for people and tight for a script.
pub const ADDRESS: Limit = Limit {
    max: 30,
    window_ms: 15 * MINUTE_MS,
};
/// One account, from whatever addresses: guessing spread over many
/// addresses is slowed here (the account is held for a while, never locked).
pub const ACCOUNT: Limit = Limit {
    max: 20,
    window_ms: 15 * MINUTE_MS,
};
/// A signed-in person's own password or PIN, re-checked to sign, co-sign,
/// add an addendum, set a PIN or change their password.
pub const RECHECK: Limit = Limit {
    max: 10,
    window_ms: 15 * MINUTE_MS,
};

/// A referrer's online referrals: a busy social worker refers a few
/// families a day; a script, or a stolen account, would refer thousands.
pub const REFERRALS: Limit = Limit {
    max: 20,
    window_ms: 24 * 60 * MINUTE_MS,
};

/// The longest window of any counter: marks older than this count nowhere.
pub const LONGEST_WINDOW_MS: i64 = 24 * 60 * MINUTE_MS;

/// One counter an attempt adds to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    /// What it counts.
    pub key: String,
    pub limit: Limit,
    /// Whether a success wipes it (rather than giving back one attempt).
    pub cleared_by_success: bool,
}

impl Counter {
    fn new(key: String, limit: Limit, cleared_by_success: bool) -> Counter {
        Counter {
            key,
            limit,
            cleared_by_success,
        }
    }

    /// The earliest time an attempt still counts from.
    pub fn counts_from_ms(&self, now_ms: i64) -> i64 {
        now_ms - self.limit.window_ms
    }

    /// `Ok` when the attempts in the window (this one included; `times`
    /// oldest first) are within the limit, else the seconds until enough of
    /// them have left the window for one more, rounded up so that waiting
    /// that long is always enough.
    pub fn verdict(&self, times: &[i64], now_ms: i64) -> Result<(), u64> {
        let counted: Vec<i64> = times
            .iter()
            .copied()
            .filter(|&t| t > self.counts_from_ms(now_ms))
            .collect();
        let over = counted.len() as i64 - self.limit.max;
        if over <= 0 {
            return Ok(());
        }
        // This attempt's own mark goes again when refused; for the next one
        // to fit, `over` of the others must have left the window.
        let leaving = counted[(over - 1) as usize];
        let wait_ms = (leaving + self.limit.window_ms - now_ms).max(1);
        Err(((wait_ms + 999) / 1000) as u64)
    }
}

/// Lengths first, so that no username or address can be shaped to look
/// like another pair.
fn pair(address: &str, username: &str) -> String {
    format!("{}:{address}:{username}", address.len())
}

/// The counters one sign-in attempt adds to.
pub fn sign_in(username: &str, address: &str) -> Vec<Counter> {
    vec![
        Counter::new(
            format!("pair:{}", pair(address, username)),
            ACCOUNT_FROM_ADDRESS,
            true,
        ),
        Counter::new(format!("address:{address}"), ADDRESS, false),
        Counter::new(format!("account:{username}"), ACCOUNT, false),
    ]
}

/// The counter a signed-in person's re-check of their password or PIN adds to.
pub fn recheck(user_id: i64) -> Vec<Counter> {
    vec![Counter::new(format!("recheck:{user_id}"), RECHECK, false)]
}

/// The counter a referrer's online referral adds to.
pub fn referral(user_id: i64) -> Vec<Counter> {
    vec![Counter::new(
        format!("referral:{user_id}"),
        REFERRALS,
        false,
    )]
}

/// The longest wait among counters over their limits, if any is; each
/// counter with the times of its attempts, oldest first.
pub fn wait(counts: &[(Counter, Vec<i64>)], now_ms: i64) -> Option<u64> {
    counts
        .iter()
        .filter_map(|(counter, times)| counter.verdict(times, now_ms).err())
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempts(n: i64, every_ms: i64) -> Vec<i64> {
        (0..n).map(|i| i * every_ms).collect()
    }

    #[test]
    fn the_sixth_attempt_in_a_minute_for_one_account_from_one_address_waits() {
        let pair = &sign_in("sam", "1.2.3.4")[0];
        assert_eq!(pair.verdict(&attempts(5, 1000), 4_000), Ok(()));
        // Six in the window: the first leaves it at 60 s.
        assert_eq!(pair.verdict(&attempts(6, 1000), 5_000), Err(55));
    }

    #[test]
    fn the_window_slides_so_no_edge_lets_a_burst_through() {
        let pair = &sign_in("sam", "a")[0];
        // Five at 59 s, then one at 61 s: still five in the last minute.
        let times = vec![59_000, 59_100, 59_200, 59_300, 59_400, 61_000];
        assert!(pair.verdict(&times, 61_000).is_err());
        // Once the first of them is a minute old, there is room again.
        assert_eq!(pair.verdict(&times, 119_001), Ok(()));
    }

    #[test]
    fn each_counter_names_its_account_and_address() {
        let one = sign_in("sam", "1.2.3.4");
        let other_address = sign_in("sam", "1.2.3.5");
        let other_account = sign_in("alex", "1.2.3.4");
        assert_ne!(one[0].key, other_address[0].key);
        assert_ne!(one[0].key, other_account[0].key);
        assert_eq!(
            one[1].key, other_account[1].key,
            "the address counter is shared"
        );
        assert_eq!(
            one[2].key, other_address[2].key,
            "the account counter is shared"
        );
    }

    #[test]
    fn a_name_cannot_be_shaped_into_another_pair() {
        assert_ne!(pair("1.2.3.4", "x:y"), pair("1.2.3.4:x", "y"));
    }

    #[test]
    fn spraying_one_password_over_many_accounts_is_held_by_the_address() {
        let address = &sign_in("anyone", "9.9.9.9")[1];
        assert_eq!(address.verdict(&attempts(ADDRESS.max, 10), 1_000), Ok(()));
        assert!(
            address
                .verdict(&attempts(ADDRESS.max + 1, 10), 1_000)
                .is_err()
        );
    }

    #[test]
    fn rechecks_are_counted_per_person() {
        assert_ne!(recheck(1)[0].key, recheck(2)[0].key);
        assert!(
            recheck(1)[0]
                .verdict(&attempts(RECHECK.max + 1, 1), 100)
                .is_err()
        );
    }

    #[test]
    fn the_longest_wait_wins() {
        let counters = sign_in("sam", "a");
        let counts = vec![
            (counters[0].clone(), attempts(6, 1000)),
            (counters[1].clone(), attempts(31, 10)),
            (counters[2].clone(), vec![]),
        ];
        // The address counter holds longest: its first mark leaves at 15 minutes.
        assert_eq!(wait(&counts, 6_000), Some(15 * 60 - 6));
    }
}
