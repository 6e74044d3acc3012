//! The open WebSocket connections of each session on this instance, and the news of
//! sessions that ended, which the agent sockets listen to. Shared by the socket routes
//! (`routes::ws`), signing out (`routes::agent`) and the bus (`notify`).

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::auth::AgentAuth;

/// Sockets one session may hold open at once on one instance (a page, a second tab, a
/// reconnect racing the old socket's close); past that the upgrade is refused.
pub const MAX_SOCKETS_PER_SESSION: usize = 5;

/// The open sockets of each session on this instance, and the news of sessions that
/// ended (signing out), which closes their agent sockets at once.
#[derive(Debug)]
pub struct SessionSockets {
    open: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    ended: broadcast::Sender<Ended>,
}

/// Sessions that ended while their sockets may be open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// One session, by its digest (`POST /api/agent/logout`).
    Session(String),
    /// Every session of one agent (`POST /api/agent/logout-everywhere`).
    Agent { sysnum: String, agent_id: String },
}

impl Ended {
    /// What signing out ended: `session` (a digest), or every session of the agent
    /// when it is `None`.
    pub fn new(sysnum: &str, agent_id: &str, session: Option<String>) -> Ended {
        match session {
            Some(digest) => Ended::Session(digest),
            None => Ended::Agent {
                sysnum: sysnum.to_owned(),
                agent_id: agent_id.to_owned(),
            },
        }
    }

    /// Whether this ends `who`'s session.
    pub fn ends(&self, who: &AgentAuth) -> bool {
        match self {
            Ended::Session(digest) => *digest == who.session,
            Ended::Agent { sysnum, agent_id } => *sysnum == who.sysnum && *agent_id == who.agent_id,
        }
    }
}

/// Ended sessions waiting for every socket to look at them; a socket that falls further
/// behind re-reads its own session from the store instead.
const ENDED_CAPACITY: usize = 64;

impl Default for SessionSockets {
    fn default() -> Self {
        SessionSockets {
            open: Default::default(),
            ended: broadcast::channel(ENDED_CAPACITY).0,
        }
    }
}

/// One open socket of a session; dropping it (the socket closed) frees its place.
pub struct SocketPlace {
    sockets: Arc<SessionSockets>,
    session: String,
}

impl SessionSockets {
    /// A place for one more socket of `session`, unless it has
    /// [`MAX_SOCKETS_PER_SESSION`] open.
    pub fn take(self: &Arc<Self>, session: &str) -> Option<SocketPlace> {
        let mut open = self.open.lock().expect("socket count lock");
        let n = open.entry(session.to_owned()).or_insert(0);
        if *n >= MAX_SOCKETS_PER_SESSION {
            return None;
        }
        *n += 1;
        Some(SocketPlace {
            sockets: Arc::clone(self),
            session: session.to_owned(),
        })
    }

    /// Closes this instance's agent sockets of what ended (other instances hear of it
    /// through the bus: `notify::Note::SignedOut`).
    pub fn end(&self, ended: Ended) {
        // No receiver means no agent socket is open here: nothing to close.
        let _ = self.ended.send(ended);
    }

    /// The ended sessions from now on, for one agent socket to watch.
    pub fn ended(&self) -> broadcast::Receiver<Ended> {
        self.ended.subscribe()
    }
}

impl Drop for SocketPlace {
    fn drop(&mut self) {
        let mut open = self.sockets.open.lock().expect("socket count lock");
        if let Some(n) = open.get_mut(&self.session) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_has_a_bounded_number_of_sockets() {
        let sockets = Arc::new(SessionSockets::default());
        let places: Vec<_> = (0..MAX_SOCKETS_PER_SESSION)
            .map(|_| sockets.take("s").expect("a place"))
            .collect();
        assert!(sockets.take("s").is_none());
        assert!(sockets.take("other").is_some());
        drop(places);
        assert!(sockets.take("s").is_some());
        assert!(sockets.open.lock().unwrap().len() <= 2);
    }

    #[test]
    fn an_ended_session_ends_only_its_own_sockets_and_everywhere_all_of_the_agents() {
        let who = |session: &str, agent: &str| AgentAuth {
            session: session.to_owned(),
            sysnum: "demo".to_owned(),
            agent_id: agent.to_owned(),
        };
        let one = Ended::Session("laptop".to_owned());
        assert!(one.ends(&who("laptop", "alice")));
        assert!(!one.ends(&who("phone", "alice")));
        let all = Ended::Agent {
            sysnum: "demo".to_owned(),
            agent_id: "alice".to_owned(),
        };
        assert!(all.ends(&who("laptop", "alice")));
        assert!(all.ends(&who("phone", "alice")));
        assert!(!all.ends(&who("desk", "bob")));
        let other_tenant = AgentAuth {
            sysnum: "shop".to_owned(),
            ..who("x", "alice")
        };
        assert!(!all.ends(&other_tenant));
    }
}
