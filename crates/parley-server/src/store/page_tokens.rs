//! `page_tokens`: the tokens `POST /api/page/token` issues for links (`token=`), kept
//! as digests (`crate::auth::token_digest`): `value` here is the digest.

use sqlx::{Any, Executor};

use super::{now_ms, Result};
use crate::security::PageToken;

/// Stores an issued token under `value`; `source` and `channel_flag` are the request's.
pub async fn insert<'e>(
    ex: impl Executor<'e, Database = Any>,
    value: &str,
    token: &PageToken,
    source: Option<i64>,
    channel_flag: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO page_tokens (token, sysnum, partnerid, expires_at_s, customized_fields, \
         source, channel_flag, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(value)
    .bind(&token.sysnum)
    .bind(&token.partnerid)
    .bind(token.expires_at_s)
    .bind(token.customized_fields.as_deref())
    .bind(source)
    .bind(channel_flag)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// The token stored under `value`, expired or not (the caller decides).
pub async fn find<'e>(
    ex: impl Executor<'e, Database = Any>,
    value: &str,
) -> Result<Option<PageToken>> {
    let row: Option<(String, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT sysnum, partnerid, expires_at_s, customized_fields FROM page_tokens \
         WHERE token = $1",
    )
    .bind(value)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(
        |(sysnum, partnerid, expires_at_s, customized_fields)| PageToken {
            sysnum,
            partnerid,
            expires_at_s,
            customized_fields,
        },
    ))
}

/// Deletes the tokens that expired before `now_s` (Unix seconds); returns how many.
pub async fn delete_expired<'e>(ex: impl Executor<'e, Database = Any>, now_s: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM page_tokens WHERE expires_at_s < $1")
        .bind(now_s)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}
