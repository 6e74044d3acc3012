//! Feeds arbitrary bytes to the parameter parser, as a query string and as a zc config.
//!
//! Checks that parsing never panics and that whatever is parsed is a fixed point of
//! `to_query` / `from_query` (the same property the proptest suite checks).

#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_protocol::ChatParams;

fn check_fixed_point(p: &ChatParams) {
    // serde_json (without `float_roundtrip`) may re-read an extreme float one ULP off;
    // summaryparams is the only place numbers stay numbers, so skip it there.
    if p.identity.summaryparams.is_some() {
        return;
    }
    let again = ChatParams::from_query(&p.to_query());
    assert_eq!(&again.value, p, "to_query / from_query is not a fixed point");
    assert_eq!(again.issues.len(), p.extra.len(), "{:?}", again.issues);
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    // As a query string (what `location.search` holds).
    let parsed = ChatParams::from_query(&text);
    check_fixed_point(&parsed.value);

    // As a zc("config", {...}) object, when the bytes are JSON.
    if let Ok(config) = serde_json::from_slice::<serde_json::Value>(data) {
        let parsed = ChatParams::from_json(&config);
        check_fixed_point(&parsed.value);
    }
});
