//! Satisfaction evaluation end to end: the agent ends the chat and the visitor rates it
//! with the keyboard-friendly form (stars, a tag, a comment), the agent API shows the
//! rating; the visitor's own close asks first with `show_evaluate=1`; `feedback_flag=0`
//! hides the "Rate this service" button (and `cut_flag=0` the screenshot tool). Also the
//! e-commerce overflow link: served by the partner tenant's agent, then rated.

use fantoccini::Locator;
use parley_e2e::{Agent, Browser, Server, Viewport};

use crate::chat::open;

/// The visitor writes and Alice (online) takes the conversation; returns its id.
async fn served(browser: &Browser, alice: &Agent) -> String {
    let area = browser
        .client
        .find(Locator::Css("#parley-composer"))
        .await
        .expect("composer");
    area.send_keys("Hello, I need help").await.unwrap();
    area.send_keys("\u{E007}").await.unwrap();
    let id = alice.take_next().await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.sys')].some(e => e.textContent.includes('Alice'))",
            20,
            "Alice joined",
        )
        .await;
    id
}

#[tokio::test]
async fn the_agent_ends_and_the_visitor_rates_four_stars_with_a_tag_and_a_comment() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    open(
        &browser,
        &server,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales",
    )
    .await;
    let id = served(&browser, &alice).await;
    browser
        .wait_until(
            "document.querySelector('button.evaluate-open')",
            10,
            "the Rate button once an agent served",
        )
        .await;
    let (status, body) = alice
        .call("POST", &format!("/api/agent/conversations/{id}/end"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    // The end invites a rating: the form opens by itself.
    browser
        .wait_until(
            "document.querySelector('form.evaluation [role=radiogroup]')",
            20,
            "the evaluation form",
        )
        .await;
    browser.click(".eval-score[data-score='4']").await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.eval-tag')].some(t => t.textContent === 'Friendly')",
            10,
            "the tags of four stars",
        )
        .await;
    browser
        .eval("[...document.querySelectorAll('.eval-tag')].find(t => t.textContent === 'Friendly').click()")
        .await;
    browser.click(".eval-solved").await;
    let comment = browser
        .client
        .find(Locator::Css("textarea.eval-comment"))
        .await
        .unwrap();
    comment.send_keys("Alice was quick").await.unwrap();
    browser.screenshot("evaluation-form-pc").await;
    browser.click("button.eval-submit").await;
    browser
        .wait_until(
            "document.querySelector('.eval-thanks') && !document.querySelector('form.evaluation')",
            20,
            "the thanks",
        )
        .await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.sys')].some(e => e.textContent.includes('4 of 5'))",
            20,
            "the rating's notice in the conversation",
        )
        .await;
    let (status, view) = alice
        .call(
            "GET",
            &format!("/api/agent/conversations/{id}/evaluation"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    let e = &view["evaluation"];
    assert_eq!(e["score"], 4, "{view}");
    assert_eq!(e["tags"], serde_json::json!(["Friendly"]));
    assert_eq!(e["solved"], true);
    assert_eq!(e["comment"], "Alice was quick");
    assert_eq!(e["agent_id"], "alice");
    let (_, page) = alice
        .call(
            "GET",
            &format!("/api/agent/conversations/{id}/messages"),
            None,
        )
        .await;
    let rated = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["event"]["type"] == "evaluated")
        .count();
    assert_eq!(rated, 1, "one evaluated event in the history");
    browser.screenshot("evaluation-done-pc").await;
    browser.close().await;
}

#[tokio::test]
async fn show_evaluate_asks_on_the_visitors_close_and_feedback_flag_0_hides_the_button() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Phone).await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    open(
        &browser,
        &server,
        "/chat/h5/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales\
         &show_evaluate=1&feedback_flag=0",
    )
    .await;
    let id = served(&browser, &alice).await;
    assert_eq!(
        browser
            .eval("!!document.querySelector('button.evaluate-open')")
            .await,
        false,
        "feedback_flag=0 hides the button"
    );
    browser.click("button.chat-end").await;
    browser
        .wait_until(
            "document.querySelector('form.evaluation')",
            10,
            "the form on close",
        )
        .await;
    // Keyboard: focus the scale and move to five stars with End.
    let star = browser
        .client
        .find(Locator::Css(".eval-score[tabindex='0']"))
        .await
        .unwrap();
    star.send_keys("\u{E010}").await.unwrap(); // End
    browser
        .wait_until(
            "document.querySelector(\".eval-score[data-score='5'][aria-checked=true]\") \
             && document.activeElement.dataset.score === '5'",
            10,
            "End picks five stars and keeps the focus on it",
        )
        .await;
    browser.screenshot("evaluation-on-close-h5").await;
    browser.click("button.eval-submit").await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.sys')].some(e => e.textContent.includes('You left'))",
            20,
            "the chat ended after the rating",
        )
        .await;
    let (_, view) = alice
        .call(
            "GET",
            &format!("/api/agent/conversations/{id}/evaluation"),
            None,
        )
        .await;
    assert_eq!(view["evaluation"]["score"], 5, "{view}");
    browser.close().await;

    // Without show_evaluate, the close ends at once; the button shows by default.
    let browser = Browser::start(Viewport::Desktop).await;
    open(
        &browser,
        &server,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales&show_evaluate=0\
         &cut_flag=0",
    )
    .await;
    served(&browser, &alice).await;
    browser
        .wait_until(
            "document.querySelector('button.evaluate-open') \
             && document.querySelector('.composer button.attach')",
            10,
            "the Rate button by default, and the attach button",
        )
        .await;
    assert_eq!(
        browser
            .eval("!!document.querySelector('.composer button.screenshot')")
            .await,
        false,
        "cut_flag=0 hides the screenshot tool"
    );
    browser.click("button.chat-end").await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.sys')].some(e => e.textContent.includes('You left'))",
            20,
            "the chat ended",
        )
        .await;
    assert_eq!(
        browser
            .eval("!!document.querySelector('form.evaluation')")
            .await,
        false,
        "no form without show_evaluate"
    );
    browser.close().await;
}

#[tokio::test]
async fn an_overflow_link_reaches_the_partner_tenants_agent_whose_reply_the_visitor_sees() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    // No agent of the demo shop is online; its partner `outlet` (config/demo.toml)
    // declares it under "parley-mall".
    let dave = Agent::login_at(&server, "outlet", "dave", "dave-demo").await;
    open(
        &browser,
        &server,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales&flowType=1&flowCompanyId=outlet\
         &flowGroupId=partners&platformUnionCode=parley-mall",
    )
    .await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.sys')].some(e => e.textContent.includes('Dave'))",
            20,
            "the partner's agent joined",
        )
        .await;
    let lists = dave.conversations().await;
    let id = lists["mine"][0]["id"]
        .as_str()
        .expect("dave has it")
        .to_owned();
    assert_eq!(lists["mine"][0]["origin_tenant"], "demo", "{lists}");
    let area = browser
        .client
        .find(Locator::Css("#parley-composer"))
        .await
        .expect("composer");
    area.send_keys("Do you have it in blue?").await.unwrap();
    area.send_keys("\u{E007}").await.unwrap();
    parley_e2e::wait_for(
        "the visitor's message at the partner",
        std::time::Duration::from_secs(20),
        async || {
            let (_, page) = dave
                .call(
                    "GET",
                    &format!("/api/agent/conversations/{id}/messages"),
                    None,
                )
                .await;
            let has = page["messages"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["text"] == "Do you have it in blue?"));
            if has {
                Ok(())
            } else {
                Err(page)
            }
        },
    )
    .await;
    dave.reply(&id, "d-1", "Yes, blue ships tomorrow.").await;
    browser
        .wait_until(
            "document.body.textContent.includes('Yes, blue ships tomorrow.')",
            20,
            "the partner's reply on the visitor's page",
        )
        .await;
    browser.screenshot("overflow-partner-reply-pc").await;
    browser.close().await;
}
