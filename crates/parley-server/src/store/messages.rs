//! `messages`: what was said, keyed by conversation and `seq`, unique per conversation,
//! sender and client id (which makes a re-send a no-op). `event` holds the
//! kind-specific JSON: a `SystemEvent` for system messages, a `BotReply` for the bot's;
//! `card` and `image` the card and picture of those kinds.

use parley_protocol::api::{ChatMessage, MessageKind, Sender};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use super::{Engine, Result, Sql, Tx};
use crate::chat::NewMessage;

macro_rules! columns {
    () => {
        "conversation_id, seq, client_id, sender, sender_name, kind, body, event, card, image, \
         file, created_at"
    };
}

/// [`columns`] of the `messages m` of a join.
macro_rules! m_columns {
    () => {
        "m.conversation_id, m.seq, m.client_id, m.sender, m.sender_name, m.kind, m.body, \
         m.event, m.card, m.image, m.file, m.created_at"
    };
}

/// Most unread agent messages one read returns.
pub const MAX_UNREAD: i64 = 200;

fn from_row(row: &AnyRow) -> Result<ChatMessage> {
    let sender: String = row.try_get("sender")?;
    let kind: String = row.try_get("kind")?;
    let event: Option<String> = row.try_get("event")?;
    let sender = Sender::parse(&sender)
        .ok_or_else(|| sqlx::Error::Decode(format!("bad sender {sender:?}").into()))?;
    let (event, bot) = match (sender, event) {
        (Sender::Bot, Some(e)) => (None, serde_json::from_str(&e).ok()),
        (_, Some(e)) => (serde_json::from_str(&e).ok(), None),
        (_, None) => (None, None),
    };
    let card: Option<String> = row.try_get("card")?;
    let image: Option<String> = row.try_get("image")?;
    let file: Option<String> = row.try_get("file")?;
    Ok(ChatMessage {
        conversation_id: row.try_get("conversation_id")?,
        seq: row.try_get("seq")?,
        client_id: row.try_get("client_id")?,
        sender,
        sender_name: row.try_get("sender_name")?,
        kind: MessageKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad kind {kind:?}").into()))?,
        text: row.try_get("body")?,
        event,
        bot,
        card: card.and_then(|c| serde_json::from_str(&c).ok()),
        image: image.and_then(|i| serde_json::from_str(&i).ok()),
        file: file.and_then(|f| serde_json::from_str(&f).ok()),
        created_at: row.try_get("created_at")?,
    })
}

/// Stores `m` as message `seq` of a conversation whose row `tx` locked and bumped.
pub async fn insert(
    tx: &mut Tx,
    conversation_id: &str,
    seq: i64,
    m: &NewMessage,
    at: i64,
) -> Result<ChatMessage> {
    let (event, card, image, file) = json_columns(m);
    sqlx::query(
        "INSERT INTO messages (conversation_id, seq, client_id, sender, sender_id, sender_name, \
         kind, body, event, card, image, file, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(conversation_id)
    .bind(seq)
    .bind(m.client_id.as_deref())
    .bind(m.sender.as_str())
    .bind(m.sender_id.as_deref())
    .bind(m.sender_name.as_deref())
    .bind(m.kind.as_str())
    .bind(&m.text)
    .bind(event)
    .bind(card)
    .bind(image)
    .bind(file)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(m.stored(conversation_id, seq, at))
}

/// One message of a group insert ([`insert_many`]).
#[derive(Debug, Clone, Copy)]
pub struct NewRow<'a> {
    pub conversation_id: &'a str,
    pub seq: i64,
    pub message: &'a NewMessage,
    pub at: i64,
}

/// Columns of one `messages` row as [`insert`] and [`insert_many`] write them.
const INSERT_COLUMNS: usize = 13;

/// The most rows one [`insert_many`] statement writes: its parameters stay within
/// SQLite's default limit (32,766 since 3.32; PostgreSQL allows 65,535).
pub const MAX_INSERT_ROWS: usize = 32_766 / INSERT_COLUMNS;

/// The kind-specific JSON columns of `m`: event (or bot reply), card, image, file.
fn json_columns(
    m: &NewMessage,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    let event = match (&m.event, &m.bot) {
        (Some(e), _) => Some(serde_json::to_string(e).expect("events serialize")),
        (None, Some(b)) => Some(serde_json::to_string(b).expect("bot replies serialize")),
        (None, None) => None,
    };
    let card = m
        .card
        .as_ref()
        .map(|c| serde_json::to_string(c).expect("cards serialize"));
    let image = m
        .image
        .as_ref()
        .map(|i| serde_json::to_string(i).expect("images serialize"));
    let file = m
        .file
        .as_ref()
        .map(|f| serde_json::to_string(f).expect("files serialize"));
    (event, card, image, file)
}

/// Stores `rows` (messages of conversations whose rows `tx` locked) with one multi-row
/// `INSERT` per [`MAX_INSERT_ROWS`] rows. Each statement is written for a bucket of
/// sizes (the statement cache: `super::bucket`): the rows come from a `VALUES` list
/// padded with rows of `NULL`s, which its `WHERE` leaves out.
pub async fn insert_many(tx: &mut Tx, engine: Engine, rows: &[NewRow<'_>]) -> Result<()> {
    for chunk in rows.chunks(MAX_INSERT_ROWS) {
        let width = super::bucket(chunk.len());
        let mut sql = Sql::new(
            engine,
            "INSERT INTO messages (conversation_id, seq, client_id, sender, sender_id, \
             sender_name, kind, body, event, card, image, file, created_at) SELECT ",
        );
        // SQLite names a `VALUES` list's columns column1, column2, …; PostgreSQL takes
        // the names given with its alias.
        match engine {
            Engine::Sqlite => sql.push(
                "column1, column2, column3, column4, column5, column6, column7, column8, \
                 column9, column10, column11, column12, column13 FROM (VALUES ",
            ),
            Engine::Postgres => sql.push("* FROM (VALUES "),
        };
        for i in 0..width {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").params(INSERT_COLUMNS).push(")");
        }
        match engine {
            Engine::Sqlite => sql.push(") WHERE column1 IS NOT NULL"),
            Engine::Postgres => sql.push(
                ") AS v(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13) \
                 WHERE c1 IS NOT NULL",
            ),
        };
        let mut q = sqlx::query(sql.text());
        for r in chunk {
            let m = r.message;
            let (event, card, image, file) = json_columns(m);
            q = q
                .bind(r.conversation_id)
                .bind(r.seq)
                .bind(m.client_id.as_deref())
                .bind(m.sender.as_str())
                .bind(m.sender_id.as_deref())
                .bind(m.sender_name.as_deref())
                .bind(m.kind.as_str())
                .bind(m.text.as_str())
                .bind(event)
                .bind(card)
                .bind(image)
                .bind(file)
                .bind(r.at);
        }
        for _ in chunk.len()..width {
            let none: Option<&str> = None;
            let no_number: Option<i64> = None;
            q = q
                .bind(none)
                .bind(no_number)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(none)
                .bind(no_number);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A stored client id: conversation, sender, client id.
pub type ClientKey<'a> = (&'a str, Sender, &'a str);

/// The most client ids one [`by_client_ids`] statement looks up: its `OR` of one term
/// per key is a chain as deep as the keys are many, and SQLite refuses an expression
/// deeper than 1,000 (`SQLITE_MAX_EXPR_DEPTH`); 256 keys (a whole committer group, see
/// `crate::chat::commit::MAX_BATCH`) stay well within it.
pub const MAX_LOOKUP_KEYS: usize = 256;

/// The messages stored under any of `keys` (each at most once: the unique index
/// `messages_client`), in no particular order. One statement per [`MAX_LOOKUP_KEYS`]
/// keys; each key is a term of an `OR`, which both engines answer from the index.
pub async fn by_client_ids(
    tx: &mut Tx,
    engine: Engine,
    keys: &[ClientKey<'_>],
) -> Result<Vec<ChatMessage>> {
    let mut found = Vec::new();
    for chunk in keys.chunks(MAX_LOOKUP_KEYS) {
        // Written for a bucket of sizes (the statement cache), padded with the last key.
        let width = super::bucket(chunk.len());
        let mut sql = Sql::new(
            engine,
            concat!("SELECT ", columns!(), " FROM messages WHERE "),
        );
        for i in 0..width {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("(conversation_id = ")
                .param()
                .push(" AND sender = ")
                .param()
                .push(" AND client_id = ")
                .param()
                .push(")");
        }
        let mut q = sqlx::query(sql.text());
        for i in 0..width {
            let (conversation_id, sender, client_id) = &chunk[i.min(chunk.len() - 1)];
            q = q
                .bind(*conversation_id)
                .bind(sender.as_str())
                .bind(*client_id);
        }
        for row in q.fetch_all(&mut **tx).await? {
            found.push(from_row(&row)?);
        }
    }
    Ok(found)
}

/// The message a client id was stored as, if any.
pub async fn by_client_id<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    sender: Sender,
    client_id: &str,
) -> Result<Option<ChatMessage>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE conversation_id = $1 AND sender = $2 AND client_id = $3"
    ))
    .bind(conversation_id)
    .bind(sender.as_str())
    .bind(client_id)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Messages with `seq > after`, oldest first, at most `limit`.
pub async fn after<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ))
    .bind(conversation_id)
    .bind(after)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The text of the conversation's newest message that a person or the bot wrote
/// (system events left out), for the workbench's preview.
pub async fn last_text<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT body FROM messages WHERE conversation_id = $1 AND kind <> $2 \
         ORDER BY seq DESC LIMIT 1",
    )
    .bind(conversation_id)
    .bind(MessageKind::System.as_str())
    .fetch_optional(ex)
    .await?;
    row.map(|r| r.try_get("body")).transpose()
}

/// The most visitor messages [`unread_by_agent`] counts: past it the count stays there,
/// so a long-neglected conversation costs a bounded read.
pub const MAX_AGENT_UNREAD: i64 = 999;

/// How many visitor messages of a conversation come after `read_seq` (at most
/// [`MAX_AGENT_UNREAD`]). A range of the primary key (conversation, seq) from the read
/// mark on: only the unread rows are visited, never the conversation's whole history.
pub async fn unread_by_agent<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    read_seq: i64,
) -> Result<u32> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = $1 \
         AND seq > $2 AND sender = $3 LIMIT $4) AS u",
    )
    .bind(conversation_id)
    .bind(read_seq)
    .bind(Sender::Visitor.as_str())
    .bind(MAX_AGENT_UNREAD)
    .fetch_one(ex)
    .await?;
    Ok(u32::try_from(n).unwrap_or(0))
}

/// Up to `limit` messages with `seq < before` written at or after `since_ms`, oldest
/// first, and whether older ones (of that window) exist.
pub async fn before<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    before: i64,
    since_ms: i64,
    limit: i64,
) -> Result<(Vec<ChatMessage>, bool)> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE conversation_id = $1 AND seq < $2 AND created_at >= $3 \
         ORDER BY seq DESC LIMIT $4"
    ))
    .bind(conversation_id)
    .bind(before)
    .bind(since_ms)
    .bind(limit + 1)
    .fetch_all(ex)
    .await?;
    let mut messages = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    let has_more = messages.len() as i64 > limit;
    messages.truncate(limit as usize);
    messages.reverse();
    Ok((messages, has_more))
}

/// The visitor's messages since `since_ms` across their conversations, oldest first,
/// the newest `limit` of them.
pub async fn recent_of_visitor<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
    since_ms: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE conversation_id IN \
         (SELECT id FROM conversations WHERE visitor_id = $1) \
         AND created_at >= $2 ORDER BY created_at DESC, seq DESC LIMIT $3"
    ))
    .bind(visitor_id)
    .bind(since_ms)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    let mut messages = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    messages.reverse();
    Ok(messages)
}

/// Which of the agents' unread messages [`unread_from_agents`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// Offline messages (kind `offline`), left after a conversation ended.
    Offline,
    /// Every other kind: what agents said in chat while the visitor was not looking.
    InChat,
}

/// Agents' messages past the visitor's read mark in any of their conversations, oldest
/// first, at most [`MAX_UNREAD`], each with its agent's id.
pub async fn unread_from_agents<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
    which: Unread,
) -> Result<Vec<(ChatMessage, Option<String>)>> {
    // From the visitor's conversations (an index on visitor_id) into each one's
    // messages past its read mark (the primary key's range): never a scan of messages.
    let sql = match which {
        Unread::Offline => concat!(
            "SELECT ",
            m_columns!(),
            ", m.sender_id FROM conversations c JOIN messages m \
             ON m.conversation_id = c.id AND m.seq > c.visitor_read_seq \
             WHERE c.visitor_id = $1 AND m.sender = $2 AND m.kind = $3 \
             ORDER BY m.created_at, m.seq LIMIT $4"
        ),
        Unread::InChat => concat!(
            "SELECT ",
            m_columns!(),
            ", m.sender_id FROM conversations c JOIN messages m \
             ON m.conversation_id = c.id AND m.seq > c.visitor_read_seq \
             WHERE c.visitor_id = $1 AND m.sender = $2 AND m.kind <> $3 \
             ORDER BY m.created_at, m.seq LIMIT $4"
        ),
    };
    let rows = sqlx::query(sql)
        .bind(visitor_id)
        .bind(Sender::Agent.as_str())
        .bind(MessageKind::Offline.as_str())
        .bind(MAX_UNREAD)
        .fetch_all(ex)
        .await?;
    rows.iter()
        .map(|row| Ok((from_row(row)?, row.try_get("sender_id")?)))
        .collect()
}

/// Message `seq` of a conversation, if stored.
pub async fn at_seq<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
    seq: i64,
) -> Result<Option<ChatMessage>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE conversation_id = $1 AND seq = $2"
    ))
    .bind(conversation_id)
    .bind(seq)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(from_row).transpose()
}
