//! Which page a path shows. Pure, so it is tested on the host.

/// The visitor pages the bundle serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    ChatPc,
    ChatH5,
    LeaveMessage,
    TicketClient,
}

/// The two chat layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Pc,
    H5,
}

impl Page {
    /// Matches on the end of the path so that the bundle also works when served under
    /// a prefix (Trunk's dev server, a reverse proxy).
    pub fn from_path(path: &str) -> Option<Page> {
        let path = path.trim_end_matches('/');
        [
            ("/chat/pc/v2/index.html", Page::ChatPc),
            ("/chat/h5/v2/index.html", Page::ChatH5),
            ("/chat/h5/v2/leavemessage.html", Page::LeaveMessage),
            ("/ticketclient/index.html", Page::TicketClient),
        ]
        .into_iter()
        .find(|(suffix, _)| path.ends_with(suffix))
        .map(|(_, page)| page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_by_path() {
        assert_eq!(
            Page::from_path("/chat/pc/v2/index.html"),
            Some(Page::ChatPc)
        );
        assert_eq!(
            Page::from_path("/chat/h5/v2/index.html"),
            Some(Page::ChatH5)
        );
        assert_eq!(
            Page::from_path("/chat/h5/v2/leavemessage.html"),
            Some(Page::LeaveMessage)
        );
        assert_eq!(
            Page::from_path("/ticketclient/index.html"),
            Some(Page::TicketClient)
        );
        assert_eq!(
            Page::from_path("/prefix/chat/pc/v2/index.html"),
            Some(Page::ChatPc)
        );
        assert_eq!(Page::from_path("/chat/pc/v3/index.html"), None);
        assert_eq!(Page::from_path("/"), None);
    }
}
