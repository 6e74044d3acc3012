//! The top bar (per `top_bar_flag`) with the title (per `title_flag` / `custom_title`)
//! and, when the chat is framed, the button that asks the parent to collapse it.

use leptos::prelude::*;
use parley_protocol::params::TitleMode;
use parley_protocol::Locale;

use crate::components::transcript::TranscriptButton;
use crate::i18n::t;

/// The title per `title_flag`: the company name, the custom text, or the current
/// agent's nickname (the company name until an agent joins).
pub fn title_for(
    mode: TitleMode,
    company: &str,
    custom: Option<&str>,
    agent: Option<&str>,
) -> String {
    let pick = match mode {
        TitleMode::EnterpriseName => None,
        TitleMode::CustomText => custom,
        TitleMode::AgentNickname => agent,
    };
    pick.filter(|s| !s.trim().is_empty())
        .unwrap_or(company)
        .to_owned()
}

/// The document's (tab's) title: `custom_title` whenever the link gives one, whatever
/// `title_flag` (the spec: it is "the custom text of the page title", and with no top
/// bar only that), else the bar's title.
pub fn document_title_for(bar_title: &str, custom: Option<&str>) -> String {
    custom
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(bar_title)
        .to_owned()
}

/// The bar at the top of the chat.
#[component]
pub fn TopBar(
    /// The title.
    #[prop(into)]
    title: Signal<String>,
    /// The UI language.
    locale: Locale,
    /// Shows the collapse button (the chat runs in a frame of a trusted page).
    framed: bool,
    /// The visitor asks to collapse the window.
    on_collapse: Callback<()>,
    /// Saves the conversation as a text file (the bar's "Save the conversation").
    #[prop(optional)]
    on_transcript: Option<Callback<()>>,
) -> impl IntoView {
    let transcript = on_transcript.map(|on_save| {
        view! { <TranscriptButton locale on_save class="icon-button topbar-action transcript-icon" icon=true /> }
    });
    let collapse = framed.then(|| {
        view! {
            <button type="button" class="icon-button collapse" aria-label=t(locale, "chat-collapse")
                on:click=move |_| on_collapse.run(())>"—"</button>
        }
    });
    view! {
        <header class="topbar">
            <h1 dir="auto">{move || title.get()}</h1>
            {transcript}
            {collapse}
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let c = "Shop";
        assert_eq!(
            title_for(TitleMode::EnterpriseName, c, Some("X"), Some("A")),
            "Shop"
        );
        assert_eq!(
            title_for(TitleMode::CustomText, c, Some("Help"), None),
            "Help"
        );
        assert_eq!(
            title_for(TitleMode::CustomText, c, Some("  "), None),
            "Shop"
        );
        assert_eq!(
            title_for(TitleMode::AgentNickname, c, None, Some("Alice")),
            "Alice"
        );
        assert_eq!(title_for(TitleMode::AgentNickname, c, None, None), "Shop");
    }

    #[test]
    fn custom_title_names_the_tab_whatever_title_flag() {
        for mode in [
            TitleMode::EnterpriseName,
            TitleMode::CustomText,
            TitleMode::AgentNickname,
        ] {
            let bar = title_for(mode, "Shop", Some("Help desk"), Some("Alice"));
            assert_eq!(document_title_for(&bar, Some("Help desk")), "Help desk");
            assert_eq!(document_title_for(&bar, None), bar);
            assert_eq!(document_title_for(&bar, Some(" ")), bar);
        }
    }
}
