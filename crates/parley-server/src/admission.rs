//! Letting a page in: what the chat's init, the ticket pages and the loader's reports
//! (offline count, browsing tracks, presence) share.
//!
//! A page sends its raw query string. [`admit_link`] parses it with the same protocol
//! code the client used (the server never trusts the client's parse), finds the tenant
//! and applies its sign / token rules ([`crate::security::admit`]); [`admit_visitor`]
//! then finds or makes the visitor the link and the browser name and merges the link's
//! CRM fields into their profile. Refusals become the API errors the client localizes.
//!
//! Identity: only a verified `partnerid` (a valid `sign`, or a token) finds an existing
//! visitor; without one the visitor is the browser's own anonymous visitor (the id the
//! page kept), and a `partnerid` the link claims is a label on the profile. So a link
//! naming someone else's `partnerid` never reaches their history, their open
//! conversation or their tickets.

use std::sync::Arc;

use axum::http::StatusCode;
use parley_protocol::api::{ErrorCode, VisitorProfile};
use parley_protocol::{ChatParams, Parsed};

use crate::config::Tenant;
use crate::error::ApiError;
use crate::security::{self, Credentials, PageToken, Refusal};
use crate::store::{self, now_ms};
use crate::{profile, AppState};

/// Longest query string a page may send; the spec's longest realistic links (cards,
/// goods, params) stay well below it.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Longest visitor id a browser may say it kept.
pub const MAX_KEPT_ID_BYTES: usize = 64;

/// A page's link, parsed and let in by its tenant's security rules.
pub struct AdmittedLink {
    pub parsed: Parsed<ChatParams>,
    pub tenant: Arc<Tenant>,
    pub admitted: security::Admitted,
}

/// Parses a page's raw query string (refusing oversize ones), finds its tenant and
/// applies the sign / token rules. `kept_visitor_id` is the id the browser kept,
/// checked for size here for every caller.
pub async fn admit_link(
    state: &AppState,
    query: &str,
    kept_visitor_id: Option<&str>,
) -> Result<AdmittedLink, ApiError> {
    if kept_visitor_id.is_some_and(|v| v.len() > MAX_KEPT_ID_BYTES) {
        return Err(ApiError::bad_request("visitor_id is too long"));
    }
    let parsed = parse_link(query)?;
    if names_two_tenants(&parsed) {
        return Err(ApiError::bad_request(TWO_TENANTS));
    }
    let params = &parsed.value;
    let sysnum = params
        .sysnum
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("the sysnum parameter is required"))?;
    let tenant = state
        .config
        .tenant(sysnum)
        .ok_or_else(|| unknown_tenant(sysnum))?;
    let page_token = match params.security.token.as_deref() {
        Some(t) => load_page_token(state, t).await?,
        None => None,
    };
    let admitted = security::admit(
        &tenant,
        Credentials {
            partnerid: params.identity.partnerid.as_deref(),
            sign: params.security.sign.as_deref(),
            token: page_token.as_ref(),
        },
        now_ms() / 1000,
    )
    .map_err(refusal)?;
    let mut parsed = parsed;
    trust_priority(&mut parsed, &tenant, &admitted);
    Ok(AdmittedLink {
        parsed,
        tenant,
        admitted,
    })
}

/// The routing priority parameters, as a link and a token's `customized_fields` name
/// them.
const PRIORITY_PARAMS: [&str; 4] = ["queueFirst", "is_vip", "vip_level", "user_label"];

/// Routing priority (`queueFirst`, `is_vip`, `vip_level`, `user_label`) puts a visitor
/// ahead of others, so a tenant that requires sign or token takes it only from a proven
/// source: a link whose sign was verified, or the token's `customized_fields`. Other
/// links' values are dropped and reported as issues. A token's values always apply
/// (the site's backend signed them).
fn trust_priority(parsed: &mut Parsed<ChatParams>, tenant: &Tenant, admitted: &security::Admitted) {
    let policy = &tenant.security;
    let id = &mut parsed.value.identity;
    if (policy.sign_required || policy.token_required) && admitted.proof != security::Proof::Sign {
        let given = [
            id.queue_first.take().is_some(),
            id.is_vip.take().is_some(),
            id.vip_level.take().is_some(),
            id.user_label.take().is_some(),
        ];
        for (param, _) in PRIORITY_PARAMS.iter().zip(given).filter(|(_, g)| *g) {
            parsed.issues.push(parley_protocol::ParamIssue {
                param: (*param).to_owned(),
                reason: "routing priority from a link without a valid sign is ignored; \
                         give it in the token's customized_fields"
                    .to_owned(),
            });
        }
    }
    let Some(serde_json::Value::Object(fields)) = admitted
        .customized_fields
        .as_deref()
        .and_then(|f| serde_json::from_str(f).ok())
    else {
        return;
    };
    let text = |key: &str| match fields.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    let flag = |key: &str| text(key).map(|v| matches!(v.as_str(), "1" | "true"));
    if let Some(v) = flag("queueFirst") {
        id.queue_first = Some(v);
    }
    if let Some(v) = flag("is_vip") {
        id.is_vip = Some(v);
    }
    if let Some(v) = text("vip_level") {
        id.vip_level = Some(v);
    }
    if let Some(v) = text("user_label") {
        id.user_label = Some(v);
    }
}

/// The visitor of an admitted link, found or made (by the link's `partnerid`, else the
/// id the browser kept) with the link's profile fields merged in: init and the host
/// page's reports (browsing tracks, presence) know visitors the same way, so agents see
/// who is browsing and a chat started later is the same visitor's.
pub async fn admit_visitor(
    state: &AppState,
    query: &str,
    kept_visitor_id: Option<&str>,
) -> Result<(String, AdmittedLink), ApiError> {
    let link = admit_link(state, query, kept_visitor_id).await?;
    let visitor_id = store::visitors::find_or_create(
        &state.db,
        &link.tenant.sysnum,
        link.admitted.partnerid.as_deref(),
        kept_visitor_id,
    )
    .await?;
    update_profile(state, &visitor_id, &link, None).await?;
    Ok((visitor_id, link))
}

/// The visitor an admitted link names, if they exist: read-only, for the loader's
/// offline count, which must create nothing.
pub async fn known_visitor(
    state: &AppState,
    link: &AdmittedLink,
    kept_visitor_id: Option<&str>,
) -> Result<Option<String>, ApiError> {
    Ok(store::visitors::find(
        state.db.pool(),
        &link.tenant.sysnum,
        link.admitted.partnerid.as_deref(),
        kept_visitor_id,
    )
    .await?)
}

/// The visitor of a ticket page, found or made like [`admit_visitor`]: the link's
/// verified `partnerid`, else the browser's own anonymous visitor. The spec's `uid`
/// (the visitor id the CRM API reports) wins over the id the browser kept; both name
/// only anonymous visitors. The ticket identity fields (e-mail, phone, social ids) are
/// a label on the profile, never a key (`tickets::external_identity`).
pub async fn admit_ticket_visitor(
    state: &AppState,
    link: &AdmittedLink,
    kept_visitor_id: Option<&str>,
) -> Result<String, ApiError> {
    let params = &link.parsed.value;
    let partnerid = link.admitted.partnerid.clone();
    let label = crate::tickets::external_identity(params);
    let anonymous = params
        .leave_message
        .uid
        .as_deref()
        .filter(|u| u.len() <= MAX_KEPT_ID_BYTES)
        .or(kept_visitor_id);
    let visitor_id = store::visitors::find_or_create(
        &state.db,
        &link.tenant.sysnum,
        partnerid.as_deref(),
        anonymous,
    )
    .await?;
    update_profile(state, &visitor_id, link, label.as_deref()).await?;
    Ok(visitor_id)
}

/// Why a link naming two tenants is refused.
pub const TWO_TENANTS: &str = "the link's sysnum and sysNum name different companies";

/// Whether a link's `sysnum` and `sysNum` differ. The chat reads `sysnum`; a page
/// whose CSP followed the other one would let one tenant's embedders frame another
/// tenant's chat, so such links are refused everywhere.
pub fn names_two_tenants(parsed: &Parsed<ChatParams>) -> bool {
    parsed.issues.iter().any(|i| i.param == "sysNum")
}

/// Parses a page's raw query string, refusing oversize ones.
pub fn parse_link(query: &str) -> Result<Parsed<ChatParams>, ApiError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(format!(
            "the query string is longer than {MAX_QUERY_BYTES} bytes"
        )));
    }
    Ok(ChatParams::from_query(query))
}

/// The error for a sysnum no tenant has.
pub fn unknown_tenant(sysnum: &str) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownTenant,
        format!("no tenant has sysnum {sysnum:?}"),
    )
}

/// The tenant of a session (sessions are made only for configured tenants).
pub fn session_tenant(state: &AppState, sysnum: &str) -> Result<Arc<Tenant>, ApiError> {
    state
        .config
        .tenant(sysnum)
        .ok_or_else(|| ApiError::Internal("tenant of a session vanished".into()))
}

/// The stored profile of a visitor.
pub async fn profile_of(state: &AppState, visitor_id: &str) -> Result<VisitorProfile, ApiError> {
    Ok(store::visitors::profile(state.db.pool(), visitor_id).await?)
}

/// Merges the link's CRM fields into the visitor's stored profile, writing only when
/// something changed. An unverified `partnerid` (or `label`, the ticket identity
/// fields) is kept as the profile's `claimed_partnerid`.
async fn update_profile(
    state: &AppState,
    visitor_id: &str,
    link: &AdmittedLink,
    label: Option<&str>,
) -> Result<(), ApiError> {
    let stored = profile_of(state, visitor_id).await?;
    let mut merged = profile::merge(
        stored.clone(),
        &link.parsed.value,
        link.admitted.customized_fields.as_deref(),
        &link.tenant,
    );
    if let Some(claim) = link.admitted.claimed_partnerid.as_deref().or(label) {
        merged.claimed_partnerid = Some(claim.to_owned());
    }
    if merged != stored {
        store::visitors::save_profile(state.db.pool(), visitor_id, &merged).await?;
    }
    Ok(())
}

/// The security refusal as the API error the client localizes.
fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::IllegalUser => ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::IllegalUser,
            security::ILLEGAL_USER_MESSAGE,
        ),
        Refusal::TokenExpired => ApiError::client(
            StatusCode::UNAUTHORIZED,
            ErrorCode::TokenExpired,
            security::TOKEN_EXPIRED_MESSAGE,
        ),
    }
}

/// The page token a link carries, if the token API issued it.
async fn load_page_token(state: &AppState, token: &str) -> Result<Option<PageToken>, ApiError> {
    if token.len() > 128 {
        return Ok(None);
    }
    Ok(store::page_tokens::find(state.db.pool(), &crate::auth::token_digest(token)).await?)
}
