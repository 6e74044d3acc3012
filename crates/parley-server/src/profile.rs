//! The visitor's CRM profile: what links and tokens say about a visitor, merged into
//! one record the workbench shows.
//!
//! The profile is stored as JSON in `visitors.profile`: its shape is the wire type
//! [`VisitorProfile`], and it is only ever read whole, so a column per field would buy
//! nothing.

use parley_protocol::api::{Labelled, VisitorProfile};
use parley_protocol::params::FieldMap;
use parley_protocol::{ChatParams, ParamIssue};
use serde_json::Value;

use crate::config::{Named, Tenant};

/// Most cards kept per visitor (the newest).
pub const MAX_CARDS: usize = 20;
/// Most keys kept in each of `params` and `customer_fields`: a link may add new keys
/// until then, and only change existing ones after.
pub const MAX_FIELD_KEYS: usize = 50;
/// Most bytes of text kept in each of `params` and `customer_fields` (keys and values).
pub const MAX_FIELD_BYTES: usize = 16 * 1024;

/// Adds `given` to `kept` within [`MAX_FIELD_KEYS`] and [`MAX_FIELD_BYTES`]: every
/// init merges the link's fields, so without a bound one visitor could grow their
/// profile (and every read of it) without end. Known keys are updated first; new
/// keys go in while there is room.
fn merge_bounded(
    kept: &mut std::collections::BTreeMap<String, String>,
    given: impl IntoIterator<Item = (String, String)>,
) {
    let size = |m: &std::collections::BTreeMap<String, String>| {
        m.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
    };
    for (k, v) in given {
        let old = kept.get(&k).map_or(0, |o| k.len() + o.len());
        let fits_keys = kept.contains_key(&k) || kept.len() < MAX_FIELD_KEYS;
        if fits_keys && size(kept) - old + k.len() + v.len() <= MAX_FIELD_BYTES {
            kept.insert(k, v);
        }
    }
}

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

/// The link's `customer_fields` that the tenant declares (`[[tenant.customer_field]]`
/// keys), and a [`ParamIssue`] for each other key, which is dropped: a link cannot fill
/// the profile with fields agents were never told about. (The token's
/// `customized_fields` are the site backend's, signature-checked, and are kept whole.)
pub fn declared_customer_fields(
    tenant: &Tenant,
    given: Option<&FieldMap>,
) -> (FieldMap, Vec<ParamIssue>) {
    let mut kept = FieldMap::new();
    let mut issues = Vec::new();
    for (k, v) in given.into_iter().flatten() {
        if tenant.customer_fields.iter().any(|f| &f.key == k) {
            kept.insert(k.clone(), v.clone());
        } else {
            issues.push(ParamIssue {
                param: format!("customer_fields.{k}"),
                reason: "not a customer field this company declares; dropped".into(),
            });
        }
    }
    (kept, issues)
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
        merge_bounded(&mut p.params, m.clone());
    }
    let (declared, _) = declared_customer_fields(tenant, id.customer_fields.as_ref());
    if !declared.is_empty() {
        merge_bounded(&mut p.customer_fields, declared);
    }
    if let Some(summary) = &id.summaryparams {
        p.summary_params = summary.clone();
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
                    merge_bounded(&mut p.customer_fields, [(k, text)]);
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
    fn custom_fields_stay_bounded_however_many_links_add() {
        let t = tenant();
        let mut p = VisitorProfile::default();
        for round in 0..30 {
            let fields: String = (0..10)
                .map(|i| format!("%22k{round}_{i}%22%3A%22v%22"))
                .collect::<Vec<_>>()
                .join("%2C");
            let params = ChatParams::from_query(&format!("sysnum=a&params=%7B{fields}%7D")).value;
            p = merge(p, &params, None, &t);
        }
        assert_eq!(p.params.len(), MAX_FIELD_KEYS);
        // A known key still changes when full.
        let params = ChatParams::from_query("sysnum=a&params=%7B%22k0_0%22%3A%22new%22%7D").value;
        let p = merge(p, &params, None, &t);
        assert_eq!(p.params["k0_0"], "new");
        // Bytes are bounded too.
        let mut big = VisitorProfile::default();
        let long = "x".repeat(3000);
        let given = (0..10).map(|i| (format!("f{i}"), long.clone()));
        merge_bounded(&mut big.customer_fields, given);
        let bytes: usize = big
            .customer_fields
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum();
        assert!(bytes <= MAX_FIELD_BYTES, "{bytes}");
        assert_eq!(big.customer_fields.len(), 5);
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

    #[test]
    fn link_customer_fields_keep_only_declared_keys() {
        let t = Config::parse(
            "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n\
             [[tenant.customer_field]]\nkey='membership'\nlabel='Plan'\n",
        )
        .unwrap()
        .tenants
        .remove(0);
        let params = ChatParams::from_query(
            "sysnum=a&customer_fields=%7B%22membership%22%3A%22gold%22%2C%22evil%22%3A%22x%22%7D",
        )
        .value;
        let (kept, issues) = declared_customer_fields(&t, params.identity.customer_fields.as_ref());
        assert_eq!(kept.len(), 1);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].param, "customer_fields.evil");
        let p = merge(VisitorProfile::default(), &params, None, &t);
        assert_eq!(
            p.customer_fields.get("membership").map(String::as_str),
            Some("gold")
        );
        assert!(!p.customer_fields.contains_key("evil"));
    }
}
