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

use crate::error::ApiError;
use crate::store::{self, now_ms};
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

/// Refuses a presence report whose page does not make its visitor invitable: the
/// link's `invite_flag` (`true` on), else the tenant's backend `agent_invite`, else off
/// (`parley_protocol::effective`'s `agent_invite`: one reading of the flag for the
/// protocol, the loader and the docs). An unknown tenant is left to admission.
pub fn check_invitable(state: &AppState, query: &str) -> Result<(), ApiError> {
    let parsed = parley_protocol::ChatParams::from_query(query).value;
    let tenant = parsed
        .sysnum
        .as_deref()
        .and_then(|s| state.config.tenant(s));
    match tenant {
        Some(t) if !parley_protocol::effective(&parsed, &t.backend_settings()).agent_invite => {
            Err(ApiError::bad_request(
                "agents' invitations are off for this page: the page sets invite_flag: true, \
                 or the tenant's backend agent_invite = true",
            ))
        }
        _ => Ok(()),
    }
}

/// Records that `visitor_id` is on `page` now, and takes the invitation waiting for
/// them, if a fresh one is there (a stale one is taken and dropped).
pub async fn report(
    state: &AppState,
    sysnum: &str,
    visitor_id: &str,
    page: &VisitPage,
) -> Result<Option<Pending>, ApiError> {
    let now = now_ms();
    store::browsing::report(
        &state.db,
        sysnum,
        visitor_id,
        page,
        now,
        now - PRESENCE_TTL_MS,
    )
    .await?;
    let taken = store::browsing::take_invitation(&state.db, visitor_id).await?;
    Ok(taken
        .filter(|i| now - i.invited_at <= INVITATION_TTL_MS)
        .map(|i| Pending {
            agent_id: i.agent_id,
            text: i.text,
        }))
}

/// The tenant's visitors whose page reported recently, most recent first (at most 200).
pub async fn browsing(state: &AppState, sysnum: &str) -> Result<Vec<BrowsingVisitor>, ApiError> {
    let now = now_ms();
    Ok(store::browsing::recent(
        &state.db,
        sysnum,
        now - PRESENCE_TTL_MS,
        now - INVITATION_TTL_MS,
    )
    .await?)
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
    Ok(store::browsing::invite(
        &state.db,
        visitor_id,
        agent_id,
        text,
        now,
        now - PRESENCE_TTL_MS,
    )
    .await?)
}
