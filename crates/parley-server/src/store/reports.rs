//! The reports' reads over a tenant's range `[start, end)` (Unix milliseconds), and
//! `bot_unknowns`, the questions the bot could not answer. Counting by day and hour is
//! done here in SQL with integer arithmetic on the times shifted by the caller's UTC
//! offset (`(t + offset) / 86400000` is the same on SQLite and PostgreSQL); what needs
//! the order of events (waiting, first responses, loads) is read as rows and worked out
//! by `crate::reports`.

use sqlx::{Any, Executor, Row};

use super::Result;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// Records one unknown answer to `question` in a conversation of `sysnum`.
pub async fn record_unknown<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    conversation_id: &str,
    question: &str,
    normalized: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO bot_unknowns (sysnum, conversation_id, question, normalized, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sysnum)
    .bind(conversation_id)
    .bind(question)
    .bind(normalized)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}

/// A tenant's range, and the UTC offset its days are cut in.
#[derive(Debug, Clone, Copy)]
pub struct Range<'a> {
    pub sysnum: &'a str,
    pub start: i64,
    pub end: i64,
    pub offset_ms: i64,
}

/// Conversations started in the range, by local day number (days since 1970-01-01).
pub async fn conversations_per_day<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(i64, i64)>> {
    pairs(
        ex,
        "SELECT (created_at + $4) / $5 AS k, COUNT(*) AS n FROM conversations \
         WHERE sysnum = $1 AND created_at >= $2 AND created_at < $3 GROUP BY k",
        r,
        DAY_MS,
    )
    .await
}

/// Conversations started in the range, by local hour since the epoch modulo a week
/// (0 = Thursday 00:00, since 1970-01-01 was a Thursday).
pub async fn conversations_per_week_hour<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(i64, i64)>> {
    pairs(
        ex,
        "SELECT ((created_at + $4) / $5) % 168 AS k, COUNT(*) AS n FROM conversations \
         WHERE sysnum = $1 AND created_at >= $2 AND created_at < $3 GROUP BY k",
        r,
        HOUR_MS,
    )
    .await
}

/// Tickets opened in the range, by local day.
pub async fn tickets_opened<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(i64, i64)>> {
    pairs(
        ex,
        "SELECT (created_at + $4) / $5 AS k, COUNT(*) AS n FROM tickets \
         WHERE sysnum = $1 AND created_at >= $2 AND created_at < $3 GROUP BY k",
        r,
        DAY_MS,
    )
    .await
}

/// Tickets closed in the range, by local day.
pub async fn tickets_closed<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(i64, i64)>> {
    pairs(
        ex,
        "SELECT (closed_at + $4) / $5 AS k, COUNT(*) AS n FROM tickets \
         WHERE sysnum = $1 AND closed_at >= $2 AND closed_at < $3 GROUP BY k",
        r,
        DAY_MS,
    )
    .await
}

/// Tickets whose first reply came in the range, by local day.
pub async fn tickets_answered<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(i64, i64)>> {
    pairs(
        ex,
        "SELECT (f.first_at + $4) / $5 AS k, COUNT(*) AS n FROM \
         (SELECT MIN(rp.created_at) AS first_at FROM ticket_replies rp \
          JOIN tickets t ON t.id = rp.ticket_id WHERE t.sysnum = $1 GROUP BY rp.ticket_id) f \
         WHERE f.first_at >= $2 AND f.first_at < $3 GROUP BY k",
        r,
        DAY_MS,
    )
    .await
}

async fn pairs<'e>(
    ex: impl Executor<'e, Database = Any>,
    sql: &str,
    r: Range<'_>,
    unit: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(sql)
        .bind(r.sysnum)
        .bind(r.start)
        .bind(r.end)
        .bind(r.offset_ms)
        .bind(unit)
        .fetch_all(ex)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get::<i64, _>("k")?, row.try_get::<i64, _>("n")?)))
        .collect()
}

/// One conversation started in the range, with what the reports need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationFacts {
    pub id: String,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    /// Whether the visitor left a ticket between the start and the end (or, while it
    /// is open, since the start).
    pub left_message: bool,
}

/// The conversations started in the range, oldest first.
pub async fn conversations<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<ConversationFacts>> {
    let rows = sqlx::query(
        "SELECT c.id, c.created_at, c.ended_at, \
         (SELECT COUNT(*) FROM tickets t WHERE t.sysnum = c.sysnum \
          AND t.visitor_id = c.visitor_id AND t.created_at >= c.created_at \
          AND (c.ended_at IS NULL OR t.created_at <= c.ended_at)) AS tickets \
         FROM conversations c \
         WHERE c.sysnum = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         ORDER BY c.created_at, c.id",
    )
    .bind(r.sysnum)
    .bind(r.start)
    .bind(r.end)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ConversationFacts {
                id: row.try_get("id")?,
                created_at: row.try_get("created_at")?,
                ended_at: row.try_get("ended_at")?,
                left_message: row.try_get::<i64, _>("tickets")? > 0,
            })
        })
        .collect()
}

/// A system message of a conversation started in the range: (conversation, time,
/// the `SystemEvent` JSON), in each conversation's order.
pub async fn system_events<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(String, i64, String)>> {
    let rows = sqlx::query(
        "SELECT m.conversation_id, m.created_at, m.event FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id \
         WHERE c.sysnum = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         AND m.sender = 'system' AND m.event IS NOT NULL \
         ORDER BY m.conversation_id, m.seq",
    )
    .bind(r.sysnum)
    .bind(r.start)
    .bind(r.end)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("conversation_id")?,
                row.try_get("created_at")?,
                row.try_get("event")?,
            ))
        })
        .collect()
}

/// Agents' chat messages (offline messages left after the end are not part of the
/// chat) in conversations started in the range, per conversation and agent: the
/// first one's time and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentMessages {
    pub conversation_id: String,
    pub agent_id: String,
    pub first_at: i64,
    pub count: i64,
}

pub async fn agent_messages<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<AgentMessages>> {
    let rows = sqlx::query(
        "SELECT m.conversation_id, m.sender_id, MIN(m.created_at) AS first_at, \
         COUNT(*) AS n FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id \
         WHERE c.sysnum = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         AND m.sender = 'agent' AND m.kind <> 'offline' AND m.sender_id IS NOT NULL \
         GROUP BY m.conversation_id, m.sender_id",
    )
    .bind(r.sysnum)
    .bind(r.start)
    .bind(r.end)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AgentMessages {
                conversation_id: row.try_get("conversation_id")?,
                agent_id: row.try_get("sender_id")?,
                first_at: row.try_get("first_at")?,
                count: row.try_get("n")?,
            })
        })
        .collect()
}

/// Ratings given in the range: (kind, score, count).
pub async fn scores<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
) -> Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, score, COUNT(*) AS n FROM evaluations \
         WHERE sysnum = $1 AND created_at >= $2 AND created_at < $3 GROUP BY kind, score",
    )
    .bind(r.sysnum)
    .bind(r.start)
    .bind(r.end)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("kind")?,
                row.try_get("score")?,
                row.try_get("n")?,
            ))
        })
        .collect()
}

/// A rating with a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub conversation_id: String,
    pub agent_id: Option<String>,
    pub score: i64,
    pub comment: String,
    pub created_at: i64,
}

/// The newest `limit` ratings with a comment given in the range, newest first.
pub async fn comments<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
    limit: i64,
) -> Result<Vec<Comment>> {
    let rows = sqlx::query(
        "SELECT conversation_id, agent_id, score, comment, created_at FROM evaluations \
         WHERE sysnum = $1 AND created_at >= $2 AND created_at < $3 AND comment <> '' \
         ORDER BY created_at DESC, conversation_id LIMIT $4",
    )
    .bind(r.sysnum)
    .bind(r.start)
    .bind(r.end)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Comment {
                conversation_id: row.try_get("conversation_id")?,
                agent_id: row.try_get("agent_id")?,
                score: row.try_get("score")?,
                comment: row.try_get("comment")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// A group of equal unknown questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownGroup {
    pub normalized: String,
    pub example: String,
    pub count: i64,
    pub last_at: i64,
}

/// The `limit` most frequent unknown questions of the range (ties: the newest first).
pub async fn unknown_questions<'e>(
    ex: impl Executor<'e, Database = Any>,
    r: Range<'_>,
    limit: i64,
) -> Result<Vec<UnknownGroup>> {
    let rows = sqlx::query(
        "SELECT normalized, MIN(question) AS example, COUNT(*) AS n, \
         MAX(created_at) AS last_at FROM bot_unknowns \
         WHERE sysnum = $1 AND created_at >= $2 AND created_at < $3 \
         GROUP BY normalized ORDER BY n DESC, last_at DESC, normalized LIMIT $4",
    )
    .bind(r.sysnum)
    .bind(r.start)
    .bind(r.end)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UnknownGroup {
                normalized: row.try_get("normalized")?,
                example: row.try_get("example")?,
                count: row.try_get("n")?,
                last_at: row.try_get("last_at")?,
            })
        })
        .collect()
}
