//! What an operator's tools ask: `GET /healthz` (the process answers), `GET /readyz`
//! (it can serve: the store answers, the PostgreSQL listener is up, and it is not
//! shutting down), `GET /metrics` (Prometheus text), and the middleware that times
//! every request for it.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::metrics::{escape, Gauge};
use crate::{store, AppState};

/// How long `/readyz` waits for the store.
const STORE_PROBE: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Why this instance should get no traffic now, if it should not.
pub async fn not_ready(state: &AppState) -> Option<&'static str> {
    if *state.shutdown.borrow() {
        return Some("shutting down");
    }
    if !state.notifier.listening() {
        return Some("the PostgreSQL listener is down");
    }
    match tokio::time::timeout(STORE_PROBE, store::ping(&state.db)).await {
        Ok(Ok(())) => None,
        _ => Some("the store does not answer"),
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    match not_ready(&state).await {
        None => "ready\n".into_response(),
        Some(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut gauges = vec![Gauge {
        name: "parley_open_sockets",
        help: "WebSockets open on this instance.",
        values: vec![(String::new(), state.hub.subscriber_count() as f64)],
    }];
    if let Ok(queues) = store::conversations::queue_lengths(state.db.pool()).await {
        gauges.push(Gauge {
            name: "parley_queue_length",
            help: "Visitors waiting for an agent, per tenant.",
            values: queues
                .into_iter()
                .map(|(tenant, n)| (format!("{{tenant=\"{}\"}}", escape(&tenant)), n as f64))
                .collect(),
        });
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&gauges),
    )
        .into_response()
}

/// Middleware: times each request and records it under its route pattern.
pub async fn time_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", |p| p.as_str())
        .to_owned();
    let response = next.run(request).await;
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Counts a stored message (called after each commit that stored some).
pub fn messages_stored(state: &AppState, n: usize) {
    state
        .metrics
        .messages_stored
        .fetch_add(n as u64, Ordering::Relaxed);
}
