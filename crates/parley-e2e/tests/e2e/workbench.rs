//! The agents' workbench end to end: the release workbench bundle (`dist/agent/`) in
//! headless Chromium beside a visitor's chat, against the real server, with two and
//! three browsers at once.

use std::time::Duration;

use fantoccini::{Client, Locator};
use parley_e2e::{Browser, Server, Viewport};

const ENTER: &str = "\u{E007}";

/// A JS expression: whether some element matching `css` contains `text`.
pub(crate) fn has_text(css: &str, text: &str) -> String {
    format!(
        "[...document.querySelectorAll({})].some(e => e.textContent.includes({}))",
        serde_json::Value::String(css.into()),
        serde_json::Value::String(text.into())
    )
}

pub(crate) async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

async fn type_into(c: &Client, css: &str, text: &str) {
    find(c, css).await.send_keys(text).await.unwrap();
}

/// Opens the workbench and fills the sign-in form (the fields may be pre-filled from
/// an earlier sign-in: they are cleared first).
pub(crate) async fn fill_sign_in(b: &Browser, server: &Server, user: &str, password: &str) {
    b.client.goto(&server.url("/agent/")).await.unwrap();
    for (css, value) in [
        ("#sysnum", "demo"),
        ("#username", user),
        ("#password", password),
    ] {
        let el = find(&b.client, css).await;
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }
    b.click(".signin-card button[type=submit]").await;
}

/// Signs `user` in and waits for the inbox with a live socket.
pub(crate) async fn sign_in(b: &Browser, server: &Server, user: &str) {
    fill_sign_in(b, server, user, &format!("{user}-demo")).await;
    b.wait_until("document.querySelector('.conn-open')", 20, "the live inbox")
        .await;
}

/// The visitor's chat page.
pub(crate) async fn open_chat(b: &Browser, server: &Server, query: &str) {
    b.client
        .goto(&server.url(&format!("/chat/pc/v2/index.html?{query}")))
        .await
        .unwrap();
    b.wait_until(
        "document.querySelector('#parley-composer')",
        20,
        "the composer",
    )
    .await;
}

pub(crate) async fn visitor_says(b: &Browser, text: &str) {
    let area = find(&b.client, "#parley-composer").await;
    area.send_keys(text).await.unwrap();
    area.send_keys(ENTER).await.unwrap();
}

/// Flow 1: a visitor with CRM fields, params, summaryparams and the spec's order card
/// asks the bot twice and transfers; Alice sees the visitor arrive live with the bot
/// exchange, the fields and the card, replies (typing shows both ways), sends a
/// picture, transfers to Bob with a note; Bob continues and ends; the visitor sees the
/// end.
#[tokio::test]
async fn a_visitor_is_served_transferred_and_ended_from_the_workbench() {
    let server = Server::start().await;
    let alice = Browser::start(Viewport::Desktop).await;
    alice.client.goto(&server.url("/agent/")).await.unwrap();
    find(&alice.client, "#sysnum").await;
    alice.screenshot("workbench-signin").await;
    sign_in(&alice, &server, "alice").await;

    let visitor = Browser::start(Viewport::Desktop).await;
    let query = "sysnum=demo&locale=en&uname=Ann%20Lee&tel=555-0101&groupid=sales\
        &params=%7B%22plan%22%3A%22pro%22%7D&summaryparams=%7B%22topic%22%3A%22late%20parcel%22%7D\
        &order_status=1&create_time=1586414406391&order_code=121212&order_url=http://sg.sobot.io\
        &goods_count=2&total_fee=1000&goods=[{\"name\":\"saaadad\",\"pictureUrl\":\"https://img.sobot.io/console/common/face/admin.png\"}]";
    open_chat(&visitor, &server, query).await;
    visitor_says(&visitor, "How long does shipping take?").await;
    visitor
        .wait_until(
            "document.querySelectorAll('.row-in:not(.greeting) .msg-bot').length >= 1",
            20,
            "the bot's first answer",
        )
        .await;
    visitor_says(&visitor, "Can I return an item?").await;
    visitor
        .wait_until(
            "document.querySelectorAll('.row-in:not(.greeting) .msg-bot').length >= 2",
            20,
            "the bot's second answer",
        )
        .await;
    // The visitor sends the link's order card, then asks for a person.
    visitor.click(".card-tray .card-send").await;
    visitor
        .wait_until("!document.querySelector('.card-tray')", 20, "the card sent")
        .await;
    visitor
        .wait_until(
            "document.querySelector('.transfer')",
            20,
            "the transfer button",
        )
        .await;
    visitor.click(".transfer").await;

    // Alice sees the visitor appear in her list without reloading, and opens it.
    alice
        .wait_until(
            &has_text("#list-list-mine ~ ul .name, .list .name", "Ann Lee"),
            20,
            "the visitor in Alice's list",
        )
        .await;
    alice.click(".list .item a").await;
    alice
        .wait_until(
            "document.querySelectorAll('.timeline .from-bot').length >= 2",
            20,
            "the bot exchange",
        )
        .await;
    alice
        .wait_until(
            &has_text(".timeline .from-visitor", "How long does shipping take?"),
            20,
            "the visitor's question",
        )
        .await;
    alice
        .wait_until(
            "document.querySelector('.timeline .card-order')",
            20,
            "the order card",
        )
        .await;
    let card = alice.text_of(".timeline .card-order").await;
    assert!(
        card.contains("121212") && card.contains("saaadad"),
        "{card}"
    );
    assert!(card.contains("To be paid"), "status label: {card}");
    assert!(card.contains("10.00"), "fee from cents: {card}");
    // The visitor panel: CRM fields, params, summaryparams.
    alice
        .wait_until(
            &has_text(".visitor .facts", "555-0101"),
            20,
            "the phone number",
        )
        .await;
    let panel = alice.text_of(".visitor").await;
    assert!(panel.contains("Ann Lee"), "{panel}");
    assert!(panel.contains("plan") && panel.contains("pro"), "{panel}");
    assert!(panel.contains("late parcel"), "{panel}");
    alice.screenshot("workbench-conversation").await;

    // Typing, both ways.
    find(&visitor.client, "#parley-composer")
        .await
        .send_keys("I am wri")
        .await
        .unwrap();
    alice
        .wait_until(
            "document.querySelector('.typing-line')",
            20,
            "the visitor typing",
        )
        .await;
    type_into(&alice.client, "#composer", "Hello Ann").await;
    visitor
        .wait_until(
            "document.querySelector('.typing')",
            20,
            "the agent typing on the visitor's page",
        )
        .await;
    find(&alice.client, "#composer")
        .await
        .send_keys(ENTER)
        .await
        .unwrap();
    visitor
        .wait_until(&has_text(".msg-agent", "Hello Ann"), 20, "Alice's reply")
        .await;
    // Shift+Enter is a new line; Enter sends once.
    alice
        .wait_until(
            "document.querySelector('#composer').value === ''",
            10,
            "the composer cleared",
        )
        .await;
    // A picture, by the button's file input.
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("label.png");
    std::fs::write(&photo, PNG).unwrap();
    find(&alice.client, "#picture-input")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    alice
        .wait_until(
            "document.querySelector('.timeline .from-agent img.pic')",
            20,
            "the picture sent",
        )
        .await;
    visitor
        .wait_until(
            "document.querySelector('.msg-agent img')",
            20,
            "the picture on the visitor's page",
        )
        .await;
    // Exactly once: one bubble of the reply on each side.
    assert_eq!(
        alice
            .eval(&count(".timeline .from-agent .text", "Hello Ann"))
            .await,
        serde_json::json!(1)
    );

    // Bob signs in in a third browser; Alice transfers to him with a note.
    let bob = Browser::start(Viewport::Desktop).await;
    sign_in(&bob, &server, "bob").await;
    alice
        .click(".conv-head .actions button:not(.danger):not(.primary)")
        .await;
    alice
        .wait_until(
            "document.querySelector('#transfer-target option[value=\"agent:bob\"]')",
            20,
            "Bob in the transfer list",
        )
        .await;
    alice
        .eval("(() => { const s = document.querySelector('#transfer-target'); s.value = 'agent:bob'; s.dispatchEvent(new Event('change')); return true; })()")
        .await;
    type_into(
        &alice.client,
        "#transfer-note",
        "Parcel late, wants a refund",
    )
    .await;
    alice.click(".modal .buttons .primary").await;
    bob.wait_until(
        &has_text(".list .name", "Ann Lee"),
        20,
        "the visitor in Bob's list",
    )
    .await;
    bob.click(".list .item a").await;
    bob.wait_until(
        &has_text(".note-banner", "Parcel late, wants a refund"),
        20,
        "the note for Bob",
    )
    .await;
    bob.wait_until(
        &has_text(".timeline", "Hello Ann"),
        20,
        "Alice's part of the history",
    )
    .await;
    alice
        .wait_until(
            "!document.querySelector('#composer')",
            20,
            "Alice's composer gone",
        )
        .await;
    type_into(&bob.client, "#composer", "Bob here, refund on its way").await;
    find(&bob.client, "#composer")
        .await
        .send_keys(ENTER)
        .await
        .unwrap();
    visitor
        .wait_until(&has_text(".msg-agent", "Bob here"), 20, "Bob's reply")
        .await;
    bob.click(".conv-head .actions .danger").await;
    bob.wait_until(
        &has_text("#list-list-ended ~ ul", "Ann Lee"),
        20,
        "the chat among Bob's ended ones",
    )
    .await;
    visitor
        .wait_until(
            &has_text("body", "The agent ended the conversation."),
            20,
            "the end on the visitor's page",
        )
        .await;
    alice.close().await;
    bob.close().await;
    visitor.close().await;
}

/// A JS expression: how many elements matching `css` contain `text`.
fn count(css: &str, text: &str) -> String {
    format!(
        "[...document.querySelectorAll({})].filter(e => e.textContent.includes({})).length",
        serde_json::Value::String(css.into()),
        serde_json::Value::String(text.into())
    )
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// Flow 3: a visitor leaves a message with an attachment; Alice's ticket list shows it
/// live; she reads it (the picture previewed), replies and closes it; the visitor sees
/// the reply under "my messages".
#[tokio::test]
async fn a_left_message_arrives_live_and_its_reply_reaches_the_visitor() {
    let server = Server::start().await;
    let alice = Browser::start(Viewport::Desktop).await;
    sign_in(&alice, &server, "alice").await;
    alice.click(".nav a[href='/agent/tickets']").await;
    find(&alice.client, "#ticket-status").await;

    let visitor = Browser::start(Viewport::Desktop).await;
    let link = "/chat/h5/v2/leavemessage.html?sysnum=demo&locale=en";
    visitor.client.goto(&server.url(link)).await.unwrap();
    type_into(
        &visitor.client,
        "#leave-content",
        "My parcel never arrived.",
    )
    .await;
    type_into(&visitor.client, "#leave-field-order_code", "A-77").await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("parcel.png");
    std::fs::write(&photo, PNG).unwrap();
    type_into(&visitor.client, "#leave-files", photo.to_str().unwrap()).await;
    visitor.click("form.leave-form button[type=submit]").await;
    visitor
        .wait_until(
            "document.querySelector('.leave-success')",
            20,
            "the ticket filed",
        )
        .await;

    // Live: the list shows it without a reload.
    alice
        .wait_until(
            &has_text(".ticket-list", "My parcel never arrived."),
            20,
            "the ticket in Alice's list",
        )
        .await;
    alice.click(".ticket-list .item a").await;
    alice
        .wait_until(
            "document.querySelector('.attachments img.pic')",
            20,
            "the picture previewed",
        )
        .await;
    let body = alice.text_of(".ticket-body").await;
    assert!(body.contains("A-77"), "{body}");
    alice.screenshot("workbench-tickets").await;
    type_into(
        &alice.client,
        "#ticket-reply",
        "We are sending a new one today.",
    )
    .await;
    alice.click(".ticket-body .buttons .primary").await;
    alice
        .wait_until(
            &has_text(".replies", "We are sending a new one today."),
            20,
            "the reply listed",
        )
        .await;
    alice.click(".conv-head .actions .danger").await;
    alice
        .wait_until(
            "document.querySelector('.conv-head .st-closed')",
            20,
            "the ticket closed",
        )
        .await;
    assert!(alice
        .eval("!document.querySelector('#ticket-reply')")
        .await
        .as_bool()
        .unwrap());

    // The visitor comes back to the page: "my messages" has the reply.
    visitor.client.goto(&server.url(link)).await.unwrap();
    visitor
        .wait_until(
            &has_text(".leave-mine .reply-text", "We are sending a new one today."),
            20,
            "the reply under my messages",
        )
        .await;
    alice.close().await;
    visitor.close().await;
}

/// Flow 4: a wrong password shows an error and nothing else; an expired session
/// returns to sign-in and keeps what the agent was typing.
#[tokio::test]
async fn wrong_passwords_and_expired_sessions_lose_nothing() {
    let server = Server::start().await;
    let alice = Browser::start(Viewport::Desktop).await;
    fill_sign_in(&alice, &server, "alice", "not-her-password").await;
    let error = alice.text_of("#signin-error").await;
    assert_eq!(error, "Wrong company ID, user name or password.");
    assert!(alice
        .eval("!document.querySelector('.topbar')")
        .await
        .as_bool()
        .unwrap());
    assert_eq!(
        alice
            .eval("localStorage.getItem('parley.workbench.session')")
            .await,
        serde_json::Value::Null
    );

    sign_in(&alice, &server, "alice").await;
    // A visitor for Alice (agent-only reception in her group).
    let visitor = Browser::start(Viewport::Desktop).await;
    open_chat(
        &visitor,
        &server,
        "sysnum=demo&locale=en&type=2&groupid=sales&uname=Bea",
    )
    .await;
    alice
        .wait_until(&has_text(".list .name", "Bea"), 20, "the visitor")
        .await;
    alice.click(".list .item a").await;
    type_into(&alice.client, "#composer", "Half-written answer").await;
    // The session expires (its stored row goes; Alice stays online with her chat).
    let token = alice
        .eval("JSON.parse(localStorage.getItem('parley.workbench.session')).token")
        .await;
    server.expire_session(token.as_str().unwrap()).await;
    // The next call finds the session gone: back to sign-in, saying why. (Busy keeps
    // her conversations.)
    alice.click(".status-busy").await;
    alice
        .wait_until(
            "document.querySelector('.signin .notice')",
            20,
            "the expired notice",
        )
        .await;
    sign_in(&alice, &server, "alice").await;
    alice.click(".list .item a").await;
    alice
        .wait_until("document.querySelector('#composer') && document.querySelector('#composer').value === 'Half-written answer'", 20, "the draft kept")
        .await;
    alice.screenshot("workbench-inbox").await;
    // At a tablet's width the visitor panel goes under the conversation; nothing is
    // cut off at the side.
    alice.client.set_window_size(820, 1100).await.unwrap();
    alice
        .wait_until(
            "(() => { const c = document.querySelector('#composer').getBoundingClientRect(); \
             const v = document.querySelector('.visitor').getBoundingClientRect(); \
             return c.right <= window.innerWidth && v.top >= c.top; })()",
            10,
            "the tablet layout",
        )
        .await;
    alice.screenshot("workbench-tablet").await;
    alice.close().await;
    visitor.close().await;
}

/// Flow 2: a visitor browsing a shop page with `invite_flag` is listed on Alice's
/// "Browsing visitors" page; she invites them with a text; the visitor accepts and the
/// chat is with Alice, in her inbox.
#[tokio::test]
async fn a_browsing_visitor_is_invited_from_the_workbench() {
    let (shop, server) = crate::loader::start().await;
    shop.put(
        "/",
        &crate::loader::shop_page(
            &server,
            "",
            r#"zc("config", { invite_flag: true, locale: "en", uname: "Jo" });"#,
        ),
    );
    let alice = Browser::start(Viewport::Desktop).await;
    sign_in(&alice, &server, "alice").await;
    let visitor = Browser::start(Viewport::Desktop).await;
    crate::loader::open(&visitor, &shop, "/").await;
    alice.click(".nav a[href='/agent/browsing']").await;
    // The list follows presence reports (every 10 s).
    alice
        .wait_until(
            &has_text(".browsing-table td", "Jo"),
            30,
            "the browsing visitor",
        )
        .await;
    let page = alice.text_of(".browsing-table tbody tr").await;
    assert!(page.contains("Chat Client"), "the page's title: {page}");
    let field = find(&alice.client, ".browsing-table .invite input").await;
    field.clear().await.unwrap();
    field.send_keys("Hi Jo, need a hand?").await.unwrap();
    alice.click(".browsing-table .invite button").await;
    alice
        .wait_until(
            &has_text(".browsing-table [role=status]", "Invited."),
            20,
            "the invitation sent",
        )
        .await;
    visitor
        .wait_until(
            "!!document.querySelector('.parley-invite')",
            25,
            "the invitation",
        )
        .await;
    assert_eq!(
        visitor
            .text_of(".parley-invite p:not(.parley-invite-agent)")
            .await,
        "Hi Jo, need a hand?"
    );
    visitor.click(".parley-accept").await;
    visitor
        .wait_until(crate::loader::FRAME_SHOWN, 10, "the chat to open")
        .await;
    // The chat is Alice's: it appears among her conversations.
    alice.click(".nav a[href='/agent/']").await;
    alice
        .wait_until(
            &has_text("#list-list-mine ~ ul .name", "Jo"),
            30,
            "the invited visitor's chat in Alice's inbox",
        )
        .await;
    alice.close().await;
    visitor.close().await;
}

/// Flow 4, the fault: the server goes away while Alice sends a reply; the reply waits
/// (shown as sending, kept in local storage) and is delivered exactly once when the
/// server is back and the agent's socket has reconnected.
#[tokio::test]
async fn a_reply_sent_during_an_outage_is_delivered_once() {
    let mut server = Server::start().await;
    let alice = Browser::start(Viewport::Desktop).await;
    sign_in(&alice, &server, "alice").await;
    let visitor = Browser::start(Viewport::Desktop).await;
    open_chat(
        &visitor,
        &server,
        "sysnum=demo&locale=en&type=2&groupid=sales&uname=Cy",
    )
    .await;
    alice
        .wait_until(&has_text(".list .name", "Cy"), 20, "the visitor")
        .await;
    alice.click(".list .item a").await;
    find(&alice.client, "#composer").await;
    server.stop().await;
    type_into(&alice.client, "#composer", "Sent while the server was away").await;
    find(&alice.client, "#composer")
        .await
        .send_keys(ENTER)
        .await
        .unwrap();
    alice
        .wait_until(
            "document.querySelector('.timeline .pending')",
            10,
            "the reply waiting",
        )
        .await;
    alice
        .wait_until(
            "document.querySelector('.conn-down')",
            20,
            "the connection shown as lost",
        )
        .await;
    server.restart().await;
    visitor
        .wait_until(
            &has_text(".msg-agent", "Sent while the server was away"),
            40,
            "the reply on the visitor's page",
        )
        .await;
    alice
        .wait_until(
            "!document.querySelector('.timeline .pending')",
            40,
            "the reply confirmed",
        )
        .await;
    parley_e2e::grace_period(Duration::from_secs(2)).await;
    assert_eq!(
        alice
            .eval(&count(
                ".timeline .from-agent .text",
                "Sent while the server was away"
            ))
            .await,
        serde_json::json!(1)
    );
    assert_eq!(
        visitor
            .eval(&count(".msg-agent", "Sent while the server was away"))
            .await,
        serde_json::json!(1)
    );
    alice.close().await;
    visitor.close().await;
}
