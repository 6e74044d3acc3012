//! The parsed link parameters, provided once through context.
//!
//! Every view reads the same [`ReadSignal`]; nothing re-parses the URL.

use leptos::prelude::*;
use parley_protocol::{ChatParams, Parsed};

/// Parses `query` once, reports dropped parameters on the console, and provides the
/// result as a read-only signal in context.
pub fn provide_params(query: &str) -> ReadSignal<Parsed<ChatParams>> {
    let parsed = ChatParams::from_query(query);
    for issue in &parsed.issues {
        leptos::logging::warn!(
            "parley: parameter {:?} dropped: {}",
            issue.param,
            issue.reason
        );
    }
    let (read, _write) = signal(parsed);
    provide_context(read);
    read
}

/// The parsed parameters from context.
pub fn use_params() -> ReadSignal<Parsed<ChatParams>> {
    expect_context::<ReadSignal<Parsed<ChatParams>>>()
}
