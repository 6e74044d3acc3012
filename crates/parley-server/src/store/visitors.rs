//! `visitors`: who chats, by the id Parley gave them or the site's `partnerid`, and
//! their CRM profile (JSON in `visitors.profile`).

use parley_protocol::api::VisitorProfile;
use sqlx::{Any, Executor};

use super::{is_unique_violation, now_ms, Db, Result};

/// The visitor of `sysnum` known by `partnerid`, else by the anonymous id the client
/// kept, else a new one. Returns the visitor id.
///
/// Two first inits of the same partnerid at once both try to insert; the unique index
/// lets one win and the other reads the winner's row.
pub async fn find_or_create(
    db: &Db,
    sysnum: &str,
    partnerid: Option<&str>,
    anonymous_id: Option<&str>,
) -> Result<String> {
    for _ in 0..2 {
        if let Some(id) = find(db.pool(), sysnum, partnerid, anonymous_id).await? {
            sqlx::query("UPDATE visitors SET last_seen = $1 WHERE id = $2")
                .bind(now_ms())
                .bind(&id)
                .execute(db.pool())
                .await?;
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        let inserted = sqlx::query(
            "INSERT INTO visitors (id, sysnum, partnerid, created_at, last_seen) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&id)
        .bind(sysnum)
        .bind(partnerid)
        .bind(now_ms())
        .execute(db.pool())
        .await;
        match inserted {
            Ok(_) => return Ok(id),
            Err(e) if is_unique_violation(&e) && partnerid.is_some() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(sqlx::Error::Protocol(
        "visitor insert kept conflicting".into(),
    ))
}

/// The visitor a link and a browser name, if there is one: by `partnerid` when the
/// link has it, else by the anonymous id the browser kept.
pub async fn find<'e>(
    ex: impl Executor<'e, Database = Any>,
    sysnum: &str,
    partnerid: Option<&str>,
    anonymous_id: Option<&str>,
) -> Result<Option<String>> {
    let row: Option<(String,)> = match (partnerid, anonymous_id) {
        (Some(p), _) => {
            sqlx::query_as("SELECT id FROM visitors WHERE sysnum = $1 AND partnerid = $2")
                .bind(sysnum)
                .bind(p)
                .fetch_optional(ex)
                .await?
        }
        (None, Some(a)) => {
            sqlx::query_as(
                "SELECT id FROM visitors WHERE sysnum = $1 AND id = $2 AND partnerid IS NULL",
            )
            .bind(sysnum)
            .bind(a)
            .fetch_optional(ex)
            .await?
        }
        (None, None) => None,
    };
    Ok(row.map(|(id,)| id))
}

/// The tenant a visitor belongs to, if the visitor exists.
pub async fn tenant_of<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT sysnum FROM visitors WHERE id = $1")
        .bind(visitor_id)
        .fetch_optional(ex)
        .await?;
    Ok(row.map(|(s,)| s))
}

/// The visitor's stored profile with the row's own fields (id, partnerid, times).
pub async fn profile<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
) -> Result<VisitorProfile> {
    let (partnerid, profile, created_at, last_seen): (Option<String>, String, i64, i64) =
        sqlx::query_as(
            "SELECT partnerid, profile, created_at, last_seen FROM visitors WHERE id = $1",
        )
        .bind(visitor_id)
        .fetch_one(ex)
        .await?;
    let mut p: VisitorProfile = serde_json::from_str(&profile).unwrap_or_default();
    p.visitor_id = visitor_id.to_owned();
    p.partnerid = partnerid;
    p.created_at = created_at;
    p.last_seen = last_seen;
    Ok(p)
}

/// Replaces the visitor's profile JSON.
pub async fn save_profile<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
    profile: &VisitorProfile,
) -> Result<()> {
    sqlx::query("UPDATE visitors SET profile = $1 WHERE id = $2")
        .bind(serde_json::to_string(profile).expect("profiles serialize"))
        .bind(visitor_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// The visitor's nickname (`uname` of the profile), for the agents' lists.
pub async fn name<'e>(
    ex: impl Executor<'e, Database = Any>,
    visitor_id: &str,
) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT profile FROM visitors WHERE id = $1")
        .bind(visitor_id)
        .fetch_optional(ex)
        .await?;
    Ok(row.and_then(|(p,)| name_in_profile(&p)))
}

/// The nickname (`uname`) in a stored `visitors.profile` JSON, if any.
pub fn name_in_profile(profile: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(profile)
        .ok()?
        .get("uname")?
        .as_str()
        .map(str::to_owned)
}
