//! `tickets`, `ticket_replies` and `ticket_attachments`: left messages and tickets, the
//! agents' replies, and attached files (bytes in the database).

use parley_protocol::params::FieldMap;
use parley_protocol::ticket::{AttachmentInfo, TicketReply, TicketStatus, TicketView};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use super::{is_unique_violation, now_ms, Db, Result};
use crate::tickets::CheckedFile;

macro_rules! columns {
    () => {
        "id, number, status, template_id, group_id, source, content, fields, tel, email, \
         docking, visitor_id, created_at, updated_at, channel, link_t"
    };
}

/// A ticket to store.
#[derive(Debug)]
pub struct NewTicket<'a> {
    pub sysnum: &'a str,
    pub visitor_id: &'a str,
    pub template_id: &'a str,
    pub group_id: Option<String>,
    /// `leave_message` or `ticket_plugin`.
    pub source: &'a str,
    pub content: &'a str,
    /// JSON of the filled template fields.
    pub fields: String,
    pub tel: Option<&'a str>,
    pub email: Option<&'a str>,
    /// JSON of the docking fields.
    pub docking: String,
    pub files: &'a [CheckedFile],
    /// The link's `source` channel code.
    pub channel: Option<u8>,
    /// The link's `t`, as given.
    pub t: Option<&'a str>,
}

/// A stored attachment's name, checked type and bytes.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// How a write to an existing ticket ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The tenant has no such ticket.
    NotFound,
}

fn from_row(row: &AnyRow) -> Result<TicketView> {
    let status: String = row.try_get("status")?;
    let fields: String = row.try_get("fields")?;
    let docking: String = row.try_get("docking")?;
    let channel: Option<i64> = row.try_get("channel")?;
    Ok(TicketView {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        status: TicketStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad status {status:?}").into()))?,
        template_id: row.try_get("template_id")?,
        group_id: row.try_get("group_id")?,
        source: row.try_get("source")?,
        content: row.try_get("content")?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        tel: row.try_get("tel")?,
        email: row.try_get("email")?,
        docking: serde_json::from_str::<FieldMap>(&docking).unwrap_or_default(),
        attachments: vec![],
        replies: vec![],
        visitor_id: row.try_get("visitor_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        channel: channel.and_then(|c| u8::try_from(c).ok()),
        t: row.try_get("link_t")?,
    })
}

/// Stores a ticket and its files in one transaction, numbering it after the tenant's
/// last ticket; returns its id. Two submissions at once may pick the same number; the
/// unique index refuses the second, which then tries again.
pub async fn insert(db: &Db, t: &NewTicket<'_>) -> Result<String> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    for _ in 0..5 {
        let mut tx = db.begin().await?;
        let (number,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE sysnum = $1")
                .bind(t.sysnum)
                .fetch_one(&mut *tx)
                .await?;
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO tickets (id, sysnum, number, visitor_id, template_id, group_id, source, \
             status, content, fields, tel, email, docking, visitor_read_at, created_at, \
             updated_at, channel, link_t) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             $12, $13, $14, $14, $14, $15, $16)",
        )
        .bind(&id)
        .bind(t.sysnum)
        .bind(number)
        .bind(t.visitor_id)
        .bind(t.template_id)
        .bind(t.group_id.as_deref())
        .bind(t.source)
        .bind(TicketStatus::Open.as_str())
        .bind(t.content)
        .bind(&t.fields)
        .bind(t.tel)
        .bind(t.email)
        .bind(&t.docking)
        .bind(now)
        .bind(t.channel.map(i64::from))
        .bind(t.t)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
        for (i, f) in t.files.iter().enumerate() {
            sqlx::query(
                "INSERT INTO ticket_attachments (ticket_id, idx, name, content_type, size, data) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(i as i64)
            .bind(&f.name)
            .bind(f.content_type)
            .bind(f.bytes.len() as i64)
            .bind(f.bytes.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        return Ok(id);
    }
    Err(sqlx::Error::Protocol(
        "ticket numbering kept conflicting".into(),
    ))
}

/// Fills a ticket's attachment list and replies.
async fn complete(db: &Db, mut t: TicketView) -> Result<TicketView> {
    let files: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT idx, name, content_type, size FROM ticket_attachments WHERE ticket_id = $1 \
         ORDER BY idx",
    )
    .bind(&t.id)
    .fetch_all(db.pool())
    .await?;
    t.attachments = files
        .into_iter()
        .map(|(index, name, content_type, size)| AttachmentInfo {
            index,
            name,
            content_type,
            size,
        })
        .collect();
    let replies: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT agent_name, body, created_at FROM ticket_replies WHERE ticket_id = $1 \
         ORDER BY seq",
    )
    .bind(&t.id)
    .fetch_all(db.pool())
    .await?;
    t.replies = replies
        .into_iter()
        .map(|(agent_name, text, created_at)| TicketReply {
            agent_name,
            text,
            created_at,
        })
        .collect();
    Ok(t)
}

async fn complete_all(db: &Db, rows: Vec<AnyRow>) -> Result<Vec<TicketView>> {
    let mut tickets = Vec::with_capacity(rows.len());
    for r in &rows {
        tickets.push(complete(db, from_row(r)?).await?);
    }
    Ok(tickets)
}

/// One ticket of a tenant, complete.
pub async fn get(db: &Db, sysnum: &str, id: &str) -> Result<Option<TicketView>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tickets WHERE id = $1 AND sysnum = $2"
    ))
    .bind(id)
    .bind(sysnum)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(r) => Ok(Some(complete(db, from_row(&r)?).await?)),
        None => Ok(None),
    }
}

/// A visitor's tickets, newest first, at most `limit`, complete.
pub async fn of_visitor(
    db: &Db,
    sysnum: &str,
    visitor_id: &str,
    limit: i64,
) -> Result<Vec<TicketView>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tickets WHERE visitor_id = $1 AND sysnum = $2 ORDER BY created_at DESC LIMIT $3"
    ))
    .bind(visitor_id)
    .bind(sysnum)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    complete_all(db, rows).await
}

/// A tenant's tickets, newest first, at most `limit`, of one status or all.
pub async fn of_tenant(
    db: &Db,
    sysnum: &str,
    status: Option<TicketStatus>,
    limit: i64,
) -> Result<Vec<TicketView>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tickets WHERE sysnum = $1 AND ($2 = '' OR status = $2) \
         ORDER BY created_at DESC LIMIT $3"
    ))
    .bind(sysnum)
    .bind(status.map(TicketStatus::as_str).unwrap_or(""))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    complete_all(db, rows).await
}

/// Agent replies to the visitor's tickets that the visitor has not seen (replies newer
/// than the ticket's `visitor_read_at`).
pub async fn unread_replies<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM ticket_replies r JOIN tickets t ON t.id = r.ticket_id \
         WHERE t.visitor_id = $1 AND r.created_at > t.visitor_read_at",
    )
    .bind(visitor_id)
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Marks every reply to the visitor's tickets read.
pub async fn mark_read<'e>(ex: impl Executor<'e, Database = Any>, visitor_id: &str) -> Result<()> {
    sqlx::query("UPDATE tickets SET visitor_read_at = $1 WHERE visitor_id = $2")
        .bind(now_ms())
        .bind(visitor_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Stores an agent's reply to ticket `id` and marks the ticket replied, in one
/// transaction numbered after the last reply (retried on a numbering conflict).
pub async fn reply(db: &Db, id: &str, agent_id: &str, agent_name: &str, text: &str) -> Result<()> {
    for _ in 0..5 {
        let mut tx = db.begin().await?;
        let (seq,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_replies WHERE ticket_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO ticket_replies (ticket_id, seq, agent_id, agent_name, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(seq)
        .bind(agent_id)
        .bind(agent_name)
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
        sqlx::query("UPDATE tickets SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(TicketStatus::Replied.as_str())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(());
    }
    Err(sqlx::Error::Protocol(
        "reply numbering kept conflicting".into(),
    ))
}

/// Closes a tenant's ticket.
pub async fn close<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    id: &str,
) -> Result<Written> {
    let done = sqlx::query(
        "UPDATE tickets SET status = $1, updated_at = $2, closed_at = $2 \
         WHERE id = $3 AND sysnum = $4",
    )
    .bind(TicketStatus::Closed.as_str())
    .bind(now_ms())
    .bind(id)
    .bind(sysnum)
    .execute(ex)
    .await?;
    Ok(if done.rows_affected() == 0 {
        Written::NotFound
    } else {
        Written::Done
    })
}

/// Attachment `index` of a tenant's ticket.
pub async fn attachment<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    id: &str,
    index: i64,
) -> Result<Option<Attachment>> {
    let row = sqlx::query(
        "SELECT a.name, a.content_type, a.data FROM ticket_attachments a \
         JOIN tickets t ON t.id = a.ticket_id WHERE a.ticket_id = $1 AND a.idx = $2 \
         AND t.sysnum = $3",
    )
    .bind(id)
    .bind(index)
    .bind(sysnum)
    .fetch_optional(ex)
    .await?;
    row.map(|r| {
        Ok(Attachment {
            name: r.try_get("name")?,
            content_type: r.try_get("content_type")?,
            data: r.try_get("data")?,
        })
    })
    .transpose()
}

/// How many tickets `visitor_id` left since `since` (Unix ms), the oldest of them
/// first-left time, and the bytes of their files.
pub async fn left_by_visitor_since<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
    since: i64,
) -> Result<(i64, Option<i64>, i64)> {
    sqlx::query_as(
        "SELECT COUNT(*), MIN(t.created_at), \
         CAST(COALESCE((SELECT SUM(a.size) FROM ticket_attachments a JOIN tickets u \
           ON u.id = a.ticket_id WHERE u.visitor_id = $1 AND u.created_at >= $2), 0) AS BIGINT) \
         FROM tickets t WHERE t.visitor_id = $1 AND t.created_at >= $2",
    )
    .bind(visitor_id)
    .bind(since)
    .fetch_one(ex)
    .await
}
