//! Fan-out between instances through PostgreSQL `LISTEN/NOTIFY`.
//!
//! After committing a message an instance runs `NOTIFY parley, '<instance>:<conversation
//! id>:<seq>'`. Every instance listens; for another instance's notification it re-reads
//! that message from the store and publishes it to its local sockets through the
//! [`crate::hub::Hub`]. Sockets ignore sequence numbers they already sent and fill any
//! gap from the store, so a lost or repeated notification costs latency, never a
//! message. On SQLite (one instance by design) the notifier is disabled.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::chat;
use crate::store::{self, Db};
use crate::AppState;

/// The channel name.
pub const CHANNEL: &str = "parley";
/// Notifications waiting to be sent before new ones are dropped (the sockets of other
/// instances then catch up at their next message).
const PENDING: usize = 4096;

/// Sends notifications for stored messages; a no-op when disabled.
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

    /// Announces that `conversation_id` has a message `seq`.
    pub fn message_stored(&self, conversation_id: &str, seq: i64) {
        if let Some(tx) = &self.tx {
            if tx
                .try_send(format!(
                    "{}:{conversation_id}:{seq}:{}",
                    self.instance,
                    crate::store::now_ms()
                ))
                .is_err()
            {
                tracing::warn!("notify queue full; a remote socket will catch up later");
            }
        }
    }
}

/// A notification: who sent it, about which message, and when (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload<'a> {
    pub instance: &'a str,
    pub conversation: &'a str,
    pub seq: i64,
    pub sent_ms: i64,
}

/// Reads `instance:conversation:seq:sent_ms`.
pub fn parse_payload(payload: &str) -> Option<Payload<'_>> {
    let (instance, rest) = payload.split_once(':')?;
    let (rest, sent_ms) = rest.rsplit_once(':')?;
    let (conversation, seq) = rest.rsplit_once(':')?;
    Some(Payload {
        instance,
        conversation,
        seq: seq.parse().ok()?,
        sent_ms: sent_ms.parse().ok()?,
    })
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
    tokio::spawn(async move {
        while let Some(payload) = rx.recv().await {
            if let Err(e) = store::notify(&db, CHANNEL, &payload).await {
                tracing::warn!(error = %e, "pg_notify");
            }
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
            match listener.recv().await {
                Ok(n) => {
                    listening.store(true, Ordering::Relaxed);
                    let Some(p) = parse_payload(n.payload()) else {
                        continue;
                    };
                    if p.instance == &*own {
                        continue;
                    }
                    let lag = (crate::store::now_ms() - p.sent_ms).max(0);
                    state.metrics.bus_lag_ms.store(lag, Ordering::Relaxed);
                    if let Err(e) = republish(&state, p.conversation, p.seq).await {
                        tracing::warn!(error = ?e, "re-reading a notified message");
                    }
                }
                // PgListener reconnects by itself when a connection drops; an error
                // means it could not. Not ready until a query on it (which reconnects
                // and LISTENs again) goes through.
                Err(e) => {
                    listening.store(false, Ordering::Relaxed);
                    tracing::warn!(error = %e, "LISTEN connection");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    if sqlx::query("SELECT 1").execute(&mut listener).await.is_ok() {
                        listening.store(true, Ordering::Relaxed);
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

async fn republish(
    state: &AppState,
    conversation_id: &str,
    seq: i64,
) -> Result<(), crate::error::ApiError> {
    let Some(c) = chat::get(state, conversation_id).await? else {
        return Ok(());
    };
    let messages = store::messages::after(state.db.pool(), conversation_id, seq - 1, 1).await?;
    let local = AppState {
        notifier: Notifier::disabled(),
        ..state.clone()
    };
    chat::publish::fan_out(&local, &c, &messages);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        assert_eq!(
            parse_payload("i1:conv:42:1796000000000"),
            Some(Payload {
                instance: "i1",
                conversation: "conv",
                seq: 42,
                sent_ms: 1_796_000_000_000
            })
        );
        assert_eq!(parse_payload("i1:conv:42"), None);
        assert_eq!(parse_payload("i1:conv:x:1"), None);
    }
}
