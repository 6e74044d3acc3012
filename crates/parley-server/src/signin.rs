//! What protects agent sign-in besides the per-IP rate limit: a bound on concurrent
//! password checks, and an exponential back-off per account.
//!
//! Argon2 verification takes about 19 MiB and tens of milliseconds on purpose; without
//! a bound, a burst of sign-ins from many addresses would queue unboundedly on the
//! blocking pool and exhaust memory. [`SignInGuard::permit`] hands out at most one
//! check per core; a sign-in waits up to [`PERMIT_WAIT`] for one (a waiting request
//! holds no Argon2 memory), then gets 503 with `Retry-After`.
//!
//! Per account (tenant + user name, whether or not it exists, so that the answers do
//! not tell names apart): after [`FREE_FAILURES`] wrong passwords in a row, the account
//! is closed for 1 s, then 2 s, 4 s, … up to [`MAX_LOCK_SECS`]; an attempt while it is
//! closed gets 429 with `Retry-After` and costs no password check, even with the right
//! password. A success opens it again. Every failure writes one audit line
//! (`target: "audit"`).
//!
//! In memory and per instance, like the rate limit: behind several instances an
//! attacker gets one back-off per instance, still bounded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a sign-in waits for a free password check before a 503.
pub const PERMIT_WAIT: Duration = Duration::from_secs(2);

/// Wrong passwords allowed in a row before the account closes for a while.
pub const FREE_FAILURES: u32 = 3;
/// The longest an account stays closed after a failure, in seconds.
pub const MAX_LOCK_SECS: u64 = 15 * 60;
/// Accounts remembered at most; past that, those whose lock ended are forgotten.
const MAX_TRACKED: usize = 10_000;

/// The failures of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: u32,
    /// Unix ms until which the account is closed (0: open).
    pub closed_until: i64,
}

impl Failures {
    /// After one more wrong password at `now` (Unix ms).
    pub fn failed(self, now: i64) -> Failures {
        let count = self.count.saturating_add(1);
        let closed_until = if count >= FREE_FAILURES {
            let exponent = (count - FREE_FAILURES).min(20);
            let secs = (1u64 << exponent).min(MAX_LOCK_SECS);
            now + (secs as i64) * 1000
        } else {
            0
        };
        Failures {
            count,
            closed_until,
        }
    }

    /// Seconds to wait at `now`, if the account is closed.
    pub fn wait_secs(self, now: i64) -> Option<u64> {
        (self.closed_until > now).then(|| ((self.closed_until - now + 999) / 1000) as u64)
    }
}

/// The sign-in guard of one instance.
#[derive(Debug)]
pub struct SignInGuard {
    checks: Arc<Semaphore>,
    accounts: Mutex<HashMap<(String, String), Failures>>,
}

impl SignInGuard {
    /// A guard allowing `concurrent_checks` password checks at once.
    pub fn new(concurrent_checks: usize) -> SignInGuard {
        SignInGuard {
            checks: Arc::new(Semaphore::new(concurrent_checks)),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    /// One check per core of this machine.
    pub fn per_core() -> SignInGuard {
        SignInGuard::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// A permit for one password check, if one frees up within `wait`.
    pub async fn permit(&self, wait: Duration) -> Option<OwnedSemaphorePermit> {
        let acquire = Arc::clone(&self.checks).acquire_owned();
        tokio::time::timeout(wait, acquire).await.ok()?.ok()
    }

    /// Seconds until `account` may try again, if it is closed at `now`.
    pub fn closed(&self, account: &(String, String), now: i64) -> Option<u64> {
        let accounts = self.accounts.lock().expect("sign-in guard lock");
        accounts.get(account).and_then(|f| f.wait_secs(now))
    }

    /// Records a wrong password; returns the failures in a row so far.
    pub fn failed(&self, account: (String, String), now: i64) -> Failures {
        let mut accounts = self.accounts.lock().expect("sign-in guard lock");
        if accounts.len() >= MAX_TRACKED {
            accounts.retain(|_, f| f.closed_until > now);
        }
        let f = accounts.entry(account).or_default();
        *f = f.failed(now);
        *f
    }

    /// Records a success: the account is open again.
    pub fn succeeded(&self, account: &(String, String)) {
        self.accounts
            .lock()
            .expect("sign-in guard lock")
            .remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_doubles_after_the_free_failures_up_to_the_cap() {
        let mut f = Failures::default();
        for _ in 0..FREE_FAILURES - 1 {
            f = f.failed(0);
            assert_eq!(f.wait_secs(0), None);
        }
        let waits: Vec<u64> = (0..4)
            .map(|_| {
                f = f.failed(0);
                f.wait_secs(0).unwrap()
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8]);
        for _ in 0..40 {
            f = f.failed(0);
        }
        assert_eq!(f.wait_secs(0), Some(MAX_LOCK_SECS));
        assert_eq!(f.wait_secs(MAX_LOCK_SECS as i64 * 1000), None);
    }

    #[tokio::test]
    async fn a_success_opens_the_account_and_checks_are_bounded() {
        let guard = SignInGuard::new(1);
        let account = ("demo".to_owned(), "alice".to_owned());
        for _ in 0..FREE_FAILURES {
            guard.failed(account.clone(), 0);
        }
        assert_eq!(guard.closed(&account, 0), Some(1));
        guard.succeeded(&account);
        assert_eq!(guard.closed(&account, 0), None);
        let short = Duration::from_millis(20);
        let held = guard.permit(short).await.expect("one permit");
        assert!(
            guard.permit(short).await.is_none(),
            "only one check at a time"
        );
        drop(held);
        assert!(guard.permit(short).await.is_some());
    }
}
