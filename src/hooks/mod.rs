//! Hooks in the leptos-use style: a function taking an options struct and returning a
//! struct of signals and callbacks.

pub mod outbox_store;
pub mod use_chat_socket;
pub mod use_image_upload;
