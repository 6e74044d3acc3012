//! Value types of single parameters: links, the theme colour and the enumerations the
//! spec spells out, each with the exact codes the spec uses.

use serde::{Deserialize, Serialize};

/// A link as given (a card, order, avatar or redirect URL).
///
/// Links are kept verbatim even when they cannot be opened, because the spec allows
/// WeChat mini-program page paths in `card_url` / `order_url`, which Parley shows but
/// never opens. Whether a link may be opened is a separate question, answered by
/// [`Link::openable`]: only absolute `http:` / `https:` URLs qualify, so a
/// `javascript:` or `data:` link from a visitor can never become a clickable target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Link(String);

impl Link {
    /// Wraps a string without checking it; see [`Link::openable`] before using it.
    pub fn new(url: impl Into<String>) -> Link {
        Link(url.into())
    }

    /// The link as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL when it is safe to open or put in an `href`: an absolute `http://` or
    /// `https://` URL (scheme in any case) with a non-empty host part and no whitespace
    /// or control characters. `None` for anything else (mini-program paths, relative or
    /// protocol-relative links, `javascript:` and the like).
    pub fn openable(&self) -> Option<&str> {
        let url = self.0.as_str();
        let rest = strip_prefix_ignore_case(url, "https://")
            .or_else(|| strip_prefix_ignore_case(url, "http://"))?;
        let host_ok = rest
            .chars()
            .next()
            .is_some_and(|c| !matches!(c, '/' | '\\' | '?' | '#'));
        let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
        (host_ok && clean).then_some(url)
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The chat page's theme colour, six hexadecimal digits as the spec requires
/// ("Six valid chars in the format 0-9 a-f, without #").
///
/// Stored as three bytes so that any value of this type is valid by construction and can
/// be put into CSS without escaping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Color([u8; 3]);

impl Color {
    /// A colour from its red, green and blue bytes.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color([r, g, b])
    }

    /// Reads exactly six hex digits (either case) without `#`; `None` otherwise, so
    /// `#04babc`, `04bab` or `red` are rejected, as the spec asks.
    pub fn from_hex(text: &str) -> Option<Color> {
        let b = text.as_bytes();
        if b.len() != 6 || !b.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&text[i..i + 2], 16).ok();
        Some(Color([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// The six lower-case hex digits, as the spec writes a colour (`04babc`).
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("{r:02x}{g:02x}{b:02x}")
    }

    /// The colour as a CSS value (`#04babc`).
    pub fn css(self) -> String {
        format!("#{}", self.hex())
    }
}

impl TryFrom<String> for Color {
    type Error = String;
    fn try_from(value: String) -> Result<Color, String> {
        Color::from_hex(&value).ok_or_else(|| format!("{value:?} is not six hex digits"))
    }
}

impl From<Color> for String {
    fn from(c: Color) -> String {
        c.hex()
    }
}

/// An enumeration the spec writes as small numbers; lets one generic parser read them.
pub(crate) trait Coded: Sized + Copy + 'static {
    /// Every value, in code order.
    const VALUES: &'static [Self];
    /// The spec's number for the value.
    fn code_of(self) -> u8;
    /// What each number means, for error messages.
    const MEANING: &'static str;
}

macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $var:ident = $code:literal => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* $var, )+
        }

        impl $name {
            /// Every value, in the order of the spec's codes.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The number the spec uses for this value.
            pub fn code(self) -> u8 {
                match self {
                    $($name::$var => $code,)+
                }
            }

            /// Reads the spec's number; `None` for a number the spec does not list.
            pub fn from_code(code: u64) -> Option<$name> {
                match code {
                    $($code => Some($name::$var),)+
                    _ => None,
                }
            }
        }

        impl Coded for $name {
            const VALUES: &'static [Self] = $name::ALL;
            fn code_of(self) -> u8 {
                self.code()
            }
            const MEANING: &'static str = concat!($(stringify!($code), " (", $label, ") "),+);
        }
    };
}

coded_enum! {
    /// The reception mode, `type` ("1 Bot only 2 Agent only 3 Bot first 4 Agent first").
    pub enum ReceptionType {
        /// `1`: only the bot answers; there is no transfer to an agent.
        BotOnly = 1 => "bot only",
        /// `2`: only human agents answer.
        AgentOnly = 2 => "agent only",
        /// `3`: the bot answers first and the visitor may transfer to an agent.
        BotFirst = 3 => "bot first",
        /// `4`: an agent answers first; the bot steps in when no agent can.
        AgentFirst = 4 => "agent first",
    }
}

coded_enum! {
    /// The order card's `order_status` (`0` means "use `status_custom` as the label").
    pub enum OrderStatus {
        /// `0`: a custom status whose label is `status_custom`.
        Custom = 0 => "custom status",
        /// `1`: to be paid.
        ToBePaid = 1 => "to be paid",
        /// `2`: to be delivered.
        ToBeDelivered = 2 => "to be delivered",
        /// `3`: on the way.
        OnTheWay = 3 => "on the way",
        /// `4`: delivering.
        Delivering = 4 => "delivering",
        /// `5`: finished.
        Finished = 5 => "finished",
        /// `6`: to be evaluated.
        ToBeEvaluated = 6 => "to be evaluated",
        /// `7`: canceled.
        Canceled = 7 => "canceled",
    }
}

coded_enum! {
    /// Where the launcher sits, `location` ("1-bottom right, 2-bottom left").
    pub enum Location {
        /// `1`: bottom right, the default.
        BottomRight = 1 => "bottom right",
        /// `2`: bottom left.
        BottomLeft = 2 => "bottom left",
    }
}

coded_enum! {
    /// What the H5 top bar shows, `title_flag` (only with `top_bar_flag=1`).
    pub enum TitleMode {
        /// `1`: the enterprise name set in the backend.
        EnterpriseName = 1 => "enterprise name",
        /// `2`: the fixed text of `custom_title` (1 to 30 characters).
        CustomText = 2 => "custom text",
        /// `3`: the nickname of the current agent.
        AgentNickname = 3 => "agent nickname",
    }
}

coded_enum! {
    /// The visitor's channel, `source` ("0: Desktop site, 1: WeChat, 2: APP, 3: Weibo,
    /// 4: Mobile site, 9: WeCom, 10: WeChat mini program"; the leave-message page fixes 9).
    pub enum Source {
        /// `0`: desktop site.
        DesktopSite = 0 => "desktop site",
        /// `1`: WeChat.
        WeChat = 1 => "WeChat",
        /// `2`: an app.
        App = 2 => "app",
        /// `3`: Weibo.
        Weibo = 3 => "Weibo",
        /// `4`: mobile site.
        MobileSite = 4 => "mobile site",
        /// `9`: WeCom (also the fixed value of the leave-message page).
        WeCom = 9 => "WeCom",
        /// `10`: WeChat mini program.
        WeChatMiniProgram = 10 => "WeChat mini program",
    }
}

coded_enum! {
    /// The e-commerce overflow switch, `flowType` ("0: disable, 1-all overflow,
    /// 2-overflow at occupied status, 3-overflow at offline status; 0 by default").
    pub enum FlowType {
        /// `0`: overflow disabled.
        Disabled = 0 => "disabled",
        /// `1`: always overflow.
        All = 1 => "all overflow",
        /// `2`: overflow when agents are occupied.
        WhenOccupied = 2 => "overflow when occupied",
        /// `3`: overflow when agents are offline.
        WhenOffline = 3 => "overflow when offline",
    }
}

coded_enum! {
    /// What happens when a designated agent (`agentid`) is offline, `agent_mode_flag`.
    pub enum AgentOfflineMode {
        /// `0`: the visitor is transferred to other agents.
        TransferToOthers = 0 => "transfer to other agents",
        /// `1`: the visitor is told normally that the agent is offline.
        PromptOffline = 1 => "prompt that the agent is offline",
    }
}

coded_enum! {
    /// Where the third-party page of `to_customsys_url` opens, `to_customsys_open_style`.
    pub enum OpenStyle {
        /// `0`: in the current page.
        CurrentPage = 0 => "current page",
        /// `1`: in a new page.
        NewPage = 1 => "new page",
    }
}

coded_enum! {
    /// A transfer step's `optionId`: whether it may overflow, and to what kind of target.
    pub enum OverflowOption {
        /// `1`: overflow; the step designates an agent.
        AgentOverflow = 1 => "overflow, agent",
        /// `2`: no overflow; the step designates an agent.
        AgentNoOverflow = 2 => "no overflow, agent",
        /// `3`: overflow; the step designates a skill group.
        GroupOverflow = 3 => "overflow, skill group",
        /// `4`: no overflow; the step designates a skill group.
        GroupNoOverflow = 4 => "no overflow, skill group",
    }
}

impl OverflowOption {
    /// Whether the chain moves on to the next step when this one cannot take the visitor.
    pub fn overflows(self) -> bool {
        matches!(
            self,
            OverflowOption::AgentOverflow | OverflowOption::GroupOverflow
        )
    }

    /// The kind of target this option is documented for.
    pub fn target(self) -> ActionType {
        match self {
            OverflowOption::AgentOverflow | OverflowOption::AgentNoOverflow => {
                ActionType::ToService
            }
            OverflowOption::GroupOverflow | OverflowOption::GroupNoOverflow => ActionType::ToGroup,
        }
    }
}

coded_enum! {
    /// A transfer step's `spillId`: the condition under which it overflows.
    pub enum SpillCondition {
        /// `1`: the agent is offline.
        AgentOffline = 1 => "agent offline",
        /// `2`: the agent is occupied.
        AgentOccupied = 2 => "agent occupied",
        /// `3`: intelligent judgement (agent).
        AgentSmart = 3 => "intelligent judgement, agent",
        /// `4`: no agent of the skill group is online.
        GroupNoneOnline = 4 => "no agent online in the group",
        /// `5`: every agent of the skill group is occupied.
        GroupAllOccupied = 5 => "all agents of the group occupied",
        /// `6`: the skill group is off duty.
        GroupOffDuty = 6 => "group off duty",
        /// `7`: intelligent judgement (skill group).
        GroupSmart = 7 => "intelligent judgement, group",
    }
}

impl SpillCondition {
    /// The kind of target this condition is documented for.
    pub fn target(self) -> ActionType {
        if self.code() <= 3 {
            ActionType::ToService
        } else {
            ActionType::ToGroup
        }
    }
}

/// A transfer step's `actionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionType {
    /// `to_group`: designate a skill group.
    ToGroup,
    /// `to_service`: designate an agent.
    ToService,
}

impl ActionType {
    /// The spelling the spec uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionType::ToGroup => "to_group",
            ActionType::ToService => "to_service",
        }
    }

    /// Reads `to_group` / `to_service` exactly as the spec spells them.
    pub fn parse(text: &str) -> Option<ActionType> {
        match text {
            "to_group" => Some(ActionType::ToGroup),
            "to_service" => Some(ActionType::ToService),
            _ => None,
        }
    }
}

/// The H5 pop-up height, `expand_size` ("half: Half screen, full: Full screen").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ExpandSize {
    /// `half`: half the screen.
    Half,
    /// `full`: the whole screen, the spec's default.
    #[default]
    Full,
}

impl ExpandSize {
    /// The spelling the spec uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpandSize::Half => "half",
            ExpandSize::Full => "full",
        }
    }

    /// Reads `half` / `full` (ASCII case ignored).
    pub fn parse(text: &str) -> Option<ExpandSize> {
        if text.eq_ignore_ascii_case("half") {
            Some(ExpandSize::Half)
        } else if text.eq_ignore_ascii_case("full") {
            Some(ExpandSize::Full)
        } else {
            None
        }
    }
}

/// Whether a control is shown: `cut_flag` and `emoji_state` hide theirs with `hide`.
///
/// The spec documents only `hide` (shown is the default); `show` is also accepted so that
/// a link can state the default explicitly and so that the model can be written back, and
/// `0` / `1` like the spec's other switches (`cut_flag=0` hides the tool).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Visibility {
    /// Shown, the default.
    #[default]
    Shown,
    /// Hidden (`hide`).
    Hidden,
}

impl Visibility {
    /// The spelling used when writing the value back (`show` / `hide`).
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Shown => "show",
            Visibility::Hidden => "hide",
        }
    }

    /// Reads `hide` / `show` (ASCII case ignored), or `0` / `1`.
    pub fn parse(text: &str) -> Option<Visibility> {
        if text.eq_ignore_ascii_case("hide") || text == "0" {
            Some(Visibility::Hidden)
        } else if text.eq_ignore_ascii_case("show") || text == "1" {
            Some(Visibility::Shown)
        } else {
            None
        }
    }
}

/// Whether the submission (leave-a-message) entry is offered when a chat ends: `msg_flag`.
///
/// The spec contradicts itself here. Its Parameter List says "1 Disable 0 Enable" while
/// its Common Function example writes `msg_flag: false` with the comment "true: Enable,
/// false: Disable". Decision: each documented spelling keeps its documented meaning.
/// The numbers follow the table (`1` / `"1"` hides the entry, `0` / `"0"` shows it) and
/// the words follow the example (`true` / `"true"` shows it, `false` / `"false"` hides
/// it). When written back, the table's numbers are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum SubmissionEntry {
    /// The entry is offered (`msg_flag=0` or `msg_flag: true`), the default.
    #[default]
    Shown,
    /// The entry is not offered (`msg_flag=1` or `msg_flag: false`).
    Hidden,
}

impl SubmissionEntry {
    /// Reads the spellings described on the type; `None` for anything else.
    pub fn parse(text: &str) -> Option<SubmissionEntry> {
        match text.to_ascii_lowercase().as_str() {
            "0" | "true" => Some(SubmissionEntry::Shown),
            "1" | "false" => Some(SubmissionEntry::Hidden),
            _ => None,
        }
    }

    /// The table's number for the value (`0` shown, `1` hidden).
    pub fn code(self) -> u8 {
        match self {
            SubmissionEntry::Shown => 0,
            SubmissionEntry::Hidden => 1,
        }
    }

    /// Whether the entry is offered.
    pub fn is_shown(self) -> bool {
        self == SubmissionEntry::Shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_reads_hide_show_and_the_spec_switches() {
        assert_eq!(Visibility::parse("hide"), Some(Visibility::Hidden));
        assert_eq!(Visibility::parse("0"), Some(Visibility::Hidden));
        assert_eq!(Visibility::parse("SHOW"), Some(Visibility::Shown));
        assert_eq!(Visibility::parse("1"), Some(Visibility::Shown));
        assert_eq!(Visibility::parse("off"), None);
    }

    #[test]
    fn links_open_only_for_http_and_https() {
        for ok in [
            "http://sg.sobot.io",
            "https://img.sobot.io/a.png",
            "HTTPS://x.io/?a=1",
        ] {
            assert_eq!(Link::new(ok).openable(), Some(ok));
        }
        for no in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "pages/goods/detail?id=1",
            "//sg.sobot.io",
            "http:/x",
            "https://",
            "https:///path",
            "http://a b",
            "http://x\n",
            "ftp://x.io",
            "",
        ] {
            assert_eq!(Link::new(no).openable(), None, "{no:?}");
        }
    }

    #[test]
    fn colors_are_six_hex_digits_without_hash() {
        assert_eq!(
            Color::from_hex("04babc").map(Color::hex).as_deref(),
            Some("04babc")
        );
        assert_eq!(
            Color::from_hex("04BABC").map(Color::css).as_deref(),
            Some("#04babc")
        );
        for bad in [
            "#04babc",
            "04bab",
            "04babcd",
            "red",
            "0x0bab",
            "",
            "04bab\u{e9}",
        ] {
            assert_eq!(Color::from_hex(bad), None, "{bad:?}");
        }
        let json = serde_json::to_string(&Color::rgb(4, 0xba, 0xbc)).unwrap();
        assert_eq!(json, "\"04babc\"");
        assert!(serde_json::from_str::<Color>("\"#zzzzzz\"").is_err());
    }

    #[test]
    fn codes_round_trip() {
        for t in ReceptionType::ALL {
            assert_eq!(ReceptionType::from_code(u64::from(t.code())), Some(*t));
        }
        assert_eq!(ReceptionType::from_code(0), None);
        assert_eq!(ReceptionType::from_code(5), None);
        assert_eq!(Source::from_code(9), Some(Source::WeCom));
        assert_eq!(Source::from_code(5), None);
        assert_eq!(OrderStatus::ALL.len(), 8);
        assert_eq!(
            SpillCondition::from_code(4).map(SpillCondition::target),
            Some(ActionType::ToGroup)
        );
        assert_eq!(
            OverflowOption::from_code(1).map(OverflowOption::target),
            Some(ActionType::ToService)
        );
        assert!(<Location as Coded>::MEANING.contains("2 (bottom left)"));
    }
}
