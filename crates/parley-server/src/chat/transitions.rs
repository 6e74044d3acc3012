//! The conversation's state machine, as pure functions from the current row to a
//! [`Change`]: who may take, end, transfer or write into a conversation, and what
//! system messages record it. No I/O: the caller locks the row, calls one of these,
//! and stores the change (`chat::transition`, `reception`).
//!
//! Refusals are [`TransitionError`]s; the HTTP edge (`crate::error`) turns each into
//! its status and message.

use parley_protocol::api::{
    AgentBrief, ConversationState, EndReason, MessageKind, Sender, SystemEvent,
};

use super::model::Conversation;

/// What a transition does to a conversation row (besides storing its messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub state: ConversationState,
    pub agent_id: Option<String>,
    pub group_id: Option<String>,
    /// The conversation (re)enters a queue: it gets a `queued_at` unless it is already
    /// waiting, so a change of target keeps its place.
    pub queued: bool,
    pub end_reason: Option<EndReason>,
    /// System messages recording the change, stored with the next sequence numbers.
    pub messages: Vec<SystemEvent>,
    /// The queue priority to store (kept from the row unless routing sets it).
    pub priority: i64,
    /// The designated agent to wait for, while queueing.
    pub queue_agent: Option<String>,
}

/// Why a transition or a message is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// Accepting a conversation that is not waiting in the queue.
    NotQueueing,
    /// Ending a conversation that already ended.
    AlreadyEnded,
    /// An agent acting on a conversation another agent holds.
    NotYours,
    /// Transferring a conversation the agent does not hold.
    NotHolder,
    /// Transferring to oneself.
    TransferToSelf,
    /// Writing into an ended conversation.
    Ended,
    /// An offline message while the visitor is still in a conversation.
    StillOpen,
    /// Accepting while offline.
    AgentOffline,
    /// Accepting past capacity.
    AtCapacity { held: u32, capacity: u32 },
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransitionError::NotQueueing => {
                write!(f, "the conversation is not waiting in the queue")
            }
            TransitionError::AlreadyEnded => write!(f, "the conversation has already ended"),
            TransitionError::NotYours => write!(f, "this conversation is not yours"),
            TransitionError::NotHolder => {
                write!(f, "only the agent holding a conversation can transfer it")
            }
            TransitionError::TransferToSelf => write!(f, "cannot transfer to yourself"),
            TransitionError::Ended => {
                write!(f, "the conversation has ended; start a new one with init")
            }
            TransitionError::StillOpen => write!(
                f,
                "the visitor is still in a conversation; reply there instead"
            ),
            TransitionError::AgentOffline => write!(
                f,
                "set your status to online or busy to accept conversations"
            ),
            TransitionError::AtCapacity { held, capacity } => write!(
                f,
                "you already hold {held} conversations (capacity {capacity})"
            ),
        }
    }
}

/// An agent's room for one more conversation, read under the tenant's routing lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentSlot {
    /// Online or busy (an offline agent takes nothing).
    pub signed_in: bool,
    /// Conversations the agent holds now.
    pub held: u32,
    pub capacity: u32,
}

/// An agent takes a queueing conversation by hand: they must be signed in and below
/// capacity, and the conversation must still be waiting.
pub fn accept(
    c: &Conversation,
    agent: &AgentBrief,
    slot: AgentSlot,
) -> Result<Change, TransitionError> {
    if !slot.signed_in {
        return Err(TransitionError::AgentOffline);
    }
    if slot.held >= slot.capacity {
        return Err(TransitionError::AtCapacity {
            held: slot.held,
            capacity: slot.capacity,
        });
    }
    take_from_queue(c, agent)
}

/// A queueing conversation goes to `agent`. The queue's drain uses it directly (the
/// router already chose an agent with room); a manual accept goes through [`accept`].
pub fn take_from_queue(c: &Conversation, agent: &AgentBrief) -> Result<Change, TransitionError> {
    if c.state != ConversationState::Queueing {
        return Err(TransitionError::NotQueueing);
    }
    Ok(assign(agent, c.group_id.clone(), c.priority))
}

/// The conversation goes to `agent` (in `group`), whatever state it is routed from:
/// the one change every way of joining an agent ends in.
pub fn assign(agent: &AgentBrief, group: Option<String>, priority: i64) -> Change {
    Change {
        state: ConversationState::WithAgent,
        agent_id: Some(agent.id.clone()),
        group_id: group,
        queued: false,
        end_reason: None,
        messages: vec![SystemEvent::AgentJoined {
            agent_id: agent.id.clone(),
            agent_name: agent.name.clone(),
            agent_avatar: agent.avatar.clone(),
        }],
        priority,
        queue_agent: None,
    }
}

/// The conversation waits in a queue: a group's (`group`), a designated agent's
/// (`queue_agent`) or the tenant's (neither).
pub fn enqueue(group: Option<String>, queue_agent: Option<String>, priority: i64) -> Change {
    Change {
        state: ConversationState::Queueing,
        agent_id: None,
        group_id: group.clone(),
        queued: true,
        end_reason: None,
        messages: vec![SystemEvent::Queued { group_id: group }],
        priority,
        queue_agent,
    }
}

/// A queueing visitor nobody signed in can take goes back to the bot, with a system
/// message the client turns into the leave-message offer.
pub fn release(c: &Conversation) -> Change {
    Change {
        state: ConversationState::Bot,
        agent_id: None,
        group_id: c.group_id.clone(),
        queued: false,
        end_reason: None,
        messages: vec![SystemEvent::NoAgentOnline],
        priority: c.priority,
        queue_agent: None,
    }
}

/// The conversation ends. An agent may end only their own conversation; `by_agent` is
/// `None` when the visitor leaves. `invite`: whether an ending of a chat with an agent
/// invites the visitor to rate it (the tenant's evaluation settings and the link's
/// `satDegree_A`, decided by the caller).
pub fn end(
    c: &Conversation,
    by_agent: Option<&str>,
    invite: bool,
) -> Result<Change, TransitionError> {
    if let Some(a) = by_agent {
        if c.state != ConversationState::Ended && c.agent_id.as_deref() != Some(a) {
            return Err(TransitionError::NotYours);
        }
    }
    let reason = if by_agent.is_some() {
        EndReason::AgentEnded
    } else {
        EndReason::VisitorLeft
    };
    end_for(c, reason, invite)
}

/// The conversation ends for `reason` (the server's own endings: the agent went
/// offline, the visitor was idle). An evaluation is invited only when `invite` and an
/// agent held the chat.
pub fn end_for(
    c: &Conversation,
    reason: EndReason,
    invite: bool,
) -> Result<Change, TransitionError> {
    if c.state == ConversationState::Ended {
        return Err(TransitionError::AlreadyEnded);
    }
    let mut messages = vec![SystemEvent::Ended { reason }];
    if invite && c.state == ConversationState::WithAgent {
        messages.push(SystemEvent::EvaluationInvited);
    }
    Ok(Change {
        state: ConversationState::Ended,
        agent_id: c.agent_id.clone(),
        group_id: c.group_id.clone(),
        queued: false,
        end_reason: Some(reason),
        messages,
        priority: c.priority,
        queue_agent: None,
    })
}

/// The holding agent hands the conversation to another agent directly.
pub fn transfer_to_agent(
    c: &Conversation,
    from: &str,
    to: &AgentBrief,
) -> Result<Change, TransitionError> {
    if c.state != ConversationState::WithAgent || c.agent_id.as_deref() != Some(from) {
        return Err(TransitionError::NotHolder);
    }
    if from == to.id {
        return Err(TransitionError::TransferToSelf);
    }
    Ok(Change {
        state: ConversationState::WithAgent,
        agent_id: Some(to.id.clone()),
        group_id: c.group_id.clone(),
        queued: false,
        end_reason: None,
        messages: vec![SystemEvent::Transferred {
            from_agent: Some(from.to_owned()),
            to_agent: Some(to.id.clone()),
            to_agent_name: Some(to.name.clone()),
            to_group: None,
            to_agent_avatar: to.avatar.clone(),
        }],
        priority: c.priority,
        queue_agent: None,
    })
}

/// The holding agent puts the conversation back in a group's queue.
pub fn transfer_to_group(
    c: &Conversation,
    from: &str,
    group: &str,
) -> Result<Change, TransitionError> {
    back_to_queue(c, from, Some(group.to_owned()))
}

/// The holding agent can no longer serve (an admin disabled or removed them): the
/// conversation goes back to the queue it came through (its group's, else the
/// tenant's) with a transfer event, so the visitor is told to wait and the next free
/// agent of the group takes it. `None` when `from` no longer holds it.
pub fn hand_on(c: &Conversation, from: &str) -> Option<Change> {
    back_to_queue(c, from, c.group_id.clone()).ok()
}

/// The holder `from` gives the conversation back to the queue of `group` (the
/// tenant's when `None`), with a transfer event naming it.
fn back_to_queue(
    c: &Conversation,
    from: &str,
    group: Option<String>,
) -> Result<Change, TransitionError> {
    if c.state != ConversationState::WithAgent || c.agent_id.as_deref() != Some(from) {
        return Err(TransitionError::NotHolder);
    }
    Ok(Change {
        state: ConversationState::Queueing,
        agent_id: None,
        group_id: group.clone(),
        queued: true,
        end_reason: None,
        messages: vec![SystemEvent::Transferred {
            from_agent: Some(from.to_owned()),
            to_agent: None,
            to_agent_name: None,
            to_group: group,
            to_agent_avatar: None,
        }],
        priority: c.priority,
        queue_agent: None,
    })
}

/// Whether a message of `sender` and `kind` may be added to a conversation in its
/// current state. `agent` is the sending agent's id.
pub fn may_append(
    c: &Conversation,
    sender: Sender,
    kind: MessageKind,
    agent: Option<&str>,
) -> Result<(), TransitionError> {
    match (sender, kind) {
        (Sender::Agent, MessageKind::Offline) => {
            if c.state == ConversationState::Ended {
                Ok(())
            } else {
                Err(TransitionError::StillOpen)
            }
        }
        (_, _) if c.state == ConversationState::Ended => Err(TransitionError::Ended),
        (Sender::Agent, _) => {
            if c.state == ConversationState::WithAgent && c.agent_id.as_deref() == agent {
                Ok(())
            } else {
                Err(TransitionError::NotYours)
            }
        }
        _ => Ok(()),
    }
}

/// Whether a change took a conversation away from an agent (ended, transferred, put
/// back in a queue), which frees capacity the queue may use. A visitor who just queued
/// frees nothing: routing queues only when no free agent is left for them.
pub fn frees_capacity(before: &Conversation, after: &Conversation) -> bool {
    before.state == ConversationState::WithAgent
        && (after.state != ConversationState::WithAgent || after.agent_id != before.agent_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(id: &str, name: &str) -> AgentBrief {
        AgentBrief {
            id: id.to_owned(),
            name: name.to_owned(),
            avatar: Some(format!("https://img.example/{id}.png")),
        }
    }

    fn conv(state: ConversationState, agent: Option<&str>) -> Conversation {
        Conversation {
            id: "c".into(),
            sysnum: "demo".into(),
            visitor_id: "v".into(),
            state,
            group_id: Some("g".into()),
            agent_id: agent.map(str::to_owned),
            last_seq: 3,
            visitor_read_seq: 0,
            agent_read_seq: 0,
            queued_at: Some(1),
            end_reason: None,
            created_at: 0,
            context: "{}".into(),
            unknown_count: 0,
            priority: 0,
            queue_agent: None,
            last_visitor_at: None,
            transfer_note: None,
            visitor_sysnum: None,
        }
    }

    const ROOM: AgentSlot = AgentSlot {
        signed_in: true,
        held: 0,
        capacity: 1,
    };

    #[test]
    fn only_queueing_conversations_can_be_accepted() {
        let c = conv(ConversationState::Queueing, None);
        let alice = brief("alice", "Alice");
        let ch = accept(&c, &alice, ROOM).unwrap();
        assert_eq!(ch.state, ConversationState::WithAgent);
        assert_eq!(ch.agent_id.as_deref(), Some("alice"));
        assert_eq!(
            ch.messages,
            vec![SystemEvent::AgentJoined {
                agent_id: "alice".into(),
                agent_name: "Alice".into(),
                agent_avatar: Some("https://img.example/alice.png".into()),
            }]
        );
        assert_eq!(
            accept(
                &conv(ConversationState::WithAgent, Some("bob")),
                &alice,
                ROOM
            ),
            Err(TransitionError::NotQueueing)
        );
        assert_eq!(
            accept(&conv(ConversationState::Ended, None), &alice, ROOM),
            Err(TransitionError::NotQueueing)
        );
    }

    #[test]
    fn accepting_needs_a_signed_in_agent_with_room() {
        let c = conv(ConversationState::Queueing, None);
        let alice = brief("alice", "Alice");
        let full = AgentSlot { held: 1, ..ROOM };
        assert_eq!(
            accept(&c, &alice, full),
            Err(TransitionError::AtCapacity {
                held: 1,
                capacity: 1
            })
        );
        let offline = AgentSlot {
            signed_in: false,
            ..ROOM
        };
        assert_eq!(
            accept(&c, &alice, offline),
            Err(TransitionError::AgentOffline)
        );
    }

    #[test]
    fn ending_records_the_reason_and_invites_evaluation_after_an_agent_when_asked() {
        let c = conv(ConversationState::WithAgent, Some("alice"));
        assert_eq!(end(&c, Some("bob"), true), Err(TransitionError::NotYours));
        let ch = end(&c, Some("alice"), true).unwrap();
        assert_eq!(ch.end_reason, Some(EndReason::AgentEnded));
        assert_eq!(
            ch.messages,
            vec![
                SystemEvent::Ended {
                    reason: EndReason::AgentEnded
                },
                SystemEvent::EvaluationInvited
            ]
        );
        let quiet = end(&c, Some("alice"), false).unwrap();
        assert_eq!(
            quiet.messages,
            vec![SystemEvent::Ended {
                reason: EndReason::AgentEnded
            }],
            "without the flags, ending invites no evaluation"
        );
        let left = end(&conv(ConversationState::Bot, None), None, true).unwrap();
        assert_eq!(left.messages.len(), 1);
        assert_eq!(
            end(&conv(ConversationState::Ended, None), None, true),
            Err(TransitionError::AlreadyEnded)
        );
    }

    #[test]
    fn transfers_need_the_holding_agent() {
        let c = conv(ConversationState::WithAgent, Some("alice"));
        assert_eq!(
            transfer_to_agent(&c, "bob", &brief("carol", "Carol")),
            Err(TransitionError::NotHolder)
        );
        assert_eq!(
            transfer_to_agent(&c, "alice", &brief("alice", "Alice")),
            Err(TransitionError::TransferToSelf)
        );
        let ch = transfer_to_agent(&c, "alice", &brief("bob", "Bob")).unwrap();
        assert_eq!(ch.agent_id.as_deref(), Some("bob"));
        let ch = transfer_to_group(&c, "alice", "sales").unwrap();
        assert_eq!(ch.state, ConversationState::Queueing);
        assert!(ch.queued && ch.agent_id.is_none());
    }

    #[test]
    fn a_disabled_agents_conversation_goes_back_to_its_groups_queue() {
        let mut c = conv(ConversationState::WithAgent, Some("bob"));
        c.group_id = Some("support".into());
        assert_eq!(hand_on(&c, "alice"), None, "not Alice's to hand on");
        let ch = hand_on(&c, "bob").unwrap();
        assert_eq!(ch.state, ConversationState::Queueing);
        assert!(ch.queued && ch.agent_id.is_none());
        assert_eq!(ch.group_id.as_deref(), Some("support"));
        assert_eq!(
            ch.messages,
            vec![SystemEvent::Transferred {
                from_agent: Some("bob".into()),
                to_agent: None,
                to_agent_name: None,
                to_group: Some("support".into()),
                to_agent_avatar: None,
            }]
        );
        assert!(frees_capacity(&c, &{
            let mut after = c.clone();
            after.state = ch.state;
            after.agent_id = None;
            after
        }));
        // Without a group: the tenant's queue.
        let mut c = conv(ConversationState::WithAgent, Some("bob"));
        c.group_id = None;
        assert_eq!(hand_on(&c, "bob").unwrap().group_id, None);
        assert_eq!(
            hand_on(&conv(ConversationState::Ended, Some("bob")), "bob"),
            None
        );
    }

    #[test]
    fn who_may_append_what() {
        let with = conv(ConversationState::WithAgent, Some("alice"));
        let ended = conv(ConversationState::Ended, Some("alice"));
        let t = MessageKind::Text;
        assert_eq!(may_append(&with, Sender::Visitor, t, None), Ok(()));
        assert_eq!(may_append(&with, Sender::Agent, t, Some("alice")), Ok(()));
        assert_eq!(
            may_append(&with, Sender::Agent, t, Some("bob")),
            Err(TransitionError::NotYours)
        );
        assert_eq!(
            may_append(&ended, Sender::Visitor, t, None),
            Err(TransitionError::Ended)
        );
        assert_eq!(
            may_append(&ended, Sender::Agent, MessageKind::Offline, Some("bob")),
            Ok(())
        );
        assert_eq!(
            may_append(&with, Sender::Agent, MessageKind::Offline, Some("alice")),
            Err(TransitionError::StillOpen)
        );
        assert_eq!(
            may_append(
                &conv(ConversationState::Bot, None),
                Sender::Visitor,
                t,
                None
            ),
            Ok(())
        );
    }

    #[test]
    fn capacity_frees_when_a_chat_leaves_its_agent() {
        let with = conv(ConversationState::WithAgent, Some("alice"));
        let ended = conv(ConversationState::Ended, Some("alice"));
        let moved = conv(ConversationState::WithAgent, Some("bob"));
        let queued = conv(ConversationState::Queueing, None);
        let bot = conv(ConversationState::Bot, None);
        assert!(frees_capacity(&with, &ended));
        assert!(frees_capacity(&with, &moved));
        assert!(frees_capacity(&with, &queued));
        assert!(!frees_capacity(&with, &with));
        assert!(!frees_capacity(&bot, &queued));
    }
}
