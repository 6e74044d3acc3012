//! `settings`, `settings_generation`, `settings_audit`: the tenants' settings after the
//! first import, the number that tells instances to reload, and who changed what.

use sqlx::{Any, Executor};

use super::{Result, Tx};

/// One stored settings document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// `tenant:<sysnum>` or `retention`.
    pub scope: String,
    /// JSON.
    pub document: String,
}

/// One audit entry: a change of `scope` by `actor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub scope: String,
    pub actor: String,
    pub at: i64,
    pub before: Option<String>,
    pub after: String,
}

/// The settings' generation: raised by every change.
pub async fn generation<'e>(ex: impl Executor<'e, Database = Any>) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT generation FROM settings_generation WHERE id = 1")
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// Every stored document.
pub async fn all<'e>(ex: impl Executor<'e, Database = Any>) -> Result<Vec<Document>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT scope, document FROM settings ORDER BY scope")
            .fetch_all(ex)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(scope, document)| Document { scope, document })
        .collect())
}

/// The document of `scope`, read inside the caller's transaction.
pub async fn one(tx: &mut Tx, scope: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT document FROM settings WHERE scope = $1")
        .bind(scope)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|(d,)| d))
}

/// Raises the generation, locking its row until the caller's transaction ends, so
/// concurrent changes (from any instance) are applied one after the other. Call it
/// first in a change's transaction; returns the new generation.
pub async fn bump(tx: &mut Tx) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE settings_generation SET generation = generation + 1 WHERE id = 1 \
         RETURNING generation",
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// Writes `document` as `scope`'s and records the change (the earlier document, if
/// any, is the audit entry's `before`).
pub async fn put(tx: &mut Tx, scope: &str, document: &str, actor: &str, at: i64) -> Result<()> {
    let before = one(tx, scope).await?;
    if before.as_deref() == Some(document) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO settings (scope, document, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (scope) DO UPDATE SET document = $2, updated_at = $3, updated_by = $4",
    )
    .bind(scope)
    .bind(document)
    .bind(at)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO settings_audit (scope, actor, at, before_doc, after_doc) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(scope)
    .bind(actor)
    .bind(at)
    .bind(before)
    .bind(document)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes the documents whose scope is not in `keep` (a tenant removed by an import).
pub async fn delete_others(tx: &mut Tx, keep: &[String], actor: &str, at: i64) -> Result<()> {
    for doc in all(&mut **tx).await? {
        if keep.contains(&doc.scope) {
            continue;
        }
        sqlx::query("DELETE FROM settings WHERE scope = $1")
            .bind(&doc.scope)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO settings_audit (scope, actor, at, before_doc, after_doc) \
             VALUES ($1, $2, $3, $4, '')",
        )
        .bind(&doc.scope)
        .bind(actor)
        .bind(at)
        .bind(&doc.document)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The latest audit entries of `scope`, newest first, at most `limit`.
pub async fn audit<'e>(
    ex: impl Executor<'e, Database = Any>,
    scope: &str,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let rows: Vec<(i64, String, String, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT id, scope, actor, at, before_doc, after_doc FROM settings_audit \
         WHERE scope = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(scope)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, scope, actor, at, before, after)| AuditEntry {
            id,
            scope,
            actor,
            at,
            before,
            after,
        })
        .collect())
}
