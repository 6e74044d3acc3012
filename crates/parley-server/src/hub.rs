//! In-process fan-out of realtime events to the sockets of this instance.
//!
//! Sockets subscribe to topics (a conversation, an agent, a tenant) and get one bounded
//! queue each. Publishing never waits: when a subscriber's queue is full the hub drops
//! that subscriber, its socket sees the queue close and disconnects with
//! [`parley_protocol::ws::CLOSE_OVERFLOW`], and the client reconnects with its last
//! sequence number and catches up from the store. So a slow client costs at most
//! [`QUEUE_CAPACITY`] events of memory, and nobody else waits for it.
//!
//! The hub only knows about local sockets. Events of stored messages are published
//! after their transaction commits, which is what lets a socket fill any gap from the
//! store (see `routes::ws`). Several instances are joined through PostgreSQL
//! `LISTEN/NOTIFY` by [`crate::notify`], which re-publishes other instances' messages
//! here.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use parley_protocol::ws::ServerEvent;
use tokio::sync::mpsc;

/// Events one socket may have queued before it counts as too slow.
pub const QUEUE_CAPACITY: usize = 256;
/// [`QUEUE_CAPACITY`] for an agent's socket, which follows every conversation the agent
/// holds: one group commit publishes an event per message to the holder of its
/// conversation (up to `crate::chat::commit::MAX_BATCH` at once), and the agent's own
/// replies come back as events too, so a burst for one agent can pass 256 while the
/// socket keeps up. The bound stays: a slow agent costs at most this many events.
pub const AGENT_QUEUE_CAPACITY: usize = 4 * QUEUE_CAPACITY;

/// What a socket listens to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Everything stored in one conversation, plus typing and queue position.
    Conversation(String),
    /// What one agent (tenant, agent id) must see: messages of their conversations.
    /// A pair, not a joined string: `("a/b", "c")` and `("a", "b/c")` are two agents.
    Agent(String, String),
    /// Tenant-wide changes agents watch (queue updates).
    Tenant(String),
}

impl Topic {
    /// The agent topic of `agent_id` in `sysnum`.
    pub fn agent(sysnum: &str, agent_id: &str) -> Topic {
        Topic::Agent(sysnum.to_owned(), agent_id.to_owned())
    }
}

struct Subscriber {
    tx: mpsc::Sender<Arc<ServerEvent>>,
    topics: Vec<Topic>,
}

#[derive(Default)]
struct Inner {
    subscribers: HashMap<u64, Subscriber>,
    by_topic: HashMap<Topic, HashSet<u64>>,
}

/// The fan-out hub. Cheap to share (`Arc`).
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
    next_id: AtomicU64,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("subscribers", &self.subscriber_count())
            .finish()
    }
}

/// One socket's subscription; dropping it unsubscribes.
pub struct Subscription {
    id: u64,
    hub: Arc<Hub>,
    /// The socket's bounded queue. `None` from `recv` means the hub dropped this
    /// subscriber because the queue overflowed.
    pub rx: mpsc::Receiver<Arc<ServerEvent>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.remove(self.id);
    }
}

impl Hub {
    /// A new, empty hub.
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub::default())
    }

    /// Subscribes one socket to `topics` with a queue of `capacity` events.
    pub fn subscribe(self: &Arc<Self>, topics: Vec<Topic>, capacity: usize) -> Subscription {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.inner.lock().expect("hub lock");
        for t in &topics {
            inner.by_topic.entry(t.clone()).or_default().insert(id);
        }
        inner.subscribers.insert(id, Subscriber { tx, topics });
        Subscription {
            id,
            hub: Arc::clone(self),
            rx,
        }
    }

    /// Delivers `event` to every subscriber of `topic` without waiting. Subscribers whose
    /// queue is full or closed are removed.
    pub fn publish(&self, topic: &Topic, event: Arc<ServerEvent>) {
        let mut inner = self.inner.lock().expect("hub lock");
        let Some(ids) = inner.by_topic.get(topic) else {
            return;
        };
        let mut dead = Vec::new();
        for id in ids {
            if let Some(s) = inner.subscribers.get(id) {
                if s.tx.try_send(Arc::clone(&event)).is_err() {
                    dead.push(*id);
                }
            }
        }
        for id in dead {
            if inner.subscribers.contains_key(&id) {
                tracing::info!(subscriber = id, "dropping a slow or closed subscriber");
            }
            remove_locked(&mut inner, id);
        }
    }

    /// How many sockets are subscribed (for tests and metrics).
    /// The topics some socket here follows.
    pub fn topics(&self) -> Vec<Topic> {
        self.inner
            .lock()
            .expect("hub lock")
            .by_topic
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Whether any socket here listens to `topic` (another instance's event for a topic
    /// nobody here follows costs this instance nothing).
    pub fn has_subscribers(&self, topic: &Topic) -> bool {
        self.inner
            .lock()
            .expect("hub lock")
            .by_topic
            .get(topic)
            .is_some_and(|ids| !ids.is_empty())
    }

    pub fn subscriber_count(&self) -> usize {
        self.inner.lock().expect("hub lock").subscribers.len()
    }

    fn remove(&self, id: u64) {
        let mut inner = self.inner.lock().expect("hub lock");
        remove_locked(&mut inner, id);
    }
}

fn remove_locked(inner: &mut Inner, id: u64) {
    if let Some(s) = inner.subscribers.remove(&id) {
        for t in s.topics {
            if let Some(set) = inner.by_topic.get_mut(&t) {
                set.remove(&id);
                if set.is_empty() {
                    inner.by_topic.remove(&t);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_topics_of_ids_with_slashes_do_not_collide() {
        assert_ne!(Topic::agent("a/b", "c"), Topic::agent("a", "b/c"));
        assert_eq!(Topic::agent("a", "b"), Topic::agent("a", "b"));
    }
    use parley_protocol::api::ErrorCode;

    fn ev(n: u32) -> Arc<ServerEvent> {
        Arc::new(ServerEvent::QueuePosition {
            conversation_id: "c".into(),
            position: n,
        })
    }

    #[test]
    fn delivers_by_topic_and_unsubscribes_on_drop() {
        let hub = Hub::new();
        let t = Topic::Conversation("c".into());
        let mut a = hub.subscribe(vec![t.clone()], 4);
        let b = hub.subscribe(vec![Topic::Tenant("x".into())], 4);
        hub.publish(&t, ev(1));
        assert_eq!(*a.rx.try_recv().unwrap(), *ev(1));
        assert_eq!(hub.subscriber_count(), 2);
        drop(b);
        assert_eq!(hub.subscriber_count(), 1);
        drop(a);
        assert_eq!(hub.subscriber_count(), 0);
        // Publishing to a topic nobody listens to is a no-op.
        hub.publish(&t, ev(2));
    }

    #[test]
    fn a_full_queue_drops_the_subscriber_not_the_event_for_others() {
        let hub = Hub::new();
        let t = Topic::Conversation("c".into());
        let mut slow = hub.subscribe(vec![t.clone(), Topic::Tenant("x".into())], 2);
        let mut fast = hub.subscribe(vec![t.clone()], 16);
        for n in 0..3 {
            hub.publish(&t, ev(n));
            let _ = fast.rx.try_recv();
        }
        // The slow one got two events, then was dropped: its queue ends.
        assert!(slow.rx.try_recv().is_ok());
        assert!(slow.rx.try_recv().is_ok());
        assert!(matches!(
            slow.rx.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        assert_eq!(hub.subscriber_count(), 1);
        hub.publish(
            &t,
            Arc::new(ServerEvent::Error {
                code: ErrorCode::Internal,
                message: "x".into(),
            }),
        );
        assert!(fast.rx.try_recv().is_ok());
    }
}
