//! The client's state as plain data: what the visitor sees follows from these structs,
//! and every rule that changes them is a method tested on the host (`cargo test -p
//! parley-client --lib`). Nothing here touches Leptos signals, the DOM or the network;
//! pages and hooks keep these values in signals and call the methods.

pub mod chat_log;
pub mod conversation;
pub mod evaluation;
pub mod leave_form;
pub mod outbox;
pub mod transcript;
pub mod unread;

/// A text message for the model's tests: `seq` of conversation `c1`, from `sender`
/// (named `name`), written at `created_at`.
#[cfg(test)]
pub(crate) fn text_message(
    seq: i64,
    sender: parley_protocol::api::Sender,
    name: Option<&str>,
    text: &str,
    created_at: i64,
) -> parley_protocol::api::ChatMessage {
    parley_protocol::api::ChatMessage {
        conversation_id: "c1".into(),
        seq,
        client_id: None,
        sender,
        sender_name: name.map(Into::into),
        kind: parley_protocol::api::MessageKind::Text,
        text: text.into(),
        event: None,
        bot: None,
        card: None,
        image: None,
        file: None,
        created_at,
    }
}
