//! Fan-out between instances through PostgreSQL `LISTEN/NOTIFY`.
//!
//! After committing a message an instance runs `NOTIFY parley, '<instance>:<conversation
//! id>:<seq>'`. Every instance listens; for another instance's notification it re-reads
//! that message from the store and publishes it to its local sockets through the
//! [`crate::hub::Hub`]. Sockets ignore sequence numbers they already sent and fill any
//! gap from the store, so a lost or repeated notification costs latency, never a
//! message. On SQLite (one instance by design) the notifier is disabled.

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
}

impl Notifier {
    /// A notifier that does nothing (SQLite, tests).
    pub fn disabled() -> Notifier {
        Notifier {
            instance: Arc::from(uuid::Uuid::new_v4().simple().to_string()),
            tx: None,
        }
    }

    /// Whether notifications are sent.
    pub fn enabled(&self) -> bool {
        self.tx.is_some()
    }

    /// Announces that `conversation_id` has a message `seq`.
    pub fn message_stored(&self, conversation_id: &str, seq: i64) {
        if let Some(tx) = &self.tx {
            if tx
                .try_send(format!("{}:{conversation_id}:{seq}", self.instance))
                .is_err()
            {
                tracing::warn!("notify queue full; a remote socket will catch up later");
            }
        }
    }
}

/// Splits a payload into (instance, conversation id, seq).
pub fn parse_payload(payload: &str) -> Option<(&str, &str, i64)> {
    let (instance, rest) = payload.split_once(':')?;
    let (conversation, seq) = rest.rsplit_once(':')?;
    Some((instance, conversation, seq.parse().ok()?))
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
    let (state_tx, state_rx) = tokio::sync::oneshot::channel::<AppState>();
    let own = Arc::clone(&notifier.instance);
    tokio::spawn(async move {
        let Ok(state) = state_rx.await else { return };
        loop {
            match listener.recv().await {
                Ok(n) => {
                    let Some((instance, conversation, seq)) = parse_payload(n.payload()) else {
                        continue;
                    };
                    if instance == &*own {
                        continue;
                    }
                    if let Err(e) = republish(&state, conversation, seq).await {
                        tracing::warn!(error = ?e, "re-reading a notified message");
                    }
                }
                // PgListener reconnects by itself on the next recv.
                Err(e) => {
                    tracing::warn!(error = %e, "LISTEN connection");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
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
    chat::publish::messages(&local, &c, &messages);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        assert_eq!(parse_payload("i1:conv:42"), Some(("i1", "conv", 42)));
        assert_eq!(parse_payload("i1:conv"), None);
        assert_eq!(parse_payload("i1:conv:x"), None);
    }
}
