//! `chat_files`: pictures sent in conversations, bytes in the database so every
//! instance serves them. Ids are random UUIDs and are the capability to read a file.

use sqlx::{Any, Executor, Row};

use super::{now_ms, Result};

/// A file to store.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    /// A fresh random id ([`new_id`]): the capability to read the file.
    pub id: &'a str,
    /// The visitor who sent it (`None`: an agent), for their daily quota.
    pub visitor_id: Option<&'a str>,
    pub sysnum: &'a str,
    pub conversation_id: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    /// The sender's cleaned file name (a download's `Content-Disposition` names it).
    pub name: Option<&'a str>,
}

/// How many files a conversation keeps.
pub async fn count_in_conversation<'e>(
    ex: impl Executor<'e, Database = Any>,
    conversation_id: &str,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM chat_files WHERE conversation_id = $1")
        .bind(conversation_id)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// A new file id: 128 random bits.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Stores a file.
pub async fn insert<'e>(ex: impl Executor<'e, Database = Any>, f: NewFile<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_files (id, sysnum, conversation_id, content_type, size, data, \
         created_at, visitor_id, name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(f.id)
    .bind(f.sysnum)
    .bind(f.conversation_id)
    .bind(f.content_type)
    .bind(f.bytes.len() as i64)
    .bind(f.bytes)
    .bind(now_ms())
    .bind(f.visitor_id)
    .bind(f.name)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes a file.
pub async fn delete<'e>(ex: impl Executor<'e, Database = Any>, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM chat_files WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// A stored file as served: its checked content type, its name (files stored before
/// names were kept have none) and its bytes.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub content_type: String,
    pub name: Option<String>,
    pub data: Vec<u8>,
}

/// A file's checked content type, name and bytes.
pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<StoredFile>> {
    let row = sqlx::query("SELECT content_type, name, data FROM chat_files WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await?;
    row.map(|r| {
        Ok(StoredFile {
            content_type: r.try_get("content_type")?,
            name: r.try_get("name")?,
            data: r.try_get("data")?,
        })
    })
    .transpose()
}

/// Bytes of pictures `visitor_id` sent since `since` (Unix ms).
pub async fn bytes_sent_by_visitor<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
    since: i64,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM chat_files \
         WHERE visitor_id = $1 AND created_at >= $2",
    )
    .bind(visitor_id)
    .bind(since)
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Bytes of files a tenant keeps: chat pictures and ticket attachments.
pub async fn tenant_bytes<'e>(ex: impl Executor<'e, Database = Any>, sysnum: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST((SELECT COALESCE(SUM(size), 0) FROM chat_files WHERE sysnum = $1) + \
         (SELECT COALESCE(SUM(a.size), 0) FROM ticket_attachments a \
          JOIN tickets t ON t.id = a.ticket_id WHERE t.sysnum = $1) AS BIGINT)",
    )
    .bind(sysnum)
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Deletes the files whose conversation is gone (deleted by an operator); returns how
/// many.
pub async fn delete_orphans<'e>(ex: impl Executor<'e, Database = Any>) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM chat_files WHERE conversation_id NOT IN (SELECT id FROM conversations)",
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}
