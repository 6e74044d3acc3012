//! Visitors' browsing tracks: the spec's `man_trace` and `zc("trace")`.
//!
//! The host page reports page views through the loader's visitor frame
//! (`sdk/visitor.js`); each becomes a row of `visit_traces` for that visitor, and agents
//! read the latest ones (`GET /api/agent/visitors/{id}/traces`) to see which pages led to
//! a chat. What a host page sends is untrusted: [`visit_page`] keeps only http(s) URLs
//! and bounded text, and each visitor keeps at most [`MAX_TRACES_PER_VISITOR`] entries,
//! so a script on a page cannot grow the table without bound.

use std::collections::BTreeMap;

use parley_protocol::api::{VisitPage, VisitTrace};
use parley_protocol::params::Link;

use crate::error::ApiError;
use crate::store;
use crate::AppState;

/// Entries kept per visitor; older ones are dropped as new ones come.
pub const MAX_TRACES_PER_VISITOR: i64 = 200;
/// Longest URL kept (page and thumbnail); a longer one is dropped, not cut.
pub const MAX_URL_CHARS: usize = 2048;
/// Longest title and tags, in characters; longer ones are cut.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest digest, in characters; a longer one is cut.
pub const MAX_SUMMARY_CHARS: usize = 500;

/// One page of a track from the spec's `pre_visit_args` / `cur_visit_args` object, whose
/// keys carry `prefix` (`pre` or `cur`): `{prefix}_visit_url`, `{prefix}_visit_title`,
/// `{prefix}_abstract`, `{prefix}_thumbnail`, `{prefix}_tags`. URLs that are not http(s)
/// are dropped; text is trimmed and cut to its limit. `None` when nothing is left.
pub fn visit_page(args: &BTreeMap<String, String>, prefix: &str) -> Option<VisitPage> {
    let get = |name: &str| {
        args.get(&format!("{prefix}_{name}"))
            .map(|v| v.trim())
            .unwrap_or("")
    };
    let url = |name: &str| {
        let v = get(name);
        Link::new(v)
            .openable()
            .filter(|u| u.chars().count() <= MAX_URL_CHARS)
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let cut = |v: &str, max: usize| v.chars().take(max).collect::<String>();
    let page = VisitPage {
        url: url("visit_url"),
        title: cut(get("visit_title"), MAX_TITLE_CHARS),
        summary: cut(get("abstract"), MAX_SUMMARY_CHARS),
        thumbnail: url("thumbnail"),
        tags: cut(get("tags"), MAX_TITLE_CHARS),
    };
    (page != VisitPage::default()).then_some(page)
}

/// Stores one page view for `visitor_id` and drops the visitor's entries past the newest
/// [`MAX_TRACES_PER_VISITOR`].
pub async fn record(
    state: &AppState,
    visitor_id: &str,
    page: &VisitPage,
    previous: Option<&VisitPage>,
) -> Result<(), ApiError> {
    Ok(store::traces::record(
        &state.db,
        visitor_id,
        page,
        previous,
        MAX_TRACES_PER_VISITOR,
    )
    .await?)
}

/// The visitor's latest entries, newest first.
pub async fn of_visitor(
    state: &AppState,
    visitor_id: &str,
    limit: i64,
) -> Result<Vec<VisitTrace>, ApiError> {
    Ok(store::traces::of_visitor(&state.db, visitor_id, limit).await?)
}

/// How recent a page of the track must be to count as the one a chat starts from:
/// the same visit, as the spec's "inquiry initiation behavior" means it.
pub const SAME_VISIT_MS: i64 = 30 * 60 * 1000;

/// The page a chat starts from, for agents: the newest page of the visitor's track when
/// it is of this visit (within [`SAME_VISIT_MS`] of `now`), else the page that opened
/// the chat (`referrer`, http(s) and at most [`MAX_URL_CHARS`] only). Only the address
/// and title are kept: the summary travels with every list change.
pub fn pick_came_from(
    newest: Option<&VisitTrace>,
    now: i64,
    referrer: Option<&str>,
) -> Option<VisitPage> {
    let traced = newest
        .filter(|t| now - t.at <= SAME_VISIT_MS)
        .map(|t| VisitPage {
            url: t.page.url.clone(),
            title: t.page.title.clone(),
            ..VisitPage::default()
        });
    traced.or_else(|| {
        let url = Link::new(referrer?.trim())
            .openable()
            .filter(|u| u.chars().count() <= MAX_URL_CHARS)?
            .to_owned();
        Some(VisitPage {
            url,
            ..VisitPage::default()
        })
    })
}

/// [`pick_came_from`] with the visitor's newest page read from the store.
pub async fn came_from(
    state: &AppState,
    visitor_id: &str,
    referrer: Option<&str>,
) -> Result<Option<VisitPage>, ApiError> {
    let newest = store::traces::of_visitor(&state.db, visitor_id, 1).await?;
    Ok(pick_came_from(newest.first(), store::now_ms(), referrer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_comes_from_the_visits_newest_page_or_else_its_referrer() {
        let trace = |at| VisitTrace {
            page: VisitPage {
                url: "https://shop.example/tea?id=7".into(),
                title: "Green tea".into(),
                summary: "Our best tea".into(),
                ..VisitPage::default()
            },
            previous: None,
            at,
        };
        let now = 10 * SAME_VISIT_MS;
        let fresh = trace(now - 60_000);
        let page = pick_came_from(Some(&fresh), now, Some("https://other.example/")).unwrap();
        assert_eq!(
            (page.url.as_str(), page.title.as_str()),
            ("https://shop.example/tea?id=7", "Green tea")
        );
        assert_eq!(page.summary, "", "only the address and the title travel");
        // A track of an earlier visit says nothing about this chat: the referrer does.
        let stale = trace(now - SAME_VISIT_MS - 1);
        let page = pick_came_from(Some(&stale), now, Some(" https://blog.example/post ")).unwrap();
        assert_eq!(page.url, "https://blog.example/post");
        assert_eq!(pick_came_from(Some(&stale), now, None), None);
        // Only http(s) addresses of a sane length.
        assert_eq!(pick_came_from(None, now, Some("javascript:alert(1)")), None);
        assert_eq!(pick_came_from(None, now, Some("")), None);
        let long = format!("https://a.example/{}", "x".repeat(MAX_URL_CHARS));
        assert_eq!(pick_came_from(None, now, Some(&long)), None);
    }

    fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_page_keeps_the_spec_fields_of_its_prefix() {
        let page = visit_page(
            &args(&[
                ("cur_visit_url", " https://shop.example/tea?id=7 "),
                ("cur_visit_title", "Green tea"),
                ("cur_abstract", "Our best tea"),
                ("cur_thumbnail", "https://img.example/tea.png"),
                ("cur_tags", "tea,green"),
                ("pre_visit_url", "https://elsewhere.example/"),
            ]),
            "cur",
        )
        .unwrap();
        assert_eq!(page.url, "https://shop.example/tea?id=7");
        assert_eq!(page.title, "Green tea");
        assert_eq!(page.summary, "Our best tea");
        assert_eq!(page.thumbnail, "https://img.example/tea.png");
        assert_eq!(page.tags, "tea,green");
    }

    #[test]
    fn only_http_urls_are_kept_and_text_is_bounded() {
        let long = "é".repeat(MAX_SUMMARY_CHARS + 10);
        let page = visit_page(
            &args(&[
                ("pre_visit_url", "javascript:alert(1)"),
                ("pre_thumbnail", "data:image/png;base64,AAAA"),
                ("pre_visit_title", "<img src=x onerror=alert(1)>"),
                ("pre_abstract", &long),
            ]),
            "pre",
        )
        .unwrap();
        assert_eq!(page.url, "");
        assert_eq!(page.thumbnail, "");
        // Text is kept as text; it is never HTML to anyone who shows it.
        assert_eq!(page.title, "<img src=x onerror=alert(1)>");
        assert_eq!(page.summary.chars().count(), MAX_SUMMARY_CHARS);
        let too_long = format!("https://a.example/{}", "x".repeat(MAX_URL_CHARS));
        let page = visit_page(&args(&[("cur_visit_url", &too_long)]), "cur");
        assert_eq!(page, None, "an over-long URL is dropped, leaving nothing");
    }

    #[test]
    fn nothing_usable_is_no_page() {
        assert_eq!(visit_page(&args(&[]), "cur"), None);
        assert_eq!(
            visit_page(
                &args(&[("cur_visit_url", "ftp://x"), ("cur_tags", "  ")]),
                "cur"
            ),
            None
        );
    }
}
