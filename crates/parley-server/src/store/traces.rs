//! `visit_traces`: visitors' browsing tracks, one row per page view, pages as JSON.

use parley_protocol::api::{VisitPage, VisitTrace};

use super::{now_ms, Db, Result};

/// Stores one page view for `visitor_id` and drops the visitor's entries past the
/// newest `keep`. Two statements, not one transaction: a crash between them leaves one
/// entry too many until the next view.
pub async fn record(
    db: &Db,
    visitor_id: &str,
    page: &VisitPage,
    previous: Option<&VisitPage>,
    keep: i64,
) -> Result<()> {
    let json = |p: &VisitPage| serde_json::to_string(p).expect("pages serialize");
    sqlx::query(
        "INSERT INTO visit_traces (visitor_id, page, previous, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(visitor_id)
    .bind(json(page))
    .bind(previous.map(json))
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    sqlx::query(
        "DELETE FROM visit_traces WHERE visitor_id = $1 AND id NOT IN \
         (SELECT id FROM visit_traces WHERE visitor_id = $1 \
          ORDER BY id DESC LIMIT $2)",
    )
    .bind(visitor_id)
    .bind(keep)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The visitor's latest `limit` entries, newest first.
pub async fn of_visitor(db: &Db, visitor_id: &str, limit: i64) -> Result<Vec<VisitTrace>> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT page, previous, created_at FROM visit_traces WHERE visitor_id = $1 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(visitor_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(page, previous, at)| {
            let parse = |s: &str| {
                serde_json::from_str::<VisitPage>(s)
                    .map_err(|e| sqlx::Error::Decode(format!("stored trace page: {e}").into()))
            };
            Ok(VisitTrace {
                page: parse(&page)?,
                previous: previous.as_deref().map(parse).transpose()?,
                at,
            })
        })
        .collect()
}

/// Deletes the entries recorded before `before` (Unix ms); returns how many.
pub async fn delete_older_than(db: &Db, before: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM visit_traces WHERE created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
