//! The inbox: lists | conversation | visitor panel. `/agent/conversations/{id}` opens a
//! conversation directly (a deep link, or a row of the lists).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::conversation::ConversationPane;
use crate::components::lists::InboxLists;
use crate::components::visitor_panel::{PartnerVisitorPanel, VisitorPanel};
use crate::use_wb;

#[component]
pub fn InboxPage() -> impl IntoView {
    let wb = use_wb();
    let location = use_location();
    let id =
        Memo::new(move |_| crate::Page::id_in(&location.pathname.get(), "/agent/conversations/"));
    // The visitor of the open conversation, once the lists or the messages say.
    let visitor = Memo::new(move |_| {
        let id = id.get()?;
        wb.inbox.with(|i| {
            i.find(&id)
                .map(|c| (c.visitor_id.clone(), c.origin_tenant.clone()))
        })
    });
    view! {
        <div class="inbox">
            <InboxLists />
            {move || match id.get() {
                Some(id) => view! { <ConversationPane id /> }.into_any(),
                None => view! {
                    <section class="conversation placeholder">
                        <p>{wb.t("inbox-pick")}</p>
                        <p class="hint">{wb.t("shortcuts-help")}</p>
                    </section>
                }.into_any(),
            }}
            {move || visitor.get().map(|(v, origin)| match origin {
                None => view! { <VisitorPanel visitor_id=v /> }.into_any(),
                Some(origin) => view! { <PartnerVisitorPanel origin /> }.into_any(),
            })}
        </div>
    }
}
