//! The browser bundles' readers of the internally tagged wire enums ([`Reception`],
//! [`SystemEvent`], [`Card`], [`VisitorEvent`]): the same JSON, read without buffering.
//!
//! serde's derived reader of an internally tagged enum cannot know the variant before it
//! has seen the tag, so it first copies the whole object into its private `Content`
//! tree and then reads the variant from that copy: a second instantiation of every
//! variant's fields (a chat message, a card, an evaluation) for the `Content` reader,
//! about 60 KB of the chat's wasm before optimization. These readers take the tag from
//! the object's first entry and read the remaining entries straight from the JSON
//! reader, with the same field types the rest of the bundle already reads.
//!
//! So they need the tag first. Every object the server sends is written by serde's
//! derived `Serialize`, which always writes the tag first; objects whose tag comes later
//! (hand-written, or reordered by a store) are refused with an error naming the tag.
//! The server itself, which also reads what SDKs and stores send, keeps serde's derived
//! reader, which takes the tag anywhere: these readers are the `Deserialize` impls only
//! on `wasm32` (the browser bundles), and a test checks them against the derived ones on
//! every variant.

// Used only by the wasm32 impls below and the tests.
#![cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, value::MapAccessDeserializer, IgnoredAny, MapAccess};
use serde::Deserialize;

use crate::api::{AgentBrief, EndReason, ErrorCode, GroupView, Reception, Sender, SystemEvent};
use crate::card::Card;
use crate::evaluation::Evaluation;
use crate::params::OpenStyle;
use crate::ws::VisitorEvent;

/// An internally tagged enum read with its tag first.
pub(crate) trait TagFirst<'de>: Sized {
    /// The tag's field name.
    const TAG: &'static str;
    /// The variant names, for the unknown-variant error.
    const VARIANTS: &'static [&'static str];
    /// Reads the variant named `tag` from the rest of the object.
    fn variant<A: MapAccess<'de>>(tag: &str, rest: A) -> Result<Self, A::Error>;
}

/// Reads a `T` from an object whose first entry is `T::TAG`.
pub(crate) fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    T: TagFirst<'de>,
{
    d.deserialize_map(TagFirstVisitor::<T>(PhantomData))
}

struct TagFirstVisitor<T>(PhantomData<T>);

impl<'de, T: TagFirst<'de>> de::Visitor<'de> for TagFirstVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object whose first field is `{}`", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == T::TAG => {}
            _ => {
                return Err(de::Error::custom(format_args!(
                    "the tag `{}` must be the object's first field",
                    T::TAG
                )))
            }
        }
        let tag: String = map.next_value()?;
        T::variant(&tag, map)
    }
}

/// Reads the object's remaining entries as a `T` (a struct: unknown fields are skipped).
fn rest<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map))
}

/// Skips the object's remaining entries (a unit variant).
fn unit<'de, T, A: MapAccess<'de>>(map: A, value: T) -> Result<T, A::Error> {
    rest::<IgnoredAny, A>(map)?;
    Ok(value)
}

fn unknown<T, E: de::Error>(tag: &str, variants: &'static [&'static str]) -> Result<T, E> {
    Err(E::unknown_variant(tag, variants))
}

impl<'de> TagFirst<'de> for Reception {
    const TAG: &'static str = "type";
    const VARIANTS: &'static [&'static str] = &[
        "bot",
        "choose_group",
        "assigned",
        "queued",
        "agent_offline",
        "no_agent_online",
        "off_duty",
        "redirect",
        "ended",
    ];

    fn variant<A: MapAccess<'de>>(tag: &str, map: A) -> Result<Self, A::Error> {
        #[derive(Deserialize)]
        struct ChooseGroup {
            groups: Vec<GroupView>,
        }
        #[derive(Deserialize)]
        struct Assigned {
            agent: AgentBrief,
        }
        #[derive(Deserialize)]
        struct Queued {
            position: u32,
        }
        #[derive(Deserialize)]
        struct OffDuty {
            group_id: String,
        }
        #[derive(Deserialize)]
        struct Redirect {
            url: String,
            open_style: OpenStyle,
        }
        match tag {
            "bot" => unit(map, Reception::Bot),
            "choose_group" => {
                rest(map).map(|v: ChooseGroup| Reception::ChooseGroup { groups: v.groups })
            }
            "assigned" => rest(map).map(|v: Assigned| Reception::Assigned { agent: v.agent }),
            "queued" => rest(map).map(|v: Queued| Reception::Queued {
                position: v.position,
            }),
            "agent_offline" => unit(map, Reception::AgentOffline),
            "no_agent_online" => unit(map, Reception::NoAgentOnline),
            "off_duty" => rest(map).map(|v: OffDuty| Reception::OffDuty {
                group_id: v.group_id,
            }),
            "redirect" => rest(map).map(|v: Redirect| Reception::Redirect {
                url: v.url,
                open_style: v.open_style,
            }),
            "ended" => unit(map, Reception::Ended),
            other => unknown(other, Self::VARIANTS),
        }
    }
}

impl<'de> TagFirst<'de> for SystemEvent {
    const TAG: &'static str = "type";
    const VARIANTS: &'static [&'static str] = &[
        "queued",
        "agent_joined",
        "transferred",
        "ended",
        "evaluation_invited",
        "evaluated",
        "no_agent_online",
    ];

    fn variant<A: MapAccess<'de>>(tag: &str, map: A) -> Result<Self, A::Error> {
        #[derive(Deserialize)]
        struct Queued {
            group_id: Option<String>,
        }
        #[derive(Deserialize)]
        struct AgentJoined {
            agent_id: String,
            agent_name: String,
            #[serde(default)]
            agent_avatar: Option<String>,
        }
        #[derive(Deserialize)]
        struct Transferred {
            from_agent: Option<String>,
            to_agent: Option<String>,
            to_agent_name: Option<String>,
            to_group: Option<String>,
            #[serde(default)]
            to_agent_avatar: Option<String>,
        }
        #[derive(Deserialize)]
        struct Ended {
            reason: EndReason,
        }
        #[derive(Deserialize)]
        struct Evaluated {
            evaluation: Box<Evaluation>,
        }
        match tag {
            "queued" => rest(map).map(|v: Queued| SystemEvent::Queued {
                group_id: v.group_id,
            }),
            "agent_joined" => rest(map).map(|v: AgentJoined| SystemEvent::AgentJoined {
                agent_id: v.agent_id,
                agent_name: v.agent_name,
                agent_avatar: v.agent_avatar,
            }),
            "transferred" => rest(map).map(|v: Transferred| SystemEvent::Transferred {
                from_agent: v.from_agent,
                to_agent: v.to_agent,
                to_agent_name: v.to_agent_name,
                to_group: v.to_group,
                to_agent_avatar: v.to_agent_avatar,
            }),
            "ended" => rest(map).map(|v: Ended| SystemEvent::Ended { reason: v.reason }),
            "evaluation_invited" => unit(map, SystemEvent::EvaluationInvited),
            "evaluated" => rest(map).map(|v: Evaluated| SystemEvent::Evaluated {
                evaluation: v.evaluation,
            }),
            "no_agent_online" => unit(map, SystemEvent::NoAgentOnline),
            other => unknown(other, Self::VARIANTS),
        }
    }
}

impl<'de> TagFirst<'de> for Card {
    const TAG: &'static str = "type";
    const VARIANTS: &'static [&'static str] = &["product", "order"];

    fn variant<A: MapAccess<'de>>(tag: &str, map: A) -> Result<Self, A::Error> {
        match tag {
            "product" => rest(map).map(Card::Product),
            "order" => rest(map).map(Card::Order),
            other => unknown(other, Self::VARIANTS),
        }
    }
}

impl<'de> TagFirst<'de> for VisitorEvent {
    const TAG: &'static str = "type";
    const VARIANTS: &'static [&'static str] =
        &["message", "typing", "queue_position", "ack", "error"];

    fn variant<A: MapAccess<'de>>(tag: &str, map: A) -> Result<Self, A::Error> {
        #[derive(Deserialize)]
        struct Message {
            message: Box<crate::api::ChatMessage>,
        }
        #[derive(Deserialize)]
        struct Typing {
            conversation_id: String,
            from: Sender,
            typing: bool,
        }
        #[derive(Deserialize)]
        struct QueuePosition {
            conversation_id: String,
            position: u32,
        }
        #[derive(Deserialize)]
        struct Ack {
            client_id: String,
            conversation_id: String,
            seq: i64,
            duplicate: bool,
        }
        #[derive(Deserialize)]
        struct Error {
            code: ErrorCode,
            message: String,
        }
        match tag {
            "message" => rest(map).map(|v: Message| VisitorEvent::Message { message: v.message }),
            "typing" => rest(map).map(|v: Typing| VisitorEvent::Typing {
                conversation_id: v.conversation_id,
                from: v.from,
                typing: v.typing,
            }),
            "queue_position" => rest(map).map(|v: QueuePosition| VisitorEvent::QueuePosition {
                conversation_id: v.conversation_id,
                position: v.position,
            }),
            "ack" => rest(map).map(|v: Ack| VisitorEvent::Ack {
                client_id: v.client_id,
                conversation_id: v.conversation_id,
                seq: v.seq,
                duplicate: v.duplicate,
            }),
            "error" => rest(map).map(|v: Error| VisitorEvent::Error {
                code: v.code,
                message: v.message,
            }),
            // `#[serde(other)]`: an event for agents only.
            _ => unit(map, VisitorEvent::Other),
        }
    }
}

/// The `Deserialize` impls of the browser bundles.
#[cfg(target_arch = "wasm32")]
mod impls {
    use super::*;

    macro_rules! tag_first_deserialize {
        ($($t:ty),*) => {$(
            impl<'de> Deserialize<'de> for $t {
                fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    deserialize(d)
                }
            }
        )*};
    }
    tag_first_deserialize!(Reception, SystemEvent, Card, VisitorEvent);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ChatMessage, MessageKind};
    use crate::card::{OrderInfo, ProductInfo};
    use crate::evaluation::ScoreKind;
    use crate::ws::ServerEvent;
    use serde::Serialize;

    /// Reads `json` with the browser bundles' reader.
    fn read<T: for<'de> TagFirst<'de>>(json: &str) -> Result<T, serde_json::Error> {
        deserialize(&mut serde_json::Deserializer::from_str(json))
    }

    /// Every value, written as the server writes it, reads back equal with the tag-first
    /// reader and with serde's derived one.
    fn round_trips<T>(values: &[T])
    where
        T: Serialize + for<'de> TagFirst<'de> + for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
    {
        for value in values {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(&read::<T>(&json).unwrap(), value, "{json}");
            assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value, "{json}");
        }
    }

    fn evaluation() -> Evaluation {
        Evaluation {
            conversation_id: "k".into(),
            agent_id: Some("a".into()),
            kind: ScoreKind::Stars,
            score: 4,
            tags: vec!["fast".into()],
            solved: Some(true),
            comment: "thanks".into(),
            created_at: 7,
        }
    }

    fn message(event: Option<SystemEvent>, card: Option<Card>) -> ChatMessage {
        ChatMessage {
            conversation_id: "k".into(),
            seq: 3,
            client_id: None,
            sender: Sender::System,
            sender_name: None,
            kind: MessageKind::Text,
            text: "hi".into(),
            event,
            bot: None,
            card: card.map(Box::new),
            image: None,
            file: None,
            created_at: 9,
        }
    }

    #[test]
    fn every_reception_reads_back() {
        round_trips(&[
            Reception::Bot,
            Reception::ChooseGroup {
                groups: vec![GroupView {
                    id: "g".into(),
                    name: "Sales".into(),
                    open: true,
                }],
            },
            Reception::Assigned {
                agent: AgentBrief {
                    id: "a".into(),
                    name: "Ann".into(),
                    avatar: Some("https://x/a.png".into()),
                },
            },
            Reception::Queued { position: 2 },
            Reception::AgentOffline,
            Reception::NoAgentOnline,
            Reception::OffDuty {
                group_id: "g".into(),
            },
            Reception::Redirect {
                url: "https://help.example".into(),
                open_style: OpenStyle::NewPage,
            },
            Reception::Ended,
        ]);
    }

    #[test]
    fn every_system_event_reads_back() {
        round_trips(&[
            SystemEvent::Queued { group_id: None },
            SystemEvent::Queued {
                group_id: Some("g".into()),
            },
            SystemEvent::AgentJoined {
                agent_id: "a".into(),
                agent_name: "Ann".into(),
                agent_avatar: None,
            },
            SystemEvent::AgentJoined {
                agent_id: "a".into(),
                agent_name: "Ann".into(),
                agent_avatar: Some("https://x/a.png".into()),
            },
            SystemEvent::Transferred {
                from_agent: Some("a".into()),
                to_agent: None,
                to_agent_name: None,
                to_group: Some("g".into()),
                to_agent_avatar: None,
            },
            SystemEvent::Ended {
                reason: EndReason::AgentEnded,
            },
            SystemEvent::EvaluationInvited,
            SystemEvent::Evaluated {
                evaluation: Box::new(evaluation()),
            },
            SystemEvent::NoAgentOnline,
        ]);
    }

    #[test]
    fn both_cards_read_back() {
        round_trips(&[
            Card::Product(ProductInfo {
                card_title: "Shoe".into(),
                card_note: Some("€15".into()),
                ..Default::default()
            }),
            Card::Order(OrderInfo {
                order_code: Some("0012".into()),
                total_fee: Some(1000),
                ..Default::default()
            }),
        ]);
    }

    /// What the server sends on the visitor's socket reads as the derived reader reads
    /// it, agents-only events included (as `Other`).
    #[test]
    fn the_visitor_reads_every_server_event_as_the_derived_reader_does() {
        let events = [
            ServerEvent::Message {
                message: message(
                    Some(SystemEvent::Evaluated {
                        evaluation: Box::new(evaluation()),
                    }),
                    Some(Card::Order(OrderInfo::default())),
                ),
            },
            ServerEvent::Typing {
                conversation_id: "k".into(),
                from: Sender::Agent,
                typing: true,
            },
            ServerEvent::QueuePosition {
                conversation_id: "k".into(),
                position: 1,
            },
            ServerEvent::Ticket {
                ticket_id: "t".into(),
                number: 1,
            },
            ServerEvent::Ack {
                client_id: "c".into(),
                conversation_id: "k".into(),
                seq: 4,
                duplicate: false,
            },
            ServerEvent::Error {
                code: ErrorCode::BadRequest,
                message: "no".into(),
            },
        ];
        for event in &events {
            let json = serde_json::to_string(event).unwrap();
            let derived: VisitorEvent = serde_json::from_str(&json).unwrap();
            assert_eq!(read::<VisitorEvent>(&json).unwrap(), derived, "{json}");
        }
        assert_eq!(
            read::<VisitorEvent>(&serde_json::to_string(&events[3]).unwrap()).unwrap(),
            VisitorEvent::Other
        );
    }

    /// The one difference from the derived reader: the tag must come first. Unknown
    /// variants and missing fields are refused by both.
    #[test]
    fn a_tag_after_other_fields_or_an_unknown_variant_is_refused() {
        let late = r#"{"position":2,"type":"queued"}"#;
        assert_eq!(
            serde_json::from_str::<Reception>(late).unwrap(),
            Reception::Queued { position: 2 }
        );
        let err = read::<Reception>(late).unwrap_err().to_string();
        assert!(
            err.contains("`type` must be the object's first field"),
            "{err}"
        );
        assert!(read::<Reception>(r#"{"type":"teleported"}"#).is_err());
        assert!(read::<Reception>(r#"{"type":"queued"}"#).is_err());
        assert!(read::<Card>(r#"{"type":"product"}"#).is_err());
        assert!(read::<Card>(r#"[]"#).is_err());
        // Fields the reader does not know are skipped, as the derived reader skips them.
        assert_eq!(
            read::<Reception>(r#"{"type":"queued","position":2,"later":{"a":[1]}}"#).unwrap(),
            Reception::Queued { position: 2 }
        );
    }
}
