//! A per-IP token bucket for the public endpoints (init, the token API, agent login).
//!
//! In memory and per instance: it blunts floods and password guessing without a shared
//! store. Behind a reverse proxy every request comes from the proxy's address, so the
//! limit then applies to the proxy as a whole; configure the proxy's own limits there.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parley_protocol::api::ErrorCode;

use crate::error::ApiError;

/// The bucket of one client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    tokens: f64,
    last: f64,
}

/// How generous the limit is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Requests allowed in a burst.
    pub burst: f64,
    /// Requests per second refilled.
    pub per_second: f64,
}

impl Limit {
    /// The default: bursts of 60, then 10 per second, per IP.
    pub const DEFAULT: Limit = Limit {
        burst: 60.0,
        per_second: 10.0,
    };
}

impl Bucket {
    /// A full bucket at time `now` (seconds).
    pub fn full(limit: Limit, now: f64) -> Bucket {
        Bucket {
            tokens: limit.burst,
            last: now,
        }
    }

    /// The tokens left (as of the last call).
    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Refills for the time elapsed since the last call and takes one token if there is
    /// one.
    pub fn take(&mut self, limit: Limit, now: f64) -> bool {
        let elapsed = (now - self.last).max(0.0);
        self.tokens = (self.tokens + elapsed * limit.per_second).min(limit.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The buckets of all clients. `None` limit means unlimited (load tests).
#[derive(Debug)]
pub struct RateLimiter {
    limit: Option<Limit>,
    start: Instant,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// Above this many tracked clients, full (idle) buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

impl RateLimiter {
    /// A limiter with `limit`, or none.
    pub fn new(limit: Option<Limit>) -> Arc<RateLimiter> {
        Arc::new(RateLimiter {
            limit,
            start: Instant::now(),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Whether `ip` may make one more request now.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let now = self.start.elapsed().as_secs_f64();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        if buckets.len() > MAX_TRACKED {
            buckets.retain(|_, b| {
                let mut probe = *b;
                probe.take(limit, now);
                probe.tokens + 1.0 < limit.burst
            });
        }
        buckets
            .entry(ip)
            .or_insert_with(|| Bucket::full(limit, now))
            .take(limit, now)
    }
}

/// Middleware: 429 with a JSON body when the caller's bucket is empty. Requests
/// without a peer address (in-process calls) are not limited.
pub async fn middleware(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = ip {
        if !limiter.allow(ip) {
            return ApiError::client(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                "too many requests; try again shortly",
            )
            .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refills() {
        let limit = Limit {
            burst: 3.0,
            per_second: 1.0,
        };
        let mut b = Bucket::full(limit, 0.0);
        assert!(b.take(limit, 0.0) && b.take(limit, 0.0) && b.take(limit, 0.0));
        assert!(!b.take(limit, 0.1));
        assert!(b.take(limit, 1.2));
        assert!(!b.take(limit, 1.3));
        // Never above the burst, however long the pause.
        let mut b = Bucket::full(limit, 0.0);
        b.take(limit, 1000.0);
        assert!(b.tokens <= 2.0);
    }

    #[test]
    fn per_ip_and_unlimited() {
        let l = RateLimiter::new(Some(Limit {
            burst: 1.0,
            per_second: 0.0,
        }));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(l.allow(a));
        assert!(!l.allow(a));
        assert!(l.allow(b));
        let none = RateLimiter::new(None);
        assert!((0..1000).all(|_| none.allow(a)));
    }
}
