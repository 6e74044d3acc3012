//! Which of the visitor's messages the current socket is waiting to hear about.
//!
//! The server answers every `send` on a socket in order, with an `ack` naming the
//! client id or an `error` that names none. So the client keeps the client ids it sent
//! on the current socket, oldest first: an ack removes its id, and an error belongs to
//! the oldest id still waiting. A new socket starts with nothing in flight (everything
//! unacknowledged is sent again on it).

use std::collections::VecDeque;

/// Client ids sent on the current socket and not yet answered, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InFlight(VecDeque<String>);

impl InFlight {
    /// A new socket opened: nothing sent on it yet.
    pub fn reopened(&mut self) {
        self.0.clear();
    }

    /// `client_id` went out on the current socket.
    pub fn sent(&mut self, client_id: &str) {
        self.0.push_back(client_id.to_owned());
    }

    /// The server acknowledged `client_id`.
    pub fn acked(&mut self, client_id: &str) {
        self.0.retain(|id| id != client_id);
    }

    /// The server refused a send: the client id it refused (the oldest one waiting),
    /// if any.
    pub fn refused(&mut self) -> Option<String> {
        self.0.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chat_log::{ChatLog, Delivery, OutboxEntry, Row};

    fn entry(id: &str) -> OutboxEntry {
        OutboxEntry {
            client_id: id.into(),
            text: id.into(),
            faq_id: None,
            created_at: 0,
            failed: None,
            acked: None,
        }
    }

    /// What the visitor sees under each of their messages, in order.
    fn deliveries(log: &ChatLog) -> Vec<(String, Delivery)> {
        log.rows(|_| 0)
            .into_iter()
            .filter_map(|r| match r {
                Row::Outgoing(e, d) => Some((e.client_id, d)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_error_marks_the_oldest_unanswered_message_failed_with_retry() {
        let (mut log, mut flight) = (ChatLog::default(), InFlight::default());
        for id in ["a", "b", "c"] {
            log.push_outgoing(entry(id));
            flight.sent(id);
        }
        log.ack("a", 1);
        flight.acked("a");
        let refused = flight.refused().expect("one is waiting");
        log.fail(&refused, "too long".into());
        assert_eq!(
            deliveries(&log),
            vec![
                ("a".into(), Delivery::Sent),
                ("b".into(), Delivery::Failed),
                ("c".into(), Delivery::Pending),
            ]
        );
        // Retry sends it again, shown as pending.
        let again = log.retry("b").expect("b is in the outbox");
        flight.sent(&again.client_id);
        assert_eq!(deliveries(&log)[1], ("b".into(), Delivery::Pending));
    }

    #[test]
    fn an_error_with_nothing_in_flight_blames_no_message() {
        let mut flight = InFlight::default();
        assert_eq!(flight.refused(), None);
        flight.sent("a");
        flight.reopened();
        assert_eq!(
            flight.refused(),
            None,
            "a new socket never blames what an old one sent"
        );
    }

    #[test]
    fn acks_can_come_in_any_order() {
        let mut flight = InFlight::default();
        flight.sent("a");
        flight.sent("b");
        flight.acked("b");
        assert_eq!(flight.refused().as_deref(), Some("a"));
        assert_eq!(flight.refused(), None);
    }
}
