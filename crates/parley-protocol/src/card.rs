//! Product and order cards as something a visitor sends into the conversation.
//!
//! A link (or `zc("config")`) carries a product card (`card_*`) and/or an order card
//! (`order_*`, `goods`, ...), parsed into [`crate::params::ProductCard`] and
//! [`crate::params::OrderCard`]. [`Card::from_params`] turns them into the [`Card`] wire
//! type: the value the visitor page offers above the composer, the client sends to
//! `POST /api/chat/card`, the server re-checks with [`Card::validate`] and stores on the
//! message, and the agent API lists with every field. Field names on the wire are the
//! spec's parameter names, so an integrator recognises them in the agent API.
//!
//! The pure display helpers live here too, tested on the host: [`format_fee`] (cents to
//! the locale's number format with integer arithmetic only), [`status_label_key`] and
//! [`format_create_time`] (milliseconds to a local date and time for a fixed UTC offset,
//! which the browser supplies).

use crate::params::{ChatParams, Goods, Link, OrderStatus};
use crate::params::{MAX_GOODS, MAX_ID_CHARS, MAX_LINK_CHARS, MAX_TEXT_CHARS};
use crate::Locale;
use serde::{Deserialize, Serialize};

/// The largest number the parser accepts for times, counts and fees (2^53, the largest
/// integer a JavaScript page can write exactly).
pub const MAX_CARD_NUMBER: u64 = 9_007_199_254_740_992;

/// A card sent into a conversation: a product or an order.
// `Deserialize` on wasm32: `crate::tag_first` (no `Content` buffering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Card {
    /// The spec's product card.
    Product(ProductInfo),
    /// The spec's order card.
    Order(OrderInfo),
}

/// The product card's fields, named as the spec's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductInfo {
    /// `card_title`: required, never blank.
    pub card_title: String,
    /// `card_url`: a web link (opened only when http/https) or a mini-program path
    /// (shown, never opened).
    #[serde(default)]
    pub card_url: Option<Link>,
    /// `card_desc`.
    #[serde(default)]
    pub card_desc: Option<String>,
    /// `card_note`: the tag, e.g. a price.
    #[serde(default)]
    pub card_note: Option<String>,
    /// `card_picture`: an http/https picture.
    #[serde(default)]
    pub card_picture: Option<Link>,
}

/// The order card's fields, named as the spec's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderInfo {
    /// `order_status`, written on the wire as the spec's number (0 to 7).
    #[serde(default, with = "status_code")]
    pub order_status: Option<OrderStatus>,
    /// `status_custom`: the label of status 0 (only with `order_status` 0).
    #[serde(default)]
    pub status_custom: Option<String>,
    /// `create_time`: milliseconds since the epoch.
    #[serde(default)]
    pub create_time: Option<u64>,
    /// `order_code`, kept as text (order numbers may have leading zeros).
    #[serde(default)]
    pub order_code: Option<String>,
    /// `order_url`: a web link or a mini-program path, like `card_url`.
    #[serde(default)]
    pub order_url: Option<Link>,
    /// `goods_count`.
    #[serde(default)]
    pub goods_count: Option<u64>,
    /// `total_fee` in cents (`1000` is 10.00).
    #[serde(default)]
    pub total_fee: Option<u64>,
    /// `goods`: name and picture of each product (pictures http/https only).
    #[serde(default)]
    pub goods: Vec<Goods>,
}

/// `order_status` as its number on the wire, so agents read `1`, not a Rust name.
mod status_code {
    use crate::params::OrderStatus;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<OrderStatus>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(status) => s.serialize_u8(status.code()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OrderStatus>, D::Error> {
        match Option::<u64>::deserialize(d)? {
            None => Ok(None),
            Some(code) => OrderStatus::from_code(code).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("order_status {code} is not 0 to 7"))
            }),
        }
    }
}

/// What a card link is, for showing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind<'a> {
    /// An absolute http/https URL: may be an `href` (see [`Link::openable`]).
    Web(&'a str),
    /// No scheme at all, such as a WeChat mini-program page path: shown as text, never
    /// opened (the spec: "can only be opened within WeChat").
    Path(&'a str),
    /// Anything else (`javascript:`, `data:`, a protocol-relative `//host`, a broken
    /// http URL, control characters): neither opened nor kept on a card.
    Refused,
}

/// Classifies a card link. Links reach here already percent-decoded once by the
/// parameter parser, so `javascript%3A...` arrives as `javascript:...` and is refused.
pub fn link_kind(link: &Link) -> LinkKind<'_> {
    if let Some(url) = link.openable() {
        return LinkKind::Web(url);
    }
    let text = link.as_str();
    if text.is_empty() || text.chars().any(char::is_control) || text.starts_with("//") {
        return LinkKind::Refused;
    }
    // A scheme is letters, digits, `+ - .` before the first `:`, starting with a letter
    // (RFC 3986); a `:` after a `/`, `?` or `#` is part of a path or query instead.
    let has_scheme = text.split_once(':').is_some_and(|(head, _)| {
        head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme {
        LinkKind::Refused
    } else {
        LinkKind::Path(text)
    }
}

fn keep_link(link: &Option<Link>) -> Option<Link> {
    link.clone()
        .filter(|l| !matches!(link_kind(l), LinkKind::Refused))
}

fn keep_picture(link: &Option<Link>) -> Option<Link> {
    link.clone().filter(|l| l.openable().is_some())
}

impl Card {
    /// The cards a link or `zc("config")` carries: the product card when `card_title` is
    /// given (the spec makes it required), then the order card when any order field is.
    /// Links that could never be shown safely are left off (a `javascript:` `card_url`,
    /// a picture that is not http/https), so a card built here always passes
    /// [`Card::validate`].
    pub fn from_params(params: &ChatParams) -> Vec<Card> {
        let mut cards = Vec::new();
        let p = &params.product_card;
        if let Some(title) = p.card_title.as_deref().filter(|t| !t.trim().is_empty()) {
            cards.push(Card::Product(ProductInfo {
                card_title: title.to_owned(),
                card_url: keep_link(&p.card_url),
                card_desc: p.card_desc.clone(),
                card_note: p.card_note.clone(),
                card_picture: keep_picture(&p.card_picture),
            }));
        }
        let o = &params.order_card;
        let order = OrderInfo {
            order_status: o.order_status,
            status_custom: o.status_custom.clone(),
            create_time: o.create_time,
            order_code: o.order_code.clone(),
            order_url: keep_link(&o.order_url),
            goods_count: o.goods_count,
            total_fee: o.total_fee,
            goods: o
                .goods
                .iter()
                .flatten()
                .map(|g| Goods {
                    name: g.name.clone(),
                    picture_url: keep_picture(&g.picture_url),
                })
                .filter(|g| g.name.is_some() || g.picture_url.is_some())
                .collect(),
        };
        if order != OrderInfo::default() {
            cards.push(Card::Order(order));
        }
        cards
    }

    /// Checks a card a client sent, with the parser's own limits: the product title is
    /// required, text and links are bounded, links are http/https or a mini-program
    /// path, pictures are http/https, numbers are within 2^53, `status_custom` goes only
    /// with status 0, and an order card is not empty. The error names the field.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Card::Product(p) => {
                if p.card_title.trim().is_empty() {
                    return Err("card_title is required".into());
                }
                check_text("card_title", Some(&p.card_title))?;
                check_text("card_desc", p.card_desc.as_deref())?;
                check_text("card_note", p.card_note.as_deref())?;
                check_link("card_url", p.card_url.as_ref())?;
                check_picture("card_picture", p.card_picture.as_ref())
            }
            Card::Order(o) => {
                if *o == OrderInfo::default() {
                    return Err("an order card needs at least one field".into());
                }
                check_text("status_custom", o.status_custom.as_deref())?;
                if o.status_custom.is_some() && o.order_status != Some(OrderStatus::Custom) {
                    return Err("status_custom is only used with order_status 0".into());
                }
                if let Some(code) = &o.order_code {
                    if code.trim().is_empty()
                        || code.chars().count() > MAX_ID_CHARS
                        || code.chars().any(char::is_control)
                    {
                        return Err(format!(
                            "order_code must be 1 to {MAX_ID_CHARS} characters without control characters"
                        ));
                    }
                }
                for (name, n) in [
                    ("create_time", o.create_time),
                    ("goods_count", o.goods_count),
                    ("total_fee", o.total_fee),
                ] {
                    if n.is_some_and(|n| n > MAX_CARD_NUMBER) {
                        return Err(format!("{name} is larger than {MAX_CARD_NUMBER}"));
                    }
                }
                check_link("order_url", o.order_url.as_ref())?;
                if o.goods.len() > MAX_GOODS {
                    return Err(format!("more than {MAX_GOODS} goods"));
                }
                for g in &o.goods {
                    check_text("goods.name", g.name.as_deref())?;
                    check_picture("goods.pictureUrl", g.picture_url.as_ref())?;
                }
                Ok(())
            }
        }
    }

    /// A plain-text line for the message's `text`, for readers that do not show cards
    /// (logs, notifications, older clients): the product title, or the order number.
    pub fn summary(&self) -> String {
        match self {
            Card::Product(p) => format!("[Product] {}", p.card_title),
            Card::Order(o) => match &o.order_code {
                Some(code) => format!("[Order] {code}"),
                None => "[Order]".to_owned(),
            },
        }
    }
}

fn check_text(name: &str, text: Option<&str>) -> Result<(), String> {
    match text {
        Some(t) if t.chars().count() > MAX_TEXT_CHARS => {
            Err(format!("{name} is longer than {MAX_TEXT_CHARS} characters"))
        }
        _ => Ok(()),
    }
}

fn check_link(name: &str, link: Option<&Link>) -> Result<(), String> {
    let Some(link) = link else { return Ok(()) };
    if link.as_str().chars().count() > MAX_LINK_CHARS {
        return Err(format!("{name} is longer than {MAX_LINK_CHARS} characters"));
    }
    match link_kind(link) {
        LinkKind::Refused => Err(format!(
            "{name} must be an http(s) URL or a mini-program page path"
        )),
        _ => Ok(()),
    }
}

fn check_picture(name: &str, link: Option<&Link>) -> Result<(), String> {
    let Some(link) = link else { return Ok(()) };
    if link.as_str().chars().count() > MAX_LINK_CHARS {
        return Err(format!("{name} is longer than {MAX_LINK_CHARS} characters"));
    }
    match link.openable() {
        Some(_) => Ok(()),
        None => Err(format!("{name} must be an http(s) URL")),
    }
}

/// The i18n key of an order status label (`cards.ftl`); `None` for status 0, whose label
/// is the card's `status_custom` text.
pub fn status_label_key(status: OrderStatus) -> Option<&'static str> {
    Some(match status {
        OrderStatus::Custom => return None,
        OrderStatus::ToBePaid => "card-status-to-be-paid",
        OrderStatus::ToBeDelivered => "card-status-to-be-delivered",
        OrderStatus::OnTheWay => "card-status-on-the-way",
        OrderStatus::Delivering => "card-status-delivering",
        OrderStatus::Finished => "card-status-finished",
        OrderStatus::ToBeEvaluated => "card-status-to-be-evaluated",
        OrderStatus::Canceled => "card-status-canceled",
    })
}

/// How a locale writes numbers (CLDR's defaults with Latin digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    /// The decimal separator.
    pub decimal: char,
    /// The thousands separator.
    pub group: char,
    /// The fewest integer digits that get grouping at all: Spanish writes 1234,56 but
    /// 12.345,67 (CLDR's minimumGroupingDigits 2).
    pub min_grouping_digits: usize,
}

impl NumberFormat {
    /// The format of `locale`. Arabic keeps Latin digits (as in ar-AE and ar-MA), the
    /// digits the rest of the page and the order number use.
    pub fn of(locale: Locale) -> NumberFormat {
        let (decimal, group, min) = match locale {
            Locale::Zh
            | Locale::ZhHant
            | Locale::En
            | Locale::Ja
            | Locale::Ko
            | Locale::Th
            | Locale::Ms
            | Locale::Ar => ('.', ',', 1),
            Locale::De | Locale::It | Locale::Id | Locale::Tr | Locale::Vi | Locale::Pt => {
                (',', '.', 1)
            }
            Locale::Es => (',', '.', 2),
            // French groups with a narrow no-break space, Russian with a no-break space.
            Locale::Fr => (',', '\u{202f}', 1),
            Locale::Ru => (',', '\u{a0}', 1),
        };
        NumberFormat {
            decimal,
            group,
            min_grouping_digits: min,
        }
    }
}

/// An amount in cents written as the locale writes money without a currency: always two
/// decimals, grouped thousands (`1000` -> `10.00`, `123456789` -> `1,234,567.89` in
/// English, `1.234.567,89` in German). Integer arithmetic only, so every `u64` is exact.
pub fn format_fee(cents: u64, locale: Locale) -> String {
    let f = NumberFormat::of(locale);
    let units = (cents / 100).to_string();
    let fraction = cents % 100;
    let digits = units.len();
    let mut out = String::with_capacity(digits + digits / 3 * 3 + 3);
    let grouped = digits >= 3 + f.min_grouping_digits;
    for (i, c) in units.chars().enumerate() {
        if grouped && i > 0 && (digits - i).is_multiple_of(3) {
            out.push(f.group);
        }
        out.push(c);
    }
    out.push(f.decimal);
    out.push(char::from(b'0' + (fraction / 10) as u8));
    out.push(char::from(b'0' + (fraction % 10) as u8));
    out
}

/// `create_time` (milliseconds since the epoch) as the locale writes a short date and
/// time, in the time zone `offset_minutes` east of UTC (the browser passes
/// `-Date.prototype.getTimezoneOffset()`). `None` when the time or offset is out of
/// range. Thai counts years in the Buddhist era, as Thai pages do.
pub fn format_create_time(ms: u64, offset_minutes: i32, locale: Locale) -> Option<String> {
    use chrono::{Datelike, FixedOffset, Timelike};
    let offset = FixedOffset::east_opt(offset_minutes.checked_mul(60)?)?;
    let utc = chrono::DateTime::from_timestamp_millis(i64::try_from(ms).ok()?)?;
    let t = utc.with_timezone(&offset);
    let (y, mo, d) = (t.year(), t.month(), t.day());
    let (h, mi) = (t.hour(), t.minute());
    Some(match locale {
        Locale::Zh | Locale::ZhHant => format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}"),
        Locale::Ja => format!("{y}/{mo:02}/{d:02} {h:02}:{mi:02}"),
        Locale::Ko => format!("{y}. {mo}. {d}. {h:02}:{mi:02}"),
        Locale::En => {
            let (h12, half) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{mo}/{d}/{y}, {h12}:{mi:02} {half}")
        }
        Locale::De | Locale::Ru | Locale::Tr => format!("{d:02}.{mo:02}.{y} {h:02}:{mi:02}"),
        Locale::Id => format!("{d:02}/{mo:02}/{y} {h:02}.{mi:02}"),
        Locale::Vi => format!("{h:02}:{mi:02} {d:02}/{mo:02}/{y}"),
        Locale::Th => format!("{d}/{mo}/{} {h:02}:{mi:02}", y + 543),
        Locale::Fr | Locale::Es | Locale::It | Locale::Pt | Locale::Ms | Locale::Ar => {
            format!("{d:02}/{mo:02}/{y} {h:02}:{mi:02}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The spec's order link, verbatim after the host (raw JSON `goods` in the query).
    const SPEC_ORDER_LINK: &str = "?sysnum=4c349791a07b46c1a70b8ac88aa23257&order_status=1\
&create_time=1586414406391&order_code=121212&order_url=http://sg.sobot.io&goods_count=2\
&total_fee=1000&goods=[{\"name\":\"saaadad\",\"pictureUrl\":\"https://img.sobot.io/console/common/face/admin.png\"}]";

    /// The spec's zc order example, with its `encodeURIComponent` and `JSON.stringify`
    /// calls evaluated.
    fn spec_zc_order() -> serde_json::Value {
        let goods = json!([{
            "name": "saaadad",
            "pictureUrl": "https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png"
        }]);
        json!({
            "order_status": 1,
            "status_custom": "Custom status",
            "create_time": "1586414406391",
            "order_code": 11111,
            "order_url": "http%3A%2F%2Fsg.sobot.io",
            "goods_count": 2,
            "total_fee": 1000,
            "goods": goods.to_string(),
        })
    }

    fn spec_order_card() -> Card {
        Card::Order(OrderInfo {
            order_status: Some(OrderStatus::ToBePaid),
            status_custom: None,
            create_time: Some(1586414406391),
            order_code: Some("121212".into()),
            order_url: Some(Link::new("http://sg.sobot.io")),
            goods_count: Some(2),
            total_fee: Some(1000),
            goods: vec![Goods {
                name: Some("saaadad".into()),
                picture_url: Some(Link::new(
                    "https://img.sobot.io/console/common/face/admin.png",
                )),
            }],
        })
    }

    fn order_code(cards: &[Card]) -> Option<String> {
        match cards {
            [Card::Order(o)] => o.order_code.clone(),
            other => panic!("expected one order card, got {other:?}"),
        }
    }

    #[test]
    fn the_spec_order_link_and_zc_example_give_the_same_card() {
        let from_link = Card::from_params(&ChatParams::from_query(SPEC_ORDER_LINK).value);
        assert_eq!(from_link, vec![spec_order_card()]);

        let from_zc = Card::from_params(&ChatParams::from_json(&spec_zc_order()).value);
        // The spec's two examples use different order numbers (121212 in the link,
        // 11111 in the zc call); every other field is the same card.
        assert_eq!(order_code(&from_zc).as_deref(), Some("11111"));
        let mut zc_as_link = from_zc.clone();
        if let Card::Order(o) = &mut zc_as_link[0] {
            o.order_code = Some("121212".into());
        }
        assert_eq!(zc_as_link, from_link);

        // With the same order number, the link form and the zc form are identical.
        let link_11111 = SPEC_ORDER_LINK.replace("order_code=121212", "order_code=11111");
        assert_eq!(
            Card::from_params(&ChatParams::from_query(&link_11111).value),
            from_zc
        );
        // status_custom with status 1 is ignored, as the spec's comment says.
        assert!(matches!(&from_zc[0], Card::Order(o) if o.status_custom.is_none()));
    }

    #[test]
    fn the_spec_product_examples_give_the_same_card() {
        let zc = json!({
            "card_title": "Sobot",
            "card_url": "http%3A%2F%2Fsg.sobot.io",
            "card_desc": "Sobot,Online,Call,Robot,Integration",
            "card_note": "1500,2000",
            "card_picture": "https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png"
        });
        let expected = Card::Product(ProductInfo {
            card_title: "Sobot".into(),
            card_url: Some(Link::new("http://sg.sobot.io")),
            card_desc: Some("Sobot,Online,Call,Robot,Integration".into()),
            card_note: Some("1500,2000".into()),
            card_picture: Some(Link::new(
                "https://img.sobot.io/console/common/face/admin.png",
            )),
        });
        let from_zc = Card::from_params(&ChatParams::from_json(&zc).value);
        assert_eq!(from_zc, vec![expected.clone()]);
        // The same values in a link: plain, encoded once (as the spec recommends), and
        // encoded twice (encodeURIComponent applied to an already encoded value).
        for query in [
            "?card_title=Sobot&card_url=http://sg.sobot.io&card_desc=Sobot,Online,Call,Robot,Integration\
&card_note=1500,2000&card_picture=https://img.sobot.io/console/common/face/admin.png",
            "?card_title=Sobot&card_url=http%3A%2F%2Fsg.sobot.io\
&card_desc=Sobot%2COnline%2CCall%2CRobot%2CIntegration&card_note=1500%2C2000\
&card_picture=https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png",
            "?card_title=Sobot&card_url=http%253A%252F%252Fsg.sobot.io\
&card_desc=Sobot,Online,Call,Robot,Integration&card_note=1500%2C2000\
&card_picture=https%253A%252F%252Fimg.sobot.io%252Fconsole%252Fcommon%252Fface%252Fadmin.png",
        ] {
            let from_link = Card::from_params(&ChatParams::from_query(query).value);
            assert_eq!(from_link, from_zc, "{query}");
        }
        // The ticket plug-in's `params` example carries the same card fields as JSON.
        assert!(expected.validate().is_ok());
    }

    #[test]
    fn a_link_with_both_cards_gives_product_then_order_and_none_without_fields() {
        let q = format!("{SPEC_ORDER_LINK}&card_title=Sobot");
        let cards = Card::from_params(&ChatParams::from_query(&q).value);
        assert!(matches!(
            cards.as_slice(),
            [Card::Product(_), Card::Order(_)]
        ));
        assert!(Card::from_params(&ChatParams::from_query("?sysnum=x").value).is_empty());
        // A product card needs its title.
        let q = "?card_desc=no%20title&card_url=http://a.example";
        assert!(Card::from_params(&ChatParams::from_query(q).value).is_empty());
    }

    #[test]
    fn unsafe_links_are_left_off_cards_and_paths_are_kept() {
        let q = "?card_title=T&card_url=javascript%3Aalert(1)&card_picture=pages/a.png\
&order_code=7&order_url=pages/order/detail?id=7";
        let cards = Card::from_params(&ChatParams::from_query(q).value);
        let [Card::Product(p), Card::Order(o)] = cards.as_slice() else {
            panic!("{cards:?}");
        };
        assert_eq!(p.card_url, None);
        assert_eq!(p.card_picture, None);
        assert_eq!(o.order_url, Some(Link::new("pages/order/detail?id=7")));
        for c in &cards {
            assert!(c.validate().is_ok(), "{c:?}");
        }
    }

    #[test]
    fn link_kinds() {
        let k = |s: &str| match link_kind(&Link::new(s)) {
            LinkKind::Web(u) => format!("web {u}"),
            LinkKind::Path(p) => format!("path {p}"),
            LinkKind::Refused => "refused".to_owned(),
        };
        assert_eq!(k("https://a.example/x"), "web https://a.example/x");
        assert_eq!(k("HTTP://a.example"), "web HTTP://a.example");
        assert_eq!(
            k("pages/goods/detail?id=1:2"),
            "path pages/goods/detail?id=1:2"
        );
        assert_eq!(k("/pages/index"), "path /pages/index");
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "//evil.example",
            "http:///nohost",
            "https://a b",
            "",
        ] {
            assert_eq!(k(bad), "refused", "{bad}");
        }
    }

    #[test]
    fn validation_names_the_bad_field() {
        let mut p = ProductInfo {
            card_title: "  ".into(),
            ..Default::default()
        };
        assert!(Card::Product(p.clone())
            .validate()
            .unwrap_err()
            .contains("card_title"));
        p.card_title = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(Card::Product(p.clone())
            .validate()
            .unwrap_err()
            .contains("card_title"));
        p.card_title = "ok".into();
        p.card_url = Some(Link::new("javascript:alert(1)"));
        assert!(Card::Product(p.clone())
            .validate()
            .unwrap_err()
            .contains("card_url"));
        p.card_url = None;
        p.card_picture = Some(Link::new("pages/pic.png"));
        assert!(Card::Product(p.clone())
            .validate()
            .unwrap_err()
            .contains("card_picture"));
        p.card_picture = Some(Link::new(format!("https://a.example/{}", "x".repeat(2000))));
        assert!(Card::Product(p)
            .validate()
            .unwrap_err()
            .contains("card_picture"));

        assert!(Card::Order(OrderInfo::default()).validate().is_err());
        let o = OrderInfo {
            order_status: Some(OrderStatus::ToBePaid),
            status_custom: Some("x".into()),
            ..Default::default()
        };
        assert!(Card::Order(o)
            .validate()
            .unwrap_err()
            .contains("status_custom"));
        let o = OrderInfo {
            total_fee: Some(MAX_CARD_NUMBER + 1),
            ..Default::default()
        };
        assert!(Card::Order(o).validate().unwrap_err().contains("total_fee"));
        let o = OrderInfo {
            goods: vec![Goods::default(); MAX_GOODS + 1],
            ..Default::default()
        };
        assert!(Card::Order(o).validate().unwrap_err().contains("goods"));
        assert!(spec_order_card().validate().is_ok());
    }

    #[test]
    fn cards_travel_as_json_with_the_spec_names_and_status_numbers() {
        let v = serde_json::to_value(spec_order_card()).unwrap();
        assert_eq!(v["type"], "order");
        assert_eq!(v["order_status"], 1);
        assert_eq!(v["total_fee"], 1000);
        assert_eq!(v["goods"][0]["name"], "saaadad");
        let back: Card = serde_json::from_value(v).unwrap();
        assert_eq!(back, spec_order_card());
        let bad = json!({"type": "order", "order_status": 9});
        assert!(serde_json::from_value::<Card>(bad).is_err());
        let minimal: Card =
            serde_json::from_value(json!({"type":"product","card_title":"T"})).unwrap();
        assert_eq!(minimal.summary(), "[Product] T");
    }

    #[test]
    fn fees_use_integer_arithmetic_and_the_locale_separators() {
        let en = |c| format_fee(c, Locale::En);
        assert_eq!(en(0), "0.00");
        assert_eq!(en(1), "0.01");
        assert_eq!(en(99), "0.99");
        assert_eq!(en(100), "1.00");
        assert_eq!(en(1000), "10.00");
        assert_eq!(en(100_000), "1,000.00");
        assert_eq!(en(123_456_789), "1,234,567.89");
        assert_eq!(en(u64::MAX), "184,467,440,737,095,516.15");
        assert_eq!(en(MAX_CARD_NUMBER), "90,071,992,547,409.92");
        assert_eq!(format_fee(123_456_789, Locale::De), "1.234.567,89");
        assert_eq!(
            format_fee(123_456_789, Locale::Fr),
            "1\u{202f}234\u{202f}567,89"
        );
        assert_eq!(
            format_fee(123_456_789, Locale::Ru),
            "1\u{a0}234\u{a0}567,89"
        );
        assert_eq!(format_fee(123_456, Locale::Es), "1234,56");
        assert_eq!(format_fee(1_234_567, Locale::Es), "12.345,67");
        assert_eq!(format_fee(99, Locale::Zh), "0.99");
        for l in Locale::ALL {
            let s = format_fee(1000, l);
            assert!(s == "10.00" || s == "10,00", "{}: {s}", l.code());
        }
    }

    #[test]
    fn every_status_but_custom_has_a_label_key() {
        for s in OrderStatus::ALL {
            assert_eq!(status_label_key(*s).is_none(), *s == OrderStatus::Custom);
        }
        let keys: std::collections::BTreeSet<_> = OrderStatus::ALL
            .iter()
            .filter_map(|s| status_label_key(*s))
            .collect();
        assert_eq!(keys.len(), 7);
    }

    #[test]
    fn create_time_is_local_per_offset_and_locale() {
        // 1586414406391 ms = 2020-04-09 06:40:06.391 UTC.
        let t = 1_586_414_406_391;
        assert_eq!(
            format_create_time(t, 0, Locale::Zh).unwrap(),
            "2020-04-09 06:40"
        );
        assert_eq!(
            format_create_time(t, 480, Locale::Zh).unwrap(),
            "2020-04-09 14:40"
        );
        assert_eq!(
            format_create_time(t, 480, Locale::En).unwrap(),
            "4/9/2020, 2:40 PM"
        );
        assert_eq!(
            format_create_time(t, -420, Locale::En).unwrap(),
            "4/8/2020, 11:40 PM"
        );
        assert_eq!(
            format_create_time(t, 120, Locale::De).unwrap(),
            "09.04.2020 08:40"
        );
        assert_eq!(
            format_create_time(t, 0, Locale::Fr).unwrap(),
            "09/04/2020 06:40"
        );
        assert_eq!(
            format_create_time(t, 420, Locale::Th).unwrap(),
            "9/4/2563 13:40"
        );
        assert_eq!(
            format_create_time(t, 540, Locale::Ja).unwrap(),
            "2020/04/09 15:40"
        );
        assert_eq!(
            format_create_time(t, 540, Locale::Ko).unwrap(),
            "2020. 4. 9. 15:40"
        );
        assert_eq!(
            format_create_time(0, -60, Locale::En).unwrap(),
            "12/31/1969, 11:00 PM"
        );
        assert_eq!(format_create_time(u64::MAX, 0, Locale::En), None);
        assert_eq!(format_create_time(t, 24 * 60, Locale::En), None);
        for l in Locale::ALL {
            assert!(format_create_time(t, 0, l).is_some_and(|s| s.contains("40")));
        }
    }
}
