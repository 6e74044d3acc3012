//! Property tests: parsing never panics on any query string or JSON value, whatever is
//! parsed writes back (`to_query`) to the same model, the link and zc forms agree, and
//! valid values come back as given.

use parley_protocol::params::*;
use parley_protocol::{ChatParams, Locale, KNOWN_PARAMS};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Strings that hit the parser's special cases, mixed with arbitrary ones.
fn tricky_string() -> impl Strategy<Value = String> {
    let samples: &[&str] = &[
        "",
        " ",
        "%",
        "%4",
        "%41",
        "%2541",
        "%FF",
        "+",
        "a+b",
        "http%3A%2F%2Fsg.sobot.io",
        "https://x.io/?a=1&b=2",
        "javascript:alert(1)",
        "1",
        "0",
        "true",
        "FALSE",
        "10.5",
        "-1",
        "1e3",
        "9007199254740993",
        "04babc",
        "#04babc",
        "hide",
        "half",
        "cn",
        "tw",
        "zh-Hant",
        "[]",
        "{}",
        "[{\"name\":\"a\",\"pictureUrl\":\"https%3A%2F%2Fx\"}]",
        "[{\"actionType\":\"to_group\",\"optionId\":\"3\",\"deciId\":\"g\",\"spillId\":\"4\"}]",
        "{\"pre_tags\":\"t\",\"pre_visit_url\":\"%41\"}",
        "{\"a\":{\"b\":[1,2.5,null]}}",
        "400",
        "80%",
        "张三",
        "\u{0}",
        "a\u{7f}b",
        "\u{feff}x",
    ];
    prop_oneof![
        3 => prop::sample::select(samples).prop_map(String::from),
        2 => any::<String>(),
        1 => (prop::sample::select(samples), any::<String>()).prop_map(|(a, b)| format!("{a}{b}")),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KNOWN_PARAMS).prop_map(String::from),
        1 => any::<String>(),
    ]
}

/// A query built from pairs, each value encoded as a browser would, or left raw.
fn query() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), tricky_string(), any::<bool>()), 0..12).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v, raw)| {
                if raw {
                    format!("{k}={v}")
                } else {
                    format!("{}={}", encode_component(&k), encode_component(&v))
                }
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        // Decimals as people write them. (serde_json, without its `float_roundtrip`
        // feature, may re-read an extreme float such as 2.5445426610841323e-301 one ULP
        // off, so `summaryparams` holding one is not a textual fixed point.)
        (any::<i32>(), 0u32..7).prop_map(|(m, e)| json!(f64::from(m) / 10f64.powi(e as i32))),
        tricky_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn config() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::btree_map(key(), json_value(), 0..10)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        1 => json_value(),
    ]
}

/// Writing a parsed model back and parsing it again gives the same model, and the only
/// issues left are the reports of the unknown parameters kept in `extra`.
fn assert_fixed_point(p: &ChatParams) -> Result<(), TestCaseError> {
    let again = ChatParams::from_query(&p.to_query());
    prop_assert_eq!(&again.value, p);
    prop_assert_eq!(again.issues.len(), p.extra.len(), "{:?}", again.issues);
    prop_assert!(again
        .issues
        .iter()
        .all(|i| i.reason.starts_with("unknown parameter")));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_is_a_query(q in any::<String>()) {
        let p = ChatParams::from_query(&q);
        assert_fixed_point(&p.value)?;
    }

    #[test]
    fn any_query_of_known_keys_is_read_and_written_back(q in query()) {
        let p = ChatParams::from_query(&q);
        assert_fixed_point(&p.value)?;
        for issue in &p.issues {
            prop_assert!(!issue.reason.is_empty());
        }
    }

    #[test]
    fn any_json_is_a_config(v in config()) {
        let p = ChatParams::from_json(&v);
        assert_fixed_point(&p.value)?;
    }

    #[test]
    fn link_and_zc_forms_agree_for_any_string(k in key(), v in tricky_string()) {
        let link = ChatParams::from_query(&format!("{}={}", encode_component(&k), encode_component(&v)));
        let zc = ChatParams::from_json(&json!({ k.clone(): v }));
        prop_assert_eq!(link.value, zc.value);
        prop_assert_eq!(link.issues, zc.issues);
    }

    #[test]
    fn valid_text_comes_back_as_given(s in any::<String>()) {
        let t = s.trim();
        prop_assume!(!t.is_empty() && !looks_component_encoded(t) && t.chars().count() <= MAX_TEXT_CHARS);
        for q in [format!("uname={}", encode_component(t)), format!("uname={}", encode_component(&encode_component(t)))] {
            let p = ChatParams::from_query(&q);
            prop_assert_eq!(p.value.identity.uname.as_deref(), Some(t));
            prop_assert!(p.issues.is_empty());
        }
        let p = ChatParams::from_json(&json!({ "remark": t }));
        prop_assert_eq!(p.value.identity.remark.as_deref(), Some(t));
    }

    #[test]
    fn valid_numbers_come_back_as_given(n in 0u64..=9_007_199_254_740_992, t in 0u64..5000) {
        for p in [
            ChatParams::from_query(&format!("total_fee={n}&create_time={n}&time={t}")),
            ChatParams::from_json(&json!({"total_fee": n, "create_time": n.to_string(), "time": t})),
        ] {
            prop_assert_eq!(p.value.order_card.total_fee, Some(n));
            prop_assert_eq!(p.value.order_card.create_time, Some(n));
            let time_ok = (10..=2880).contains(&t);
            prop_assert_eq!(p.value.ui.time, time_ok.then_some(t));
            prop_assert_eq!(p.issues.len(), usize::from(!time_ok));
        }
    }

    #[test]
    fn valid_enumerations_come_back_as_given(
        rgb in any::<[u8; 3]>(),
        l in prop::sample::select(Locale::ALL.to_vec()),
        ty in prop::sample::select(ReceptionType::ALL.to_vec()),
        st in prop::sample::select(OrderStatus::ALL.to_vec()),
        src in prop::sample::select(Source::ALL.to_vec()),
        b in any::<bool>(),
    ) {
        let color = Color::rgb(rgb[0], rgb[1], rgb[2]);
        let q = format!(
            "color={}&locale={}&type={}&order_status={}&source={}&reload={}",
            color.hex().to_uppercase(), l.code(), ty.code(), st.code(), src.code(), b
        );
        let p = ChatParams::from_query(&q);
        prop_assert!(p.issues.is_empty(), "{:?}", p.issues);
        prop_assert_eq!(p.value.ui.color, Some(color));
        prop_assert_eq!(p.value.locale, Some(l));
        prop_assert_eq!(p.value.reception.reception_type, Some(ty));
        prop_assert_eq!(p.value.order_card.order_status, Some(st));
        prop_assert_eq!(p.value.ui.source, Some(src));
        prop_assert_eq!(p.value.panel.reload, Some(b));
    }

    #[test]
    fn valid_goods_come_back_as_given(items in prop::collection::vec(("[a-zA-Z0-9 ]{1,20}", "[a-z]{1,10}"), 0..5)) {
        let goods: Vec<Value> = items
            .iter()
            .map(|(name, host)| json!({"name": name.trim(), "pictureUrl": encode_component(&format!("https://{host}.io/p.png"))}))
            .collect();
        let p = ChatParams::from_json(&json!({ "goods": Value::Array(goods).to_string() }));
        let parsed = p.value.order_card.goods.unwrap();
        prop_assert_eq!(parsed.len(), items.len());
        for (g, (name, host)) in parsed.iter().zip(&items) {
            let want_name = Some(name.trim()).filter(|n| !n.is_empty());
            prop_assert_eq!(g.name.as_deref(), want_name);
            let url = format!("https://{host}.io/p.png");
            prop_assert_eq!(g.picture_url.as_ref().and_then(Link::openable), Some(url.as_str()));
        }
    }
}
