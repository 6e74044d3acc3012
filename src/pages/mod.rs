//! One file per page.

pub mod chat;
pub mod not_found;
