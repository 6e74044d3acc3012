//! The client's state as plain data: what the visitor sees follows from these structs,
//! and every rule that changes them is a method tested on the host (`cargo test -p
//! parley-client --lib`). Nothing here touches Leptos signals, the DOM or the network;
//! pages and hooks keep these values in signals and call the methods.

pub mod chat_log;
pub mod conversation;
pub mod leave_form;
pub mod outbox;
pub mod transcript;
pub mod unread;
