//! Sign-in: company (sysnum), user name, password. A wrong password, an unknown company
//! or user (the server answers both alike, so names cannot be probed), too many tries
//! and an unreachable server each get their own clear text. After an expired session
//! the page says so; the drafts and unsent replies are still kept.

use leptos::prelude::*;
use parley_protocol::api::{AgentLoginRequest, AgentLoginResponse, ErrorCode};
use parley_protocol::Locale;

use crate::api::{self, CallError};
use crate::i18n::t;
use crate::session::{self, Session};

/// The message key for a failed sign-in.
pub fn signin_error_key(e: &CallError) -> &'static str {
    match e {
        CallError::Network(_) => "signin-error-network",
        CallError::Api(_, b) => match b.code {
            ErrorCode::Unauthorized | ErrorCode::UnknownTenant => "signin-error-wrong",
            ErrorCode::RateLimited => "signin-error-locked",
            ErrorCode::BadRequest => "signin-error-incomplete",
            _ => "signin-error-server",
        },
    }
}

#[component]
pub fn SignIn(session: RwSignal<Option<Session>>, expired: RwSignal<bool>) -> impl IntoView {
    let locale = use_context::<Signal<Locale>>().expect("locale");
    let l = locale.get_untracked();
    let (last_sysnum, last_user) = session::last_login().unwrap_or_default();
    let sysnum = RwSignal::new(last_sysnum);
    let username = RwSignal::new(last_user);
    let password = RwSignal::new(String::new());
    let login = Action::new_local(|request: &AgentLoginRequest| {
        let request = request.clone();
        async move { api::login(&request).await }
    });
    let error = Memo::new(move |_| {
        login
            .value()
            .get()
            .and_then(|r: Result<AgentLoginResponse, CallError>| r.err())
            .map(|e| {
                let retry = match &e {
                    CallError::Api(_, b) if b.code == ErrorCode::RateLimited => b.message.clone(),
                    _ => String::new(),
                };
                format!("{} {retry}", t(l, signin_error_key(&e)))
                    .trim()
                    .to_owned()
            })
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = login.value().get() {
            let s = Session {
                token: r.token,
                agent: r.agent,
            };
            session::save(Some(&s));
            expired.set(false);
            session.set(Some(s));
        }
    });
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        login.dispatch(AgentLoginRequest {
            sysnum: sysnum.get_untracked().trim().to_owned(),
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
    };
    view! {
        <main class="signin">
            <form class="signin-card" on:submit=submit aria-labelledby="signin-title">
                <h1 id="signin-title">{t(l, "signin-title")}</h1>
                <p class="sub">{t(l, "signin-sub")}</p>
                <Show when=move || expired.get()>
                    <p class="notice" role="status">{t(l, "signin-expired")}</p>
                </Show>
                <label for="sysnum">{t(l, "signin-sysnum")}</label>
                <input id="sysnum" name="sysnum" autocomplete="organization" required
                    prop:value=move || sysnum.get() on:input=move |e| sysnum.set(event_target_value(&e)) />
                <label for="username">{t(l, "signin-username")}</label>
                <input id="username" name="username" autocomplete="username" required
                    prop:value=move || username.get() on:input=move |e| username.set(event_target_value(&e)) />
                <label for="password">{t(l, "signin-password")}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) />
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="signin-error">{move || error.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { t(l, "signin-busy") } else { t(l, "signin-submit") }}
                </button>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::api::ApiErrorBody;

    fn api(status: u16, code: ErrorCode) -> CallError {
        CallError::Api(
            status,
            ApiErrorBody {
                code,
                message: String::new(),
            },
        )
    }

    #[test]
    fn each_failure_has_its_own_text() {
        assert_eq!(
            signin_error_key(&api(401, ErrorCode::Unauthorized)),
            "signin-error-wrong"
        );
        assert_eq!(
            signin_error_key(&api(429, ErrorCode::RateLimited)),
            "signin-error-locked"
        );
        assert_eq!(
            signin_error_key(&CallError::Network("x".into())),
            "signin-error-network"
        );
        assert_eq!(
            signin_error_key(&api(500, ErrorCode::Internal)),
            "signin-error-server"
        );
    }
}
