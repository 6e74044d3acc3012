//! The workbench's parts, one small component (or helper set) per file.

pub mod card;
pub mod chart;
pub mod charts;
pub mod composer;
pub mod conversation;
pub mod dialog;
pub mod form;
pub mod keyboard;
pub mod lists;
pub mod message;
pub mod outbox;
pub mod rich_text;
pub mod topbar;
pub mod visitor_panel;

/// A local time for Unix milliseconds, in the browser's zone (`HH:MM`, with the date
/// when `with_date`).
pub fn clock(ms: i64, with_date: bool) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let time = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    if with_date {
        format!(
            "{}-{:02}-{:02} {time}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date()
        )
    } else {
        time
    }
}

/// The browser's offset east of UTC, in minutes.
pub fn offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// The browser's IANA time zone (`Europe/Berlin`), for the reports: the server then
/// cuts each day at its real midnight across daylight-saving changes. A browser
/// without one gives its current offset in minutes instead.
pub fn zone_param() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &wasm_bindgen::JsValue::from_str("timeZone"))
        .ok()
        .and_then(|z| z.as_string())
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| offset_minutes().to_string())
}

/// Now, Unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}
