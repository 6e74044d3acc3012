//! Who answers a Parley visitor, as pure logic: the FAQ bot ([`bot`]) and the routing
//! decision between the bot, skill groups, agents and the queue ([`routing`]).
//!
//! The crate does no I/O and has no async code: the server loads the FAQ file and takes
//! a snapshot of agents, groups and the queue, then asks these functions what to do.
//! Everything here is therefore tested with plain `#[test]`s and the FAQ bot is measured
//! on a held-apart evaluation set ([`bot::evaluate`], printed by `cargo xtask bench`).
//!
//! # Why no search library
//!
//! The FAQ of a tenant is tens to a few hundred short questions, matched in memory.
//! A search engine such as tantivy brings an on-disk index, threads and a large
//! dependency tree for nothing at this size; a Chinese segmenter such as jieba-rs ships
//! a multi-megabyte dictionary, while character bigrams match FAQ-sized Chinese well
//! without one; `unicode-normalization` would give full NFKC where folding full-width
//! ASCII is all that visitors' input needs. The tokenizer ([`bot`]'s `text` module)
//! and a TF-IDF cosine index are about three hundred lines and fully tested here, so
//! the only dependencies are `parley-protocol`, serde and `toml` (to read FAQ files).
//!
//! # Data
//!
//! * `config/faq/demo.toml` (workspace root): the demo tenant's bot, robotid 1, with
//!   FAQ groups 1 (general) and 2 (after-sales), every topic in English and Chinese.
//! * `crates/parley-reception/eval/demo.toml`: labelled customer questions and
//!   off-topic questions, written apart from the FAQ.

#![warn(missing_docs)]

pub mod bot;
pub mod routing;

pub use bot::{evaluate, Bot, EvalReport, EvalSet, MatchOutcome, Matcher};
pub use routing::{
    decide, drain, queue_positions, show_transfer_button, stranded, Decision, RoutingRequest,
    Snapshot, WeekTime,
};
