//! Who agents may invite to chat now: the spec's proactive chat invitation by agent
//! (`invite_flag`).
//!
//! A host page with `invite_flag` on has the loader's visitor frame report the visitor's
//! page every [`PRESENCE_INTERVAL_SECS`] seconds (`POST /api/chat/presence`). Agents list
//! the visitors whose report is fresh ([`PRESENCE_TTL_MS`]) and invite one; the
//! invitation waits in the visitor's row and goes to the page with its next report, once.
//! Everything is in the database, so the agent and the visitor may be served by
//! different instances.

use parley_protocol::api::{BrowsingVisitor, VisitPage, PRESENCE_INTERVAL_SECS};
use sqlx::Row;

use crate::db::now_ms;
use crate::error::ApiError;
use crate::AppState;

/// A visitor is listed while their page reported within this time (three missed reports).
pub const PRESENCE_TTL_MS: i64 = 3 * PRESENCE_INTERVAL_SECS as i64 * 1000;
/// An invitation nobody picked up within this time is dropped.
pub const INVITATION_TTL_MS: i64 = 2 * 60 * 1000;
/// Longest invitation text, in characters.
pub const MAX_INVITE_CHARS: usize = 500;

/// A pending invitation taken from a visitor's row: the agent's id and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub agent_id: String,
    pub text: String,
}

/// Records that `visitor_id` is on `page` now, and takes the invitation waiting for
/// them, if a fresh one is there.
pub async fn report(
    state: &AppState,
    sysnum: &str,
    visitor_id: &str,
    page: &VisitPage,
) -> Result<Option<Pending>, ApiError> {
    let now = now_ms();
    let page = serde_json::to_string(page).expect("pages serialize");
    sqlx::query(
        "INSERT INTO browsing (visitor_id, sysnum, page, last_seen) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (visitor_id) DO UPDATE SET page = $3, last_seen = $4",
    )
    .bind(visitor_id)
    .bind(sysnum)
    .bind(&page)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    let waiting: Option<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT invited_by, invite_text, invited_at FROM browsing \
         WHERE visitor_id = $1 AND invited_by IS NOT NULL AND invited_at IS NOT NULL",
    )
    .bind(visitor_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some((agent_id, text, invited_at)) = waiting else {
        return Ok(None);
    };
    // Cleared only if it is still the invitation just read: of two instances answering
    // two reports of the same visitor, one hands it out.
    let taken = sqlx::query(
        "UPDATE browsing SET invited_by = NULL, invite_text = NULL, invited_at = NULL \
         WHERE visitor_id = $1 AND invited_by = $2 AND invited_at = $3",
    )
    .bind(visitor_id)
    .bind(&agent_id)
    .bind(invited_at)
    .execute(state.db.pool())
    .await?
    .rows_affected()
        == 1;
    let fresh = now - invited_at <= INVITATION_TTL_MS;
    Ok((taken && fresh).then(|| Pending {
        agent_id,
        text: text.unwrap_or_default(),
    }))
}

/// The tenant's visitors whose page reported recently, most recent first (at most 200).
pub async fn browsing(state: &AppState, sysnum: &str) -> Result<Vec<BrowsingVisitor>, ApiError> {
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT b.visitor_id, b.page, b.last_seen, b.invited_by, b.invited_at, v.profile \
         FROM browsing b JOIN visitors v ON v.id = b.visitor_id \
         WHERE b.sysnum = $1 AND b.last_seen > $2 ORDER BY b.last_seen DESC LIMIT 200",
    )
    .bind(sysnum)
    .bind(now - PRESENCE_TTL_MS)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let page: String = row.try_get("page")?;
            let profile: String = row.try_get("profile")?;
            let invited_by: Option<String> = row.try_get("invited_by")?;
            let invited_at: Option<i64> = row.try_get("invited_at")?;
            Ok(BrowsingVisitor {
                visitor_id: row.try_get("visitor_id")?,
                visitor_name: crate::chat::name_in_profile(&profile),
                page: serde_json::from_str(&page)
                    .map_err(|e| ApiError::Internal(format!("stored browsing page: {e}")))?,
                last_seen: row.try_get("last_seen")?,
                invited: invited_by.is_some()
                    && invited_at.is_some_and(|t| now - t <= INVITATION_TTL_MS),
            })
        })
        .collect()
}

/// Leaves an invitation from `agent_id` for `visitor_id`, replacing any earlier one.
/// `false` when the visitor's page has not reported recently: nobody would see it.
pub async fn invite(
    state: &AppState,
    visitor_id: &str,
    agent_id: &str,
    text: &str,
) -> Result<bool, ApiError> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE browsing SET invited_by = $1, invite_text = $2, invited_at = $3 \
         WHERE visitor_id = $4 AND last_seen > $5",
    )
    .bind(agent_id)
    .bind(text)
    .bind(now)
    .bind(visitor_id)
    .bind(now - PRESENCE_TTL_MS)
    .execute(state.db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}
