//! The Parley protocol: everything the visitor client and the server must agree on.
//!
//! * [`params`]: the typed model of every link / `zc("config")` parameter of the Sobot
//!   Web-JS SDK, its parsing, validation and precedence. The client parses the query
//!   string with it once at start; the server re-parses the same raw query at init with
//!   the same code.
//! * [`digest`]: the `sign` digests of the spec and a constant-time comparison.
//! * [`locale`]: the visitor-side languages.
//! * [`card`]: product and order cards sent into a conversation, and their display
//!   helpers (amounts, status labels, local times).
//! * [`api`]: HTTP request and response bodies.
//! * [`ws`]: WebSocket events of `/ws/visitor` and `/ws/agent`.
//! * [`rich`]: the safe rich-text subset of bot and agent messages (no HTML).
//! * [`evaluation`]: satisfaction evaluation settings, answers and their check.
//! * [`ticket`]: leave-message and ticket bodies, and the form validation both sides run.
//! * [`reports`]: the admin reports' document and the calendar days it is cut in.
//!
//! The crate is plain data and pure functions (serde, serde_json, md-5 and chrono without its clock) so that
//! it builds for both `wasm32-unknown-unknown` and the host, and so that all of it is
//! tested with `#[test]`.

pub mod api;
#[warn(missing_docs)]
pub mod card;
#[warn(missing_docs)]
pub mod digest;
pub mod evaluation;
#[warn(missing_docs)]
pub mod locale;
#[warn(missing_docs)]
pub mod params;
pub mod reports;
#[warn(missing_docs)]
pub mod rich;
mod tag_first;
pub mod ticket;
pub mod ws;

pub use locale::Locale;
pub use params::{
    effective, BackendSettings, ChatParams, EffectiveSettings, ParamIssue, Parsed, SecurityPolicy,
    KNOWN_PARAMS,
};
