//! The admin area (`/agent/admin/…`), for agents with the admin role: the tenant's
//! settings as one JSON document ([`Form`]) that every section edits and saves whole
//! (`PUT /api/admin/settings`), one section per file. Unsaved edits survive moving
//! between sections; a refused save keeps them and shows the server's words beside
//! the field it names.

pub mod agents;
pub mod audit;
pub mod company;
pub mod faq;
pub mod groups;
pub mod more;
pub mod reception;
pub mod security;

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde_json::Value;

use crate::admin_api::{self, AdminError};
use crate::components::form::{Form, Refusal};
use crate::{use_wb, Wb};

/// The admin area's sections, by path (`/agent/admin/{slug}`; the bare path is
/// the company's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Company,
    Reception,
    Groups,
    Agents,
    Faq,
    Security,
    More,
    Audit,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::Company,
        Section::Reception,
        Section::Groups,
        Section::Agents,
        Section::Faq,
        Section::Security,
        Section::More,
        Section::Audit,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Section::Company => "company",
            Section::Reception => "reception",
            Section::Groups => "groups",
            Section::Agents => "agents",
            Section::Faq => "faq",
            Section::Security => "security",
            Section::More => "more",
            Section::Audit => "audit",
        }
    }

    /// The section a path shows.
    pub fn of(path: &str) -> Section {
        let rest = path
            .strip_prefix("/agent/admin")
            .unwrap_or("")
            .trim_start_matches('/');
        let slug = rest.split('/').next().unwrap_or("");
        Section::ALL
            .into_iter()
            .find(|s| s.slug() == slug)
            .unwrap_or(Section::Company)
    }

    pub fn href(self) -> String {
        format!("/agent/admin/{}", self.slug())
    }

    /// The message key of the section's title.
    pub fn title_key(self) -> &'static str {
        match self {
            Section::Company => "admin-company",
            Section::Reception => "admin-reception",
            Section::Groups => "admin-groups",
            Section::Agents => "admin-agents",
            Section::Faq => "admin-faq",
            Section::Security => "admin-security",
            Section::More => "admin-more",
            Section::Audit => "admin-audit",
        }
    }
}

/// The admin area's shared state: the settings being edited and the new passwords.
#[derive(Clone, Copy)]
pub struct Admin {
    pub settings: Form,
    /// New passwords by agent id, sent with the next save (hashed by the server).
    pub passwords: RwSignal<BTreeMap<String, String>>,
    pub loaded: RwSignal<bool>,
    pub load_error: RwSignal<Option<String>>,
}

/// The [`Admin`] context of the admin area.
pub fn use_admin() -> Admin {
    use_context::<Admin>().expect("inside the admin area")
}

/// What a failed admin call shows: the server's refusal, or the call's error in words
/// (an expired session returns to sign-in).
pub fn refusal_of(wb: Wb, e: AdminError) -> Refusal {
    match e {
        AdminError::Refused(r) => r,
        AdminError::Call(e) => {
            let e = wb.check(e);
            Refusal {
                field: None,
                message: format!("{} {}", wb.t(e.message_key()), e.detail()),
            }
        }
    }
}

impl Admin {
    /// Saves the settings as edited, with the new passwords.
    pub fn save(self, wb: Wb) {
        let passwords = self.passwords.get_untracked();
        self.save_with(wb, |_| {}, passwords, || {});
    }

    /// Saves the settings as edited and changed by `edit`, with `passwords`. The edit
    /// reaches the form only when the server took it, so a refused key rotation or new
    /// agent leaves the rest of the form as it was (their own inputs keep what was
    /// typed). `done` runs after a save that went through.
    pub fn save_with(
        self,
        wb: Wb,
        edit: impl FnOnce(&mut Value),
        passwords: BTreeMap<String, String>,
        done: impl FnOnce() + 'static,
    ) {
        let form = self.settings;
        let mut doc = form.doc.get_untracked();
        edit(&mut doc);
        form.busy.set(true);
        form.saved.set(false);
        let token = wb.token();
        leptos::task::spawn_local(async move {
            let result = admin_api::change(&token, doc, passwords).await;
            form.busy.set(false);
            match result {
                Ok(s) => {
                    form.doc.set(s.tenant);
                    form.error.set(None);
                    form.saved.set(true);
                    self.passwords.set(BTreeMap::new());
                    done();
                }
                Err(e) => form.error.set(Some(refusal_of(wb, e))),
            }
        });
    }

    /// The save callback of a section's save bar.
    pub fn save_callback(self, wb: Wb) -> Callback<()> {
        Callback::new(move |()| self.save(wb))
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let wb = use_wb();
    let is_admin = wb
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.agent.admin));
    let admin = Admin {
        settings: Form::new(Value::Null),
        passwords: RwSignal::new(BTreeMap::new()),
        loaded: RwSignal::new(false),
        load_error: RwSignal::new(None),
    };
    provide_context(admin);
    provide_context(admin.settings);
    if is_admin {
        let token = wb.token();
        leptos::task::spawn_local(async move {
            match admin_api::settings(&token).await {
                Ok(s) => {
                    admin.settings.doc.set(s.tenant);
                    admin.loaded.set(true);
                }
                Err(e) => admin.load_error.set(Some(refusal_of(wb, e).message)),
            }
        });
    }
    let location = use_location();
    let section = Memo::new(move |_| Section::of(&location.pathname.get()));
    let body = move || {
        if !is_admin {
            return view! { <p class="notice">{wb.t("admin-only")}</p> }.into_any();
        }
        if let Some(e) = admin.load_error.get() {
            return view! { <p class="error" role="alert">{e}</p> }.into_any();
        }
        if !admin.loaded.get() {
            return view! { <p>{wb.t("loading")}</p> }.into_any();
        }
        match section.get() {
            Section::Company => view! { <company::CompanySection /> }.into_any(),
            Section::Reception => view! { <reception::ReceptionSection /> }.into_any(),
            Section::Groups => view! { <groups::GroupsSection /> }.into_any(),
            Section::Agents => view! { <agents::AgentsSection /> }.into_any(),
            Section::Faq => view! { <faq::FaqSection /> }.into_any(),
            Section::Security => view! { <security::SecuritySection /> }.into_any(),
            Section::More => view! { <more::MoreSection /> }.into_any(),
            Section::Audit => view! { <audit::AuditSection /> }.into_any(),
        }
    };
    view! {
        <div class="admin">
            <nav class="admin-nav" aria-label=wb.t("admin-nav-label")>
                {Section::ALL.into_iter().map(|s| {
                    let current = move || (section.get() == s).then_some("page");
                    view! { <a href=s.href() aria-current=current>{wb.t(s.title_key())}</a> }
                }).collect_view()}
            </nav>
            <section class="admin-body" aria-labelledby="admin-title">
                <h1 id="admin-title">{move || wb.t(section.get().title_key())}</h1>
                {body}
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::Section;

    #[test]
    fn paths_pick_sections() {
        assert_eq!(Section::of("/agent/admin"), Section::Company);
        assert_eq!(Section::of("/agent/admin/"), Section::Company);
        assert_eq!(Section::of("/agent/admin/faq"), Section::Faq);
        assert_eq!(Section::of("/agent/admin/security/"), Section::Security);
        assert_eq!(Section::of("/agent/admin/nothing"), Section::Company);
        for s in Section::ALL {
            assert_eq!(Section::of(&s.href()), s);
        }
    }
}
