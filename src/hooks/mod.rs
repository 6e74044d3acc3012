//! Hooks in the leptos-use style: `use_x(UseXOptions) -> UseXReturn`, a function taking
//! an options struct and returning a struct of signals and callbacks. Each owns one
//! piece of the outside world (a socket, local storage, a browser listener) and gives
//! it back on cleanup.

pub mod use_chat_socket;
pub mod use_history_pages;
pub mod use_image_upload;
pub mod use_outbox;
pub mod use_unread_alert;
pub mod use_visual_viewport;
