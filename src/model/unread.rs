//! The new-message alert while the chat's tab is hidden: how many agent messages came
//! since the visitor last looked, and what the tab's title shows meanwhile (the chat's
//! title and "New messages: n" in turn, one per tick, until the tab is visible again).

/// The alert's state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnreadAlert {
    /// Agent messages since the tab was hidden.
    pub count: u32,
    /// Which of the two titles shows now (flips each tick while `count > 0`).
    pub flash: bool,
}

impl UnreadAlert {
    /// An agent's message arrived; `hidden` is `document.hidden`. True when the
    /// visitor should hear it (the tab is hidden): visible tabs need no alert.
    pub fn arrived(&mut self, hidden: bool) -> bool {
        if !hidden {
            return false;
        }
        self.count += 1;
        self.flash = true;
        true
    }

    /// The tab became visible: the visitor sees the messages, the title settles.
    pub fn seen(&mut self) {
        *self = UnreadAlert::default();
    }

    /// One tick of the flashing title.
    pub fn tick(&mut self) {
        if self.count > 0 {
            self.flash = !self.flash;
        }
    }

    /// Whether the title is flashing (the ticks are needed).
    pub fn flashing(&self) -> bool {
        self.count > 0
    }

    /// The tab's title now: `title`, or `unread(count)` on every other tick.
    pub fn title(&self, title: &str, unread: impl Fn(u32) -> String) -> String {
        if self.count > 0 && self.flash {
            unread(self.count)
        } else {
            title.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(n: u32) -> String {
        format!("New messages: {n}")
    }

    #[test]
    fn a_visible_tab_is_not_alerted() {
        let mut a = UnreadAlert::default();
        assert!(!a.arrived(false));
        assert_eq!(a.title("Shop", label), "Shop");
        assert!(!a.flashing());
    }

    #[test]
    fn hidden_the_title_alternates_with_the_count_until_seen() {
        let mut a = UnreadAlert::default();
        assert!(a.arrived(true));
        assert_eq!(a.title("Shop", label), "New messages: 1");
        a.tick();
        assert_eq!(a.title("Shop", label), "Shop");
        assert!(a.arrived(true));
        assert_eq!(a.title("Shop", label), "New messages: 2");
        a.tick();
        a.tick();
        assert_eq!(a.title("Shop", label), "New messages: 2");
        a.seen();
        assert_eq!(a.title("Shop", label), "Shop");
        assert!(!a.flashing());
        a.tick();
        assert_eq!(a.title("Shop", label), "Shop");
    }
}
