//! Sending replies exactly once: each reply gets a client id, waits in the outbox
//! (kept in local storage by the shell) until the server confirms it, and is re-sent
//! with the same id after network trouble, a reconnect or a new sign-in. The server
//! stores one message per client id, so a repeat is answered with the stored one.

use leptos::prelude::*;

use crate::api::{self, CallError};
use crate::model::Pending;
use crate::Wb;

/// Re-reads the lists (and the open conversation's messages: nothing that happened
/// while the socket was down is lost), then re-sends the outbox. Run at every socket
/// open.
pub fn refresh_and_resend(wb: Wb) {
    leptos::task::spawn_local(async move {
        match api::conversations(&wb.token()).await {
            Ok(lists) => {
                wb.inbox.try_update(|i| i.set_lists(lists));
            }
            Err(e) => {
                wb.check(e);
                return;
            }
        }
        if let Some(open) = wb.inbox.try_with_untracked(|i| i.open.clone()).flatten() {
            let _ = load_messages(wb, &open).await;
        }
        resend_all(wb);
    });
}

/// Loads a conversation's messages into the inbox: the newest page first (so the
/// screen fills at once), then older pages until the whole history is loaded or a page
/// reaches messages already loaded (after a reconnect only what is new is read).
pub async fn load_messages(wb: Wb, id: &str) -> Result<(), CallError> {
    let mut before = None;
    loop {
        let page = match api::messages(&wb.token(), id, before).await {
            Ok(page) => page,
            Err(e) => return Err(wb.check(e)),
        };
        let oldest = page.messages.iter().map(|m| m.seq).min();
        let known = wb
            .inbox
            .try_with_untracked(|i| oldest.is_some_and(|s| i.has(id, s)))
            .unwrap_or(true);
        let more = page.has_more;
        if wb.inbox.try_update(|i| i.merge(page.messages)).is_none() {
            return Ok(());
        }
        match oldest {
            Some(seq) if more && !known => before = Some(seq),
            _ => return Ok(()),
        }
    }
}

/// Queues a reply and sends it.
pub fn send(wb: Wb, conversation_id: &str, text: &str) {
    let p = Pending {
        client_id: api::new_client_id(),
        conversation_id: conversation_id.to_owned(),
        text: text.to_owned(),
        failed: None,
    };
    wb.inbox.update(|i| i.outbox.push(p.clone()));
    deliver(wb, p);
}

/// Sends every unconfirmed reply that was not refused.
pub fn resend_all(wb: Wb) {
    let pending = wb
        .inbox
        .try_with_untracked(|i| i.outbox.clone())
        .unwrap_or_default();
    for p in pending.into_iter().filter(|p| p.failed.is_none()) {
        deliver(wb, p);
    }
}

/// Tries a refused reply again.
pub fn retry(wb: Wb, client_id: &str) {
    let mut again = None;
    wb.inbox.update(|i| {
        if let Some(p) = i.outbox.iter_mut().find(|p| p.client_id == client_id) {
            p.failed = None;
            again = Some(p.clone());
        }
    });
    if let Some(p) = again {
        deliver(wb, p);
    }
}

/// Drops a refused reply.
pub fn discard(wb: Wb, client_id: &str) {
    wb.inbox
        .update(|i| i.outbox.retain(|p| p.client_id != client_id));
}

fn deliver(wb: Wb, p: Pending) {
    let token = wb.token();
    if token.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let request = parley_protocol::api::SendRequest {
            client_id: p.client_id.clone(),
            text: p.text.clone(),
            faq_id: None,
        };
        match api::reply(&token, &p.conversation_id, &request).await {
            Ok(answer) => {
                wb.inbox.try_update(|i| i.merge([answer.message]));
            }
            // Kept: re-sent on the next socket open or sign-in.
            Err(CallError::Network(_)) => {}
            Err(e) if e.is_expired() => {
                wb.check(e);
            }
            Err(e) => {
                let why = e.detail();
                wb.inbox.try_update(|i| {
                    if let Some(x) = i.outbox.iter_mut().find(|x| x.client_id == p.client_id) {
                        x.failed = Some(why);
                    }
                });
            }
        }
    });
}
