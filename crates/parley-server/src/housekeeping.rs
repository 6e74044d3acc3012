//! What the server does by itself every minute: end conversations whose visitor went
//! idle, and delete what has expired (page tokens past their `ts`, sessions past their
//! time, WebSocket tickets nobody used), so nothing a visitor or a site's backend creates lives on forever.

use std::time::Duration;

use crate::error::ApiError;
use crate::store::{self, now_ms};
use crate::{reception, AppState};

/// How often [`run`] sweeps.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub idle_conversations: usize,
    pub page_tokens: u64,
    pub sessions: u64,
    pub ws_tickets: u64,
    pub traces: u64,
    pub browsing: u64,
    pub orphan_files: u64,
}

/// Files whose conversation is gone are looked for once every this many sweeps: the
/// search reads every file's row.
pub const ORPHAN_EVERY: u64 = 60;

/// One sweep as of `now` (Unix ms), orphaned files included.
pub async fn sweep(state: &AppState, now: i64) -> Result<Swept, ApiError> {
    sweep_with(state, now, true).await
}

async fn sweep_with(state: &AppState, now: i64, orphans: bool) -> Result<Swept, ApiError> {
    let retention = state.config.retention();
    Ok(Swept {
        idle_conversations: reception::end_idle(state, now).await?,
        page_tokens: store::page_tokens::delete_expired(state.db.pool(), now / 1000).await?,
        sessions: store::sessions::delete_expired(state.db.pool(), now).await?,
        ws_tickets: store::ws_tickets::delete_expired(state.db.pool(), now).await?,
        traces: store::traces::delete_older_than(&state.db, now - retention.traces_ms()).await?,
        browsing: store::browsing::delete_older_than(&state.db, now - retention.browsing_ms())
            .await?,
        orphan_files: if orphans {
            store::files::delete_orphans(state.db.pool()).await?
        } else {
            0
        },
    })
}

/// Sweeps every [`INTERVAL`] until shutdown.
pub async fn run(state: AppState) {
    let mut shutdown = state.shutdown.clone();
    let mut tick = tokio::time::interval(INTERVAL);
    let mut n: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let orphans = n.is_multiple_of(ORPHAN_EVERY);
                n += 1;
                match sweep_with(&state, now_ms(), orphans).await {
                    Ok(s) if s == Swept::default() => {}
                    Ok(s) => tracing::info!(
                        idle_conversations = s.idle_conversations,
                        page_tokens = s.page_tokens,
                        sessions = s.sessions,
                        ws_tickets = s.ws_tickets,
                        traces = s.traces,
                        browsing = s.browsing,
                        orphan_files = s.orphan_files,
                        "swept"
                    ),
                    Err(e) => tracing::warn!(error = ?e, "sweep"),
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}
