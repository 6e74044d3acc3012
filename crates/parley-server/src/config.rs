//! The tenant configuration file (TOML), loaded at start.
//!
//! A tenant's settings here are the "backend settings" of the spec: link parameters
//! override them, except the security ones, which only this file can set.

use std::collections::HashMap;
use std::path::Path;

use parley_protocol::Locale;
use serde::Deserialize;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(rename = "tenant", default)]
    pub tenants: Vec<Tenant>,
}

/// One company using Parley.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// The company id that links carry as `sysnum`.
    pub sysnum: String,
    /// The secret key for `sign` and the token API. Never sent to a client.
    pub secret_key: String,
    /// The company name shown in the chat's top bar.
    pub company_name: String,
    /// The language used when the link gives none.
    #[serde(default)]
    pub default_locale: Option<String>,
    /// Greetings per locale code; `default` is used for any other locale.
    #[serde(default)]
    pub greeting: HashMap<String, String>,
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
        Config::parse(&text).map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))
    }

    /// Parses and checks configuration text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        let mut seen = std::collections::HashSet::new();
        for t in &config.tenants {
            if t.sysnum.is_empty() || !seen.insert(t.sysnum.as_str()) {
                return Err(ConfigError(format!(
                    "empty or repeated sysnum {:?}",
                    t.sysnum
                )));
            }
            if let Some(code) = &t.default_locale {
                if Locale::from_code(code).is_none() {
                    return Err(ConfigError(format!(
                        "tenant {}: unknown default_locale {code:?}",
                        t.sysnum
                    )));
                }
            }
        }
        Ok(config)
    }

    /// The tenant with this sysnum.
    pub fn tenant(&self, sysnum: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.sysnum == sysnum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_demo_config_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/demo.toml");
        let config = Config::load(&path).expect("demo config");
        let demo = config.tenant("demo").expect("demo tenant");
        assert!(!demo.greeting_for(Locale::En).is_empty());
        assert_ne!(demo.greeting_for(Locale::En), demo.greeting_for(Locale::Zh));
    }

    #[test]
    fn repeated_sysnum_and_bad_locale_are_refused() {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n";
        assert!(Config::parse(&format!("{t}{t}")).is_err());
        let bad = format!("{t}default_locale='xx'\n");
        assert!(Config::parse(&bad).unwrap_err().0.contains("xx"));
    }
}
