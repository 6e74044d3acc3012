//! The bus between instances: PostgreSQL `LISTEN/NOTIFY` carries every hub event one
//! instance produces to the others, as ids, never bodies (a payload is a small JSON
//! [`Note`]).
//!
//! - a stored message (`Message`): the others re-read it from the store and publish it
//!   to their sockets of its conversation and agent;
//! - typing (`Typing`): published as it is to the conversation's or agent's sockets;
//! - a conversation's summary changed (`Summary`): re-read and published to the tenant's
//!   agents, only by an instance where some agent of that tenant listens;
//! - a tenant's queue changed (`Queue`): each instance recomputes the positions and tells
//!   its own waiting visitors.
//! - a visitor left a message (`Ticket`): published to the tenant's agents on every
//!   instance, so a ticket list anywhere re-reads it.
//! - an agent signed out (`SignedOut`, one session or all): each instance closes its
//!   sockets of the ended sessions.
//!
//! Sockets ignore sequence numbers they already sent and fill any gap from the store, so
//! a lost or repeated notification costs latency, never a message. On SQLite (one
//! instance by design) the notifier is disabled.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parley_protocol::api::Sender;
use parley_protocol::ws::ServerEvent;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::chat;
use crate::hub::Topic;
use crate::sockets::Ended;
use crate::store::{self, Db};
use crate::AppState;

/// The channel name.
pub const CHANNEL: &str = "parley";
/// Notifications waiting to be sent before new ones are dropped (the sockets of other
/// instances then catch up at their next message).
const PENDING: usize = 4096;
/// The most notes one `pg_notify` statement sends.
const NOTIFY_BATCH: usize = 256;

/// What one notification says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Note {
    /// Conversation `c` stored message `s`.
    Message { c: String, s: i64 },
    /// Someone is (or stopped) typing in conversation `c`; to its visitor's sockets
    /// (`to_agent` absent) or to agent `to_agent` of tenant `t`.
    Typing {
        c: String,
        t: String,
        to_agent: Option<String>,
        from: Sender,
        on: bool,
    },
    /// Conversation `c` of tenant `t` changed (state, agent, group).
    Summary { t: String, c: String },
    /// The queue of tenant `t` changed.
    Queue { t: String },
    /// Tenant `t` has a new ticket `id`, number `n`.
    Ticket { t: String, id: String, n: i64 },
    /// Agent `a` of tenant `t` signed out: session `s` (a digest), or every session
    /// when `s` is absent. Their open sockets close.
    SignedOut {
        t: String,
        a: String,
        s: Option<String>,
    },
}

/// A notification as sent: the sender, its time (Unix ms), and the note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub i: String,
    pub at: i64,
    #[serde(flatten)]
    pub note: Note,
}

/// Sends notifications; a no-op when disabled.
#[derive(Debug, Clone)]
pub struct Notifier {
    instance: Arc<str>,
    tx: Option<mpsc::Sender<String>>,
    /// Whether the `LISTEN` connection is up (always for a disabled notifier).
    listening: Arc<AtomicBool>,
}

impl Notifier {
    /// A notifier that does nothing (SQLite, tests).
    pub fn disabled() -> Notifier {
        Notifier {
            instance: Arc::from(uuid::Uuid::new_v4().simple().to_string()),
            tx: None,
            listening: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Whether notifications from other instances reach this one now.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    /// Whether notifications are sent.
    pub fn enabled(&self) -> bool {
        self.tx.is_some()
    }

    /// Tells the other instances `note`.
    pub fn send(&self, note: Note) {
        let Some(tx) = &self.tx else { return };
        let envelope = Envelope {
            i: self.instance.to_string(),
            at: store::now_ms(),
            note,
        };
        let payload = serde_json::to_string(&envelope).expect("notes serialize");
        if tx.try_send(payload).is_err() {
            tracing::warn!("notify queue full; a remote socket will catch up later");
        }
    }

    /// Announces that `conversation_id` has a message `seq`.
    pub fn message_stored(&self, conversation_id: &str, seq: i64) {
        self.send(Note::Message {
            c: conversation_id.to_owned(),
            s: seq,
        });
    }
}

/// Starts the sending and listening tasks on PostgreSQL and returns the notifier to put
/// in the state. `state_slot` receives the finished state so that the listener can
/// re-read messages.
pub async fn start_postgres(
    database_url: &str,
    db: Db,
) -> Result<(Notifier, tokio::sync::oneshot::Sender<AppState>), store::Error> {
    let notifier = Notifier {
        instance: Arc::from(uuid::Uuid::new_v4().simple().to_string()),
        tx: None,
        listening: Arc::new(AtomicBool::new(false)),
    };
    let (tx, mut rx) = mpsc::channel::<String>(PENDING);
    // Notes waiting together go out in one statement (a busy server stores hundreds of
    // messages a second, each with its note; one `pg_notify` round trip each kept a
    // pooled connection busy and cost PostgreSQL a commit per note).
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(NOTIFY_BATCH);
        while rx.recv_many(&mut batch, NOTIFY_BATCH).await > 0 {
            if let Err(e) = store::notify(&db, CHANNEL, &batch).await {
                tracing::warn!(error = %e, n = batch.len(), "pg_notify");
            }
            batch.clear();
        }
    });
    let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    notifier.listening.store(true, Ordering::Relaxed);
    let (state_tx, state_rx) = tokio::sync::oneshot::channel::<AppState>();
    let own = Arc::clone(&notifier.instance);
    let listening = Arc::clone(&notifier.listening);
    tokio::spawn(async move {
        let Ok(state) = state_rx.await else { return };
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    listening.store(true, Ordering::Relaxed);
                    let Ok(e) = serde_json::from_str::<Envelope>(n.payload()) else {
                        continue;
                    };
                    if e.i == *own {
                        continue;
                    }
                    let lag = (crate::store::now_ms() - e.at).max(0);
                    state.metrics.bus_lag_ms.store(lag, Ordering::Relaxed);
                    if let Err(err) = deliver(&state, e.note).await {
                        tracing::warn!(error = ?err, "delivering a note from another instance");
                    }
                }
                // The connection dropped and PgListener made a new one (LISTENing
                // again): notes sent in between are lost, so resync from the store.
                Ok(None) => {
                    tracing::warn!("LISTEN connection lost and re-made; resyncing");
                    listening.store(true, Ordering::Relaxed);
                    resync(&state).await;
                }
                // It could not make a new one: not ready until a query on it (which
                // reconnects and LISTENs again) goes through.
                Err(e) => {
                    listening.store(false, Ordering::Relaxed);
                    tracing::warn!(error = %e, "LISTEN connection");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    if sqlx::query("SELECT 1").execute(&mut listener).await.is_ok() {
                        listening.store(true, Ordering::Relaxed);
                        resync(&state).await;
                    }
                }
            }
        }
    });
    Ok((
        Notifier {
            tx: Some(tx),
            ..notifier
        },
        state_tx,
    ))
}

/// After the `LISTEN` connection was down, notes may have been lost: every local
/// visitor socket is handed its conversation's newest message, which (by its `seq`)
/// makes the socket read whatever it missed from the store, exactly once; the tenant
/// topics get fresh summaries of the conversations their agents hold.
pub async fn resync(state: &AppState) {
    let local = AppState {
        notifier: Notifier::disabled(),
        ..state.clone()
    };
    for topic in local.hub.topics() {
        match topic {
            Topic::Conversation(id) => {
                let Ok(Some(c)) = chat::get(&local, &id).await else {
                    continue;
                };
                if let Ok(newest) =
                    store::messages::after(local.db.pool(), &id, c.last_seq - 1, 1).await
                {
                    chat::publish::fan_out(&local, &c, &newest);
                }
            }
            Topic::Agent(sysnum, agent) => {
                if let Ok(held) =
                    store::conversations::held_by(local.db.pool(), &sysnum, &agent).await
                {
                    for c in held {
                        chat::publish::summary(&local, &c).await;
                    }
                }
            }
            Topic::Tenant(_) => {}
        }
    }
    tracing::info!("resynced this instance's sockets after the listener came back");
}

/// Publishes another instance's note to this instance's sockets (never sending it on:
/// the local state's notifier is disabled here).
async fn deliver(state: &AppState, note: Note) -> Result<(), crate::error::ApiError> {
    let local = AppState {
        notifier: Notifier::disabled(),
        ..state.clone()
    };
    match note {
        Note::Message { c, s } => {
            // Nobody here to tell: nothing to read.
            if local.hub.subscriber_count() == 0 {
                return Ok(());
            }
            let Some(conversation) = chat::get(&local, &c).await? else {
                return Ok(());
            };
            let messages = store::messages::after(local.db.pool(), &c, s - 1, 1).await?;
            chat::publish::fan_out(&local, &conversation, &messages);
        }
        Note::Typing {
            c,
            t,
            to_agent,
            from,
            on,
        } => {
            let topic = match to_agent {
                Some(agent) => Topic::agent(&t, &agent),
                None => Topic::Conversation(c.clone()),
            };
            local.hub.publish(
                &topic,
                Arc::new(ServerEvent::Typing {
                    conversation_id: c,
                    from,
                    typing: on,
                }),
            );
        }
        Note::Summary { t, c } => {
            if local.hub.has_subscribers(&Topic::Tenant(t)) {
                if let Some(conversation) = chat::get(&local, &c).await? {
                    chat::publish::summary(&local, &conversation).await;
                }
            }
        }
        Note::Queue { t } => chat::publish::queue_positions(&local, &t).await,
        Note::SignedOut { t, a, s } => local.sockets.end(Ended::new(&t, &a, s)),
        Note::Ticket { t, id, n } => local.hub.publish(
            &Topic::Tenant(t),
            Arc::new(ServerEvent::Ticket {
                ticket_id: id,
                number: n,
            }),
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_small_json_of_ids() {
        let e = Envelope {
            i: "i1".into(),
            at: 1_796_000_000_000,
            note: Note::Typing {
                c: "conv".into(),
                t: "demo".into(),
                to_agent: Some("a/b".into()),
                from: Sender::Visitor,
                on: true,
            },
        };
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.len() < 200, "{text}");
        assert_eq!(serde_json::from_str::<Envelope>(&text).unwrap(), e);
        let m = r#"{"i":"x","at":1,"k":"Message","c":"conv","s":42}"#;
        assert_eq!(
            serde_json::from_str::<Envelope>(m).unwrap().note,
            Note::Message {
                c: "conv".into(),
                s: 42
            }
        );
    }
}
