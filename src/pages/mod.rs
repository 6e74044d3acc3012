//! One file per page.

pub mod chat;
pub mod leave_message;
pub mod not_found;
pub mod ticket_client;
