//! A file (not a picture) in the conversation: a card with its name and size that
//! downloads it. The server serves it with `Content-Disposition: attachment`, so the
//! browser saves it and never opens it as a page; the link is same-origin
//! (`FileRef::url` refuses any id that is not the server's plain token).

use leptos::prelude::*;
use parley_protocol::api::FileRef;
use parley_protocol::Locale;

use crate::i18n::t;

/// A byte count as people read it: "512 B", "2.4 KB", "1.2 MB" (powers of 1024, one
/// decimal under 10, rounded down, so a file never reads larger than it is), in integer
/// arithmetic.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut unit = 0;
    let mut scale: u64 = 1;
    while unit < UNITS.len() - 1 && bytes / scale >= 1024 {
        scale *= 1024;
        unit += 1;
    }
    let whole = bytes / scale;
    if unit > 0 && whole < 10 {
        let tenths = (bytes % scale) * 10 / scale;
        format!("{whole}.{tenths} {}", UNITS[unit])
    } else {
        format!("{whole} {}", UNITS[unit])
    }
}

/// The card: an icon, the name (as text, isolated for bidi) and the size, all one
/// download link.
#[component]
pub fn FileCard(
    /// The stored file.
    file: FileRef,
    /// The UI language.
    locale: Locale,
) -> impl IntoView {
    let size = format_size(file.size);
    let label = format!("{} {} ({size})", t(locale, "chat-file-download"), file.name);
    let Some(url) = file.url() else {
        return view! { <span class="file-card" dir="auto">{file.name}</span> }.into_any();
    };
    let download = file.name.clone();
    view! {
        <a class="file-card" href=url download=download aria-label=label
            rel="noopener noreferrer">
            <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"
                fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
                <path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" />
                <path d="M14 3v6h6" />
            </svg>
            <span class="file-meta">
                <bdi class="file-name">{file.name}</bdi>
                <span class="file-size">{size}</span>
            </span>
        </a>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1024), "1.0 KB");
        assert_eq!(format_size(2_500), "2.4 KB");
        assert_eq!(format_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(format_size(5 << 30), "5.0 GB");
        assert_eq!(format_size(u64::MAX), "17179869183 GB");
        assert_eq!(format_size(1024 * 1024 - 1), "1023 KB");
        assert_eq!(format_size(9_999), "9.7 KB");
    }
}
