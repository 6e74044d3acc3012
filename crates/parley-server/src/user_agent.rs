//! A short label for a visitor's browser and device, read from their `User-Agent`
//! ("Chrome 120 · Windows", "Mobile Safari 17 · iOS"), for the agents' visitor panel.
//!
//! A few ordered substring rules instead of a user-agent crate: the panel needs the
//! family, major version and system of the browsers people chat from, not a device
//! database. Order matters because browsers name their ancestors (Edge and Opera say
//! "Chrome", Chrome says "Safari", an iPad says "Mac OS X"). Anything unrecognised gives
//! no label rather than a wrong one.

/// How much of a `User-Agent` header is kept with a conversation (real ones are a few
/// hundred bytes; the rest of a longer one is noise or an attack).
pub const MAX_STORED_CHARS: usize = 512;

/// The header as kept: at most [`MAX_STORED_CHARS`] characters, control characters
/// dropped; `None` when nothing is left.
pub fn stored(header: &str) -> Option<String> {
    let kept: String = header
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_STORED_CHARS)
        .collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Browser families, first match wins: (the token before the version, the name shown).
const BROWSERS: &[(&str, &str)] = &[
    ("MicroMessenger/", "WeChat"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("UCBrowser/", "UC Browser"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("HeadlessChrome/", "Headless Chrome"),
    ("Chrome/", "Chrome"),
    ("MSIE ", "Internet Explorer"),
    ("Trident/", "Internet Explorer"),
];

/// The label for a `User-Agent`, or `None` when neither browser nor system is known.
pub fn label(ua: &str) -> Option<String> {
    let system = system(ua);
    let browser = browser(ua, system);
    match (browser, system) {
        (Some(b), Some(s)) => Some(format!("{b} · {s}")),
        (Some(b), None) => Some(b),
        (None, Some(s)) => Some(s.to_owned()),
        (None, None) => None,
    }
}

/// The browser's name and major version ("Chrome 120").
fn browser(ua: &str, system: Option<&str>) -> Option<String> {
    let named = BROWSERS.iter().find_map(|(token, name)| {
        let at = ua.find(token)?;
        let version = major(&ua[at + token.len()..]);
        // Internet Explorer 11 says only "Trident/7.0; rv:11.0".
        let version = if *token == "Trident/" {
            ua.find("rv:").and_then(|i| major(&ua[i + 3..]))
        } else {
            version
        };
        Some(with_version(name, version))
    });
    if named.is_some() {
        return named;
    }
    // Safari last: every WebKit browser says "Safari"; Safari alone gives "Version/".
    if ua.contains("Safari/") || ua.contains("AppleWebKit/") {
        let version = ua.find("Version/").and_then(|i| major(&ua[i + 8..]));
        let mobile = matches!(system, Some("iOS" | "iPadOS")) || ua.contains("Mobile/");
        let name = if mobile { "Mobile Safari" } else { "Safari" };
        if version.is_some() || ua.contains("Safari/") {
            return Some(with_version(name, version));
        }
    }
    None
}

fn with_version(name: &str, version: Option<u32>) -> String {
    match version {
        Some(v) => format!("{name} {v}"),
        None => name.to_owned(),
    }
}

/// The digits at the start of `rest` (a version's major number).
fn major(rest: &str) -> Option<u32> {
    let digits: String = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse().ok()
}

/// The operating system, by the tokens browsers put in their platform part.
fn system(ua: &str) -> Option<&'static str> {
    let rules: &[(&str, &str)] = &[
        ("Windows Phone", "Windows Phone"),
        ("Windows NT", "Windows"),
        ("iPad", "iPadOS"),
        ("iPhone", "iOS"),
        ("iPod", "iOS"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("HarmonyOS", "HarmonyOS"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ];
    rules
        .iter()
        .find(|(token, _)| ua.contains(token))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_get_short_labels() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                "Chrome 120 · Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
                "Mobile Safari 17 · iOS",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
                "Safari 17 · macOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
                "Edge 120 · Windows",
            ),
            (
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
                "Firefox 121 · Linux",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
                "Chrome 120 · Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
                "Chrome 120 · iOS",
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
                "Mobile Safari 16 · iPadOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 13; V2166A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
                "WeChat 8 · Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
                "Opera 106 · Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
                "Internet Explorer 11 · Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                "Headless Chrome 131 · Linux",
            ),
        ];
        for (ua, want) in cases {
            assert_eq!(label(ua).as_deref(), Some(want), "{ua}");
        }
    }

    #[test]
    fn unknown_or_odd_agents_give_no_wrong_label() {
        assert_eq!(label(""), None);
        assert_eq!(label("curl/8.5.0"), None);
        assert_eq!(
            label("Mozilla/5.0 (Windows NT 10.0) Whatever/1.0").as_deref(),
            Some("Windows")
        );
        // A version too long to be one is left out, not wrapped or panicked on.
        assert_eq!(
            label("Firefox/99999999999999999999").as_deref(),
            Some("Firefox 999999")
        );
    }

    #[test]
    fn a_stored_header_is_bounded_and_clean() {
        assert_eq!(stored("  "), None);
        assert_eq!(stored("a\r\nb\u{7}c").as_deref(), Some("abc"));
        let long = "x".repeat(5000);
        assert_eq!(stored(&long).unwrap().chars().count(), MAX_STORED_CHARS);
    }
}
