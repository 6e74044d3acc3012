//! `ws_tickets`: one-time tickets that open a WebSocket of a session (digests only).

use sqlx::{Any, Executor};

use super::Result;

/// Stores a ticket (its digest) for the session `session` (its digest) of `kind`.
pub async fn insert<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket: &str,
    session: &str,
    kind: &str,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO ws_tickets (ticket, session, kind, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(ticket)
    .bind(session)
    .bind(kind)
    .bind(expires_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// Uses a ticket: deletes it and returns its session digest and kind, if it was there
/// and unexpired at `now`. A ticket opens at most one socket, on any instance.
pub async fn take<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket: &str,
    now: i64,
) -> Result<Option<(String, String)>> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "DELETE FROM ws_tickets WHERE ticket = $1 RETURNING session, kind, expires_at",
    )
    .bind(ticket)
    .fetch_optional(ex)
    .await?;
    Ok(row
        .filter(|(_, _, expires_at)| *expires_at > now)
        .map(|(session, kind, _)| (session, kind)))
}

/// Deletes the tickets that expired unused before `now`; returns how many.
pub async fn delete_expired<'e>(ex: impl Executor<'e, Database = Any>, now: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM ws_tickets WHERE expires_at < $1")
        .bind(now)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}
