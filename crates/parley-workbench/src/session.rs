//! What the workbench keeps in local storage: the agent's session, the composers'
//! drafts per conversation and the outbox of replies not yet confirmed. Storage may be
//! blocked (private mode); everything then degrades to "nothing kept".

use parley_protocol::api::AgentView;
use serde::{Deserialize, Serialize};

use crate::model::Pending;

/// A signed-in agent: the bearer token and who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub agent: AgentView,
}

const SESSION_KEY: &str = "parley.workbench.session";
const LAST_LOGIN_KEY: &str = "parley.workbench.last";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

fn set(key: &str, value: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(key, value);
    }
}

fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

/// The kept session, if any.
pub fn load() -> Option<Session> {
    serde_json::from_str(&get(SESSION_KEY)?).ok()
}

/// Keeps `session` (or forgets it); the company and user name stay for the next
/// sign-in.
pub fn save(session: Option<&Session>) {
    match session {
        Some(s) => {
            set(SESSION_KEY, &serde_json::to_string(s).unwrap_or_default());
            set(
                LAST_LOGIN_KEY,
                &serde_json::to_string(&(&s.agent.sysnum, &s.agent.id)).unwrap_or_default(),
            );
        }
        None => remove(SESSION_KEY),
    }
}

/// The company and user name of the last sign-in, to fill the form.
pub fn last_login() -> Option<(String, String)> {
    serde_json::from_str(&get(LAST_LOGIN_KEY)?).ok()
}

fn draft_key(conversation_id: &str) -> String {
    format!("parley.workbench.draft.{conversation_id}")
}

/// The composer's unsent text for a conversation. Kept across an expired session and
/// a reload, so nothing the agent typed is lost.
pub fn draft(conversation_id: &str) -> String {
    get(&draft_key(conversation_id)).unwrap_or_default()
}

/// Keeps (or, when empty, forgets) the draft of a conversation.
pub fn set_draft(conversation_id: &str, text: &str) {
    if text.is_empty() {
        remove(&draft_key(conversation_id));
    } else {
        set(&draft_key(conversation_id), text);
    }
}

fn outbox_key(agent: &str) -> String {
    format!("parley.workbench.outbox.{agent}")
}

/// The replies of `agent` that the server has not confirmed yet.
pub fn outbox(agent: &str) -> Vec<Pending> {
    get(&outbox_key(agent))
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Keeps the unconfirmed replies.
pub fn save_outbox(agent: &str, pending: &[Pending]) {
    if pending.is_empty() {
        remove(&outbox_key(agent));
    } else {
        set(
            &outbox_key(agent),
            &serde_json::to_string(pending).unwrap_or_default(),
        );
    }
}
