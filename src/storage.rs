//! What the client keeps in local storage. Storage may be unavailable (private mode,
//! blocked third-party storage in an iframe); every function then degrades to "nothing
//! kept" instead of failing. (This is why the client reads `web_sys::Storage` itself
//! rather than through gloo-storage, whose `LocalStorage` throws when storage is
//! blocked, which happens to chats framed on another site.)

/// Local storage, if the browser lets this page use it.
pub(crate) fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Invariant: `sdk/visitor.js` (the loader's hidden visitor frame) reads and writes this same key.
fn visitor_key(sysnum: &str) -> String {
    format!("parley.visitor.{sysnum}")
}

/// The anonymous visitor id the server gave this browser for `sysnum`.
pub fn visitor_id(sysnum: &str) -> Option<String> {
    local()?.get_item(&visitor_key(sysnum)).ok().flatten()
}

/// Remembers the visitor id for `sysnum`.
pub fn set_visitor_id(sysnum: &str, id: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(&visitor_key(sysnum), id);
    }
}
