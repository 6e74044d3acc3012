//! `conversations`: one row per conversation, its state, its agent, its place in a
//! queue and its message counter `last_seq`.
//!
//! Locking: [`bump`] (and [`lock`], a bump by zero) is the first statement of every
//! transaction that writes a conversation. Its `UPDATE` takes the row lock on
//! PostgreSQL and SQLite's write lock, so sequence numbers assigned after it are unique
//! and gap-free, and a transition decided from the row it returns cannot race another.

use parley_protocol::api::{ConversationState, EndReason};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use super::{now_ms, Engine, Result, Sql, Tx};
use crate::chat::{Change, Conversation};

macro_rules! columns {
    () => {
        "id, sysnum, visitor_id, state, group_id, agent_id, last_seq, visitor_read_seq, \
         queued_at, end_reason, created_at, context, unknown_count, priority, queue_agent, \
         last_visitor_at, transfer_note, visitor_sysnum, agent_read_seq"
    };
}

/// Most queueing conversations one read returns.
pub const MAX_QUEUE: i64 = 5000;

fn from_row(row: &AnyRow) -> Result<Conversation> {
    let state: String = row.try_get("state")?;
    let end_reason: Option<String> = row.try_get("end_reason")?;
    Ok(Conversation {
        id: row.try_get("id")?,
        sysnum: row.try_get("sysnum")?,
        visitor_id: row.try_get("visitor_id")?,
        state: ConversationState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad state {state:?}").into()))?,
        group_id: row.try_get("group_id")?,
        agent_id: row.try_get("agent_id")?,
        last_seq: row.try_get("last_seq")?,
        visitor_read_seq: row.try_get("visitor_read_seq")?,
        agent_read_seq: row.try_get("agent_read_seq")?,
        queued_at: row.try_get("queued_at")?,
        end_reason: end_reason.and_then(|r| serde_json::from_value(r.into()).ok()),
        created_at: row.try_get("created_at")?,
        context: row.try_get("context")?,
        unknown_count: row.try_get("unknown_count")?,
        priority: row.try_get("priority")?,
        queue_agent: row.try_get("queue_agent")?,
        last_visitor_at: row.try_get("last_visitor_at")?,
        transfer_note: row.try_get("transfer_note")?,
        visitor_sysnum: row.try_get("visitor_sysnum")?,
    })
}

fn end_reason_text(r: EndReason) -> &'static str {
    match r {
        EndReason::VisitorLeft => "visitor_left",
        EndReason::AgentEnded => "agent_ended",
        EndReason::AgentOffline => "agent_offline",
        EndReason::VisitorIdle => "visitor_idle",
    }
}

/// Stores a new conversation of `visitor_id` in the bot state and returns it.
/// `context` is the JSON of its reception context.
pub async fn create<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    visitor_id: &str,
    context: &str,
) -> Result<Conversation> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let row = sqlx::query(concat!(
        "INSERT INTO conversations (id, sysnum, visitor_id, state, context, last_visitor_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING ",
        columns!()
    ))
    .bind(&id)
    .bind(sysnum)
    .bind(visitor_id)
    .bind(ConversationState::Bot.as_str())
    .bind(context)
    .bind(now_ms())
    .fetch_one(ex)
    .await?;
    from_row(&row)
}

/// One conversation.
pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<Conversation>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The visitor's most recent conversation.
pub async fn latest_of_visitor<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
) -> Result<Option<Conversation>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE visitor_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(visitor_id)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Queueing conversations of `sysnum`, first come first (at most [`MAX_QUEUE`]).
pub async fn waiting<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
) -> Result<Vec<Conversation>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE sysnum = $1 AND state = $2 ORDER BY queued_at, id LIMIT $3"
    ))
    .bind(sysnum)
    .bind(ConversationState::Queueing.as_str())
    .bind(MAX_QUEUE)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Conversations an agent holds now, oldest first.
pub async fn held_by<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    agent_id: &str,
) -> Result<Vec<Conversation>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE sysnum = $1 AND agent_id = $2 AND state = $3 \
         ORDER BY created_at"
    ))
    .bind(sysnum)
    .bind(agent_id)
    .bind(ConversationState::WithAgent.as_str())
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Sets (or clears) the conversation's transfer note.
pub async fn set_transfer_note<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: &str,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE conversations SET transfer_note = $1 WHERE id = $2")
        .bind(note)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// The visitor's newest `limit` conversations, newest first.
pub async fn of_visitor<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
    limit: i64,
) -> Result<Vec<Conversation>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE visitor_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(visitor_id)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The newest `limit` conversations `agent_id` held that have ended, newest first.
pub async fn ended_by<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    agent_id: &str,
    limit: i64,
) -> Result<Vec<Conversation>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE sysnum = $1 AND agent_id = $2 AND state = $3 \
         ORDER BY updated_at DESC, id DESC LIMIT $4"
    ))
    .bind(sysnum)
    .bind(agent_id)
    .bind(ConversationState::Ended.as_str())
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// How many conversations each agent of `sysnum` holds now (agents holding none are
/// absent).
pub async fn load_per_agent<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
) -> Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT agent_id, COUNT(*) AS n FROM conversations WHERE sysnum = $1 AND state = $2 \
         AND agent_id IS NOT NULL GROUP BY agent_id",
    )
    .bind(sysnum)
    .bind(ConversationState::WithAgent.as_str())
    .fetch_all(ex)
    .await
}

/// Ids of open conversations of `sysnum` whose visitor has been silent since before
/// `cutoff` (at most 1000 a call).
pub async fn idle_since<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    cutoff: i64,
) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM conversations WHERE sysnum = $1 AND state <> $2 \
         AND COALESCE(last_visitor_at, created_at) < $3 LIMIT 1000",
    )
    .bind(sysnum)
    .bind(ConversationState::Ended.as_str())
    .bind(cutoff)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Locks the conversation for a write by bumping `last_seq` by `n` (see the module
/// documentation); returns the row as it is after the bump. `visitor_at` records a
/// visitor's activity for the idle timeout.
pub async fn bump(
    tx: &mut Tx,
    conversation_id: &str,
    n: i64,
    visitor_at: Option<i64>,
) -> Result<Option<Conversation>> {
    let row = sqlx::query(concat!(
        "UPDATE conversations SET last_seq = last_seq + $1, updated_at = $2, \
         last_visitor_at = COALESCE($3, last_visitor_at) WHERE id = $4 RETURNING ",
        columns!()
    ))
    .bind(n)
    .bind(now_ms())
    .bind(visitor_at)
    .bind(conversation_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Locks the rows of the conversations `ids` inside `tx` and reads them, changing
/// nothing, in one statement (a group commit locks its conversations first, then bumps
/// those it stored messages in with [`bump_many`]; see `crate::chat::commit`). `ids`
/// must be sorted (byte order) and free of repeats; ids with no row are absent from
/// the answer, whose order is unspecified.
///
/// PostgreSQL locks the rows in byte order of their ids (`ORDER BY id COLLATE "C"`:
/// the sort runs before the row locks are taken), the order of `ids`, so two groups
/// sharing conversations (two instances) never wait on each other in a cycle. `FOR NO
/// KEY UPDATE` is the lock an `UPDATE` of non-key columns takes, the same as [`bump`]'s,
/// so it excludes every other writer of the rows and nothing more. On SQLite the
/// statement is a no-op `UPDATE`: it takes the database's write lock at once, as
/// [`bump`] does, rather than upgrading from a read snapshot later.
pub async fn lock_many(tx: &mut Tx, engine: Engine, ids: &[&str]) -> Result<Vec<Conversation>> {
    debug_assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = match engine {
        Engine::Postgres => Sql::new(
            engine,
            concat!("SELECT ", columns!(), " FROM conversations WHERE id IN ("),
        ),
        Engine::Sqlite => Sql::new(
            engine,
            "UPDATE conversations SET last_seq = last_seq WHERE id IN (",
        ),
    };
    // Written for a bucket of sizes (the statement cache), padded with the last id.
    let width = super::bucket(ids.len());
    sql.params(width);
    match engine {
        Engine::Postgres => sql.push(") ORDER BY id COLLATE \"C\" FOR NO KEY UPDATE"),
        Engine::Sqlite => sql.push(concat!(") RETURNING ", columns!())),
    };
    let mut q = sqlx::query(sql.text());
    for i in 0..width {
        q = q.bind(ids[i.min(ids.len() - 1)]);
    }
    let rows = q.fetch_all(&mut **tx).await?;
    rows.iter().map(from_row).collect()
}

/// One conversation's share of a group commit: how many messages were stored in it and
/// when the newest visitor message among them was (for the idle timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bump<'a> {
    pub id: &'a str,
    pub n: i64,
    pub visitor_at: Option<i64>,
}

/// [`bump`] for several conversations locked by [`lock_many`], in one statement
/// (`CASE` on the id), returning nothing: the caller knows the rows it locked. Written
/// for a bucket of sizes (the statement cache: `super::bucket`), padded with the last
/// bump repeated (a `CASE` takes its first matching arm, so a repeat changes nothing);
/// a conversation without a visitor message keeps its `last_visitor_at` (`NULL` arm).
pub async fn bump_many(tx: &mut Tx, engine: Engine, bumps: &[Bump<'_>]) -> Result<()> {
    if bumps.is_empty() {
        return Ok(());
    }
    let width = super::bucket(bumps.len());
    let padded = || (0..width).map(|i| &bumps[i.min(bumps.len() - 1)]);
    let mut sql = Sql::new(
        engine,
        "UPDATE conversations SET last_seq = last_seq + CASE id",
    );
    for _ in 0..width {
        sql.push(" WHEN ").param().push(" THEN ").param();
    }
    sql.push(" ELSE 0 END, updated_at = ").param();
    sql.push(", last_visitor_at = COALESCE(CASE id");
    for _ in 0..width {
        sql.push(" WHEN ").param().push(" THEN ").param();
    }
    sql.push(" END, last_visitor_at)");
    sql.push(" WHERE id IN (").params(width).push(")");
    // Bound in the order of the placeholders above.
    let mut q = sqlx::query(sql.text());
    for b in padded() {
        q = q.bind(b.id).bind(b.n);
    }
    q = q.bind(now_ms());
    for b in padded() {
        q = q.bind(b.id).bind(b.visitor_at);
    }
    for b in padded() {
        q = q.bind(b.id);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Locks a conversation row inside `tx` and reads it (a bump by zero: the real bump
/// follows in [`apply`] once the number of messages is known).
pub async fn lock(tx: &mut Tx, conversation_id: &str) -> Result<Option<Conversation>> {
    bump(tx, conversation_id, 0, None).await
}

/// Moves a conversation locked by [`lock`] to tenant `sysnum` (e-commerce overflow, or
/// back home), keeping the visitor's tenant in `visitor_sysnum`; returns the row after.
/// The caller holds the routing lock of the tenant it moves the conversation into.
pub async fn move_to(tx: &mut Tx, conversation_id: &str, sysnum: &str) -> Result<Conversation> {
    let row = sqlx::query(concat!(
        "UPDATE conversations SET visitor_sysnum = COALESCE(visitor_sysnum, sysnum), \
         sysnum = $1, updated_at = $2 WHERE id = $3 RETURNING ",
        columns!()
    ))
    .bind(sysnum)
    .bind(now_ms())
    .bind(conversation_id)
    .fetch_one(&mut **tx)
    .await?;
    from_row(&row)
}

/// Writes a [`Change`] to a row locked by [`lock`], reserving sequence numbers for its
/// `change.messages.len()` system messages (`before.last_seq + 1 ..`), and returns the
/// row after. The caller stores the messages in the same transaction.
pub async fn apply(
    tx: &mut Tx,
    before: &Conversation,
    change: &Change,
    now: i64,
) -> Result<Conversation> {
    let row = sqlx::query(concat!(
        "UPDATE conversations SET last_seq = last_seq + $1, state = $2, agent_id = $3, \
         group_id = $4, queued_at = $5, end_reason = $6, ended_at = $7, updated_at = $8, \
         priority = $9, queue_agent = $10, \
         agent_read_seq = CASE WHEN agent_id = $3 THEN agent_read_seq ELSE 0 END \
         WHERE id = $11 RETURNING ",
        columns!()
    ))
    .bind(change.messages.len() as i64)
    .bind(change.state.as_str())
    .bind(change.agent_id.as_deref())
    .bind(change.group_id.as_deref())
    // A conversation already waiting keeps its place when only its target changes.
    .bind(if change.queued {
        before
            .queued_at
            .filter(|_| before.state == ConversationState::Queueing)
            .or(Some(now))
    } else {
        None
    })
    .bind(change.end_reason.map(end_reason_text))
    .bind((change.state == ConversationState::Ended).then_some(now))
    .bind(now)
    .bind(change.priority)
    .bind(change.queue_agent.as_deref())
    .bind(&before.id)
    .fetch_one(&mut **tx)
    .await?;
    from_row(&row)
}

/// Counts one more unknown answer of the bot; returns the new count.
pub async fn count_unknown<'e>(ex: impl Executor<'e, Database = Any>, id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE conversations SET unknown_count = unknown_count + 1 WHERE id = $1 \
         RETURNING unknown_count",
    )
    .bind(id)
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Records that the visitor saw everything up to `seq` (never moves backwards, never
/// past the last message).
pub async fn mark_read<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    seq: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET visitor_read_seq = CASE WHEN $1 > last_seq THEN last_seq \
         ELSE $1 END WHERE id = $2 AND visitor_read_seq < $1",
    )
    .bind(seq)
    .bind(conversation_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records that the conversation's agent has seen every visitor message up to `seq`.
/// Never moves the mark backwards; `seq` is checked against `last_seq` by the caller,
/// and again here (a mark past the last message is not stored). Returns whether it
/// moved.
pub async fn mark_agent_read<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    agent_id: &str,
    seq: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE conversations SET agent_read_seq = $1 \
         WHERE id = $2 AND agent_id = $3 AND agent_read_seq < $1 AND $1 <= last_seq",
    )
    .bind(seq)
    .bind(conversation_id)
    .bind(agent_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// How many conversations wait in each tenant's queue (tenants with none are absent).
pub async fn queue_lengths<'e>(
    ex: impl Executor<'e, Database = Any>,
) -> Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT sysnum, COUNT(*) FROM conversations WHERE state = $1 GROUP BY sysnum ORDER BY sysnum",
    )
    .bind(ConversationState::Queueing.as_str())
    .fetch_all(ex)
    .await
}
