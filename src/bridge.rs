//! The postMessage bridge between the chat page and the page that embeds it.
//!
//! Messages to the parent are JSON strings in the spec's envelope
//! `{"name":"zc_post_message","data":{"action":…}}` and are posted with the parent's
//! exact origin as target, never `*`, so a page that navigated the frame's parent
//! elsewhere hears nothing. Messages from the parent are accepted only from
//! `window.parent` at that same origin. The parent origin is the frame's first ancestor
//! origin (or the referrer's origin), and when the tenant lists allowed origins it must
//! be one of them.
//!
//! Actions sent: `frame_ready` (the chat is usable; `close_button` 1 when its top bar has
//! the collapse button), `receive_message` (an agent wrote
//! while the window is collapsed: `img`, `name`, `msg`, `t` as the spec's
//! `receive_message` callback gets them) and `chat_collapse_window` (the visitor closed
//! the window), and Parley's own `chat_end` (the conversation ended, for the loader's
//! `end_of_close`). Actions heard: `frame_status` with `status` `expand` or `collapse`.

use leptos::prelude::*;
use serde::Deserialize;

/// The envelope's name, as the spec writes it.
pub const ENVELOPE_NAME: &str = "zc_post_message";

/// A value in the envelope's `data`.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    Text(&'a str),
    Number(i64),
}

/// The JSON string posted for `action` with extra `fields` in `data`. Written by hand
/// (strings escaped by serde_json) so no generic JSON tree is linked in.
pub fn envelope(action: &str, fields: &[(&str, Field<'_>)]) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut data = format!("{{\"action\":{}", text(action));
    for (name, value) in fields {
        data.push(',');
        data.push_str(&text(name));
        data.push(':');
        match value {
            Field::Text(s) => data.push_str(&text(s)),
            Field::Number(n) => data.push_str(&n.to_string()),
        }
    }
    format!("{{\"name\":{},\"data\":{data}}}}}", text(ENVELOPE_NAME))
}

/// The origin (`scheme://host[:port]`) of an absolute http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains('@') {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

/// The parent origin to talk to: the embedding page's origin, if the tenant allows it
/// (an empty list allows only the chat's own origin; exactly `["*"]` any site, as the
/// server's `frame-ancestors *`).
pub fn trusted_parent(candidate: Option<&str>, own: &str, allowed: &[String]) -> Option<String> {
    let origin = origin_of(candidate?)?;
    let ok = if matches!(allowed, [only] if only == "*") {
        true
    } else if allowed.is_empty() {
        origin == own
    } else {
        origin == own
            || allowed
                .iter()
                .any(|a| origin_of(a).is_some_and(|a| a == origin))
    };
    ok.then_some(origin)
}

/// What the parent can tell the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentCommand {
    /// The window was expanded (`true`) or collapsed (`false`).
    Expanded(bool),
}

/// The envelope as the parent sends it; typed, so no generic JSON tree is built.
#[derive(Deserialize)]
struct Incoming {
    name: String,
    data: IncomingData,
}

#[derive(Deserialize)]
struct IncomingData {
    action: String,
    #[serde(default)]
    status: Option<String>,
}

/// Reads a message from the parent; anything else is ignored.
pub fn parse_command(data: &str) -> Option<ParentCommand> {
    let m: Incoming = serde_json::from_str(data).ok()?;
    if m.name != ENVELOPE_NAME {
        return None;
    }
    match (m.data.action.as_str(), m.data.status.as_deref()) {
        ("frame_status", Some("expand")) => Some(ParentCommand::Expanded(true)),
        ("frame_status", Some("collapse")) => Some(ParentCommand::Expanded(false)),
        _ => None,
    }
}

/// The bridge handle, cheap to copy into event handlers.
#[derive(Debug, Clone, Copy)]
pub struct Bridge {
    origin: StoredValue<Option<String>>,
    /// Whether the parent reports the chat window as collapsed.
    pub collapsed: RwSignal<bool>,
}

impl Bridge {
    /// Finds the parent (if the page is framed by a trusted origin) and listens to it.
    pub fn connect(allowed: &[String]) -> Bridge {
        let origin = parent_origin(allowed);
        let collapsed = RwSignal::new(false);
        if let Some(expected) = origin.clone() {
            let handle = window_event_listener(leptos::ev::message, move |e| {
                let from_parent = match (e.source(), window().parent().ok().flatten()) {
                    (Some(source), Some(parent)) => {
                        let parent: &wasm_bindgen::JsValue = parent.as_ref();
                        let source: &wasm_bindgen::JsValue = source.as_ref();
                        source == parent
                    }
                    _ => false,
                };
                if !from_parent || e.origin() != expected {
                    return;
                }
                if let Some(ParentCommand::Expanded(open)) =
                    e.data().as_string().as_deref().and_then(parse_command)
                {
                    collapsed.set(!open);
                }
            });
            on_cleanup(move || handle.remove());
        }
        Bridge {
            origin: StoredValue::new(origin),
            collapsed,
        }
    }

    /// Whether the chat runs in a frame of a trusted page.
    pub fn framed(&self) -> bool {
        self.origin.with_value(Option::is_some)
    }

    /// Posts `action` to the parent, if there is a trusted one.
    pub fn post(&self, action: &str, fields: &[(&str, Field<'_>)]) {
        let Some(origin) = self.origin.get_value() else {
            return;
        };
        if let Ok(Some(parent)) = window().parent() {
            let _ = parent.post_message(&envelope(action, fields).into(), &origin);
        }
    }

    /// `frame_ready`; `close_button` says whether the chat shows its own collapse button
    /// (its top bar), so the loader can leave out its own bar.
    pub fn ready(&self, close_button: bool) {
        self.post(
            "frame_ready",
            &[("close_button", Field::Number(i64::from(close_button)))],
        );
    }

    /// `receive_message`, only while collapsed (the spec fires it then).
    pub fn unread(&self, img: &str, name: &str, msg: &str, t: i64) {
        if self.collapsed.get_untracked() {
            self.post(
                "receive_message",
                &[
                    ("img", Field::Text(img)),
                    ("name", Field::Text(name)),
                    ("msg", Field::Text(msg)),
                    ("t", Field::Number(t)),
                ],
            );
        }
    }

    /// `chat_end`: the conversation ended (an agent ended it, or it timed out). Parley's
    /// own action, for the loader's `end_of_close`.
    pub fn ended(&self) {
        self.post("chat_end", &[]);
    }

    /// `chat_collapse_window`.
    pub fn collapse(&self) {
        self.post("chat_collapse_window", &[]);
    }
}

/// The trusted parent origin, when the page is in a frame.
fn parent_origin(allowed: &[String]) -> Option<String> {
    let w = window();
    let parent = w.parent().ok().flatten()?;
    let own_window: &wasm_bindgen::JsValue = w.as_ref();
    let parent_value: &wasm_bindgen::JsValue = parent.as_ref();
    if own_window == parent_value {
        return None;
    }
    let location = w.location();
    let own = location.origin().ok()?;
    // `location.ancestorOrigins` (Chromium, Safari) names the embedding page even when
    // it sends no referrer; web-sys does not bind it, so it is read by name.
    let ancestor = js_sys::Reflect::get(&location, &"ancestorOrigins".into())
        .ok()
        .filter(|l| !l.is_undefined())
        .and_then(|l| js_sys::Reflect::get(&l, &0.into()).ok())
        .and_then(|o| o.as_string());
    let candidate = ancestor.or_else(|| {
        let r = document().referrer();
        (!r.is_empty()).then_some(r)
    });
    trusted_parent(candidate.as_deref(), &own, allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::{json, Value};

    #[test]
    fn envelope_is_the_spec_shape_as_a_string() {
        let s = envelope("chat_collapse_window", &[]);
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(
            v,
            json!({"name":"zc_post_message","data":{"action":"chat_collapse_window"}})
        );
        let s = envelope(
            "receive_message",
            &[
                ("msg", Field::Text("hi \"</script>")),
                ("t", Field::Number(5)),
            ],
        );
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["data"]["action"], "receive_message");
        assert_eq!(v["data"]["msg"], "hi \"</script>");
        assert_eq!(v["data"]["t"], 5);
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://Shop.Example:8443/a/b?c#d").as_deref(),
            Some("https://shop.example:8443")
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("https://user@evil.example/"), None);
        let own = "https://chat.example";
        let allowed = vec!["https://shop.example".to_owned()];
        assert_eq!(
            trusted_parent(Some("https://shop.example/p"), own, &allowed).as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(
            trusted_parent(Some("https://evil.example/"), own, &allowed),
            None
        );
        assert_eq!(
            trusted_parent(Some("https://shop.example/"), own, &[]),
            None
        );
        assert_eq!(
            trusted_parent(Some("https://chat.example/x"), own, &[]).as_deref(),
            Some(own)
        );
        assert_eq!(trusted_parent(None, own, &allowed), None);
        // The whole-list wildcard: any http(s) site; a "*" among others is no wildcard.
        let any = vec!["*".to_string()];
        assert_eq!(
            trusted_parent(Some("http://localhost:3000/shop"), own, &any).as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(trusted_parent(Some("file:///tmp/x.html"), own, &any), None);
        let mixed = vec!["https://shop.example".to_string(), "*".to_string()];
        assert_eq!(
            trusted_parent(Some("https://evil.example/"), own, &mixed),
            None
        );
    }

    #[test]
    fn commands_from_the_parent() {
        assert_eq!(
            parse_command(
                r#"{"name":"zc_post_message","data":{"action":"frame_status","status":"collapse"}}"#
            ),
            Some(ParentCommand::Expanded(false))
        );
        assert_eq!(
            parse_command(r#"{"name":"other","data":{"action":"frame_status","status":"expand"}}"#),
            None
        );
        assert_eq!(parse_command("not json"), None);
    }
}
