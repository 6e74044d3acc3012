//! Plain logic over the JSON documents the admin pages edit (the tenant's settings,
//! a bot's FAQ): setting a value by JSON pointer, reading fields as text and back, and
//! the difference between two versions for the audit log.

use serde_json::{Map, Value};

use crate::components::form::Kind;

/// Sets the value at the JSON pointer `ptr` (`/backend/color`, `/agent/2/name`),
/// making the objects on the way; an array index past the end appends.
pub fn set(doc: &mut Value, ptr: &str, value: Value) {
    let mut at = doc;
    let parts: Vec<String> = ptr
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, path)) = parts.split_last() else {
        *at = value;
        return;
    };
    for part in path {
        at = match at {
            Value::Array(items) => match part.parse::<usize>() {
                Ok(i) if i < items.len() => &mut items[i],
                _ => return,
            },
            other => {
                if !other.is_object() {
                    *other = Value::Object(Map::new());
                }
                other
                    .as_object_mut()
                    .expect("made an object")
                    .entry(part.clone())
                    .or_insert(Value::Null)
            }
        };
    }
    match at {
        Value::Array(items) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => items[i] = value,
            Ok(_) => items.push(value),
            Err(_) => {}
        },
        other => {
            if !other.is_object() {
                *other = Value::Object(Map::new());
            }
            if let Some(map) = other.as_object_mut() {
                if value.is_null() {
                    map.remove(last);
                } else {
                    map.insert(last.clone(), value);
                }
            }
        }
    }
}

/// A value as a text field shows it.
pub fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A list of strings, one a line.
pub fn lines_of(v: &Value) -> String {
    v.as_array()
        .map(|items| items.iter().map(as_text).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

/// A list of numbers, comma-separated.
pub fn ids_of(v: &Value) -> String {
    v.as_array()
        .map(|items| items.iter().map(as_text).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// What a text field of `kind` writes for `text`. Text that does not read as its kind
/// is kept as typed (a string), so the server refuses it by field and the form keeps it.
pub fn parse_as(kind: Kind, text: &str) -> Value {
    let trimmed = text.trim();
    match kind {
        Kind::Text => Value::String(text.to_owned()),
        Kind::Optional if trimmed.is_empty() => Value::Null,
        Kind::Optional => Value::String(text.to_owned()),
        Kind::Number if trimmed.is_empty() => Value::Null,
        Kind::Number => trimmed
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        Kind::Lines => Value::Array(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Value::String(l.to_owned()))
                .collect(),
        ),
        Kind::Ids => {
            let parts: Vec<&str> = text
                .split([',', ' '])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            Value::Array(
                parts
                    .iter()
                    .map(|p| {
                        p.parse::<u64>()
                            .map(Value::from)
                            .unwrap_or_else(|_| Value::String((*p).to_owned()))
                    })
                    .collect(),
            )
        }
    }
}

/// One difference between two versions: the pointer, before and after (null when
/// absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub before: Value,
    pub after: Value,
}

/// What changed from `before` to `after`, leaf by leaf (arrays compared item by item;
/// a list that grew or shrank shows the items added or removed).
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let null = Value::Null;
                walk(
                    &format!("{path}/{k}"),
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let null = Value::Null;
                walk(
                    &format!("{path}/{i}"),
                    a.get(i).unwrap_or(&null),
                    b.get(i).unwrap_or(&null),
                    out,
                );
            }
        }
        _ => out.push(Change {
            path: path.to_owned(),
            before: before.clone(),
            after: after.clone(),
        }),
    }
}

/// A fresh random key of 128 bits as 32 hex digits, from 16 random bytes.
pub fn hex_key(bytes: &[u8; 16]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The next free id: one more than the largest of `ids` (1 when there is none).
pub fn next_id(ids: impl IntoIterator<Item = u64>) -> u64 {
    ids.into_iter().max().map_or(1, |m| m + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_follows_pointers_and_makes_objects() {
        let mut d = json!({"backend": {"color": "04babc"}, "agent": [{"id": "a"}]});
        set(&mut d, "/backend/color", json!("ff6600"));
        set(&mut d, "/security/sign_required", json!(true));
        set(&mut d, "/agent/0/name", json!("Alice"));
        set(&mut d, "/agent/1", json!({"id": "b"}));
        set(&mut d, "/greeting/zh-Hant", json!("您好"));
        assert_eq!(d["backend"]["color"], "ff6600");
        assert_eq!(d["security"]["sign_required"], true);
        assert_eq!(d["agent"][0]["name"], "Alice");
        assert_eq!(d["agent"][1]["id"], "b");
        assert_eq!(d["greeting"]["zh-Hant"], "您好");
        // Null removes an optional setting.
        set(&mut d, "/backend/color", Value::Null);
        assert!(d["backend"].get("color").is_none());
        // A pointer through a missing array item changes nothing.
        set(&mut d, "/agent/7/name", json!("x"));
        assert_eq!(d["agent"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn fields_read_and_write_their_kinds() {
        assert_eq!(parse_as(Kind::Number, "12"), json!(12));
        assert_eq!(parse_as(Kind::Number, ""), Value::Null);
        // What does not read is kept as typed, for the server to refuse.
        assert_eq!(parse_as(Kind::Number, "12x"), json!("12x"));
        assert_eq!(parse_as(Kind::Optional, "  "), Value::Null);
        assert_eq!(parse_as(Kind::Text, ""), json!(""));
        assert_eq!(
            parse_as(Kind::Lines, "https://a.example\n\n https://b.example "),
            json!(["https://a.example", "https://b.example"])
        );
        assert_eq!(parse_as(Kind::Ids, "101, 102 103"), json!([101, 102, 103]));
        assert_eq!(ids_of(&json!([101, 102])), "101, 102");
        assert_eq!(lines_of(&json!(["a", "b"])), "a\nb");
        assert_eq!(as_text(&json!(5)), "5");
        assert_eq!(as_text(&Value::Null), "");
    }

    #[test]
    fn the_diff_names_each_changed_leaf() {
        let before = json!({"backend": {"color": "04babc", "time": 5}, "agent": [{"id": "a"}]});
        let after = json!({"backend": {"color": "ff6600", "time": 5}, "agent": [{"id": "a"}, {"id": "b"}], "x": 1});
        let d = diff(&before, &after);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/agent/1", "/backend/color", "/x"]);
        assert_eq!(d[1].before, json!("04babc"));
        assert_eq!(d[1].after, json!("ff6600"));
        assert_eq!(d[0].before, Value::Null);
        assert!(diff(&before, &before).is_empty());
    }

    #[test]
    fn keys_and_ids() {
        assert_eq!(hex_key(&[0xab; 16]), "ab".repeat(16));
        assert_eq!(next_id([3, 9, 4]), 10);
        assert_eq!(next_id([]), 1);
    }
}
