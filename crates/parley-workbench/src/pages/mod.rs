//! One page per file.

pub mod browsing;
pub mod inbox;
pub mod signin;
pub mod tickets;
