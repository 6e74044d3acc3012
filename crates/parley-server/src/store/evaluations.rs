//! `evaluations` and `bot_feedback`: what visitors said of a conversation and of the
//! bot's answers. Each is keyed so that it is stored at most once (one evaluation per
//! conversation, one mark per bot message); the service reads the stored one first
//! under the conversation's row lock and answers a repeat with it.

use parley_protocol::evaluation::{BotFeedback, Evaluation, ScoreKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use super::Result;

fn kind_text(kind: ScoreKind) -> &'static str {
    match kind {
        ScoreKind::Stars => "stars",
        ScoreKind::ZeroToTen => "zero_to_ten",
    }
}

fn evaluation_from_row(row: &AnyRow) -> Result<Evaluation> {
    let kind: String = row.try_get("kind")?;
    let tags: String = row.try_get("tags")?;
    let score: i64 = row.try_get("score")?;
    let solved: Option<i64> = row.try_get("solved")?;
    Ok(Evaluation {
        conversation_id: row.try_get("conversation_id")?,
        agent_id: row.try_get("agent_id")?,
        kind: match kind.as_str() {
            "zero_to_ten" => ScoreKind::ZeroToTen,
            _ => ScoreKind::Stars,
        },
        score: u8::try_from(score)
            .map_err(|_| sqlx::Error::Decode(format!("bad score {score}").into()))?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        solved: solved.map(|s| s != 0),
        comment: row.try_get("comment")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The conversation's evaluation, if it has one.
pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
) -> Result<Option<Evaluation>> {
    let row = sqlx::query(
        "SELECT conversation_id, agent_id, kind, score, tags, solved, comment, created_at \
         FROM evaluations WHERE conversation_id = $1",
    )
    .bind(conversation_id)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(evaluation_from_row).transpose()
}

/// Stores an evaluation of a conversation of `sysnum` and `visitor_id`.
pub async fn insert<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    visitor_id: &str,
    e: &Evaluation,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO evaluations (conversation_id, sysnum, visitor_id, agent_id, kind, score, \
         tags, solved, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&e.conversation_id)
    .bind(sysnum)
    .bind(visitor_id)
    .bind(e.agent_id.as_deref())
    .bind(kind_text(e.kind))
    .bind(i64::from(e.score))
    .bind(serde_json::to_string(&e.tags).expect("tags serialize"))
    .bind(e.solved.map(i64::from))
    .bind(&e.comment)
    .bind(e.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

fn feedback_from_row(row: &AnyRow) -> Result<BotFeedback> {
    let helpful: i64 = row.try_get("helpful")?;
    Ok(BotFeedback {
        conversation_id: row.try_get("conversation_id")?,
        seq: row.try_get("seq")?,
        helpful: helpful != 0,
        created_at: row.try_get("created_at")?,
    })
}

/// The mark on bot message `seq`, if any.
pub async fn feedback_at<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    seq: i64,
) -> Result<Option<BotFeedback>> {
    let row = sqlx::query(
        "SELECT conversation_id, seq, helpful, created_at FROM bot_feedback \
         WHERE conversation_id = $1 AND seq = $2",
    )
    .bind(conversation_id)
    .bind(seq)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(feedback_from_row).transpose()
}

/// Every mark in a conversation, in message order.
pub async fn feedback_of<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
) -> Result<Vec<BotFeedback>> {
    let rows = sqlx::query(
        "SELECT conversation_id, seq, helpful, created_at FROM bot_feedback \
         WHERE conversation_id = $1 ORDER BY seq",
    )
    .bind(conversation_id)
    .fetch_all(ex)
    .await?;
    rows.iter().map(feedback_from_row).collect()
}

/// Stores a mark; a second one for the same message violates the primary key (the
/// caller reads the first then).
pub async fn insert_feedback<'e>(
    ex: impl Executor<'e, Database = Any>,
    f: &BotFeedback,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO bot_feedback (conversation_id, seq, helpful, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&f.conversation_id)
    .bind(f.seq)
    .bind(i64::from(f.helpful))
    .bind(f.created_at)
    .execute(ex)
    .await?;
    Ok(())
}
