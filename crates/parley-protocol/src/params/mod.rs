//! The typed model of the link / `zc("config")` parameters of the Sobot Web-JS SDK.
//!
//! One [`ChatParams`] holds everything a chat link, a leave-message link, a ticket
//! plug-in link or a `zc("config", {...})` object can carry. It is read from a query
//! string by [`ChatParams::from_query`] and from a zc config by [`ChatParams::from_json`];
//! both paths share the same readers, so the link form and the zc form of the same data
//! give the same model.
//!
//! Parsing never fails and never panics: the result is always a usable [`ChatParams`]
//! plus a list of [`ParamIssue`]s for everything that was cut, dropped or kept aside.
//!
//! Rules worth knowing (each is tested):
//! * Decoding: see [`decode`] — a query value is percent-decoded once, and any string
//!   value that still looks like `encodeURIComponent` output is decoded once more.
//! * Empty values (`uname=`, `""`, `null`) count as "not given" and are not reported.
//! * A parameter given twice keeps its first valid value (as `URLSearchParams.get`
//!   does); later ones are reported.
//! * Key spelling is exactly the spec's (`queueFirst`, `satDegree_A`, `sysNum` on the
//!   ticket page, ...). The ticket page's `sysNum` and `partnerId` fill `sysnum` and
//!   `identity.partnerid`; when both spellings are given the chat spelling wins.
//! * Unknown parameters are kept aside in [`ChatParams::extra`] and reported.
//! * Numbers may be written as strings, booleans as `1`/`0` or `true`/`false`, JSON-valued
//!   parameters raw, as a string, or URI-encoded.

pub mod decode;
mod groups;
mod precedence;
mod types;
mod value;

#[cfg(test)]
mod tests;

pub use decode::{
    decode_component, decode_if_component_encoded, encode_component, looks_component_encoded,
    percent_decode, split_query,
};
pub use groups::{
    Ecommerce, Features, FieldMap, Goods, Identity, JsonObject, LeaveMessage, OrderCard, PageTrace,
    Panel, ProductCard, Reception, Security, TicketIdentity, Trace, TransferAction, Ui,
};
pub use precedence::{effective, BackendSettings, EffectiveSettings, SecurityPolicy};
pub use types::{
    ActionType, AgentOfflineMode, Color, ExpandSize, FlowType, Link, Location, OpenStyle,
    OrderStatus, OverflowOption, ReceptionType, Source, SpillCondition, SubmissionEntry, TitleMode,
    Visibility,
};
pub use value::{
    MAX_EXTRA, MAX_GOODS, MAX_ID_CHARS, MAX_JSON_BYTES, MAX_KEY_CHARS, MAX_LINK_CHARS,
    MAX_MAP_ENTRIES, MAX_PARTNERID_CHARS, MAX_TEXT_CHARS, MAX_TRANSFER_STEPS,
};

use crate::Locale;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use value::{Cx, Raw, Render};

/// A parsed value and the problems met while parsing it.
///
/// Parsing hands back both so that callers can always go on with the value while still
/// showing (console, error list, server log) what the link got wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed<T> {
    /// The usable result.
    pub value: T,
    /// Everything that was cut, dropped or kept aside, in the order met.
    pub issues: Vec<ParamIssue>,
}

/// One parameter that was dropped, cut or kept aside (when unknown), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamIssue {
    /// The parameter as written, with a path for parts of a value
    /// (`goods[0].pictureUrl`, `transfer_action[1]`, `pre_visit_args.pre_tags`).
    pub param: String,
    /// A human-readable reason.
    pub reason: String,
}

/// Everything a chat link or `zc("config", {...})` can carry, grouped by purpose.
///
/// Every value is optional so that [`effective`] can tell "not given" from "given" when
/// it applies precedence (link / zc > tenant backend settings > built-in defaults).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatParams {
    /// `sysnum` (or the ticket page's `sysNum`): the tenant (company) id.
    pub sysnum: Option<String>,
    /// `locale`: the visitor-side language; `None` means "not given" (the tenant default
    /// applies). `cn` and `tw` are read as `zh` and `zh-Hant`.
    pub locale: Option<Locale>,
    /// Who the visitor is (CRM docking, VIP routing fields).
    pub identity: Identity,
    /// Who answers: reception mode, bot, agent, group, transfer chain.
    pub reception: Reception,
    /// Features switched on or off.
    pub features: Features,
    /// Looks and texts of the chat page.
    pub ui: Ui,
    /// The product card.
    pub product_card: ProductCard,
    /// The order card.
    pub order_card: OrderCard,
    /// The embedded component and invitations.
    pub panel: Panel,
    /// Browsing-track collection.
    pub trace: Trace,
    /// E-commerce platform docking.
    pub ecommerce: Ecommerce,
    /// `sign` and `token`.
    pub security: Security,
    /// The leave-message page's own parameters.
    pub leave_message: LeaveMessage,
    /// The ticket plug-in's identification fields.
    pub ticket: TicketIdentity,
    /// Parameters the spec does not define, kept aside (each is also reported), so that
    /// a newer loader's parameters are not silently lost. At most [`MAX_EXTRA`].
    pub extra: BTreeMap<String, String>,
}

/// Declares every plain parameter once: its key, where it goes, and its reader. From the
/// table come [`KNOWN_PARAMS`], the parsing `match` and [`ChatParams::to_query`].
macro_rules! param_table {
    (
        plain { $( $key:literal => $($field:ident).+ = $read:expr ; )* }
        special { $( $skey:literal ),* $(,)? }
    ) => {
        /// Every parameter name the parser understands, spelled exactly as in the spec.
        ///
        /// A name missing here would end up in [`ChatParams::extra`]; the crate's tests
        /// check this list against every parameter the spec documents.
        pub const KNOWN_PARAMS: &[&str] = &[$($key,)* $($skey,)*];

        /// Reads a plain parameter; `None` when `key` is not one.
        /// Each arm is one call of [`read_into`], whose copies are one per reader and
        /// value type (about 25, not one per parameter): the bundle's size.
        fn apply_plain(p: &mut ChatParams, key: &str, raw: Raw<'_>, cx: &mut Cx<'_>) -> Option<Applied> {
            Some(match key {
                $( $key => read_into(&mut p.$($field).+, $read, raw, cx), )*
                _ => return None,
            })
        }

        /// Writes every given plain parameter back, in table order.
        fn render_plain(p: &ChatParams, out: &mut Vec<(String, String)>) {
            $( render_into(out, $key, &p.$($field).+); )*
        }
    };
}

/// Reads one plain parameter with `read` into `slot`. Not inlined, so that the
/// parameters sharing a reader share this code.
#[inline(never)]
fn read_into<T, F>(slot: &mut Option<T>, read: F, raw: Raw<'_>, cx: &mut Cx<'_>) -> Applied
where
    F: FnOnce(Raw<'_>, &mut Cx<'_>) -> value::Outcome<T>,
{
    match read(raw, cx) {
        Ok(Some(v)) => {
            *slot = Some(v);
            Applied::Set
        }
        Ok(None) => Applied::Empty,
        Err(reason) => {
            cx.note(reason);
            Applied::Dropped
        }
    }
}

/// Writes one given plain parameter; like [`read_into`], one copy per value type.
#[inline(never)]
fn render_into<T: Render>(out: &mut Vec<(String, String)>, key: &str, slot: &Option<T>) {
    if let Some(v) = slot {
        out.push((key.to_string(), v.render()));
    }
}

/// What reading one parameter did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applied {
    Set,
    Empty,
    Dropped,
}

use value::{
    coded, color, css_length, css_style, expand_size, field_map, flag, goods, id, json_object,
    link, locale, partner_id, submission_entry, text, transfer_actions, uint, visibility,
};

/// Largest number accepted for numeric ids (`robotid`, `faqid`): 2^53, the largest
/// integer JavaScript represents exactly.
const MAX_SAFE_INT: u64 = 9_007_199_254_740_992;

param_table! {
    plain {
        // System.
        "sysnum" => sysnum = id;
        "locale" => locale = locale;
        // User identity and profile.
        "partnerid" => identity.partnerid = partner_id;
        "uname" => identity.uname = text;
        "realname" => identity.realname = text;
        "email" => identity.email = text;
        "tel" => identity.tel = text;
        "face" => identity.face = link;
        "qq" => identity.qq = text;
        "remark" => identity.remark = text;
        "params" => identity.params = field_map;
        "customer_fields" => identity.customer_fields = field_map;
        "is_vip" => identity.is_vip = flag;
        "vip_level" => identity.vip_level = id;
        "user_label" => identity.user_label = id;
        "queueFirst" => identity.queue_first = flag;
        "satDegree_A" => identity.sat_degree_a = flag;
        "enterprise_name" => identity.enterprise_name = text;
        "summaryparams" => identity.summaryparams = json_object;
        // Reception.
        "type" => reception.reception_type = coded;
        "robotid" => reception.robotid = uint::<0, MAX_SAFE_INT>;
        "agentid" => reception.agentid = id;
        "groupid" => reception.groupid = id;
        "faqid" => reception.faqid = uint::<0, MAX_SAFE_INT>;
        "agent_mode_flag" => reception.agent_mode_flag = coded;
        "transfer_action" => reception.transfer_action = transfer_actions;
        "show_manual" => reception.show_manual = flag;
        // Features.
        "msg_flag" => features.msg_flag = submission_entry;
        "leave_msg_flag" => features.leave_msg_flag = flag;
        "feedback_flag" => features.feedback_flag = flag;
        "photo_flag" => features.photo_flag = flag;
        "show_evaluate" => features.show_evaluate = flag;
        "guide_flag" => features.guide_flag = flag;
        "to_customsys_flag" => features.to_customsys_flag = flag;
        "to_customsys_url" => features.to_customsys_url = link;
        "to_customsys_open_style" => features.to_customsys_open_style = coded;
        "leave_customsys_flag" => features.leave_customsys_flag = flag;
        "leave_customsys_url" => features.leave_customsys_url = link;
        // Looks and texts.
        "color" => ui.color = color;
        "top_bar_flag" => ui.top_bar_flag = flag;
        "title_flag" => ui.title_flag = coded;
        "custom_title" => ui.custom_title = text;
        "cut_flag" => ui.cut_flag = visibility;
        "emoji_state" => ui.emoji_state = visibility;
        "time" => ui.time = uint::<10, 2880>;
        "source" => ui.source = coded;
        "is_link" => ui.is_link = flag;
        "show_face" => ui.show_face = flag;
        "full" => ui.full = flag;
        "debug" => ui.debug = flag;
        "robot_hello_word" => ui.robot_hello_word = text;
        "agent_hello_word" => ui.agent_hello_word = text;
        "agent_offline_title" => ui.agent_offline_title = text;
        // Product card.
        "card_title" => product_card.card_title = text;
        "card_url" => product_card.card_url = link;
        "card_desc" => product_card.card_desc = text;
        "card_note" => product_card.card_note = text;
        "card_picture" => product_card.card_picture = link;
        // Order card.
        "order_status" => order_card.order_status = coded;
        "status_custom" => order_card.status_custom = text;
        "create_time" => order_card.create_time = uint::<0, MAX_SAFE_INT>;
        "order_code" => order_card.order_code = id;
        "order_url" => order_card.order_url = link;
        "goods_count" => order_card.goods_count = uint::<0, MAX_SAFE_INT>;
        "total_fee" => order_card.total_fee = uint::<0, MAX_SAFE_INT>;
        "goods" => order_card.goods = goods;
        // Component and invitations.
        "anchor" => panel.anchor = flag;
        "async" => panel.async_load = flag;
        "manual" => panel.manual = flag;
        "custom" => panel.custom = flag;
        "location" => panel.location = coded;
        "invite" => panel.invite = flag;
        "invite_flag" => panel.invite_flag = flag;
        "tip_title" => panel.tip_title = text;
        "submit_title" => panel.submit_title = text;
        "first_timeout" => panel.first_timeout = uint::<0, 86_400>;
        "over_timeout" => panel.over_timeout = uint::<0, 86_400>;
        "invite_count" => panel.invite_count = uint::<0, 1000>;
        "invite_imgsrc" => panel.invite_imgsrc = link;
        "container_style" => panel.container_style = css_style;
        "width" => panel.width = css_length;
        "height" => panel.height = css_length;
        "expand_size" => panel.expand_size = expand_size;
        "gif" => panel.gif = flag;
        "auto_expand" => panel.auto_expand = flag;
        "end_of_close" => panel.end_of_close = flag;
        "dragging" => panel.dragging = flag;
        "refresh" => panel.refresh = flag;
        "reload" => panel.reload = flag;
        // Browsing track.
        "man_trace" => trace.man_trace = flag;
        "pre_abstract" => trace.pre.page_abstract = text;
        "pre_visit_url" => trace.pre.visit_url = link;
        "pre_visit_title" => trace.pre.visit_title = text;
        "pre_thumbnail" => trace.pre.thumbnail = link;
        "pre_tags" => trace.pre.tags = text;
        "cur_abstract" => trace.cur.page_abstract = text;
        "cur_visit_url" => trace.cur.visit_url = link;
        "cur_visit_title" => trace.cur.visit_title = text;
        "cur_thumbnail" => trace.cur.thumbnail = link;
        "cur_tags" => trace.cur.tags = text;
        // E-commerce.
        "platformUnionCode" => ecommerce.platform_union_code = id;
        "flowType" => ecommerce.flow_type = coded;
        "flowCompanyId" => ecommerce.flow_company_id = id;
        "flowGroupId" => ecommerce.flow_group_id = id;
        // Security.
        "sign" => security.sign = id;
        "token" => security.token = id;
        // Leave-message page.
        "uid" => leave_message.uid = id;
        "templateid" => leave_message.templateid = id;
        "t" => leave_message.t = id;
        // Ticket plug-in.
        "deployId" => ticket.deploy_id = id;
        "paramUnionId" => ticket.param_union_id = id;
        "wxExternalUserIds" => ticket.wx_external_user_ids = text;
        "wxOpenIds" => ticket.wx_open_ids = text;
        "whatsappIds" => ticket.whatsapp_ids = text;
        "instagramIds" => ticket.instagram_ids = text;
        "faceBookIds" => ticket.face_book_ids = text;
        "lineIds" => ticket.line_ids = text;
        "telegramIds" => ticket.telegram_ids = text;
        "discordIds" => ticket.discord_ids = text;
    }
    special { "sysNum", "partnerId", "pre_visit_args", "cur_visit_args" }
}

/// Alternative spellings and the plain parameter each fills.
const ALIASES: &[(&str, &str)] = &[("sysNum", "sysnum"), ("partnerId", "partnerid")];

impl ChatParams {
    /// Parses a raw query string (with or without the leading `?`), as in
    /// `location.search`. See the module documentation for the rules.
    pub fn from_query(query: &str) -> Parsed<ChatParams> {
        let mut b = Builder::default();
        for (key, value) in split_query(query) {
            b.apply(&key, Raw::Text(&value));
        }
        b.finish()
    }

    /// Parses the object a page passes to `zc("config", {...})`. `null` is an empty
    /// config; anything but an object is reported and gives the defaults.
    pub fn from_json(config: &Value) -> Parsed<ChatParams> {
        let mut b = Builder::default();
        match config {
            Value::Object(map) => {
                for (key, value) in map {
                    b.apply(key, Raw::Json(value));
                }
            }
            Value::Null => {}
            _ => b.issue("config", "expected a JSON object; ignored"),
        }
        b.finish()
    }

    /// Every given parameter as `(name, value)` in the link's spelling, in table order
    /// with `extra` last: the values as [`ChatParams::to_query`] writes them, before
    /// encoding. The `debug=1` panel lists these (one line each, readable without the
    /// model's nesting, and without a serializer of the whole model in the bundle).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        render_plain(self, &mut pairs);
        pairs.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        pairs
    }

    /// Writes the parameters back as a query string (no leading `?`) that
    /// [`ChatParams::from_query`] reads back to an equal model: values are encoded like
    /// `encodeURIComponent`, and a value that would itself look encoded is encoded twice
    /// so that the "still encoded" rule gives it back. Browsing-track objects are written
    /// as their flat parameters, aliases with the chat spelling, `extra` last.
    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        render_plain(self, &mut pairs);
        let mut out = String::new();
        let mut push = |k: &str, v: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(&encode_component(k));
            out.push('=');
            out.push_str(&encode_component(v));
        };
        for (k, v) in &pairs {
            push(k, &decode::protect(v));
        }
        for (k, v) in &self.extra {
            push(k, v);
        }
        out
    }
}

/// Collects values while parsing; [`Builder::finish`] applies the cross-field rules.
#[derive(Default)]
struct Builder {
    params: ChatParams,
    issues: Vec<ParamIssue>,
    /// Keys that already hold a value (first valid value wins).
    seen: BTreeSet<String>,
    /// Values given with an alias spelling: (alias, canonical, raw parse result).
    aliases: Vec<(&'static str, &'static str, ChatParams)>,
    /// `pre_visit_args` / `cur_visit_args` objects.
    pages: Vec<(&'static str, bool, PageTrace)>,
}

impl Builder {
    fn issue(&mut self, param: &str, reason: impl Into<String>) {
        self.issues.push(ParamIssue {
            param: param.to_string(),
            reason: reason.into(),
        });
    }

    fn apply(&mut self, key: &str, raw: Raw<'_>) {
        if key.is_empty() {
            self.issue("", "a value without a parameter name; dropped");
            return;
        }
        if self.seen.contains(key) {
            self.issue(key, "given more than once; the first value is kept");
            return;
        }
        let mut cx = Cx {
            key,
            issues: &mut self.issues,
        };
        if let Some(&(alias, canonical)) = ALIASES.iter().find(|(a, _)| *a == key) {
            // Read with the canonical reader into a scratch model; merged in `finish`.
            let mut scratch = ChatParams::default();
            if apply_plain(&mut scratch, canonical, raw, &mut cx) == Some(Applied::Set) {
                self.seen.insert(key.to_string());
                self.aliases.push((alias, canonical, scratch));
            }
            return;
        }
        for (name, prefix, is_pre) in [
            ("pre_visit_args", "pre_", true),
            ("cur_visit_args", "cur_", false),
        ] {
            if key == name {
                match value::page_trace(raw, &mut cx, prefix) {
                    Ok(Some(page)) => {
                        self.seen.insert(key.to_string());
                        self.pages.push((name, is_pre, page));
                    }
                    Ok(None) => {}
                    Err(reason) => cx.note(reason),
                }
                return;
            }
        }
        match apply_plain(&mut self.params, key, raw, &mut cx) {
            Some(Applied::Set) => {
                self.seen.insert(key.to_string());
            }
            Some(Applied::Empty | Applied::Dropped) => {}
            None => self.keep_aside(key, raw),
        }
    }

    /// Keeps an unknown parameter in `extra` (text as given) and reports it.
    fn keep_aside(&mut self, key: &str, raw: Raw<'_>) {
        if key.chars().count() > MAX_KEY_CHARS {
            let shown = value::shown(key);
            self.issue(
                &shown,
                format!(
                    "unknown parameter with a name longer than {MAX_KEY_CHARS} characters; dropped"
                ),
            );
            return;
        }
        if self.params.extra.contains_key(key) {
            self.issue(key, "given more than once; the first value is kept");
            return;
        }
        if self.params.extra.len() >= MAX_EXTRA {
            self.issue(
                key,
                format!("unknown parameter beyond the first {MAX_EXTRA}; dropped"),
            );
            return;
        }
        let text = match raw {
            Raw::Json(v @ (Value::Array(_) | Value::Object(_))) => v.to_string(),
            other => match value::scalar(other) {
                Ok(Some(t)) => t.into_owned(),
                _ => return,
            },
        };
        let mut text = text;
        let mut cut = false;
        if let Some((at, _)) = text.char_indices().nth(MAX_TEXT_CHARS) {
            text.truncate(at);
            cut = true;
        }
        self.params.extra.insert(key.to_string(), text);
        let reason = if cut {
            format!("unknown parameter; kept aside in `extra`, cut to {MAX_TEXT_CHARS} characters")
        } else {
            "unknown parameter; kept aside in `extra`".to_string()
        };
        self.issue(key, reason);
    }

    fn finish(mut self) -> Parsed<ChatParams> {
        // Alias spellings fill the canonical field only when it is still empty.
        for (alias, canonical, scratch) in std::mem::take(&mut self.aliases) {
            let (slot, given) = match canonical {
                "sysnum" => (&mut self.params.sysnum, scratch.sysnum),
                _ => (
                    &mut self.params.identity.partnerid,
                    scratch.identity.partnerid,
                ),
            };
            match slot {
                None => *slot = given,
                Some(existing) if Some(&*existing) == given.as_ref() => {}
                Some(_) => self.issues.push(ParamIssue {
                    param: alias.to_string(),
                    reason: format!("ignored: {canonical} is also given"),
                }),
            }
        }
        // Browsing-track objects fill the flat fields that were not given.
        for (name, is_pre, page) in std::mem::take(&mut self.pages) {
            let prefix = if is_pre { "pre_" } else { "cur_" };
            let target = if is_pre {
                &mut self.params.trace.pre
            } else {
                &mut self.params.trace.cur
            };
            let mut conflicts = Vec::new();
            merge(
                &mut target.page_abstract,
                page.page_abstract,
                "abstract",
                &mut conflicts,
            );
            merge(
                &mut target.visit_url,
                page.visit_url,
                "visit_url",
                &mut conflicts,
            );
            merge(
                &mut target.visit_title,
                page.visit_title,
                "visit_title",
                &mut conflicts,
            );
            merge(
                &mut target.thumbnail,
                page.thumbnail,
                "thumbnail",
                &mut conflicts,
            );
            merge(&mut target.tags, page.tags, "tags", &mut conflicts);
            for field in conflicts {
                self.issues.push(ParamIssue {
                    param: format!("{name}.{prefix}{field}"),
                    reason: format!("ignored: {prefix}{field} is also given"),
                });
            }
        }
        // status_custom labels only the custom status 0.
        let order = &mut self.params.order_card;
        if order.status_custom.is_some() && order.order_status != Some(OrderStatus::Custom) {
            order.status_custom = None;
            self.issues.push(ParamIssue {
                param: "status_custom".into(),
                reason: "only used with order_status=0; ignored".into(),
            });
        }
        // With title_flag=2 the custom title is a fixed text of 1 to 30 characters.
        let ui = &mut self.params.ui;
        if ui.title_flag == Some(TitleMode::CustomText) {
            if let Some(title) = &mut ui.custom_title {
                if let Some((at, _)) = title.char_indices().nth(30) {
                    title.truncate(at);
                    let kept = title.trim_end().len();
                    title.truncate(kept);
                    self.issues.push(ParamIssue {
                        param: "custom_title".into(),
                        reason: "longer than 30 characters with title_flag=2; cut to 30".into(),
                    });
                }
            }
        }
        Parsed {
            value: self.params,
            issues: self.issues,
        }
    }
}

fn merge<T: PartialEq>(
    slot: &mut Option<T>,
    given: Option<T>,
    field: &'static str,
    conflicts: &mut Vec<&'static str>,
) {
    match (slot.as_ref(), given) {
        (None, given) => *slot = given,
        (Some(existing), Some(given)) if *existing != given => conflicts.push(field),
        _ => {}
    }
}
