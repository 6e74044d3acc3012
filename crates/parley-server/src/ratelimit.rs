//! Per-client token buckets for the public endpoints, one set per [`Class`] (sign-in,
//! init and the other page admissions, presence reports, the token API), so a flood of
//! one kind never starves another: a hundred visitors on invitation pages do not use up
//! the agents' sign-ins.
//!
//! The client is the socket's peer, unless the peer is a trusted proxy
//! (`--trusted-proxies`): then it is the right-most address of `X-Forwarded-For` that
//! is not a trusted proxy (the left part of the header is whatever the client wrote).
//! IPv6 clients are grouped by /64, the block one customer usually holds.
//!
//! In memory and per instance: it blunts floods and password guessing without a shared
//! store.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

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

    /// Reads `BURST/PER_SECOND` (e.g. `10/0.5`).
    pub fn parse(text: &str) -> Option<Limit> {
        let (burst, rate) = text.split_once('/')?;
        let burst: f64 = burst.trim().parse().ok()?;
        let per_second: f64 = rate.trim().parse().ok()?;
        (burst >= 1.0 && per_second >= 0.0).then_some(Limit { burst, per_second })
    }
}

/// What a limited request is, each with its own buckets and limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Agent sign-in.
    SignIn,
    /// Page admissions: chat init, the offline count, browsing tracks, ticket sessions.
    Init,
    /// Presence reports from invitation pages (one every 10 s per visitor).
    Presence,
    /// The token API (site backends).
    Token,
}

/// The limit of each class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub sign_in: Limit,
    pub init: Limit,
    pub presence: Limit,
    pub token: Limit,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            sign_in: Limit {
                burst: 10.0,
                per_second: 0.5,
            },
            init: Limit::DEFAULT,
            presence: Limit {
                burst: 30.0,
                per_second: 3.0,
            },
            token: Limit::DEFAULT,
        }
    }
}

impl Limits {
    fn of(&self, class: Class) -> Limit {
        match class {
            Class::SignIn => self.sign_in,
            Class::Init => self.init,
            Class::Presence => self.presence,
            Class::Token => self.token,
        }
    }
}

/// A network block in CIDR notation (`10.0.0.0/8`, `::1/128`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Reads `ADDR[/PREFIX]`.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, p.parse::<u8>().ok()?),
            None => {
                let a: IpAddr = text.trim().parse().ok()?;
                (a, if a.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// Whether `ip` is in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The client of a request from `peer` with `X-Forwarded-For` `forwarded`, trusting
/// only the proxies in `trusted`.
pub fn client_ip(peer: IpAddr, forwarded: Option<&str>, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // Something unreadable: the hops left of it are the client's own words.
            Err(_) => break,
        }
    }
    client
}

/// The bucket key of a client: IPv4 as is, IPv6 by its /64.
pub fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
    }
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

/// The buckets of all clients. `None` limits means unlimited (load tests).
#[derive(Debug)]
pub struct RateLimiter {
    limits: Option<Limits>,
    trusted: Vec<Cidr>,
    start: Instant,
    buckets: Mutex<HashMap<(Class, IpAddr), Bucket>>,
}

/// Above this many tracked clients, full (idle) buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

impl RateLimiter {
    /// A limiter with `limits` (or none), trusting `trusted` proxies.
    pub fn new(limits: Option<Limits>, trusted: Vec<Cidr>) -> Arc<RateLimiter> {
        Arc::new(RateLimiter {
            limits,
            trusted,
            start: Instant::now(),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Whether the client `ip` may make one more request of `class` now.
    pub fn allow(&self, class: Class, ip: IpAddr) -> bool {
        let Some(limits) = self.limits else {
            return true;
        };
        let limit = limits.of(class);
        let now = self.start.elapsed().as_secs_f64();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        if buckets.len() > MAX_TRACKED {
            buckets.retain(|(c, _), b| {
                let limit = limits.of(*c);
                let mut probe = *b;
                probe.take(limit, now);
                probe.tokens + 1.0 < limit.burst
            });
        }
        buckets
            .entry((class, bucket_key(ip)))
            .or_insert_with(|| Bucket::full(limit, now))
            .take(limit, now)
    }
}

/// Middleware for the routes of one class: 429 with a JSON body when the caller's
/// bucket is empty. Requests without a peer address (in-process calls) are not limited.
pub async fn middleware(
    State((limiter, class)): State<(Arc<RateLimiter>, Class)>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let ip = client_ip(peer, forwarded, &limiter.trusted);
        if !limiter.allow(class, ip) {
            return ApiError::retry_later(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests; try again shortly",
                1,
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
    fn per_class_and_per_client_and_unlimited() {
        let one = Limit {
            burst: 1.0,
            per_second: 0.0,
        };
        let limits = Limits {
            sign_in: one,
            init: one,
            presence: one,
            token: one,
        };
        let l = RateLimiter::new(Some(limits), Vec::new());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(l.allow(Class::Presence, a));
        assert!(!l.allow(Class::Presence, a));
        assert!(
            l.allow(Class::SignIn, a),
            "another class has its own bucket"
        );
        assert!(l.allow(Class::Presence, b));
        // One IPv6 customer block is one client.
        let v6a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert!(l.allow(Class::Init, v6a));
        assert!(!l.allow(Class::Init, v6b));
        let none = RateLimiter::new(None, Vec::new());
        assert!((0..1000).all(|_| none.allow(Class::SignIn, a)));
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted = vec![
            Cidr::parse("127.0.0.1").unwrap(),
            Cidr::parse("10.0.0.0/8").unwrap(),
        ];
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not from a trusted proxy: the header is the caller's own words.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(proxy, Some("198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // A client that forges a left part is still itself.
        assert_eq!(
            client_ip(proxy, Some("6.6.6.6, 198.51.100.7, 10.1.2.3"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(proxy, None, &trusted), proxy);
        assert_eq!(
            client_ip(proxy, Some("junk, 10.1.2.3"), &trusted),
            ip("10.1.2.3")
        );
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("::1/128").unwrap().contains(ip("::1")));
        assert!(!Cidr::parse("10.0.0.0/8").unwrap().contains(ip("::1")));
        assert_eq!(
            Limit::parse("10/0.5"),
            Some(Limit {
                burst: 10.0,
                per_second: 0.5
            })
        );
        assert_eq!(Limit::parse("0/1"), None);
    }
}
