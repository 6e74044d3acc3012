//! Quotas: how much one visitor may send and store, and how much a tenant keeps, so
//! that no single session can flood agents, fill the disk or hold the one SQLite
//! writer. Every refusal is a 429 (or a 413 for a full tenant) with `Retry-After`,
//! checked before anything is stored, so a refused request stores nothing.
//!
//! - Messages (text over HTTP or the socket, and cards): a token bucket per visitor,
//!   `[tenant.limits] messages_per_minute` (default 30, in bursts of a third of it). In
//!   memory and per instance: behind several instances a visitor gets one bucket per
//!   instance, still bounded.
//! - Tickets per visitor per 24 hours, and bytes uploaded per visitor per 24 hours
//!   (pictures and ticket files together): counted in the store, so exact across
//!   instances.
//! - The tenant's stored files in all (`storage_bytes`, default 2 GiB).
//! - Large uploads at once: [`UPLOAD_SLOTS`] per instance ([`upload_slot`]); a body is
//!   read only once it has a slot. Together with the checks above being read just
//!   before the write, this keeps what racing uploads can overshoot to a few files.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::config::Tenant;
use crate::error::ApiError;
use crate::ratelimit::{Bucket, Limit};
use crate::store::{self, now_ms};
use crate::AppState;

/// Large uploads (pictures, tickets with files) in progress at once on one instance.
pub const UPLOAD_SLOTS: usize = 4;
/// A day, in milliseconds: the window of the daily quotas.
const DAY_MS: i64 = 24 * 3600 * 1000;
/// Visitors whose message bucket is remembered at most; past that, full ones go.
const MAX_TRACKED: usize = 50_000;

/// The in-memory part of the quotas of one instance.
#[derive(Debug)]
pub struct Quotas {
    start: Instant,
    messages: Mutex<HashMap<String, Bucket>>,
    uploads: Arc<Semaphore>,
}

impl Default for Quotas {
    fn default() -> Quotas {
        Quotas::with_upload_slots(UPLOAD_SLOTS)
    }
}

impl Quotas {
    /// Quotas allowing `slots` large uploads at once.
    pub fn with_upload_slots(slots: usize) -> Quotas {
        Quotas {
            start: Instant::now(),
            messages: Mutex::new(HashMap::new()),
            uploads: Arc::new(Semaphore::new(slots)),
        }
    }

    /// Takes one message from `visitor_id`'s bucket (`per_minute`, bursts of a third),
    /// or says how many seconds until the next one.
    pub fn message(&self, visitor_id: &str, per_minute: u32) -> Result<(), u64> {
        let limit = Limit {
            burst: f64::from(per_minute.div_ceil(3).max(1)),
            per_second: f64::from(per_minute) / 60.0,
        };
        let now = self.start.elapsed().as_secs_f64();
        let mut buckets = self.messages.lock().expect("quota lock");
        if buckets.len() >= MAX_TRACKED {
            buckets.retain(|_, b| {
                let mut probe = *b;
                probe.take(limit, now);
                probe.tokens() + 1.0 < limit.burst
            });
        }
        let bucket = buckets
            .entry(visitor_id.to_owned())
            .or_insert_with(|| Bucket::full(limit, now));
        if bucket.take(limit, now) {
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens()) / limit.per_second).ceil().max(1.0) as u64)
        }
    }
}

fn too_many(message: impl Into<String>, after_secs: u64) -> ApiError {
    ApiError::retry_later(StatusCode::TOO_MANY_REQUESTS, message, after_secs)
}

/// One more message from a visitor of `tenant`.
pub fn message(state: &AppState, tenant: &Tenant, visitor_id: &str) -> Result<(), ApiError> {
    let per_minute = tenant.limits.messages_per_minute();
    state
        .quotas
        .message(visitor_id, per_minute)
        .map_err(|wait| {
            too_many(
                format!("more than {per_minute} messages a minute; wait {wait} s"),
                wait,
            )
        })
}

/// `bytes` more of uploads by `visitor_id` (pictures and ticket files, `None` for an
/// agent), within their day and the tenant's storage.
pub async fn upload(
    state: &AppState,
    tenant: &Tenant,
    visitor_id: Option<&str>,
    bytes: u64,
) -> Result<(), ApiError> {
    let pool = state.db.pool();
    if let Some(visitor) = visitor_id {
        let since = now_ms() - DAY_MS;
        let pictures = store::files::bytes_sent_by_visitor(pool, visitor, since).await?;
        let (_, _, files) = store::tickets::left_by_visitor_since(pool, visitor, since).await?;
        let used = u64::try_from(pictures + files).unwrap_or(0);
        let allowed = tenant.limits.upload_bytes_per_day();
        if used + bytes > allowed {
            return Err(too_many(
                format!("more than {} MiB of uploads in a day", allowed >> 20),
                3600,
            ));
        }
    }
    let kept = u64::try_from(store::files::tenant_bytes(pool, &tenant.sysnum).await?).unwrap_or(0);
    if kept + bytes > tenant.limits.storage_bytes() {
        return Err(ApiError::retry_later(
            StatusCode::PAYLOAD_TOO_LARGE,
            "this company's file storage is full; tell its support team",
            3600,
        ));
    }
    Ok(())
}

/// One more ticket (with `bytes` of files) from `visitor_id`.
pub async fn ticket(
    state: &AppState,
    tenant: &Tenant,
    visitor_id: &str,
    bytes: u64,
) -> Result<(), ApiError> {
    let now = now_ms();
    let (count, oldest, _) =
        store::tickets::left_by_visitor_since(state.db.pool(), visitor_id, now - DAY_MS).await?;
    let allowed = tenant.limits.tickets_per_day();
    if count >= i64::from(allowed) {
        let wait = oldest.map_or(3600, |t| ((t + DAY_MS - now) / 1000).max(1) as u64);
        return Err(too_many(
            format!("more than {allowed} messages left in a day; try again later"),
            wait,
        ));
    }
    if bytes > 0 {
        upload(state, tenant, Some(visitor_id), bytes).await?;
    }
    Ok(())
}

/// Middleware for the large-upload routes: a request waits for no slot; when all
/// [`UPLOAD_SLOTS`] are taken it gets 429 with `Retry-After` before its body is read.
pub async fn upload_slot(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Ok(slot) = Arc::clone(&state.quotas.uploads).try_acquire_owned() else {
        return too_many("too many uploads at once; try again in a moment", 1).into_response();
    };
    let response = next.run(request).await;
    drop(slot);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_in_bursts_then_at_the_rate() {
        let q = Quotas::default();
        for _ in 0..10 {
            assert_eq!(q.message("v", 30), Ok(()));
        }
        let wait = q.message("v", 30).unwrap_err();
        assert!((1..=2).contains(&wait), "{wait}");
        assert_eq!(q.message("w", 30), Ok(()), "another visitor has their own");
    }
}
