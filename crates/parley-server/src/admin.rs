//! What admins change at run time: a tenant's settings, checked like the file, stored
//! by `live_config`, with secrets never sent back out.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use parley_protocol::api::{AdminSettings, AuditEntry, ErrorCode, FaqTry, FaqTryRequest};
use serde_json::Value;

use crate::config::{key_bits, Agent, Role, Tenant, DEMO_KEY, MIN_KEY_BITS};
use crate::error::ApiError;
use crate::live_config::{self, tenant_scope, ChangeError};
use crate::{password, reception, store, AppState};

/// The shortest password an admin may give an agent.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The agent's entry if they are an admin of their tenant, else a 403.
pub fn require_admin(agent: &Agent) -> Result<(), ApiError> {
    if agent.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Unauthorized,
            "only an admin may read or change the settings",
        ))
    }
}

/// The tenant's settings as admins see them: secrets are empty strings.
pub fn redacted(tenant: &Tenant) -> Value {
    let mut value = serde_json::to_value(tenant.for_storage()).unwrap_or(Value::Null);
    redact(&mut value);
    value
}

fn redact(value: &mut Value) {
    for secret in ["secret_key", "previous_key"] {
        if let Some(key) = value.get_mut(secret) {
            *key = Value::String(String::new());
        }
    }
    if let Some(Value::Array(agents)) = value.get_mut("agent") {
        for a in agents {
            if let Some(hash) = a.get_mut("password_hash") {
                *hash = Value::String(String::new());
            }
        }
    }
}

/// The settings of `tenant` now.
pub fn settings(state: &AppState, tenant: &Tenant) -> AdminSettings {
    AdminSettings {
        generation: state.config.generation(),
        tenant: redacted(tenant),
    }
}

/// Applies an admin's change to `current`'s settings: `proposed` is the whole tenant
/// table, `passwords` new agent passwords by id. Everything is checked before anything
/// is stored; the first refusal names its field. Applies on this instance before it
/// returns, and on every other within a second.
pub async fn change(
    state: &AppState,
    current: &Tenant,
    actor: &str,
    proposed: Value,
    passwords: BTreeMap<String, String>,
) -> Result<AdminSettings, ApiError> {
    let mut next: Tenant = serde_json::from_value(proposed).map_err(|e| ApiError::Invalid {
        field: None,
        message: format!("the settings do not read: {e}"),
    })?;
    if next.sysnum != current.sysnum {
        return Err(invalid("sysnum", "the tenant's sysnum cannot change"));
    }
    keep_secret_key(
        &mut next,
        current,
        state.demo,
        crate::store::now_ms() / 1000,
    )?;
    set_passwords(&mut next, current, passwords).await?;
    let generation = live_config::put_tenant(&state.config, &state.db, next, actor)
        .await
        .map_err(|e| match e {
            ChangeError::Store(e) => ApiError::from(e),
            ChangeError::Invalid(message) => {
                let message = strip_tenant(&message, &current.sysnum);
                ApiError::Invalid {
                    field: field_of(&message),
                    message,
                }
            }
            ChangeError::UnknownTenant => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::BadRequest,
                "this tenant's settings are not stored in the database",
            ),
        })?;
    let tenant = state
        .config
        .tenant(&current.sysnum)
        .ok_or_else(|| ApiError::Internal("the changed tenant vanished".into()))?;
    // An agent this change disabled or removed must not keep visitors waiting on
    // nobody: their conversations go back to their groups' queues and their sessions
    // end (their sockets close as every instance loads the change: `routes::ws`).
    for gone in current
        .agents
        .iter()
        .filter(|a| !a.disabled && tenant.active_agent(&a.id).is_none())
    {
        let handed = reception::hand_on_agent(state, &tenant.sysnum, &gone.id).await?;
        tracing::info!(target: "audit", sysnum = %tenant.sysnum, agent = %gone.id, actor, handed, "agent disabled; conversations handed on");
    }
    Ok(AdminSettings {
        generation,
        tenant: redacted(&tenant),
    })
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid {
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

/// An empty `secret_key` (the redacted one) keeps the current key; a new one must be
/// strong, and the published demo key is refused outside `--demo`.
///
/// A new key is a rotation: the current key becomes `previous_key`, accepted until the
/// `previous_key_until` the admin chose (none: not at all). The old key is always the
/// server's own: whatever `previous_key` a client sends is ignored, so no client can
/// bring back a retired key, and the admin can only shorten or end a grace period.
fn keep_secret_key(
    next: &mut Tenant,
    current: &Tenant,
    demo: bool,
    now_s: i64,
) -> Result<(), ApiError> {
    next.previous_key = current.previous_key.clone();
    let external = next.secret_key_env.is_some() || next.secret_key_file.is_some();
    if next.secret_key.is_empty() && !external {
        if current.secret_key_env.is_some() || current.secret_key_file.is_some() {
            next.secret_key_env = current.secret_key_env.clone();
            next.secret_key_file = current.secret_key_file.clone();
        } else {
            next.secret_key = current.secret_key.clone();
        }
    } else if !next.secret_key.is_empty() {
        if key_bits(&next.secret_key) < MIN_KEY_BITS {
            return Err(invalid(
                "secret_key",
                format!("the key is under {MIN_KEY_BITS} bits (use 32 hex digits or more)"),
            ));
        }
        if next.secret_key == DEMO_KEY && !demo {
            return Err(invalid(
                "secret_key",
                "the published demo key is not a secret",
            ));
        }
        if next.secret_key != current.secret_key {
            next.previous_key = current.secret_key.clone();
        }
    }
    if next.previous_key.is_empty() {
        next.previous_key_until = None;
        return Ok(());
    }
    let rotated = next.previous_key != current.previous_key;
    match (next.previous_key_until, current.previous_key_until) {
        // A grace period may end sooner, never later than it was set to.
        (Some(until), Some(before)) if !rotated && until > before => Err(invalid(
            "previous_key_until",
            "a grace period can be shortened, not extended; rotate the key again instead",
        )),
        (Some(until), _) if until > now_s + MAX_GRACE_SECS => Err(invalid(
            "previous_key_until",
            "the old key may stay valid for at most 90 days",
        )),
        _ => Ok(()),
    }
}

/// The longest grace period an old key may get.
const MAX_GRACE_SECS: i64 = 90 * 24 * 3600;

/// Hashes the new passwords; an agent without one keeps the hash they have, and a new
/// agent must get one.
async fn set_passwords(
    next: &mut Tenant,
    current: &Tenant,
    mut passwords: BTreeMap<String, String>,
) -> Result<(), ApiError> {
    if let Some(id) = passwords
        .keys()
        .find(|id| next.agent(id).is_none())
        .cloned()
    {
        return Err(invalid(
            &format!("agent.{id}.password"),
            format!("there is no agent {id:?} to give a password"),
        ));
    }
    for agent in &mut next.agents {
        match passwords.remove(&agent.id) {
            Some(pw) => {
                let chars = pw.chars().count();
                if !(MIN_PASSWORD_CHARS..=1024).contains(&chars) {
                    return Err(invalid(
                        &format!("agent.{}.password", agent.id),
                        format!("a password has {MIN_PASSWORD_CHARS} to 1024 characters"),
                    ));
                }
                agent.password_hash = tokio::task::spawn_blocking(move || password::hash(&pw))
                    .await
                    .map_err(|e| ApiError::Internal(format!("hashing: {e}")))?;
            }
            None if agent.password_hash.is_empty() => match current.agent(&agent.id) {
                Some(before) => agent.password_hash = before.password_hash.clone(),
                None => {
                    return Err(invalid(
                        &format!("agent.{}.password", agent.id),
                        format!("the new agent {:?} needs a password", agent.id),
                    ))
                }
            },
            None => {}
        }
    }
    Ok(())
}

fn strip_tenant(message: &str, sysnum: &str) -> String {
    message
        .strip_prefix(&format!("tenant {sysnum}: "))
        .unwrap_or(message)
        .to_owned()
}

/// The field a check's message blames, as a dotted path: the message's first word
/// when it is one (`backend.color …`), `agent.bob` for "agent bob: …", else the first
/// setting the message names.
pub fn field_of(message: &str) -> Option<String> {
    let mut words = message.split_whitespace();
    let first = words.next()?.trim_end_matches(':');
    if first.contains('.') {
        return Some(first.to_owned());
    }
    if let (true, Some(second)) = (
        ["agent", "group", "bot"].contains(&first),
        words.next().filter(|w| w.ends_with(':')),
    ) {
        return Some(format!("{first}.{}", second.trim_end_matches(':')));
    }
    const NAMED: [&str; 10] = [
        "previous_key_until",
        "default_locale",
        "secret_key",
        "routing_rule",
        "leave_template",
        "docking_field",
        "customer_field",
        "group",
        "agent",
        "bot",
    ];
    NAMED
        .into_iter()
        .find(|name| message.contains(name))
        .map(str::to_owned)
}

/// The FAQ of the tenant's bot `robotid` as JSON (the FAQ file's table), for the
/// editor.
pub fn faq(tenant: &Tenant, robotid: u64) -> Result<Value, ApiError> {
    let bot = tenant
        .bots
        .iter()
        .find(|b| b.id == robotid)
        .and_then(|b| b.bot.as_ref())
        .ok_or_else(|| no_bot(robotid))?;
    serde_json::to_value(&**bot).map_err(|e| ApiError::Internal(format!("FAQ as JSON: {e}")))
}

fn no_bot(robotid: u64) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("the tenant has no bot {robotid}"),
    )
}

/// Reads an FAQ draft the editor sent: the JSON must have the FAQ file's shape and pass
/// its checks, else a refusal naming `bot.{robotid}`.
fn draft_bot(robotid: u64, draft: Value) -> Result<parley_reception::Bot, ApiError> {
    let field = format!("bot.{robotid}");
    let bot: parley_reception::Bot = serde_json::from_value(draft)
        .map_err(|e| invalid(&field, format!("the FAQ does not read: {e}")))?;
    let issues = bot.validate();
    if !issues.is_empty() {
        let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
        return Err(invalid(&field, list.join("; ")));
    }
    if bot.robotid != robotid {
        return Err(invalid(&field, "the FAQ's robotid cannot change"));
    }
    Ok(bot)
}

/// Replaces the FAQ of bot `robotid` with the editor's draft, through the same checks,
/// store and audit as any other change. The FAQ is kept as TOML, as a file has it
/// (comments of an imported file are not kept).
pub async fn change_faq(
    state: &AppState,
    current: &Tenant,
    actor: &str,
    robotid: u64,
    draft: Value,
) -> Result<AdminSettings, ApiError> {
    if !current.bots.iter().any(|b| b.id == robotid) {
        return Err(no_bot(robotid));
    }
    let bot = draft_bot(robotid, draft)?;
    let text =
        toml::to_string(&bot).map_err(|e| ApiError::Internal(format!("FAQ as TOML: {e}")))?;
    let mut proposed = redacted(current);
    if let Some(Value::Array(bots)) = proposed.get_mut("bot") {
        for b in bots.iter_mut().filter(|b| b["id"] == robotid) {
            b["faq"] = Value::String(text.clone());
        }
    }
    change(state, current, actor, proposed, BTreeMap::new()).await
}

/// How bot `robotid` would answer a question, with its stored FAQ or a draft.
pub fn try_faq(
    tenant: &Tenant,
    state: &AppState,
    request: FaqTryRequest,
) -> Result<FaqTry, ApiError> {
    if request.question.trim().is_empty() || request.question.chars().count() > 1000 {
        return Err(invalid(
            "question",
            "ask a question of 1 to 1000 characters",
        ));
    }
    let locale = request
        .locale
        .clone()
        .unwrap_or_else(|| tenant.locale().code().to_owned());
    let matcher = match request.faq {
        Some(draft) => std::sync::Arc::new(parley_reception::Matcher::new(draft_bot(
            request.robotid,
            draft,
        )?)),
        None => state
            .config
            .bot(&tenant.sysnum, Some(request.robotid))
            .ok_or_else(|| no_bot(request.robotid))?,
    };
    Ok(crate::reception::bot::try_question(
        &matcher,
        &request.question,
        &locale,
        request.faqid,
    ))
}

/// The latest changes of the tenant's settings, newest first.
pub async fn audit(
    state: &AppState,
    tenant: &Tenant,
    limit: i64,
) -> Result<Vec<AuditEntry>, ApiError> {
    let scope = tenant_scope(&tenant.sysnum);
    let entries = store::settings::audit(state.db.pool(), &scope, limit.clamp(1, 200)).await?;
    let doc = |text: &str| {
        serde_json::from_str::<Value>(text).ok().map(|mut v| {
            redact(&mut v);
            v
        })
    };
    Ok(entries
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            actor: e.actor,
            at: e.at,
            before: e.before.as_deref().and_then(doc),
            after: doc(&e.after),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn a_refusal_names_the_field_it_is_about() {
        let f = |m: &str| field_of(m);
        assert_eq!(
            f("backend.color \"zz\" is not six hex digits").as_deref(),
            Some("backend.color")
        );
        assert_eq!(
            f("partner.union_code \"\" must have 1 to 64 printable characters").as_deref(),
            Some("partner.union_code")
        );
        assert_eq!(
            f("agent bob: unknown group \"x\"").as_deref(),
            Some("agent.bob")
        );
        assert_eq!(
            f("empty or repeated agent id \"bob\"").as_deref(),
            Some("agent")
        );
        assert_eq!(
            f("group sales: hours overlap on day 1").as_deref(),
            Some("group.sales")
        );
        assert_eq!(
            f("unknown default_locale \"xx\"").as_deref(),
            Some("default_locale")
        );
        assert_eq!(f("something else entirely"), None);
    }
}
