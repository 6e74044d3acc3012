//! The parsed link parameters, provided once through context.
//!
//! Every view reads the same [`ReadSignal`]; nothing re-parses the URL. The raw query
//! string is in context too ([`use_raw_query`]): init and the ticket calls send it as
//! it is, and the server parses it again itself.

use leptos::prelude::*;
use parley_protocol::{ChatParams, Parsed};

/// The page's query string exactly as the page got it (`location.search`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawQuery(String);

/// Parses `query` once, reports dropped parameters on the console, and provides the
/// result as a read-only signal in context (and `query` itself, for [`use_raw_query`]).
pub fn provide_params(query: &str) -> ReadSignal<Parsed<ChatParams>> {
    provide_context(RawQuery(query.to_owned()));
    let parsed = ChatParams::from_query(query);
    for issue in &parsed.issues {
        leptos::logging::warn!(
            "parley: parameter \"{}\" dropped: {}",
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

/// The page's raw query string from context, for the calls that send it to the server.
pub fn use_raw_query() -> String {
    expect_context::<RawQuery>().0
}
