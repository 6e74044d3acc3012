//! The workbench's shortcuts (listed in the README and in the top bar's help):
//!
//! * Alt+ArrowDown / Alt+ArrowUp: the next / previous conversation (mine, then
//!   waiting, then recently ended);
//! * Alt+C: focus the composer;
//! * Alt+I: the inbox; Alt+K: tickets; Alt+B: browsing visitors.
//!
//! Alt combinations leave typing alone (Enter sends, Shift+Enter is a new line in the
//! composer itself).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

use crate::Wb;

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Next,
    Previous,
    Composer,
    Inbox,
    Tickets,
    Browsing,
}

/// The shortcut of a key press (`key` as in `KeyboardEvent.key`, `code` as in `.code`).
pub fn shortcut(key: &str, code: &str, alt: bool, ctrl: bool) -> Option<Shortcut> {
    if !alt || ctrl {
        return None;
    }
    Some(match (key, code) {
        ("ArrowDown", _) => Shortcut::Next,
        ("ArrowUp", _) => Shortcut::Previous,
        (_, "KeyC") => Shortcut::Composer,
        (_, "KeyI") => Shortcut::Inbox,
        (_, "KeyK") => Shortcut::Tickets,
        (_, "KeyB") => Shortcut::Browsing,
        _ => return None,
    })
}

/// Installs the shortcuts for the signed-in page; removed on cleanup.
pub fn use_shortcuts(wb: Wb) {
    let navigate = use_navigate();
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        let Some(s) = shortcut(&e.key(), &e.code(), e.alt_key(), e.ctrl_key()) else {
            return;
        };
        e.prevent_default();
        let go = |path: &str| navigate(path, NavigateOptions::default());
        match s {
            Shortcut::Next | Shortcut::Previous => {
                let step = if s == Shortcut::Next { 1 } else { -1 };
                let next = wb
                    .inbox
                    .with_untracked(|i| i.neighbour(i.open.as_deref(), step));
                if let Some(id) = next {
                    go(&format!("/agent/conversations/{id}"));
                }
            }
            Shortcut::Composer => {
                if let Some(el) = document().get_element_by_id("composer") {
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
            Shortcut::Inbox => go("/agent/"),
            Shortcut::Tickets => go("/agent/tickets"),
            Shortcut::Browsing => go("/agent/browsing"),
        }
    });
    on_cleanup(move || handle.remove());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_alt_combinations_are_shortcuts() {
        assert_eq!(
            shortcut("ArrowDown", "ArrowDown", true, false),
            Some(Shortcut::Next)
        );
        assert_eq!(
            shortcut("ArrowUp", "ArrowUp", true, false),
            Some(Shortcut::Previous)
        );
        // macOS's Alt+C types "ç"; the physical key still counts.
        assert_eq!(shortcut("ç", "KeyC", true, false), Some(Shortcut::Composer));
        assert_eq!(shortcut("ArrowDown", "ArrowDown", false, false), None);
        assert_eq!(shortcut("c", "KeyC", true, true), None);
        assert_eq!(shortcut("x", "KeyX", true, false), None);
    }
}
