//! `sessions`: the bearer tokens of visitors (init), ticket pages and agents (login),
//! kept as digests: `token` here is what `crate::auth::token_digest` makes of the
//! token the client holds.

use sqlx::{Any, Executor, Row};

use super::{now_ms, Result};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub kind: String,
    pub sysnum: String,
    /// The visitor's or the agent's id.
    pub subject: String,
    pub conversation_id: Option<String>,
    /// For an agent: a digest of their password hash at sign-in (see `crate::auth`).
    pub credential: Option<String>,
    /// For a visitor: the oldest moment (Unix ms) whose messages the session may read
    /// (the link's `time` window at init); `None`: no limit.
    pub history_since: Option<i64>,
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
         expires_at, credential, history_since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(token)
    .bind(&session.kind)
    .bind(&session.sysnum)
    .bind(&session.subject)
    .bind(session.conversation_id.as_deref())
    .bind(now)
    .bind(now + ttl_ms)
    .bind(session.credential.as_deref())
    .bind(session.history_since)
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
    let row = sqlx::query(
        "SELECT kind, sysnum, subject, conversation_id, credential, history_since FROM sessions \
         WHERE token = $1 AND kind = $2 AND expires_at > $3",
    )
    .bind(token)
    .bind(kind)
    .bind(now_ms())
    .fetch_optional(ex)
    .await?;
    row.map(|r| {
        Ok(Session {
            kind: r.try_get("kind")?,
            sysnum: r.try_get("sysnum")?,
            subject: r.try_get("subject")?,
            conversation_id: r.try_get("conversation_id")?,
            credential: r.try_get("credential")?,
            history_since: r.try_get("history_since")?,
        })
    })
    .transpose()
}

/// Ends a session.
pub async fn delete<'e>(ex: impl Executor<'e, Database = Any>, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token = $1")
        .bind(token)
        .execute(ex)
        .await?;
    Ok(())
}

/// Ends every session of one subject (an agent signing out everywhere); returns how
/// many.
pub async fn delete_all_of<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    kind: &str,
    subject: &str,
) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE sysnum = $1 AND kind = $2 AND subject = $3")
        .bind(sysnum)
        .bind(kind)
        .bind(subject)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}
