//! `browsing`: visitors on pages where agents may invite them, each with the page it
//! last reported and an agent's pending invitation.

use parley_protocol::api::{BrowsingVisitor, VisitPage};
use sqlx::Row;

use super::visitors::name_in_profile;
use super::{Db, Result};

/// A pending invitation as stored: the agent, the text and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInvitation {
    pub agent_id: String,
    pub text: String,
    pub invited_at: i64,
}

/// Records that `visitor_id` is on `page` at `now`. The time on the page goes on when
/// the row says the same page and was seen after `fresh_after` (the visitor never left
/// the list); otherwise it starts now.
pub async fn report(
    db: &Db,
    sysnum: &str,
    visitor_id: &str,
    page: &VisitPage,
    now: i64,
    fresh_after: i64,
) -> Result<()> {
    let page = serde_json::to_string(page).expect("pages serialize");
    // Every expression of SET reads the row as it was (both engines), so the test of
    // `page` and `last_seen` sees the previous report.
    sqlx::query(
        "INSERT INTO browsing (visitor_id, sysnum, page, last_seen, page_since) \
         VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (visitor_id) DO UPDATE SET \
         page_since = CASE WHEN browsing.page = $3 AND browsing.last_seen > $5 \
                      THEN COALESCE(browsing.page_since, browsing.last_seen) ELSE $4 END, \
         page = $3, last_seen = $4",
    )
    .bind(visitor_id)
    .bind(sysnum)
    .bind(&page)
    .bind(now)
    .bind(fresh_after)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Takes the invitation waiting for `visitor_id`, if any, clearing it. Cleared only if
/// it is still the invitation just read: of two instances answering two reports of the
/// same visitor, one gets it.
pub async fn take_invitation(db: &Db, visitor_id: &str) -> Result<Option<StoredInvitation>> {
    let waiting: Option<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT invited_by, invite_text, invited_at FROM browsing \
         WHERE visitor_id = $1 AND invited_by IS NOT NULL AND invited_at IS NOT NULL",
    )
    .bind(visitor_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((agent_id, text, invited_at)) = waiting else {
        return Ok(None);
    };
    let taken = sqlx::query(
        "UPDATE browsing SET invited_by = NULL, invite_text = NULL, invited_at = NULL \
         WHERE visitor_id = $1 AND invited_by = $2 AND invited_at = $3",
    )
    .bind(visitor_id)
    .bind(&agent_id)
    .bind(invited_at)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    Ok(taken.then(|| StoredInvitation {
        agent_id,
        text: text.unwrap_or_default(),
        invited_at,
    }))
}

/// The tenant's visitors whose page reported after `seen_after`, most recent first (at
/// most 200). A visitor counts as invited while an invitation made at or
/// after `invited_after` waits.
pub async fn recent(
    db: &Db,
    sysnum: &str,
    seen_after: i64,
    invited_after: i64,
) -> Result<Vec<BrowsingVisitor>> {
    let rows = sqlx::query(
        "SELECT b.visitor_id, b.page, b.last_seen, b.page_since, b.invited_by, b.invited_at, v.profile \
         FROM browsing b JOIN visitors v ON v.id = b.visitor_id \
         WHERE b.sysnum = $1 AND b.last_seen > $2 ORDER BY b.last_seen DESC LIMIT 200",
    )
    .bind(sysnum)
    .bind(seen_after)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let page: String = row.try_get("page")?;
            let profile: String = row.try_get("profile")?;
            let invited_by: Option<String> = row.try_get("invited_by")?;
            let invited_at: Option<i64> = row.try_get("invited_at")?;
            let last_seen: i64 = row.try_get("last_seen")?;
            let page_since: Option<i64> = row.try_get("page_since")?;
            Ok(BrowsingVisitor {
                visitor_id: row.try_get("visitor_id")?,
                visitor_name: name_in_profile(&profile),
                page: serde_json::from_str(&page).map_err(|e| {
                    sqlx::Error::Decode(format!("stored browsing page: {e}").into())
                })?,
                last_seen,
                on_page_since: page_since.unwrap_or(last_seen),
                invited: invited_by.is_some() && invited_at.is_some_and(|t| t >= invited_after),
            })
        })
        .collect()
}

/// Leaves an invitation from `agent_id` for `visitor_id` at `now`, replacing any
/// earlier one, if the visitor's page reported after `seen_after`. `false` when it did
/// not: nobody would see the invitation.
pub async fn invite(
    db: &Db,
    visitor_id: &str,
    agent_id: &str,
    text: &str,
    now: i64,
    seen_after: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE browsing SET invited_by = $1, invite_text = $2, invited_at = $3 \
         WHERE visitor_id = $4 AND last_seen > $5",
    )
    .bind(agent_id)
    .bind(text)
    .bind(now)
    .bind(visitor_id)
    .bind(seen_after)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes the reports older than `before` (Unix ms), with any invitation in them;
/// returns how many.
pub async fn delete_older_than(db: &Db, before: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM browsing WHERE last_seen < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The time on a page goes on while the same page reports and the visitor stays
    /// listed; another page, or a return after dropping off the list, starts it again.
    #[tokio::test]
    async fn time_on_page_restarts_on_another_page_and_after_an_absence() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
            .await
            .unwrap();
        let visitor = super::super::visitors::find_or_create(&db, "demo", Some("p-1"), None)
            .await
            .unwrap();
        let page = |url: &str| VisitPage {
            url: url.into(),
            ..VisitPage::default()
        };
        let since = |db: Db| async move {
            let list = recent(&db, "demo", 0, 0).await.unwrap();
            (list[0].on_page_since, list[0].last_seen)
        };
        let ttl = 30_000;
        let teas = page("https://shop.example/teas");
        report(&db, "demo", &visitor, &teas, 1_000, 1_000 - ttl)
            .await
            .unwrap();
        report(&db, "demo", &visitor, &teas, 11_000, 11_000 - ttl)
            .await
            .unwrap();
        assert_eq!(since(db.clone()).await, (1_000, 11_000));
        let oolong = page("https://shop.example/teas/oolong");
        report(&db, "demo", &visitor, &oolong, 21_000, 21_000 - ttl)
            .await
            .unwrap();
        assert_eq!(since(db.clone()).await, (21_000, 21_000));
        // Gone for longer than the list keeps anyone, then back on the same page.
        report(&db, "demo", &visitor, &oolong, 100_000, 100_000 - ttl)
            .await
            .unwrap();
        assert_eq!(since(db.clone()).await, (100_000, 100_000));
    }
}
