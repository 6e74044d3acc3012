use super::*;

const DEMO_FAQ: &str = include_str!("../../../../config/faq/demo.toml");
const DEMO_EVAL: &str = include_str!("../../eval/demo.toml");

fn demo() -> Matcher {
    Matcher::new(Bot::from_toml(DEMO_FAQ).expect("demo FAQ loads"))
}

fn answered(m: &Matcher, question: &str, faqid: Option<u64>) -> Option<u64> {
    match m.ask(question, faqid) {
        MatchOutcome::Answer { entry, .. } => Some(entry.id),
        _ => None,
    }
}

#[test]
fn demo_faq_is_complete_and_consistent() {
    let bot = Bot::from_toml(DEMO_FAQ).expect("valid");
    assert_eq!(bot.robotid, 1);
    let entries: Vec<&FaqEntry> = bot.entries().collect();
    assert_eq!(entries.len(), 60, "30 topics in English and Chinese");
    for e in &entries {
        let twin = match e.lang {
            Lang::En => e.id + 100,
            Lang::Zh => e.id - 100,
        };
        let twin = bot
            .entry(twin)
            .unwrap_or_else(|| panic!("{} has no twin", e.id));
        assert_ne!(twin.lang, e.lang);
        assert!((2..=8).contains(&e.similar.len()), "entry {} similar", e.id);
    }
    assert_eq!(bot.guide_entries(Lang::En).len(), 4);
    assert_eq!(bot.guide_entries(Lang::Zh).len(), 4);
    assert!(bot
        .guide_entries(Lang::Zh)
        .iter()
        .all(|e| e.lang == Lang::Zh));
}

#[test]
fn english_and_chinese_questions_are_answered() {
    let m = demo();
    assert_eq!(
        answered(&m, "how long until my refund arrives", None),
        Some(126)
    );
    assert_eq!(answered(&m, "forgot my password", None), Some(119));
    assert_eq!(
        answered(&m, "Do you ship to Japan? (international)", None),
        Some(107)
    );
    assert_eq!(answered(&m, "退款什么时候到账", None), Some(226));
    assert_eq!(answered(&m, "忘记密码了", None), Some(219));
    assert_eq!(answered(&m, "怎么查物流信息", None), Some(222));
}

#[test]
fn full_width_input_is_folded() {
    let m = demo();
    assert_eq!(
        answered(&m, "ＦＯＲＧＯＴ ＭＹ ＰＡＳＳＷＯＲＤ？", None),
        Some(119)
    );
}

#[test]
fn a_vague_question_gets_did_you_mean() {
    let m = demo();
    match m.ask("order", None) {
        MatchOutcome::Suggest(list) => {
            assert!((2..=3).contains(&list.len()), "{list:?}");
            assert!(list.iter().all(|e| e.lang == Lang::En));
        }
        other => panic!("expected suggestions, got {other:?}"),
    }
    // Shipping cost and delivery time are both plausible: offer both rather than guess.
    match m.ask("shipping", None) {
        MatchOutcome::Suggest(list) => {
            let ids: Vec<u64> = list.iter().map(|e| e.id).collect();
            assert!(ids.contains(&105) && ids.contains(&106), "{ids:?}");
        }
        other => panic!("expected suggestions, got {other:?}"),
    }
}

#[test]
fn off_topic_questions_are_unknown() {
    let m = demo();
    for q in [
        "what's the weather in Paris",
        "写一首诗",
        "tell me a joke",
        "给我讲个笑话",
        "",
        "？？？",
    ] {
        assert_eq!(m.ask(q, None), MatchOutcome::Unknown, "{q:?}");
    }
}

#[test]
fn faqid_restricts_answers_to_its_group() {
    let m = demo();
    let q = "how do I return an item for a refund";
    assert_eq!(answered(&m, q, Some(2)), Some(125));
    // Returns are after-sales (faqid 2): the general group has no such answer.
    assert!(!matches!(
        m.ask(q, Some(1)),
        MatchOutcome::Answer { entry, .. } if entry.id == 125 || entry.id == 126
    ));
    for (entry, _) in m.rank(q, Some(1)) {
        assert!(
            entry.id <= 121 || (201..=221).contains(&entry.id),
            "{}",
            entry.id
        );
    }
}

#[test]
fn greeting_unknown_reply_and_related() {
    let bot = Bot::from_toml(DEMO_FAQ).expect("valid");
    assert!(bot.greeting("en", None).starts_with("Hello"));
    assert!(
        bot.greeting("zh-Hant", None).starts_with("您好"),
        "zh-Hant falls back to zh"
    );
    assert!(
        bot.greeting("fr", None).starts_with("Hello"),
        "others fall back to English"
    );
    assert_eq!(bot.greeting("en", Some("Welcome back!")), "Welcome back!");
    assert!(
        bot.greeting("en", Some("  ")).starts_with("Hello"),
        "a blank override is ignored"
    );
    assert!(bot.unknown_reply("zh").starts_with("抱歉"));
    let returns = bot.entry(125).expect("entry");
    let related: Vec<u64> = bot.related(returns).iter().map(|e| e.id).collect();
    assert_eq!(related, vec![126, 127]);
    assert_eq!(Lang::for_locale("zh-Hant"), Lang::Zh);
    assert_eq!(Lang::for_locale("ar"), Lang::En);
}

#[test]
fn validation_reports_broken_references() {
    let text = r#"
        robotid = 9
        name = "x"
        guide_questions = [5]
        [[faq_groups]]
        faqid = 1
        name = "g"
        [[faq_groups.entries]]
        id = 1
        lang = "en"
        question = "q"
        answer = "a"
        related = [2]
        [[faq_groups.entries]]
        id = 1
        lang = "zh"
        question = "问"
        answer = "答"
    "#;
    let err = Bot::from_toml(text).expect_err("invalid");
    assert!(
        err.contains("appears twice")
            && err.contains("missing 2")
            && err.contains("guide question 5"),
        "{err}"
    );
}

#[test]
fn answers_split_into_text_and_safe_links() {
    assert_eq!(
        linkify("Track it at https://shop.example.com/track. Thanks"),
        vec![
            Segment::Text("Track it at ".into()),
            Segment::Link("https://shop.example.com/track".into()),
            Segment::Text(". Thanks".into()),
        ]
    );
    assert_eq!(
        linkify("详情：https://shop.example.com/help/returns。"),
        vec![
            Segment::Text("详情：".into()),
            Segment::Link("https://shop.example.com/help/returns".into()),
            Segment::Text("。".into()),
        ]
    );
    assert_eq!(linkify("no links"), vec![Segment::Text("no links".into())]);
    assert_eq!(
        linkify("bad http:// here"),
        vec![Segment::Text("bad http:// here".into())]
    );
}

/// The guard on the held-apart evaluation set. The goals are 0.90; the guard sits at
/// 0.85 so that the suite does not flap, and `cargo xtask bench` prints exact numbers.
#[test]
fn demo_evaluation_meets_the_floor() {
    let bot = Bot::from_toml(DEMO_FAQ).expect("valid");
    let set = EvalSet::from_toml(DEMO_EVAL).expect("eval set loads");
    assert!(set.items.len() >= 60 && set.off_topic.len() >= 20);
    let report = evaluate(&bot, &set);
    assert!(report.total_en >= 30 && report.total_zh >= 30, "{report}");
    for item in &set.items {
        let entry = bot.entry(item.expect).expect("label names an entry");
        assert_eq!(
            entry.lang,
            Lang::detect(&item.question),
            "{}",
            item.question
        );
        assert!(
            entry.phrasings().all(|p| p != item.question),
            "eval question copied from the FAQ: {}",
            item.question
        );
    }
    assert!(report.top1_accuracy >= 0.85, "{report}");
    assert!(report.unknown_rate_off_topic >= 0.85, "{report}");
}

#[test]
fn questions_normalise_for_grouping() {
    use super::normalize_question;
    assert_eq!(
        normalize_question("Where is my PARCEL?!"),
        "where is my parcel"
    );
    assert_eq!(
        normalize_question("  where is  my parcel "),
        "where is my parcel"
    );
    assert_eq!(
        normalize_question("ＷＨＥＲＥ　is my parcel？"),
        "where is my parcel"
    );
    assert_eq!(normalize_question("退款，怎么办？"), "退款 怎么办");
    assert_eq!(normalize_question("?!"), "");
}
