//! Reading one raw value (query text or a JSON value) into a typed value, and writing it
//! back. Every reader returns `Ok(None)` for "not given" (empty or `null`), `Ok(Some)`
//! for a value, and `Err(reason)` for a value that is dropped.

use super::decode::{decode_if_component_encoded, protect};
use super::groups::{FieldMap, Goods, JsonObject, PageTrace, TransferAction};
use super::types::{
    ActionType, Coded, Color, ExpandSize, Link, OverflowOption, SpillCondition, SubmissionEntry,
    Visibility,
};
use super::ParamIssue;
use crate::Locale;
use serde_json::Value;
use std::borrow::Cow;

/// Longest free text kept (names, notes, titles, greetings); longer text is cut.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest id kept (sysnum, agentid, sign, token, ...); a longer id is dropped, since a
/// cut id would be a different id.
pub const MAX_ID_CHARS: usize = 256;
/// Longest `partnerid`, as the spec says ("no more than 300 chars"); longer is dropped.
pub const MAX_PARTNERID_CHARS: usize = 300;
/// Longest link kept; a longer link is dropped, since a cut link is broken.
pub const MAX_LINK_CHARS: usize = 2000;
/// Most entries kept in `params` / `customer_fields`.
pub const MAX_MAP_ENTRIES: usize = 100;
/// Longest key kept in `params` / `customer_fields` and in unknown parameters.
pub const MAX_KEY_CHARS: usize = 200;
/// Largest `summaryparams`, in bytes of compact JSON.
pub const MAX_JSON_BYTES: usize = 8000;
/// Most `goods` entries kept.
pub const MAX_GOODS: usize = 100;
/// Most `transfer_action` steps kept.
pub const MAX_TRANSFER_STEPS: usize = 20;
/// Most unknown parameters kept aside in `extra`.
pub const MAX_EXTRA: usize = 64;

/// A raw value: text from a query string (already percent-decoded once) or a JSON value
/// from a `zc("config")` object.
#[derive(Clone, Copy)]
pub(crate) enum Raw<'a> {
    Text(&'a str),
    Json(&'a Value),
}

/// Where readers report what they cut or drop inside a value.
pub(crate) struct Cx<'a> {
    pub key: &'a str,
    pub issues: &'a mut Vec<ParamIssue>,
}

impl Cx<'_> {
    /// Reports a problem with the parameter being read.
    pub fn note(&mut self, reason: impl Into<String>) {
        let param = self.key.to_string();
        self.note_at(param, reason);
    }

    /// Reports a problem with a part of the value (`goods[0].pictureUrl`).
    pub fn note_at(&mut self, param: String, reason: impl Into<String>) {
        self.issues.push(ParamIssue {
            param,
            reason: reason.into(),
        });
    }
}

pub(crate) type Outcome<T> = Result<Option<T>, String>;

/// Shows a value in a message without flooding it.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// The value as text, untouched: strings as they are, numbers and booleans written out.
/// Arrays and objects are refused (a single value is expected); `null` is "not given".
pub(crate) fn scalar(raw: Raw<'_>) -> Outcome<Cow<'_, str>> {
    match raw {
        Raw::Text(t) => Ok(Some(Cow::Borrowed(t))),
        Raw::Json(Value::String(s)) => Ok(Some(Cow::Borrowed(s.as_str()))),
        Raw::Json(Value::Number(n)) => Ok(Some(Cow::Owned(n.to_string()))),
        Raw::Json(Value::Bool(b)) => Ok(Some(Cow::Borrowed(if *b { "true" } else { "false" }))),
        Raw::Json(Value::Null) => Ok(None),
        Raw::Json(Value::Array(_)) => Err("expected a single value, got a JSON array".into()),
        Raw::Json(Value::Object(_)) => Err("expected a single value, got a JSON object".into()),
    }
}

/// Trims, applies the "still encoded" rule (see [`super::decode`]) and trims again;
/// an empty result is "not given".
pub(crate) fn clean(text: &str) -> Option<String> {
    let decoded = decode_if_component_encoded(text.trim());
    let t = decoded.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn clean_scalar(raw: Raw<'_>) -> Outcome<String> {
    Ok(scalar(raw)?.and_then(|t| clean(&t)))
}

/// Cuts `text` to `max` characters (and trims what the cut exposed); reports the cut.
fn cut(mut text: String, max: usize, what: &mut impl FnMut(String)) -> String {
    if let Some((at, _)) = text.char_indices().nth(max) {
        text.truncate(at);
        let kept = text.trim_end().len();
        text.truncate(kept);
        what(format!("longer than {max} characters; cut to {max}"));
    }
    text
}

/// Free text, cut to [`MAX_TEXT_CHARS`].
pub(crate) fn text(raw: Raw<'_>, cx: &mut Cx<'_>) -> Outcome<String> {
    Ok(clean_scalar(raw)?.map(|t| cut(t, MAX_TEXT_CHARS, &mut |r| cx.note(r))))
}

fn bounded_id(raw: Raw<'_>, max: usize) -> Outcome<String> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    if t.chars().count() > max {
        return Err(format!("longer than {max} characters"));
    }
    if t.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(Some(t))
}

/// An id, at most [`MAX_ID_CHARS`] characters, no control characters.
pub(crate) fn id(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<String> {
    bounded_id(raw, MAX_ID_CHARS)
}

/// `partnerid`: an id of at most 300 characters.
pub(crate) fn partner_id(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<String> {
    bounded_id(raw, MAX_PARTNERID_CHARS)
}

/// A link, kept as given (after decoding) up to [`MAX_LINK_CHARS`].
pub(crate) fn link(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<Link> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    if t.chars().count() > MAX_LINK_CHARS {
        return Err(format!("link longer than {MAX_LINK_CHARS} characters"));
    }
    Ok(Some(Link::new(t)))
}

/// A boolean written `1`/`0`, `true`/`false`, as a number, a string or a JSON boolean.
pub(crate) fn flag(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<bool> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    match t.to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(Some(true)),
        "0" | "false" => Ok(Some(false)),
        _ => Err(format!("expected 1/0 or true/false, got {}", shown(&t))),
    }
}

/// Reads a whole non-negative number from a JSON number or from text.
fn whole_number(raw: Raw<'_>) -> Outcome<u64> {
    if let Raw::Json(Value::Number(n)) = raw {
        if let Some(u) = n.as_u64() {
            return Ok(Some(u));
        }
        if n.is_i64() {
            return Err(format!("must not be negative, got {n}"));
        }
        // JavaScript has only doubles: 1000.0 is the integer 1000, 10.5 is not.
        return match n.as_f64() {
            Some(f) if f < 0.0 => Err(format!("must not be negative, got {n}")),
            Some(f) if f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 => Ok(Some(f as u64)),
            _ => Err(format!("decimals are not supported, got {n}")),
        };
    }
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("number too large: {}", shown(&t)));
    }
    let looks_decimal = t.split_once('.').is_some_and(|(a, b)| {
        let a = a.strip_prefix('-').unwrap_or(a);
        !(a.is_empty() && b.is_empty())
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    if t.starts_with('-') && !looks_decimal && t[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("must not be negative, got {}", shown(&t)));
    }
    if looks_decimal {
        return Err(format!("decimals are not supported, got {}", shown(&t)));
    }
    Err(format!("expected a whole number, got {}", shown(&t)))
}

/// A whole number in `MIN..=MAX`.
pub(crate) fn uint<const MIN: u64, const MAX: u64>(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<u64> {
    match whole_number(raw)? {
        Some(n) if (MIN..=MAX).contains(&n) => Ok(Some(n)),
        Some(n) => Err(format!("{n} is outside {MIN}..={MAX}")),
        None => Ok(None),
    }
}

/// One of the spec's numbered values.
pub(crate) fn coded<T: Coded>(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<T> {
    coded_value(raw)
}

fn coded_value<T: Coded>(raw: Raw<'_>) -> Outcome<T> {
    let bad = |got: &str| format!("expected one of {}got {}", T::MEANING, got);
    let n = match whole_number(raw) {
        Ok(n) => n,
        Err(_) => {
            let t = clean_scalar(raw)?.unwrap_or_default();
            return Err(bad(&shown(&t)));
        }
    };
    let Some(n) = n else { return Ok(None) };
    T::VALUES
        .iter()
        .copied()
        .find(|v| u64::from(v.code_of()) == n)
        .map(Some)
        .ok_or_else(|| bad(&n.to_string()))
}

/// A language code (`cn` and `tw` are the spec's aliases of `zh` and `zh-Hant`).
pub(crate) fn locale(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<Locale> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    Locale::from_code(&t)
        .map(Some)
        .ok_or_else(|| format!("unknown language code {}; the default applies", shown(&t)))
}

/// The theme colour: six hex digits without `#`.
pub(crate) fn color(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<Color> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    Color::from_hex(&t)
        .map(Some)
        .ok_or_else(|| format!("expected six hex digits without '#', got {}", shown(&t)))
}

/// `hide` / `show`.
pub(crate) fn visibility(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<Visibility> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    Visibility::parse(&t)
        .map(Some)
        .ok_or_else(|| format!("expected \"hide\" (or 0 / 1), got {}", shown(&t)))
}

/// `half` / `full`.
pub(crate) fn expand_size(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<ExpandSize> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    ExpandSize::parse(&t)
        .map(Some)
        .ok_or_else(|| format!("expected \"half\" or \"full\", got {}", shown(&t)))
}

/// `msg_flag` (see [`SubmissionEntry`] for the two documented spellings).
pub(crate) fn submission_entry(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<SubmissionEntry> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    SubmissionEntry::parse(&t)
        .map(Some)
        .ok_or_else(|| format!("expected 1/0 or true/false, got {}", shown(&t)))
}

/// A CSS length for `width` / `height`: a number with an optional unit among `px`, `%`,
/// `vw`, `vh`, `em`, `rem`; a bare number means pixels.
pub(crate) fn css_length(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<String> {
    let Some(t) = clean_scalar(raw)? else {
        return Ok(None);
    };
    let lower = t.to_ascii_lowercase();
    let split = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(split);
    let number_ok = !number.is_empty()
        && number.len() <= 10
        && number.matches('.').count() <= 1
        && number.bytes().any(|b| b.is_ascii_digit());
    if number_ok && matches!(unit, "" | "px" | "%" | "vw" | "vh" | "em" | "rem") {
        let unit = if unit.is_empty() { "px" } else { unit };
        return Ok(Some(format!("{number}{unit}")));
    }
    Err(format!(
        "expected a CSS length such as 400px or 80%, got {}",
        shown(&t)
    ))
}

/// `container_style`: CSS declarations; anything able to leave a declaration list
/// (`<`, `>`, `{`, `}`, `\`, `@`) is refused, since the loader puts it in a style.
pub(crate) fn css_style(raw: Raw<'_>, cx: &mut Cx<'_>) -> Outcome<String> {
    let Some(t) = text(raw, cx)? else {
        return Ok(None);
    };
    if t.chars()
        .any(|c| matches!(c, '<' | '>' | '{' | '}' | '\\' | '@') || c.is_control())
    {
        return Err("contains characters not allowed in CSS declarations (< > { } \\ @)".into());
    }
    Ok(Some(t))
}

/// The JSON behind a JSON-valued parameter: an array or object given directly (zc), or
/// text holding JSON (a link, or `JSON.stringify` in zc), possibly URI-encoded.
fn json_of(raw: Raw<'_>) -> Outcome<Cow<'_, Value>> {
    match raw {
        Raw::Json(v @ (Value::Array(_) | Value::Object(_))) => Ok(Some(Cow::Borrowed(v))),
        Raw::Json(Value::Null) => Ok(None),
        Raw::Json(Value::Number(_) | Value::Bool(_)) => {
            Err("expected JSON (an object or an array)".into())
        }
        Raw::Json(Value::String(s)) => parse_json_text(s),
        Raw::Text(t) => parse_json_text(t),
    }
}

fn parse_json_text(text: &str) -> Outcome<Cow<'static, Value>> {
    let Some(t) = clean(text) else {
        return Ok(None);
    };
    serde_json::from_str::<Value>(&t)
        .map(|v| Some(Cow::Owned(v)))
        .map_err(|e| format!("not valid JSON ({e})"))
}

fn object_of(raw: Raw<'_>) -> Outcome<Cow<'_, JsonObject>> {
    match json_of(raw)? {
        None => Ok(None),
        Some(Cow::Borrowed(Value::Object(m))) => Ok(Some(Cow::Borrowed(m))),
        Some(Cow::Owned(Value::Object(m))) => Ok(Some(Cow::Owned(m))),
        Some(_) => Err("expected a JSON object".into()),
    }
}

fn array_of(raw: Raw<'_>) -> Outcome<Cow<'_, [Value]>> {
    match json_of(raw)? {
        None => Ok(None),
        Some(Cow::Borrowed(Value::Array(a))) => Ok(Some(Cow::Borrowed(a.as_slice()))),
        Some(Cow::Owned(Value::Array(a))) => Ok(Some(Cow::Owned(a))),
        Some(_) => Err("expected a JSON array".into()),
    }
}

/// `params` / `customer_fields`: a JSON object flattened to text values.
pub(crate) fn field_map(raw: Raw<'_>, cx: &mut Cx<'_>) -> Outcome<FieldMap> {
    let Some(object) = object_of(raw)? else {
        return Ok(None);
    };
    let mut out = FieldMap::new();
    for (k, v) in object.iter() {
        let at = format!("{}.{}", cx.key, k);
        if out.len() >= MAX_MAP_ENTRIES {
            cx.note(format!(
                "more than {MAX_MAP_ENTRIES} fields; the rest are dropped"
            ));
            break;
        }
        if k.chars().count() > MAX_KEY_CHARS {
            cx.note_at(
                format!("{}.{}", cx.key, shown(k)),
                format!("field name longer than {MAX_KEY_CHARS} characters; dropped"),
            );
            continue;
        }
        let value = match v {
            Value::Null => continue,
            Value::String(s) => clean(s).unwrap_or_default(),
            Value::Array(_) | Value::Object(_) => v.to_string(),
            other => other.to_string(),
        };
        let value = cut(value, MAX_TEXT_CHARS, &mut |r| cx.note_at(at.clone(), r));
        out.insert(k.clone(), value);
    }
    Ok(Some(out))
}

/// `summaryparams`: a JSON object kept with its structure, at most [`MAX_JSON_BYTES`].
pub(crate) fn json_object(raw: Raw<'_>, _cx: &mut Cx<'_>) -> Outcome<JsonObject> {
    let Some(object) = object_of(raw)? else {
        return Ok(None);
    };
    let size = serde_json::to_string(object.as_ref())
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > MAX_JSON_BYTES {
        return Err(format!("larger than {MAX_JSON_BYTES} bytes"));
    }
    Ok(Some(object.into_owned()))
}

/// Reads the fields of a JSON object through `field`, reporting unknown names.
fn each_field(
    object: &JsonObject,
    at: &str,
    cx: &mut Cx<'_>,
    mut field: impl FnMut(&str, Raw<'_>, &mut Cx<'_>) -> Option<Result<(), String>>,
) {
    for (name, value) in object {
        let param = format!("{at}.{name}");
        match field(name, Raw::Json(value), cx) {
            Some(Ok(())) => {}
            Some(Err(reason)) => cx.note_at(param, reason),
            None => cx.note_at(param, "unknown field; ignored"),
        }
    }
}

/// Stores a reader's result in `slot`, turning "given but invalid" into `Err`.
fn put<T>(slot: &mut Option<T>, outcome: Outcome<T>) -> Result<(), String> {
    if let Some(v) = outcome? {
        *slot = Some(v);
    }
    Ok(())
}

/// Reads a sub-field with a nested context so cuts are reported under its own name.
fn sub<T>(
    cx: &mut Cx<'_>,
    param: &str,
    read: impl FnOnce(&mut Cx<'_>) -> Outcome<T>,
) -> Outcome<T> {
    let mut inner = Cx {
        key: param,
        issues: &mut *cx.issues,
    };
    read(&mut inner)
}

/// `goods`: a JSON array of `{name, pictureUrl}`.
pub(crate) fn goods(raw: Raw<'_>, cx: &mut Cx<'_>) -> Outcome<Vec<Goods>> {
    let Some(items) = array_of(raw)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{}[{i}]", cx.key);
        if out.len() >= MAX_GOODS {
            cx.note(format!("more than {MAX_GOODS} goods; the rest are dropped"));
            break;
        }
        let Value::Object(object) = item else {
            cx.note_at(at, "expected an object {name, pictureUrl}; dropped");
            continue;
        };
        let mut g = Goods::default();
        each_field(object, &at, cx, |name, raw, cx| {
            let param = format!("{at}.{name}");
            match name {
                "name" => Some(put(&mut g.name, sub(cx, &param, |cx| text(raw, cx)))),
                "pictureUrl" => Some(put(&mut g.picture_url, sub(cx, &param, |cx| link(raw, cx)))),
                _ => None,
            }
        });
        out.push(g);
    }
    Ok(Some(out))
}

/// `transfer_action`: a JSON array of steps; an invalid step is dropped with a reason
/// and the other steps are kept in order.
pub(crate) fn transfer_actions(raw: Raw<'_>, cx: &mut Cx<'_>) -> Outcome<Vec<TransferAction>> {
    let Some(items) = array_of(raw)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{}[{i}]", cx.key);
        if out.len() >= MAX_TRANSFER_STEPS {
            cx.note(format!(
                "more than {MAX_TRANSFER_STEPS} steps; the rest are dropped"
            ));
            break;
        }
        match transfer_step(item, &at, cx) {
            Ok(step) => out.push(step),
            Err(reason) => cx.note_at(at, format!("{reason}; step dropped")),
        }
    }
    Ok(Some(out))
}

fn transfer_step(item: &Value, at: &str, cx: &mut Cx<'_>) -> Result<TransferAction, String> {
    let Value::Object(object) = item else {
        return Err("expected an object {actionType, deciId, optionId, spillId}".into());
    };
    let (mut action, mut deci, mut option, mut spill) = (None, None, None, None);
    let mut fatal = None;
    each_field(object, at, cx, |name, raw, _| {
        let result = match name {
            "actionType" => clean_scalar(raw).and_then(|t| match t {
                None => Ok(()),
                Some(t) => ActionType::parse(&t)
                    .map(|a| action = Some(a))
                    .ok_or_else(|| {
                        format!("expected \"to_group\" or \"to_service\", got {}", shown(&t))
                    }),
            }),
            "deciId" => bounded_id(raw, MAX_ID_CHARS).map(|d| deci = d),
            "optionId" => coded_value::<OverflowOption>(raw).map(|o| option = o),
            "spillId" => coded_value::<SpillCondition>(raw).map(|s| spill = s),
            _ => return None,
        };
        if let Err(reason) = &result {
            if name != "spillId" && fatal.is_none() {
                fatal = Some(format!("{name}: {reason}"));
                return Some(Ok(()));
            }
        }
        Some(result)
    });
    if let Some(reason) = fatal {
        return Err(reason);
    }
    let action_type = action.ok_or("actionType is missing")?;
    let deci_id = deci.ok_or("deciId is missing")?;
    let option_id = option.ok_or("optionId is missing")?;
    if option_id.target() != action_type {
        return Err(format!(
            "optionId {} is for {}, not {}",
            option_id.code(),
            option_id.target().as_str(),
            action_type.as_str()
        ));
    }
    if let Some(s) = spill {
        if s.target() != action_type {
            cx.note_at(
                format!("{at}.spillId"),
                format!(
                    "spillId {} is for {}, not {}; ignored",
                    s.code(),
                    s.target().as_str(),
                    action_type.as_str()
                ),
            );
            spill = None;
        } else if !option_id.overflows() {
            cx.note_at(
                format!("{at}.spillId"),
                "spillId given for a non-overflow optionId; ignored",
            );
            spill = None;
        }
    }
    Ok(TransferAction {
        action_type,
        deci_id,
        option_id,
        spill_id: spill,
    })
}

/// `pre_visit_args` / `cur_visit_args`: an object with the flat parameter names inside
/// (`pre_abstract`, `pre_visit_url`, ... for `pre`; `cur_*` for `cur`).
pub(crate) fn page_trace(raw: Raw<'_>, cx: &mut Cx<'_>, prefix: &str) -> Outcome<PageTrace> {
    let Some(object) = object_of(raw)? else {
        return Ok(None);
    };
    let mut page = PageTrace::default();
    let at = cx.key.to_string();
    each_field(&object, &at, cx, |name, raw, cx| {
        let param = format!("{at}.{name}");
        let field = name.strip_prefix(prefix)?;
        Some(match field {
            "abstract" => put(&mut page.page_abstract, sub(cx, &param, |cx| text(raw, cx))),
            "visit_url" => put(&mut page.visit_url, sub(cx, &param, |cx| link(raw, cx))),
            "visit_title" => put(&mut page.visit_title, sub(cx, &param, |cx| text(raw, cx))),
            "thumbnail" => put(&mut page.thumbnail, sub(cx, &param, |cx| link(raw, cx))),
            "tags" => put(&mut page.tags, sub(cx, &param, |cx| text(raw, cx))),
            _ => return None,
        })
    });
    Ok(Some(page))
}

/// Writes a value back as the text a query string carries (before percent-encoding).
pub(crate) trait Render {
    fn render(&self) -> String;
}

impl Render for String {
    fn render(&self) -> String {
        self.clone()
    }
}

impl Render for u64 {
    fn render(&self) -> String {
        self.to_string()
    }
}

impl Render for bool {
    fn render(&self) -> String {
        if *self { "1" } else { "0" }.to_string()
    }
}

impl Render for Link {
    fn render(&self) -> String {
        self.as_str().to_string()
    }
}

impl Render for Color {
    fn render(&self) -> String {
        self.hex()
    }
}

impl Render for Locale {
    fn render(&self) -> String {
        self.code().to_string()
    }
}

impl<T: Coded> Render for T {
    fn render(&self) -> String {
        self.code_of().to_string()
    }
}

impl Render for Visibility {
    fn render(&self) -> String {
        self.as_str().to_string()
    }
}

impl Render for ExpandSize {
    fn render(&self) -> String {
        self.as_str().to_string()
    }
}

impl Render for SubmissionEntry {
    fn render(&self) -> String {
        self.code().to_string()
    }
}

fn json_text(s: &str) -> Value {
    Value::String(protect(s).into_owned())
}

impl Render for FieldMap {
    fn render(&self) -> String {
        let object: JsonObject = self
            .iter()
            .map(|(k, v)| (k.clone(), json_text(v)))
            .collect();
        Value::Object(object).to_string()
    }
}

impl Render for JsonObject {
    fn render(&self) -> String {
        Value::Object(self.clone()).to_string()
    }
}

impl Render for Vec<Goods> {
    fn render(&self) -> String {
        let items = self.iter().map(|g| {
            let mut o = JsonObject::new();
            if let Some(n) = &g.name {
                o.insert("name".into(), json_text(n));
            }
            if let Some(p) = &g.picture_url {
                o.insert("pictureUrl".into(), json_text(p.as_str()));
            }
            Value::Object(o)
        });
        Value::Array(items.collect()).to_string()
    }
}

impl Render for Vec<TransferAction> {
    fn render(&self) -> String {
        let items = self.iter().map(|a| {
            let mut o = JsonObject::new();
            o.insert("actionType".into(), a.action_type.as_str().into());
            o.insert("deciId".into(), json_text(&a.deci_id));
            o.insert("optionId".into(), a.option_id.code().to_string().into());
            if let Some(s) = a.spill_id {
                o.insert("spillId".into(), s.code().to_string().into());
            }
            Value::Object(o)
        });
        Value::Array(items.collect()).to_string()
    }
}
