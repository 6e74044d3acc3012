//! One page per file.

pub mod admin;
pub mod browsing;
pub mod inbox;
pub mod reports;
pub mod signin;
pub mod tickets;
