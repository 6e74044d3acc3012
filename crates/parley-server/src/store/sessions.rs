//! `sessions`: the bearer tokens of visitors (init), ticket pages and agents (login).

use sqlx::{Any, Executor};

use super::{now_ms, Result};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub kind: String,
    pub sysnum: String,
    /// The visitor's or the agent's id.
    pub subject: String,
    pub conversation_id: Option<String>,
}

/// Stores a session under `token`, valid for `ttl_ms`.
pub async fn insert<'e>(
    ex: impl Executor<'e, Database = Any>,
    token: &str,
    session: &Session,
    ttl_ms: i64,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token, kind, sysnum, subject, conversation_id, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token)
    .bind(&session.kind)
    .bind(&session.sysnum)
    .bind(&session.subject)
    .bind(session.conversation_id.as_deref())
    .bind(now)
    .bind(now + ttl_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes every session expired at `now` (Unix ms); returns how many.
pub async fn delete_expired<'e>(ex: impl Executor<'e, Database = Any>, now: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}

/// The live session of `token` and `kind`, if any.
pub async fn find<'e>(
    ex: impl Executor<'e, Database = Any>,
    token: &str,
    kind: &str,
) -> Result<Option<Session>> {
    let row: Option<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT kind, sysnum, subject, conversation_id FROM sessions \
         WHERE token = $1 AND kind = $2 AND expires_at > $3",
    )
    .bind(token)
    .bind(kind)
    .bind(now_ms())
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|(kind, sysnum, subject, conversation_id)| Session {
        kind,
        sysnum,
        subject,
        conversation_id,
    }))
}

/// Ends a session.
pub async fn delete<'e>(ex: impl Executor<'e, Database = Any>, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token = $1")
        .bind(token)
        .execute(ex)
        .await?;
    Ok(())
}
