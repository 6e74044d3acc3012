//! The tenant configuration file (TOML), loaded at start.
//!
//! A tenant's settings here are the "backend settings" of the spec: link parameters
//! override them, except the security ones, which only this file can set. The file is
//! the source of truth for tenants, groups, agents and the tenant's lists; the database
//! holds only what changes at run time (visitors, conversations, sessions, statuses).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use parley_protocol::api::AgentBrief;
use parley_protocol::api::LoaderBackend;
use parley_protocol::evaluation::{
    EvaluationSettings, ScoreKind, ScoreOption, MAX_TAGS, MAX_TAG_CHARS,
};
use parley_protocol::params::{Color, Link, Location, ReceptionType};
use parley_protocol::ticket::{ContactRule, FieldKind, FileFamily};
use parley_protocol::{BackendSettings, Locale, SecurityPolicy};
use serde::{Deserialize, Serialize};

/// The whole file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(rename = "tenant", default)]
    pub tenants: Vec<Tenant>,
    /// How long what visitors leave behind is kept (`[retention]`).
    #[serde(default)]
    pub retention: Retention,
}

/// `[retention]`: how long the housekeeping sweep keeps records that nobody needs
/// forever. Conversations, messages and tickets are kept; they are the record.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Browsing-track entries, in days (default 90).
    pub traces_days: Option<u32>,
    /// A visitor's last invitation-page report, in hours (default 24).
    pub browsing_hours: Option<u32>,
}

impl Retention {
    /// The age past which browsing tracks go, in milliseconds.
    pub fn traces_ms(&self) -> i64 {
        i64::from(self.traces_days.unwrap_or(90)) * 24 * 3_600_000
    }
    /// The age past which invitation-page reports go, in milliseconds.
    pub fn browsing_ms(&self) -> i64 {
        i64::from(self.browsing_hours.unwrap_or(24)) * 3_600_000
    }
}

/// One company using Parley.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// The company id that links carry as `sysnum`.
    pub sysnum: String,
    /// The secret key for `sign` and the token API. Never sent to a client. Give it
    /// here, or keep it out of the file with `secret_key_env` (the name of an
    /// environment variable holding it) or `secret_key_file` (a file holding it,
    /// relative to the configuration file): exactly one of the three.
    #[serde(default)]
    pub secret_key: String,
    #[serde(default)]
    pub secret_key_env: Option<String>,
    #[serde(default)]
    pub secret_key_file: Option<std::path::PathBuf>,
    /// The key before the last rotation, still accepted for signs and tokens until
    /// `previous_key_until` so that links already handed out keep working for a grace
    /// period. Set by the server when an admin rotates the key (never taken from a
    /// client, never sent to one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub previous_key: String,
    /// The end of the old key's grace period, in Unix seconds; after it only
    /// `secret_key` is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_key_until: Option<i64>,
    /// The company name shown in the chat's top bar.
    pub company_name: String,
    /// The language used when the link gives none.
    #[serde(default)]
    pub default_locale: Option<String>,
    /// Greetings per locale code; `default` is used for any other locale.
    #[serde(default)]
    pub greeting: BTreeMap<String, String>,
    /// Backend settings that link parameters override.
    #[serde(default)]
    pub backend: Backend,
    /// Backend-only security settings.
    #[serde(default)]
    pub security: Security,
    /// Quotas on what one visitor may send and store, and the tenant's storage.
    #[serde(default)]
    pub limits: Limits,
    /// Skill groups.
    #[serde(rename = "group", default)]
    pub groups: Vec<Group>,
    /// Human agents.
    #[serde(rename = "agent", default)]
    pub agents: Vec<Agent>,
    /// Bots (`robotid`), each with its FAQ file.
    #[serde(rename = "bot", default)]
    pub bots: Vec<BotRef>,
    /// Routing rules ("VIP Users", "Customer Tag"): tried in order, the first whose
    /// conditions all hold picks the skill group.
    #[serde(rename = "routing_rule", default)]
    pub routing_rules: Vec<parley_reception::routing::RoutingRule>,
    /// Leave-message templates; `templateid` picks one, else the one with id
    /// `default`, else the first.
    #[serde(rename = "leave_template", default)]
    pub leave_templates: Vec<LeaveTemplate>,
    /// Ticket docking fields: the only keys the ticket plug-in's `params` may fill.
    #[serde(rename = "docking_field", default)]
    pub docking_fields: Vec<CustomField>,
    /// Ticket plug-in deployments (`deployId`).
    #[serde(rename = "ticket_plugin", default)]
    pub ticket_plugins: Vec<TicketPlugin>,
    /// Custom customer fields the backend declares (`customer_fields` keys).
    #[serde(rename = "customer_field", default)]
    pub customer_fields: Vec<CustomField>,
    /// VIP levels (`vip_level` may carry the id or the name).
    #[serde(rename = "vip_level", default)]
    pub vip_levels: Vec<Named>,
    /// Customer tags (`user_label` may carry ids or names, comma-separated).
    #[serde(rename = "customer_tag", default)]
    pub customer_tags: Vec<Named>,
    /// Satisfaction evaluation (`[tenant.evaluation]`).
    #[serde(default)]
    pub evaluation: EvaluationConfig,
    /// E-commerce partners (`[[tenant.partner]]`): the tenants whose visitors this one
    /// takes when their own agents cannot (a link's `flowCompanyId` naming this tenant),
    /// each under the partnership's name, the link's `platformUnionCode`.
    #[serde(rename = "partner", default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<Partner>,
}

/// `[[tenant.partner]]`: a tenant whose overflowing visitors this one takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// The partner's sysnum: where the visitors come from.
    pub sysnum: String,
    /// The partnership's name, which the visitor's link must carry as
    /// `platformUnionCode`.
    pub union_code: String,
}

/// Longest `[[tenant.partner]] union_code`, in characters.
pub const MAX_UNION_CODE_CHARS: usize = 64;

/// Why a link's overflow does not go to the tenant it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPartnership {
    /// `flowCompanyId` names no tenant of this server (or the visitor's own).
    UnknownTenant,
    /// That tenant does not declare the visitor's tenant as a partner.
    NotDeclared,
    /// It does, under another `platformUnionCode` (or the link gives none).
    WrongUnionCode,
}

/// `[tenant.evaluation]`: how visitors rate conversations with agents. Every key has a
/// default (five stars, "was it solved?" asked, comments optional, invited when the
/// agent ends the chat), so a tenant that writes nothing takes evaluations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationConfig {
    /// `false` takes no evaluations at all: no button, no invitation, and the rating
    /// endpoint refuses.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `stars` (1 to 5) or `zero_to_ten`.
    #[serde(default)]
    pub kind: ScoreKind,
    /// Whether the form asks "Was your problem solved?".
    #[serde(default = "yes")]
    pub ask_solved: bool,
    /// A score below this needs a comment.
    #[serde(default)]
    pub comment_required_below: Option<u8>,
    /// Whether the agent's ending of a chat invites an evaluation when the link's
    /// `satDegree_A` says nothing.
    #[serde(default = "yes")]
    pub invite_on_agent_end: bool,
    /// Labels and tags per score (`[[tenant.evaluation.score]]`).
    #[serde(rename = "score", default)]
    pub scores: Vec<ScoreConfig>,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        EvaluationConfig {
            enabled: true,
            kind: ScoreKind::Stars,
            ask_solved: true,
            comment_required_below: None,
            invite_on_agent_end: true,
            scores: Vec::new(),
        }
    }
}

/// One score's label (per locale code, `default` for any other) and the tags a visitor
/// may pick with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreConfig {
    pub score: u8,
    #[serde(default)]
    pub label: BTreeMap<String, String>,
    /// The tags, in the words stored with every rating whatever the visitor's language
    /// (so agents and reports read one set), and shown where no translation is given.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The same tags in other languages, per locale code, in the order of `tags`
    /// (`tags_by_locale = { zh = ["回复慢", …] }`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags_by_locale: BTreeMap<String, Vec<String>>,
}

impl ScoreConfig {
    /// The tags as a visitor of `locale` (a locale code) sees them.
    pub fn tags_in(&self, locale: &str) -> &[String] {
        self.tags_by_locale.get(locale).unwrap_or(&self.tags)
    }
}

impl EvaluationConfig {
    /// Whether an ending by the agent invites an evaluation, given the link's
    /// `satDegree_A`.
    pub fn after_agent_end(&self, sat_degree_a: Option<bool>) -> bool {
        self.enabled && sat_degree_a.unwrap_or(self.invite_on_agent_end)
    }

    /// The rules the server checks an evaluation from a page in `locale` with: the
    /// tags that page offered (labels and flags do not matter to
    /// [`parley_protocol::evaluation::validate`]).
    pub fn rules(&self, locale: Locale) -> EvaluationSettings {
        let settings = parley_protocol::EffectiveSettings {
            locale,
            ..Default::default()
        };
        let mut rules = self.settings_for(&settings, None);
        for o in &mut rules.options {
            o.label = None;
        }
        rules
    }

    /// The tags a visitor of `locale` picked with `score`, in the stored words
    /// (`tags`). Call after `validate` with [`EvaluationConfig::rules`] of that locale,
    /// which offered exactly these; a tag it did not offer is kept as given.
    pub fn stored_tags(&self, locale: Locale, score: u8, picked: &[String]) -> Vec<String> {
        let Some(s) = self.scores.iter().find(|s| s.score == score) else {
            return picked.to_vec();
        };
        let shown = s.tags_in(locale.code());
        picked
            .iter()
            .map(|t| {
                shown
                    .iter()
                    .position(|x| x == t)
                    .and_then(|i| s.tags.get(i))
                    .unwrap_or(t)
                    .clone()
            })
            .collect()
    }

    /// The settings a visitor's form runs with: these, in `settings.locale`, with the
    /// link's flags (`feedback_flag`, `show_evaluate`, `satDegree_A`) applied.
    pub fn settings_for(
        &self,
        settings: &parley_protocol::EffectiveSettings,
        sat_degree_a: Option<bool>,
    ) -> EvaluationSettings {
        let locale = settings.locale.code();
        EvaluationSettings {
            enabled: self.enabled,
            kind: self.kind,
            options: self
                .scores
                .iter()
                .map(|s| ScoreOption {
                    score: s.score,
                    label: s
                        .label
                        .get(locale)
                        .or_else(|| s.label.get("default"))
                        .cloned(),
                    tags: s.tags_in(locale).to_vec(),
                })
                .collect(),
            ask_solved: self.ask_solved,
            comment_required_below: self.comment_required_below,
            button: self.enabled && settings.feedback_flag,
            on_close: self.enabled && settings.show_evaluate,
            after_agent_end: self.after_agent_end(sat_degree_a),
        }
    }

    /// Scores on the scale and each once; labels and tags short and not blank; tags
    /// unique per score and at most [`MAX_TAGS`]; a comment threshold on the scale.
    fn check(&self) -> Result<(), String> {
        let kind = self.kind;
        let mut seen = HashSet::new();
        for s in &self.scores {
            if !kind.scores().contains(&s.score) || !seen.insert(s.score) {
                return Err(format!(
                    "evaluation.score {} is repeated or not from {} to {}",
                    s.score,
                    kind.min(),
                    kind.max()
                ));
            }
            let short = |t: &str| !t.trim().is_empty() && t.chars().count() <= MAX_TAG_CHARS;
            if let Some(l) = s.label.values().find(|l| !short(l)) {
                return Err(format!(
                    "evaluation.score {}: label {l:?} must have 1 to {MAX_TAG_CHARS} characters",
                    s.score
                ));
            }
            if let Some(code) = s
                .label
                .keys()
                .find(|c| *c != "default" && Locale::from_code(c).is_none())
            {
                return Err(format!(
                    "evaluation.score {}: unknown label locale {code:?}",
                    s.score
                ));
            }
            if s.tags.len() > MAX_TAGS {
                return Err(format!(
                    "evaluation.score {}: at most {MAX_TAGS} tags",
                    s.score
                ));
            }
            let lists = std::iter::once(&s.tags).chain(s.tags_by_locale.values());
            for tags in lists {
                for (i, t) in tags.iter().enumerate() {
                    if !short(t) || tags[..i].contains(t) {
                        return Err(format!(
                            "evaluation.score {}: tag {t:?} is repeated or not 1 to \
                             {MAX_TAG_CHARS} characters",
                            s.score
                        ));
                    }
                }
            }
            for (code, tags) in &s.tags_by_locale {
                if Locale::from_code(code).is_none() {
                    return Err(format!(
                        "evaluation.score {}: unknown tags_by_locale locale {code:?}",
                        s.score
                    ));
                }
                if tags.len() != s.tags.len() {
                    return Err(format!(
                        "evaluation.score {}: tags_by_locale.{code} has {} tags where tags \
                         has {}; give one translation for each, in the same order",
                        s.score,
                        tags.len(),
                        s.tags.len()
                    ));
                }
            }
        }
        if let Some(b) = self.comment_required_below {
            if b > kind.max() + 1 {
                return Err(format!(
                    "evaluation.comment_required_below {b} is past the scale's top {}",
                    kind.max()
                ));
            }
        }
        Ok(())
    }
}

/// The backend settings a link may override. Codes are the spec's numbers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    /// Reception mode: 1 bot only, 2 agent only, 3 bot first, 4 agent first.
    pub reception_type: Option<u8>,
    pub robotid: Option<u64>,
    pub groupid: Option<String>,
    /// Theme colour as six hex digits without `#` (the spec's form).
    pub color: Option<String>,
    /// Minutes of visible history (10 to 2880).
    pub time: Option<u64>,
    pub show_manual: Option<bool>,
    pub leave_msg_flag: Option<bool>,
    pub feedback_flag: Option<bool>,
    pub photo_flag: Option<bool>,
    pub show_evaluate: Option<bool>,
    pub guide_flag: Option<bool>,
    pub is_link: Option<bool>,
    pub show_face: Option<bool>,
    pub top_bar_flag: Option<bool>,
    pub man_trace: Option<bool>,
    /// A sound and a flashing tab title when an agent writes while the visitor's tab is
    /// hidden; default on.
    pub new_message_alert: Option<bool>,
    pub robot_hello_word: Option<String>,
    pub agent_hello_word: Option<String>,
    pub agent_offline_title: Option<String>,
    /// With `show_manual` on, the trans-to-agent button shows after this many unknown
    /// answers (the spec's "number of delays"); default 2.
    pub manual_after_unknown: Option<u32>,
    /// A conversation whose visitor sent nothing for this long ends ("visitor idle");
    /// default 30 minutes.
    pub visitor_idle_minutes: Option<u64>,
    /// Where the loader's launcher sits: 1 bottom right, 2 bottom left (`location`).
    pub location: Option<u8>,
    /// A text on the loader's launcher, which then becomes a pill (at most 40
    /// characters); no zc parameter sets it.
    pub launcher_text: Option<String>,
    /// Automatic invitations on host pages (`invite`) and their settings, as the spec's
    /// zc parameters of the same names; a page's own values win.
    pub invite: Option<bool>,
    pub tip_title: Option<String>,
    pub submit_title: Option<String>,
    pub first_timeout: Option<u64>,
    pub over_timeout: Option<u64>,
    pub invite_count: Option<u32>,
    /// The invitation's logo, an http(s) URL.
    pub invite_imgsrc: Option<String>,
    /// "Proactive Chat Invitation": agents may see and invite visitors on every page of
    /// the tenant's sites (a page's `invite_flag` still wins, `false` included).
    pub agent_invite: Option<bool>,
}

/// "Security Key" settings: a link can never change these.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Security {
    /// Visitors must bring `partnerid` and `sign = MD5(sysnum + key + partnerid)`.
    #[serde(default)]
    pub sign_required: bool,
    /// Visitors must bring a `token` from `POST /api/page/token`.
    #[serde(default)]
    pub token_required: bool,
    /// Origins allowed to embed the chat (`http(s)://host[:port]`); empty means the
    /// chat's own origin only, and exactly `["*"]` any site (see `crate::embedding`).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The latest `ts` the token API accepts, in seconds from now (default a day): a
    /// token lives at most this long.
    #[serde(default)]
    pub token_max_ttl_secs: Option<u64>,
}

/// Quotas (`[tenant.limits]`); each has a default, so most tenants set none.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Messages (text and cards) one visitor may send per minute, in bursts of a third
    /// of it (default 30).
    pub messages_per_minute: Option<u32>,
    /// Tickets one visitor may leave in 24 hours (default 10).
    pub tickets_per_day: Option<u32>,
    /// Bytes of pictures and ticket files one visitor may upload in 24 hours
    /// (default 50 MiB).
    pub upload_bytes_per_day: Option<u64>,
    /// Bytes of files the tenant keeps in all (default 2 GiB).
    pub storage_bytes: Option<u64>,
    /// The largest file (PDF, Office, text, ZIP) one chat message may carry (default
    /// 10 MiB, at most 50 MiB).
    pub chat_file_bytes: Option<u64>,
}

impl Limits {
    pub fn messages_per_minute(&self) -> u32 {
        self.messages_per_minute.unwrap_or(30).max(1)
    }
    pub fn tickets_per_day(&self) -> u32 {
        self.tickets_per_day.unwrap_or(10)
    }
    pub fn upload_bytes_per_day(&self) -> u64 {
        self.upload_bytes_per_day.unwrap_or(50 << 20)
    }
    pub fn storage_bytes(&self) -> u64 {
        self.storage_bytes.unwrap_or(2 << 30)
    }
    pub fn chat_file_bytes(&self) -> u64 {
        self.chat_file_bytes
            .unwrap_or(parley_protocol::api::DEFAULT_CHAT_FILE_BYTES)
            .min(MAX_CHAT_FILE_BYTES)
    }
}

/// The most any tenant may allow one chat file to weigh: the upload route's body limit.
pub const MAX_CHAT_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// How long a token may live when the tenant sets nothing: a day.
pub const DEFAULT_TOKEN_MAX_TTL_SECS: u64 = 24 * 3600;

impl Security {
    /// The longest a token of this tenant may live, in seconds.
    pub fn token_max_ttl_secs(&self) -> u64 {
        self.token_max_ttl_secs
            .unwrap_or(DEFAULT_TOKEN_MAX_TTL_SECS)
    }
}

/// A skill group and its working hours.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// Offset of the group's local time from UTC, in minutes: the fixed offset older
    /// files give. `time_zone` wins when set.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// The group's IANA time zone (`Europe/Berlin`, `Asia/Shanghai`): hours follow its
    /// daylight-saving changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Local dates ("YYYY-MM-DD") the group is closed all day, whatever the hours say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
    /// When the group works; empty means always.
    #[serde(default)]
    pub hours: Vec<Hours>,
    /// Closed whatever the hours say (a holiday, a shift not staffed yet).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
}

/// One working-hours rule: on these weekdays (1 = Monday … 7 = Sunday), from `from` to
/// `to` ("HH:MM", local time, `to` exclusive).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub days: Vec<u8>,
    pub from: String,
    pub to: String,
}

/// A human agent. The password is stored only as an Argon2 PHC string
/// (`parley-server --hash-password PASSWORD` prints one).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// The login name, unique within the tenant; also the agent id links use as
    /// `agentid`.
    pub id: String,
    pub name: String,
    pub password_hash: String,
    #[serde(default)]
    pub groups: Vec<String>,
    /// Most conversations at once.
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// The agent's picture, an http(s) URL: shown beside their messages (with
    /// `show_face`) and given to the host page's `receive_message` / offline callbacks as
    /// `img`. Without one, visitors see the name's first letter.
    #[serde(default)]
    pub avatar: Option<String>,
    /// `admin` may change the tenant's settings in the workbench; default `agent`.
    #[serde(default)]
    pub role: Role,
    /// A disabled agent keeps their entry (name in old conversations, settings) but
    /// cannot sign in, their sessions stop working, and routing never picks them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

/// What an agent may do beyond chatting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Agent,
    Admin,
}

fn default_capacity() -> u32 {
    5
}

/// A bot (`robotid`) and its FAQ, in the format of `parley_reception::Bot::from_toml`:
/// in a file (`faq_file`, relative to the configuration file) or inline (`faq`, the
/// file's text). Loading reads the file into `faq`, so the settings the database keeps
/// carry the FAQ itself and no instance needs the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotRef {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq: Option<String>,
    /// The loaded and validated FAQ (filled when the configuration is parsed).
    #[serde(skip)]
    pub bot: Option<std::sync::Arc<parley_reception::Bot>>,
}

/// A leave-message template (`templateid`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveTemplate {
    pub id: String,
    pub name: String,
    /// Guidance above the form per locale code; `default` for any other locale.
    #[serde(default)]
    pub guidance: BTreeMap<String, String>,
    /// Whether the message body must be filled (default yes).
    #[serde(default = "yes")]
    pub content_required: bool,
    /// Whether the phone input is hidden, optional or required.
    #[serde(default)]
    pub tel: ContactRule,
    /// Whether the e-mail input is hidden, optional or required.
    #[serde(default)]
    pub email: ContactRule,
    /// How many files may be attached (0: none).
    #[serde(default)]
    pub max_attachments: u32,
    /// The largest file, in bytes.
    #[serde(default = "default_attachment_bytes")]
    pub max_attachment_bytes: u64,
    /// Which kinds of files (default: images).
    #[serde(default = "default_families")]
    pub attachment_types: Vec<FileFamily>,
    #[serde(default)]
    pub fields: Vec<CustomField>,
}

fn yes() -> bool {
    true
}

fn default_attachment_bytes() -> u64 {
    5 * 1024 * 1024
}

fn default_families() -> Vec<FileFamily> {
    vec![FileFamily::Image]
}

/// A declared field: a template field, a customer field or a docking field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomField {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    /// The input kind (templates only; default text).
    #[serde(default = "text_kind")]
    pub kind: FieldKind,
    /// The choices of a `select` field.
    #[serde(default)]
    pub options: Vec<String>,
}

fn text_kind() -> FieldKind {
    FieldKind::Text
}

/// A ticket plug-in deployment: the `deployId` of its link and the template it uses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketPlugin {
    pub id: String,
    /// The leave template the plug-in's form shows (default: the tenant's default).
    #[serde(default)]
    pub template: Option<String>,
}

/// An id and a display name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub id: String,
    pub name: String,
}

impl Tenant {
    /// The greeting for `locale`, else the tenant's default one.
    pub fn greeting_for(&self, locale: Locale) -> String {
        self.greeting
            .get(locale.code())
            .or_else(|| self.greeting.get("default"))
            .cloned()
            .unwrap_or_default()
    }

    /// The tenant's default locale, or the built-in one.
    pub fn locale(&self) -> Locale {
        self.default_locale
            .as_deref()
            .and_then(Locale::from_code)
            .unwrap_or_default()
    }

    /// The backend settings in the protocol crate's shape, for
    /// [`parley_protocol::effective`].
    pub fn backend_settings(&self) -> BackendSettings {
        let b = &self.backend;
        BackendSettings {
            locale: self.default_locale.as_deref().and_then(Locale::from_code),
            color: b.color.as_deref().and_then(Color::from_hex),
            reception_type: b
                .reception_type
                .and_then(|c| ReceptionType::from_code(c.into())),
            robotid: b.robotid,
            groupid: b.groupid.clone(),
            time: b.time,
            show_manual: b.show_manual,
            leave_msg_flag: b.leave_msg_flag,
            feedback_flag: b.feedback_flag,
            photo_flag: b.photo_flag,
            show_evaluate: b.show_evaluate,
            guide_flag: b.guide_flag,
            is_link: b.is_link,
            show_face: b.show_face,
            top_bar_flag: b.top_bar_flag,
            man_trace: b.man_trace,
            agent_invite: b.agent_invite,
            location: b.location.and_then(|c| Location::from_code(c.into())),
            new_message_alert: b.new_message_alert,
            robot_hello_word: b.robot_hello_word.clone(),
            agent_hello_word: b.agent_hello_word.clone(),
            agent_offline_title: b.agent_offline_title.clone(),
            security: SecurityPolicy {
                sign_required: self.security.sign_required,
                token_required: self.security.token_required,
                allowed_origins: self.security.allowed_origins.clone(),
            },
            ..BackendSettings::default()
        }
    }

    /// The backend values the host-page loader applies when a page sets none, under
    /// the zc parameters' names.
    pub fn loader_backend(&self) -> LoaderBackend {
        let b = &self.backend;
        LoaderBackend {
            color: b.color.clone(),
            location: b.location,
            launcher_text: b.launcher_text.clone(),
            invite: b.invite,
            tip_title: b.tip_title.clone(),
            submit_title: b.submit_title.clone(),
            first_timeout: b.first_timeout,
            over_timeout: b.over_timeout,
            invite_count: b.invite_count,
            invite_imgsrc: b.invite_imgsrc.clone(),
            man_trace: b.man_trace,
            invite_flag: b.agent_invite,
        }
    }

    /// The agent with this login name.
    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }

    /// The agent with this login name, unless they are disabled: the one who may sign
    /// in and act.
    pub fn active_agent(&self, id: &str) -> Option<&Agent> {
        self.agent(id).filter(|a| !a.disabled)
    }

    /// The keys a sign or token may be made with at `now_s` (Unix seconds): the key,
    /// and the key before the last rotation until its grace period ends.
    pub fn signing_keys(&self, now_s: i64) -> Vec<&str> {
        let mut keys = vec![self.secret_key.as_str()];
        if !self.previous_key.is_empty() && self.previous_key_until.is_some_and(|u| now_s < u) {
            keys.push(self.previous_key.as_str());
        }
        keys
    }

    /// How visitors see agent `id` (an id no longer configured shows as itself).
    pub fn agent_brief(&self, id: &str) -> AgentBrief {
        match self.agent(id) {
            Some(a) => AgentBrief {
                id: a.id.clone(),
                name: a.name.clone(),
                avatar: a.avatar.clone(),
            },
            None => AgentBrief {
                id: id.to_owned(),
                name: id.to_owned(),
                avatar: None,
            },
        }
    }

    /// The skill group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Whether this tenant takes the overflow of tenant `origin` under the link's
    /// `platformUnionCode`: it declares `origin` as a partner with exactly that code.
    pub fn takes_overflow_from(
        &self,
        origin: &str,
        union_code: Option<&str>,
    ) -> Result<(), NoPartnership> {
        if self.sysnum == origin {
            return Err(NoPartnership::UnknownTenant);
        }
        let declared = self.partners.iter().find(|p| p.sysnum == origin);
        match declared {
            None => Err(NoPartnership::NotDeclared),
            Some(p) if Some(p.union_code.as_str()) == union_code => Ok(()),
            Some(_) => Err(NoPartnership::WrongUnionCode),
        }
    }

    /// Partners that can hold: another tenant each, declared once, with a union code
    /// of 1 to [`MAX_UNION_CODE_CHARS`] printable characters. (That each names a tenant
    /// of the server is [`Config::prepared`]'s check.)
    fn check_partners(&self) -> Result<(), String> {
        for (i, p) in self.partners.iter().enumerate() {
            if p.sysnum.trim().is_empty() || p.sysnum == self.sysnum {
                return Err(format!(
                    "partner.sysnum {:?} must name another tenant",
                    p.sysnum
                ));
            }
            if self.partners[..i].iter().any(|q| q.sysnum == p.sysnum) {
                return Err(format!("partner.sysnum {:?} is declared twice", p.sysnum));
            }
            let n = p.union_code.chars().count();
            if p.union_code.trim().is_empty()
                || n > MAX_UNION_CODE_CHARS
                || p.union_code.chars().any(char::is_control)
            {
                return Err(format!(
                    "partner.union_code {:?} must have 1 to {MAX_UNION_CODE_CHARS} printable \
                     characters",
                    p.union_code
                ));
            }
        }
        Ok(())
    }
}

/// A moment in a group's local time: the date, the weekday (1 = Monday … 7 = Sunday)
/// and the minute of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub weekday: u8,
    pub minute_of_day: u32,
}

impl Group {
    /// The group's local time at `now_ms` (Unix milliseconds): in its time zone when it
    /// names one (a name that does not parse is refused when the settings are checked,
    /// and treated as UTC here), else at its fixed offset.
    pub fn local_time(&self, now_ms: i64) -> LocalTime {
        use chrono::{Datelike, Timelike};
        let utc = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
        let fixed = || {
            let offset = chrono::FixedOffset::east_opt(self.utc_offset_minutes * 60)
                .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
            utc.with_timezone(&offset).naive_local()
        };
        let local = match self.time_zone.as_deref() {
            Some(name) => match name.parse::<chrono_tz::Tz>() {
                Ok(tz) => utc.with_timezone(&tz).naive_local(),
                Err(_) => utc.naive_utc(),
            },
            None => fixed(),
        };
        LocalTime {
            year: local.year(),
            month: local.month(),
            day: local.day(),
            weekday: local.weekday().number_from_monday() as u8,
            minute_of_day: local.hour() * 60 + local.minute(),
        }
    }

    /// Whether the group works at `now_ms` (Unix milliseconds): not closed, not on one
    /// of its holidays (local date), and within its hours (none: always).
    pub fn is_open(&self, now_ms: i64) -> bool {
        if self.closed {
            return false;
        }
        let local = self.local_time(now_ms);
        let today = format!("{:04}-{:02}-{:02}", local.year, local.month, local.day);
        if self.holidays.iter().any(|h| h.trim() == today) {
            return false;
        }
        if self.hours.is_empty() {
            return true;
        }
        self.hours.iter().any(|h| {
            let (Some(from), Some(to)) = (parse_hhmm(&h.from), parse_hhmm(&h.to)) else {
                return false;
            };
            h.days.contains(&local.weekday)
                && from <= local.minute_of_day
                && local.minute_of_day < to
        })
    }

    /// A time zone the database knows, and holidays that are real dates.
    fn check_calendar(&self) -> Result<(), String> {
        if let Some(name) = &self.time_zone {
            if name.parse::<chrono_tz::Tz>().is_err() {
                return Err(format!(
                    "group {}: unknown time_zone {name:?} (an IANA name such as \"Europe/Berlin\")",
                    self.id
                ));
            }
        }
        if let Some(bad) = self.holidays.iter().find(|h| parse_date(h).is_none()) {
            return Err(format!(
                "group {}: holiday {bad:?} is not a date (YYYY-MM-DD)",
                self.id
            ));
        }
        Ok(())
    }
}

/// "YYYY-MM-DD" that names a real day.
fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let mut parts = text.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

impl Group {
    /// Working hours that can hold: weekdays 1 to 7, "HH:MM" times, each rule ending
    /// after it starts, and no two rules of a day overlapping (an overlap is almost
    /// always a typing mistake, and it makes a change of one rule silently ineffective).
    fn check_hours(&self) -> Result<(), String> {
        let mut spans: Vec<(u8, u32, u32)> = Vec::new();
        for h in &self.hours {
            let days_ok = !h.days.is_empty() && h.days.iter().all(|d| (1..=7).contains(d));
            let (Some(from), Some(to), true) = (parse_hhmm(&h.from), parse_hhmm(&h.to), days_ok)
            else {
                return Err(format!(
                    "group {}: bad hours (days 1 to 7, times HH:MM): {:?} {}-{}",
                    self.id, h.days, h.from, h.to
                ));
            };
            if from >= to {
                return Err(format!(
                    "group {}: hours {}-{} end before they start",
                    self.id, h.from, h.to
                ));
            }
            for &day in &h.days {
                if let Some(other) = spans
                    .iter()
                    .find(|(d, f, t)| *d == day && from < *t && *f < to)
                {
                    return Err(format!(
                        "group {}: hours overlap on day {day} ({}-{} and {:02}:{:02}-{:02}:{:02})",
                        self.id,
                        h.from,
                        h.to,
                        other.1 / 60,
                        other.1 % 60,
                        other.2 / 60,
                        other.2 % 60
                    ));
                }
                spans.push((day, from, to));
            }
        }
        Ok(())
    }
}

/// "HH:MM" → minutes since midnight; "24:00" is allowed as the end of the day.
fn parse_hhmm(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Why the configuration could not be used.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("reading {}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse_at(&text, base)
            .map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))
    }

    /// Like [`Config::parse`], reading `faq_file`s and `secret_key_file`s relative to
    /// `base` (the folder of the configuration file).
    pub fn parse_at(text: &str, base: &Path) -> Result<Config, ConfigError> {
        Config::parse_with_keys(text, Some(base))
    }

    /// Parses and checks configuration text (files it names are read relative to the
    /// working directory; see [`Config::parse_at`]): unique sysnums, agent ids and
    /// group ids; FAQs that validate;
    /// known locales, reception codes and colours; agents only in declared groups;
    /// well-formed working hours and password hashes. A mistake here stops the server
    /// at start rather than surfacing as a confusing runtime refusal.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse_with_keys(text, None)
    }

    /// [`Config::parse`], reading `secret_key_file`s relative to `base` (else to the
    /// working directory).
    fn parse_with_keys(text: &str, base: Option<&Path>) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.prepared(base)
    }

    /// Checks a configuration (parsed from a file, or the documents the database
    /// keeps) and makes it usable: keys resolved, FAQs read, parsed and inlined.
    pub fn prepared(mut self, base: Option<&Path>) -> Result<Config, ConfigError> {
        for t in &mut self.tenants {
            t.prepare(base)
                .map_err(|e| ConfigError(format!("tenant {}: {e}", t.sysnum)))?;
        }
        let config = self;
        let mut seen = HashSet::new();
        for t in &config.tenants {
            if t.sysnum.is_empty() || !seen.insert(t.sysnum.as_str()) {
                return Err(ConfigError(format!(
                    "empty or repeated sysnum {:?}",
                    t.sysnum
                )));
            }
            t.check()
                .map_err(|e| ConfigError(format!("tenant {}: {e}", t.sysnum)))?;
        }
        for t in &config.tenants {
            if let Some(p) = t
                .partners
                .iter()
                .find(|p| config.tenant(&p.sysnum).is_none())
            {
                return Err(ConfigError(format!(
                    "tenant {}: partner.sysnum {:?} is not a tenant of this server",
                    t.sysnum, p.sysnum
                )));
            }
        }
        Ok(config)
    }

    /// The tenant with this sysnum.
    pub fn tenant(&self, sysnum: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.sysnum == sysnum)
    }
}

impl Tenant {
    /// Resolves the key and loads the bots' FAQs (see [`BotRef`]); `base` is the folder
    /// relative paths start from (else the working directory). A `secret_key_file` is
    /// made absolute, so the stored settings name the same file from anywhere.
    fn prepare(&mut self, base: Option<&Path>) -> Result<(), String> {
        self.secret_key = self.resolve_secret_key(base)?;
        if let (Some(file), Some(base)) = (&self.secret_key_file, base) {
            self.secret_key_file = Some(base.join(file));
        }
        for b in &mut self.bots {
            let faq = match (&b.faq, &b.faq_file) {
                (Some(text), None) => text.clone(),
                (None, Some(file)) => {
                    let path = base.map_or_else(|| Path::new(file).to_owned(), |b| b.join(file));
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("bot {}: {}: {e}", b.id, path.display()))?
                }
                _ => return Err(format!("bot {}: give one of faq_file and faq", b.id)),
            };
            let bot = parley_reception::Bot::from_toml(&faq)
                .map_err(|e| format!("bot {}: FAQ: {e}", b.id))?;
            b.bot = Some(std::sync::Arc::new(bot));
            b.faq = Some(faq);
            b.faq_file = None;
        }
        Ok(())
    }

    /// The tenant as the database keeps it: a key kept in an environment variable or
    /// a file stays there (only its name is stored).
    pub fn for_storage(&self) -> Tenant {
        let mut t = self.clone();
        if t.secret_key_env.is_some() || t.secret_key_file.is_some() {
            t.secret_key.clear();
        }
        t
    }

    /// The key from exactly one of `secret_key`, `secret_key_env` and
    /// `secret_key_file` (surrounding white space dropped).
    fn resolve_secret_key(&self, base: Option<&Path>) -> Result<String, String> {
        match (
            !self.secret_key.is_empty(),
            &self.secret_key_env,
            &self.secret_key_file,
        ) {
            (true, None, None) => Ok(self.secret_key.clone()),
            (false, Some(var), None) => std::env::var(var)
                .map(|k| k.trim().to_owned())
                .ok()
                .filter(|k| !k.is_empty())
                .ok_or_else(|| {
                    format!("secret_key_env: the environment variable {var} is not set")
                }),
            (false, None, Some(file)) => {
                let path = base.map_or_else(|| file.clone(), |b| b.join(file));
                std::fs::read_to_string(&path)
                    .map(|k| k.trim().to_owned())
                    .map_err(|e| format!("secret_key_file {}: {e}", path.display()))
            }
            (false, None, None) => Err("secret_key is empty".into()),
            _ => Err("give one of secret_key, secret_key_env and secret_key_file".into()),
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.secret_key.is_empty() {
            return Err("secret_key is empty".into());
        }
        if let Some(code) = &self.default_locale {
            if Locale::from_code(code).is_none() {
                return Err(format!("unknown default_locale {code:?}"));
            }
        }
        if let Some(c) = self.backend.reception_type {
            if ReceptionType::from_code(c.into()).is_none() {
                return Err(format!("backend.reception_type {c} is not 1 to 4"));
            }
        }
        if let Some(c) = &self.backend.color {
            if Color::from_hex(c).is_none() {
                return Err(format!("backend.color {c:?} is not six hex digits"));
            }
        }
        if let Some(c) = self.backend.location {
            if Location::from_code(c.into()).is_none() {
                return Err(format!("backend.location {c} is not 1 or 2"));
            }
        }
        if let Some(text) = &self.backend.launcher_text {
            if text.trim().is_empty() || text.chars().count() > 40 {
                return Err("backend.launcher_text must have 1 to 40 characters".into());
            }
        }
        if let Some(url) = &self.backend.invite_imgsrc {
            if Link::new(url.as_str()).openable().is_none() {
                return Err(format!(
                    "backend.invite_imgsrc {url:?} is not an http(s) URL"
                ));
            }
        }
        crate::embedding::check(&self.security.allowed_origins)
            .map_err(|e| format!("security.{e}"))?;
        self.evaluation.check()?;
        self.check_partners()?;
        let mut groups = HashSet::new();
        for g in &self.groups {
            if !groups.insert(g.id.as_str()) {
                return Err(format!("repeated group id {:?}", g.id));
            }
            g.check_hours()?;
            g.check_calendar()?;
        }
        if let Some(g) = &self.backend.groupid {
            if !groups.contains(g.as_str()) {
                return Err(format!("backend.groupid {g:?} is not a declared group"));
            }
        }
        for r in &self.routing_rules {
            if !groups.contains(r.group.as_str()) {
                return Err(format!("routing_rule: unknown group {:?}", r.group));
            }
        }
        let mut bots = HashSet::new();
        for b in &self.bots {
            if !bots.insert(b.id) {
                return Err(format!("repeated bot id {}", b.id));
            }
        }
        if let Some(r) = self.backend.robotid {
            if !self.bots.is_empty() && !bots.contains(&r) {
                return Err(format!("backend.robotid {r} is not a declared bot"));
            }
        }
        let mut agents = HashSet::new();
        for a in &self.agents {
            if a.id.is_empty() || !agents.insert(a.id.as_str()) {
                return Err(format!("empty or repeated agent id {:?}", a.id));
            }
            if let Some(g) = a.groups.iter().find(|g| !groups.contains(g.as_str())) {
                return Err(format!("agent {}: unknown group {g:?}", a.id));
            }
            if let Some(url) = &a.avatar {
                if Link::new(url.as_str()).openable().is_none() {
                    return Err(format!(
                        "agent {}: avatar {url:?} is not an http(s) URL",
                        a.id
                    ));
                }
            }
            if !crate::password::is_phc(&a.password_hash) {
                return Err(format!(
                    "agent {}: password_hash is not an Argon2 PHC string \
                     (make one with `parley-server --hash-password PASSWORD`)",
                    a.id
                ));
            }
        }
        crate::tickets::check_config(self)
    }

    /// The leave template `id` names, else the default one (id `default`, else the
    /// first). `None` only when the tenant has no template at all.
    pub fn leave_template(&self, id: Option<&str>) -> Option<&LeaveTemplate> {
        let by_id = |id: &str| self.leave_templates.iter().find(|t| t.id == id);
        id.and_then(by_id)
            .or_else(|| by_id("default"))
            .or_else(|| self.leave_templates.first())
    }
}

/// The spec's published example key, which `config/demo.toml` uses: anyone may sign
/// links with it.
pub const DEMO_KEY: &str = "258eec3118705112b2c53dc8043d4d34";

/// The agent password hashes of `config/demo.toml`, whose passwords the README prints.
fn demo_hashes() -> Vec<&'static str> {
    include_str!("../../../config/demo.toml")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("password_hash = \""))
        .map(|h| h.trim_end_matches('"'))
        .collect()
}

/// The strength of a key in bits, as this check counts it: 4 bits a character when
/// every character is a hex digit, else 6 (a base64-like key).
pub fn key_bits(key: &str) -> usize {
    let per_char = if key.bytes().all(|b| b.is_ascii_hexdigit()) {
        4
    } else {
        6
    };
    key.chars().count() * per_char
}

/// The shortest key a tenant may have, in bits.
pub const MIN_KEY_BITS: usize = 128;

impl Config {
    /// Why this configuration must not run in production: keys under
    /// [`MIN_KEY_BITS`] (refused always), and the published demo key or demo password
    /// hashes (allowed only with `--demo`).
    pub fn unsafe_settings(&self, demo: bool) -> Vec<String> {
        let hashes = demo_hashes();
        let mut problems = Vec::new();
        for t in &self.tenants {
            if key_bits(&t.secret_key) < MIN_KEY_BITS {
                problems.push(format!(
                    "tenant {}: secret_key is under {MIN_KEY_BITS} bits (use 32 hex digits or more)",
                    t.sysnum
                ));
            }
            if demo {
                continue;
            }
            if t.secret_key == DEMO_KEY {
                problems.push(format!(
                    "tenant {}: secret_key is the published demo key (run with --demo to try Parley)",
                    t.sysnum
                ));
            }
            for a in t
                .agents
                .iter()
                .filter(|a| hashes.contains(&a.password_hash.as_str()))
            {
                problems.push(format!(
                    "tenant {}: agent {} has a demo password (run with --demo to try Parley)",
                    t.sysnum, a.id
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_can_come_from_the_environment_or_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("shop.key"),
            "0123456789abcdef0123456789abcdef\n",
        )
        .unwrap();
        let from_file = Config::parse_at(
            "[[tenant]]\nsysnum='a'\nsecret_key_file='shop.key'\ncompany_name='A'\n",
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            from_file.tenants[0].secret_key,
            "0123456789abcdef0123456789abcdef"
        );
        // The variable's name is this test's own, so no parallel test reads it.
        std::env::set_var("PARLEY_TEST_KEY_7F3A", "fedcba9876543210fedcba9876543210");
        let from_env = Config::parse(
            "[[tenant]]\nsysnum='a'\nsecret_key_env='PARLEY_TEST_KEY_7F3A'\ncompany_name='A'\n",
        )
        .unwrap();
        assert_eq!(
            from_env.tenants[0].secret_key,
            "fedcba9876543210fedcba9876543210"
        );
        let missing = Config::parse(
            "[[tenant]]\nsysnum='a'\nsecret_key_env='PARLEY_TEST_NO_SUCH_KEY'\ncompany_name='A'\n",
        )
        .unwrap_err();
        assert!(
            missing.0.contains("PARLEY_TEST_NO_SUCH_KEY is not set"),
            "{}",
            missing.0
        );
        let both = Config::parse(
            "[[tenant]]\nsysnum='a'\nsecret_key='k'\nsecret_key_env='X'\ncompany_name='A'\n",
        )
        .unwrap_err();
        assert!(both.0.contains("give one of"), "{}", both.0);
    }

    #[test]
    fn the_demo_runs_only_in_demo_mode_and_weak_keys_never() {
        let demo = Config::parse_at(
            include_str!("../../../config/demo.toml"),
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config"),
        )
        .unwrap();
        assert_eq!(demo.unsafe_settings(true), Vec::<String>::new());
        let problems = demo.unsafe_settings(false);
        assert!(
            problems.iter().any(|p| p.contains("published demo key")),
            "{problems:?}"
        );
        assert!(problems
            .iter()
            .any(|p| p.contains("agent alice has a demo password")));
        let weak =
            Config::parse("[[tenant]]\nsysnum='a'\nsecret_key='short-key'\ncompany_name='A'\n")
                .unwrap();
        assert_eq!(weak.unsafe_settings(true).len(), 1);
        assert_eq!(key_bits(DEMO_KEY), 128);
        assert_eq!(key_bits("0123456789abcdef0123456789abcde"), 124);
        assert_eq!(key_bits("Zm9vYmFyYmF6cXV4cXV1eA"), 132);
    }

    #[test]
    fn the_shipped_demo_config_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/demo.toml");
        let config = Config::load(&path).expect("demo config");
        let demo = config.tenant("demo").expect("demo tenant");
        assert!(!demo.greeting_for(Locale::En).is_empty());
        assert_ne!(demo.greeting_for(Locale::En), demo.greeting_for(Locale::Zh));
        assert_eq!(demo.groups.len(), 2);
        assert!(demo.agents.len() >= 2);
        assert!(demo.agent("alice").is_some());
    }

    #[test]
    fn allowed_origins_are_origins_or_the_lone_wildcard() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n[tenant.security]\n";
        let parse = |list: &str| Config::parse(&format!("{t}allowed_origins = {list}\n"));
        assert!(parse(r#"["*"]"#).is_ok());
        assert!(parse(r#"["https://shop.example", "http://localhost:3000"]"#).is_ok());
        let mixed = parse(r#"["https://shop.example", "*"]"#).unwrap_err();
        assert!(mixed.0.contains("only entry"), "{}", mixed.0);
        let path = parse(r#"["https://shop.example/page"]"#).unwrap_err();
        assert!(path.0.contains("security.allowed_origins"), "{}", path.0);
        let demo = Config::parse_at(
            include_str!("../../../config/demo.toml"),
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config"),
        )
        .unwrap();
        assert!(crate::embedding::any_site(
            &demo.tenant("demo").unwrap().security.allowed_origins
        ));
    }

    #[test]
    fn repeated_sysnum_and_bad_locale_are_refused() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n";
        assert!(Config::parse(&format!("{t}{t}")).is_err());
        let bad = format!("{t}default_locale='xx'\n");
        assert!(Config::parse(&bad).unwrap_err().0.contains("xx"));
    }

    #[test]
    fn agents_must_name_declared_groups_and_carry_a_hash() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n";
        let bad = format!("{t}[[tenant.agent]]\nid='x'\nname='X'\npassword_hash='plain'\n");
        assert!(Config::parse(&bad).unwrap_err().0.contains("PHC"));
        let bad = format!(
            "{t}[[tenant.agent]]\nid='x'\nname='X'\ngroups=['nope']\n\
             password_hash='$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g'\n"
        );
        assert!(Config::parse(&bad).unwrap_err().0.contains("nope"));
    }

    #[test]
    fn an_agent_avatar_is_an_http_url_and_shows_in_the_brief() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n";
        let agent = |avatar: &str| {
            format!(
                "{t}[[tenant.agent]]\nid='x'\nname='X'\navatar='{avatar}'\n\
                 password_hash='$argon2id$v=19$m=19456,t=2,p=1$sPjuNi46TmKlNm/wYT27HA$\
                 obJkWrubaHszbON+4jHqTAEwfHCGijt2yND/nuzpwBY'\n"
            )
        };
        let bad = Config::parse(&agent("javascript:alert(1)")).unwrap_err();
        assert!(bad.0.contains("avatar"), "{}", bad.0);
        let config = Config::parse(&agent("https://img.example/x.png")).unwrap();
        let tenant = config.tenant("a").unwrap();
        let brief = tenant.agent_brief("x");
        assert_eq!(brief.name, "X");
        assert_eq!(brief.avatar.as_deref(), Some("https://img.example/x.png"));
        let gone = tenant.agent_brief("left-the-company");
        assert_eq!(
            (gone.name.as_str(), gone.avatar),
            ("left-the-company", None)
        );
    }

    #[test]
    fn impossible_or_overlapping_hours_are_refused() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n\
                 [[tenant.group]]\nid='g'\nname='G'\n";
        let hours = |rules: &[(&str, &str, &str)]| {
            let mut text = t.to_owned();
            for (days, from, to) in rules {
                text.push_str(&format!(
                    "[[tenant.group.hours]]\ndays={days}\nfrom='{from}'\nto='{to}'\n"
                ));
            }
            Config::parse(&text).map(|_| ()).map_err(|e| e.0)
        };
        assert_eq!(
            hours(&[("[1,2]", "09:00", "12:00"), ("[1]", "13:00", "18:00")]),
            Ok(())
        );
        let backwards = hours(&[("[1]", "18:00", "09:00")]).unwrap_err();
        assert!(backwards.contains("end before they start"), "{backwards}");
        let overlap = hours(&[("[1,2]", "09:00", "12:00"), ("[2]", "11:00", "13:00")]);
        assert!(overlap.unwrap_err().contains("overlap on day 2"));
        assert!(hours(&[("[8]", "09:00", "12:00")]).is_err());
        assert!(hours(&[("[]", "09:00", "12:00")]).is_err());
    }

    #[test]
    fn working_hours_follow_weekday_time_and_offset() {
        let g = Group {
            id: "g".into(),
            name: "G".into(),
            utc_offset_minutes: 8 * 60,
            time_zone: None,
            holidays: vec![],
            closed: false,
            hours: vec![Hours {
                days: vec![1, 2, 3, 4, 5],
                from: "09:00".into(),
                to: "18:00".into(),
            }],
        };
        // 2024-01-01 was a Monday. 02:00 UTC is 10:00 at UTC+8.
        let monday_0200_utc = 1_704_074_400_000;
        assert!(g.is_open(monday_0200_utc));
        // 12:00 UTC is 20:00 local: closed.
        assert!(!g.is_open(monday_0200_utc + 10 * 3_600_000));
        // Saturday 2024-01-06 at the same local time: closed.
        assert!(!g.is_open(monday_0200_utc + 5 * 86_400_000));
        let always = Group {
            hours: vec![],
            ..g.clone()
        };
        assert!(always.is_open(0));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("9"), None);
    }

    const TWO: &str = "[[tenant]]\nsysnum='home'\nsecret_key='k'\ncompany_name='Home'\n\
                       [[tenant]]\nsysnum='outlet'\nsecret_key='k'\ncompany_name='Outlet'\n";

    #[test]
    fn partners_must_be_other_known_tenants_with_a_union_code() {
        let with = |partners: &str| Config::parse(&format!("{TWO}{partners}"));
        let ok = with("[[tenant.partner]]\nsysnum='home'\nunion_code='mall'\n").unwrap();
        assert_eq!(ok.tenant("outlet").unwrap().partners.len(), 1);
        let refused = |partners: &str| with(partners).unwrap_err().0;
        let unknown = refused("[[tenant.partner]]\nsysnum='nobody'\nunion_code='mall'\n");
        assert!(
            unknown.contains("partner.sysnum \"nobody\" is not a tenant"),
            "{unknown}"
        );
        let itself = refused("[[tenant.partner]]\nsysnum='outlet'\nunion_code='mall'\n");
        assert!(itself.contains("partner.sysnum"), "{itself}");
        let empty = refused("[[tenant.partner]]\nsysnum='home'\nunion_code=' '\n");
        assert!(empty.contains("partner.union_code"), "{empty}");
        let twice = refused(
            "[[tenant.partner]]\nsysnum='home'\nunion_code='a'\n\
             [[tenant.partner]]\nsysnum='home'\nunion_code='b'\n",
        );
        assert!(twice.contains("declared twice"), "{twice}");
        let long = format!(
            "[[tenant.partner]]\nsysnum='home'\nunion_code='{}'\n",
            "x".repeat(65)
        );
        assert!(refused(&long).contains("partner.union_code"));
    }

    #[test]
    fn overflow_goes_only_where_the_partner_declares_the_origin_and_its_code() {
        let config = Config::parse(&format!(
            "{TWO}[[tenant.partner]]\nsysnum='home'\nunion_code='mall'\n"
        ))
        .unwrap();
        let outlet = config.tenant("outlet").unwrap();
        assert_eq!(outlet.takes_overflow_from("home", Some("mall")), Ok(()));
        assert_eq!(
            outlet.takes_overflow_from("home", Some("other")),
            Err(NoPartnership::WrongUnionCode)
        );
        assert_eq!(
            outlet.takes_overflow_from("home", None),
            Err(NoPartnership::WrongUnionCode)
        );
        assert_eq!(
            outlet.takes_overflow_from("elsewhere", Some("mall")),
            Err(NoPartnership::NotDeclared)
        );
        // The declaration goes one way: home takes nothing from outlet.
        let home = config.tenant("home").unwrap();
        assert_eq!(
            home.takes_overflow_from("outlet", Some("mall")),
            Err(NoPartnership::NotDeclared)
        );
        assert_eq!(
            outlet.takes_overflow_from("outlet", Some("mall")),
            Err(NoPartnership::UnknownTenant)
        );
    }

    #[test]
    fn translated_tags_match_the_tags_one_for_one() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n\
                 [[tenant.evaluation.score]]\nscore=4\ntags=['Quick', 'Kind']\n";
        let parse = |extra: &str| Config::parse(&format!("{t}{extra}"));
        let ok = parse("tags_by_locale = { zh = ['快', '友好'] }\n").unwrap();
        let e = &ok.tenants[0].evaluation;
        let zh = parley_protocol::EffectiveSettings {
            locale: Locale::Zh,
            ..Default::default()
        };
        assert_eq!(e.settings_for(&zh, None).options[0].tags, ["快", "友好"]);
        assert_eq!(e.rules(Locale::En).options[0].tags, ["Quick", "Kind"]);
        assert_eq!(
            e.stored_tags(Locale::Zh, 4, &["友好".into(), "快".into()]),
            ["Kind", "Quick"]
        );
        assert_eq!(e.stored_tags(Locale::En, 4, &["Kind".into()]), ["Kind"]);
        let short = parse("tags_by_locale = { zh = ['快'] }\n").unwrap_err().0;
        assert!(
            short.contains("tags_by_locale.zh has 1 tags where tags has 2"),
            "{short}"
        );
        let unknown = parse("tags_by_locale = { xx = ['a', 'b'] }\n")
            .unwrap_err()
            .0;
        assert!(
            unknown.contains("unknown tags_by_locale locale \"xx\""),
            "{unknown}"
        );
        let twice = parse("tags_by_locale = { zh = ['快', '快'] }\n")
            .unwrap_err()
            .0;
        assert!(twice.contains("repeated"), "{twice}");
    }

    #[test]
    fn the_old_key_signs_only_until_its_grace_period_ends() {
        let text = "[[tenant]]\nsysnum='a'\nsecret_key='new-key-0123456789abcdef0123456789'\n\
                    company_name='A'\nprevious_key='old-key-0123456789abcdef0123456789'\n\
                    previous_key_until=1000\n";
        let config = Config::parse(text).unwrap();
        let t = &config.tenants[0];
        assert_eq!(t.signing_keys(999).len(), 2);
        assert_eq!(t.signing_keys(999)[1], "old-key-0123456789abcdef0123456789");
        assert_eq!(
            t.signing_keys(1000),
            vec!["new-key-0123456789abcdef0123456789"]
        );
        // No deadline, no grace.
        let mut endless = t.clone();
        endless.previous_key_until = None;
        assert_eq!(endless.signing_keys(0).len(), 1);
    }

    fn berlin_office() -> Group {
        Group {
            id: "berlin".into(),
            name: "Berlin".into(),
            utc_offset_minutes: 60,
            time_zone: Some("Europe/Berlin".into()),
            holidays: vec![],
            closed: false,
            hours: vec![Hours {
                days: vec![1, 2, 3, 4, 5],
                from: "09:00".into(),
                to: "17:00".into(),
            }],
        }
    }

    #[test]
    fn hours_in_a_time_zone_follow_daylight_saving() {
        let g = berlin_office();
        // Friday 2024-03-29, winter time (UTC+1): 08:30 UTC is 09:30 local, open;
        // 07:30 UTC is 08:30 local, not yet.
        assert!(g.is_open(1_711_701_000_000));
        assert!(!g.is_open(1_711_697_400_000));
        // Summer time began on Sunday 2024-03-31. Monday 07:30 UTC is 09:30 local (the
        // old fixed +60 offset said 08:30, closed); 15:30 UTC is 17:30, closed (the
        // fixed offset said 16:30, open).
        assert!(g.is_open(1_711_956_600_000));
        assert!(!g.is_open(1_711_985_400_000));
        let fixed = Group {
            time_zone: None,
            ..berlin_office()
        };
        assert!(!fixed.is_open(1_711_956_600_000));
        assert!(fixed.is_open(1_711_985_400_000));
        // Friday 2024-10-25, still summer: 07:30 UTC is 09:30, open. Winter time came
        // back on 2024-10-27: Monday 07:30 UTC is 08:30, closed; 08:30 UTC is 09:30, open.
        assert!(g.is_open(1_729_841_400_000));
        assert!(!g.is_open(1_730_100_600_000));
        assert!(g.is_open(1_730_104_200_000));
        let local = g.local_time(1_730_104_200_000);
        assert_eq!((local.year, local.month, local.day), (2024, 10, 28));
        assert_eq!((local.weekday, local.minute_of_day), (1, 9 * 60 + 30));
    }

    #[test]
    fn holidays_close_the_local_day() {
        let mut g = berlin_office();
        g.holidays = vec!["2024-04-01".into()];
        assert!(!g.is_open(1_711_956_600_000), "Easter Monday is a holiday");
        assert!(g.is_open(1_711_701_000_000), "the Friday before is not");
        // The holiday is the group's local date: 16:30 UTC on 2024-01-01 is already
        // 2024-01-02 in Shanghai.
        let shanghai = Group {
            time_zone: Some("Asia/Shanghai".into()),
            holidays: vec!["2024-01-02".into()],
            hours: vec![],
            ..berlin_office()
        };
        assert!(!shanghai.is_open(1_704_126_600_000));
        assert!(shanghai.is_open(1_704_126_600_000 - 3_600_000));
    }

    #[test]
    fn unknown_zones_and_impossible_holidays_are_refused() {
        let base = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n\
                    [[tenant.group]]\nid='sales'\nname='Sales'\n";
        let ok = Config::parse(&format!(
            "{base}time_zone='Europe/Berlin'\nholidays=['2024-12-25']\n"
        ));
        assert!(ok.is_ok(), "{:?}", ok.err());
        let zone = Config::parse(&format!("{base}time_zone='Mars/Olympus_Mons'\n")).unwrap_err();
        assert!(zone.0.contains("unknown time_zone"), "{}", zone.0);
        let day = Config::parse(&format!("{base}holidays=['2024-02-30']\n")).unwrap_err();
        assert!(day.0.contains("not a date"), "{}", day.0);
        // Old files with a fixed offset still load.
        assert!(Config::parse(&format!("{base}utc_offset_minutes=480\n")).is_ok());
    }
}
