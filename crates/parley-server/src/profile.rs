//! The visitor's CRM profile: what links and tokens say about a visitor, merged into
//! one record the workbench shows.
//!
//! The profile is stored as JSON in `visitors.profile`: its shape is the wire type
//! [`VisitorProfile`], and it is only ever read whole, so a column per field would buy
//! nothing.

use parley_protocol::api::{Labelled, VisitorProfile};
use parley_protocol::ChatParams;
use serde_json::Value;

use crate::config::{Named, Tenant};

/// Most cards kept per visitor (the newest).
pub const MAX_CARDS: usize = 20;

/// Fields of the token's `customized_fields` that fill a CRM field rather than a custom
/// field.
const CRM_KEYS: [&str; 8] = [
    "uname",
    "realname",
    "tel",
    "email",
    "qq",
    "remark",
    "face",
    "enterprise_name",
];

/// Resolves a value given as an id or a name against a tenant list.
fn label(list: &[Named], given: &str) -> Labelled {
    list.iter()
        .find(|n| n.id == given || n.name == given)
        .map(|n| Labelled {
            id: n.id.clone(),
            name: n.name.clone(),
        })
        .unwrap_or_else(|| Labelled {
            id: given.to_owned(),
            name: given.to_owned(),
        })
}

/// Folds what one init brings into the stored profile: given link fields override,
/// absent ones keep their stored value; the token's `customized_fields` (already
/// signature-checked) are applied last, so the site backend has the final word.
pub fn merge(
    mut p: VisitorProfile,
    params: &ChatParams,
    customized_fields: Option<&str>,
    tenant: &Tenant,
) -> VisitorProfile {
    let id = &params.identity;
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if let Some(v) = v {
            *slot = Some(v.clone());
        }
    };
    set(&mut p.uname, &id.uname);
    set(&mut p.realname, &id.realname);
    set(&mut p.tel, &id.tel);
    set(&mut p.email, &id.email);
    set(&mut p.qq, &id.qq);
    set(&mut p.remark, &id.remark);
    set(&mut p.enterprise_name, &id.enterprise_name);
    if let Some(face) = &id.face {
        p.face = Some(face.as_str().to_owned());
    }
    if let Some(m) = &id.params {
        p.params.extend(m.clone());
    }
    if let Some(m) = &id.customer_fields {
        p.customer_fields.extend(m.clone());
    }
    if let Some(v) = id.is_vip {
        p.is_vip = v;
    }
    if let Some(level) = &id.vip_level {
        p.vip_level = Some(label(&tenant.vip_levels, level));
    }
    if let Some(tags) = &id.user_label {
        p.tags = tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| label(&tenant.customer_tags, t))
            .collect();
    }
    for card in [
        (params.product_card != Default::default())
            .then(|| serde_json::to_value(&params.product_card).ok())
            .flatten(),
        (params.order_card != Default::default())
            .then(|| serde_json::to_value(&params.order_card).ok())
            .flatten(),
    ]
    .into_iter()
    .flatten()
    {
        p.cards.retain(|c| *c != card);
        p.cards.push(card);
    }
    if p.cards.len() > MAX_CARDS {
        let extra = p.cards.len() - MAX_CARDS;
        p.cards.drain(..extra);
    }
    if let Some(Ok(Value::Object(fields))) = customized_fields.map(serde_json::from_str::<Value>) {
        for (k, v) in fields {
            let text = match v {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            match k.as_str() {
                "uname" => p.uname = Some(text),
                "realname" => p.realname = Some(text),
                "tel" => p.tel = Some(text),
                "email" => p.email = Some(text),
                "qq" => p.qq = Some(text),
                "remark" => p.remark = Some(text),
                "face" => p.face = Some(text),
                "enterprise_name" => p.enterprise_name = Some(text),
                _ => {
                    debug_assert!(!CRM_KEYS.contains(&k.as_str()));
                    p.customer_fields.insert(k, text);
                }
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn tenant() -> Tenant {
        Config::parse(
            "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n\
             [[tenant.vip_level]]\nid='2'\nname='Gold'\n\
             [[tenant.customer_tag]]\nid='t1'\nname='New'\n",
        )
        .unwrap()
        .tenants
        .remove(0)
    }

    #[test]
    fn link_fields_override_and_absent_ones_stay() {
        let t = tenant();
        let first = ChatParams::from_query(
            "sysnum=a&uname=Ann&tel=123&vip_level=Gold&user_label=t1,Other&is_vip=1\
             &params=%7B%22plan%22%3A%22pro%22%7D&card_title=Shoes",
        )
        .value;
        let p = merge(VisitorProfile::default(), &first, None, &t);
        assert_eq!(p.uname.as_deref(), Some("Ann"));
        assert_eq!(p.vip_level.as_ref().unwrap().id, "2");
        assert_eq!(p.tags.len(), 2);
        assert_eq!(p.tags[0].name, "New");
        assert_eq!(p.tags[1].name, "Other");
        assert!(p.is_vip);
        assert_eq!(p.params["plan"], "pro");
        assert_eq!(p.cards.len(), 1);
        let second = ChatParams::from_query("sysnum=a&uname=Anna&card_title=Shoes").value;
        let p = merge(p, &second, None, &t);
        assert_eq!(p.uname.as_deref(), Some("Anna"));
        assert_eq!(p.tel.as_deref(), Some("123"));
        assert_eq!(p.cards.len(), 1, "the same card is not repeated");
    }

    #[test]
    fn token_fields_fill_crm_fields_and_custom_fields() {
        let t = tenant();
        let params = ChatParams::from_query("sysnum=a&uname=FromLink").value;
        let p = merge(
            VisitorProfile::default(),
            &params,
            Some(r#"{"uname":"nickname","level":3,"x":null}"#),
            &t,
        );
        assert_eq!(p.uname.as_deref(), Some("nickname"));
        assert_eq!(p.customer_fields["level"], "3");
        assert!(!p.customer_fields.contains_key("x"));
    }
}
