//! Settings that take effect at once. After the first start the database holds the
//! tenants' settings (`store::settings`): the configuration file is only the first
//! import (`parley-server import FILE` replaces them later) and `parley-server export`
//! writes them back out. Every instance keeps a [`Snapshot`] of them and polls the
//! settings' generation ([`watch`]), so a change made through any instance applies on
//! every instance sharing the database within [`POLL`].
//!
//! Handlers ask [`LiveConfig`] for what they need (`tenant`, `bot`), getting owned
//! `Arc`s, so a reload never changes a tenant under a request that is using it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use parley_reception::Matcher;
use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError, Retention, Tenant};
use crate::reception::Bots;
use crate::store::{self, Db};

/// How often an instance looks for changed settings.
pub const POLL: Duration = Duration::from_millis(250);

/// The scope that holds the retention rules.
const RETENTION: &str = "retention";

/// The scope of a tenant's document.
pub fn tenant_scope(sysnum: &str) -> String {
    format!("tenant:{sysnum}")
}

/// The settings in use, swapped whole when they change.
pub struct LiveConfig {
    current: RwLock<Arc<Snapshot>>,
    /// The generation of every new snapshot, so what depends on the settings (an
    /// agent's open socket: is the agent still enabled?) looks again at once.
    changed: tokio::sync::watch::Sender<i64>,
}

/// One generation of the settings, indexed.
pub struct Snapshot {
    pub config: Arc<Config>,
    /// The settings' generation this is (0: not from the database).
    pub generation: i64,
    tenants: HashMap<String, Arc<Tenant>>,
    bots: Arc<Bots>,
}

impl Snapshot {
    fn new(config: Config, generation: i64) -> Snapshot {
        let tenants = config
            .tenants
            .iter()
            .map(|t| (t.sysnum.clone(), Arc::new(t.clone())))
            .collect();
        let bots = Arc::new(Bots::new(&config));
        Snapshot {
            config: Arc::new(config),
            generation,
            tenants,
            bots,
        }
    }
}

impl LiveConfig {
    /// Settings that start as `config` (generation 0); [`watch`] keeps them current.
    pub fn new(config: Config) -> LiveConfig {
        LiveConfig {
            current: RwLock::new(Arc::new(Snapshot::new(config, 0))),
            changed: tokio::sync::watch::Sender::new(0),
        }
    }

    /// The settings now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock still holds a whole snapshot: swapping is one assignment.
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The tenant with this sysnum.
    pub fn tenant(&self, sysnum: &str) -> Option<Arc<Tenant>> {
        self.snapshot().tenants.get(sysnum).cloned()
    }

    /// Every tenant.
    pub fn tenants(&self) -> Vec<Arc<Tenant>> {
        self.snapshot().tenants.values().cloned().collect()
    }

    /// The retention rules.
    pub fn retention(&self) -> Retention {
        self.snapshot().config.retention.clone()
    }

    /// The matcher of a tenant's bot.
    pub fn bot(&self, sysnum: &str, robotid: Option<u64>) -> Option<Arc<Matcher>> {
        self.snapshot().bots.get(sysnum, robotid).cloned()
    }

    /// Tells of every new set of settings (its generation) from now on.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<i64> {
        self.changed.subscribe()
    }

    /// The generation of the settings in use.
    pub fn generation(&self) -> i64 {
        self.snapshot().generation
    }

    /// Marks the settings in use as the database's `generation` (they were just loaded
    /// or imported from it), so [`watch`] reloads only on a later change.
    pub fn adopt_generation(&self, generation: i64) {
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        // The same settings under another number: share them, re-index nothing.
        let snapshot = Snapshot {
            config: Arc::clone(&slot.config),
            generation,
            tenants: slot.tenants.clone(),
            bots: Arc::clone(&slot.bots),
        };
        *slot = Arc::new(snapshot);
    }

    fn replace(&self, config: Config, generation: i64) {
        let next = Arc::new(Snapshot::new(config, generation));
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        // Two reloads may race; the newer generation wins.
        if slot.generation <= generation {
            *slot = next;
            drop(slot);
            self.changed.send_replace(generation);
        }
    }
}

/// Why stored settings could not be used.
#[derive(Debug)]
pub enum LoadError {
    Store(store::Error),
    /// A document is not valid JSON of its type, or the whole does not check.
    Invalid(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Store(e) => write!(f, "reading the settings: {e}"),
            LoadError::Invalid(e) => write!(f, "the stored settings: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<store::Error> for LoadError {
    fn from(e: store::Error) -> Self {
        LoadError::Store(e)
    }
}

/// The file's shape, for export: tenants and the retention rules.
#[derive(Serialize, Deserialize)]
struct FileShape {
    retention: Retention,
    #[serde(rename = "tenant")]
    tenants: Vec<Tenant>,
}

/// The stored documents as a checked configuration, and their generation. `None` when
/// nothing was imported yet.
pub async fn load(db: &Db) -> Result<Option<(Config, i64)>, LoadError> {
    let mut tx = db.begin().await?;
    let generation = store::settings::generation(&mut *tx).await?;
    let docs = store::settings::all(&mut *tx).await?;
    tx.commit().await?;
    if docs.is_empty() {
        return Ok(None);
    }
    Ok(Some((from_documents(&docs)?, generation)))
}

fn from_documents(docs: &[store::settings::Document]) -> Result<Config, LoadError> {
    let mut retention = Retention::default();
    let mut tenants = Vec::new();
    for doc in docs {
        let bad = |e: serde_json::Error| LoadError::Invalid(format!("{}: {e}", doc.scope));
        if doc.scope == RETENTION {
            retention = serde_json::from_str(&doc.document).map_err(bad)?;
        } else {
            tenants.push(serde_json::from_str::<Tenant>(&doc.document).map_err(bad)?);
        }
    }
    Config { tenants, retention }
        .prepared(None)
        .map_err(|ConfigError(e)| LoadError::Invalid(e))
}

/// Replaces every stored document with `config`'s (the first start, or `parley-server
/// import`), recorded in the audit log as `actor`'s change. Returns the generation.
pub async fn import(db: &Db, config: &Config, actor: &str) -> Result<i64, store::Error> {
    let now = store::now_ms();
    let mut tx = db.begin().await?;
    let generation = store::settings::bump(&mut tx).await?;
    let mut keep = vec![RETENTION.to_owned()];
    store::settings::put(&mut tx, RETENTION, &json(&config.retention), actor, now).await?;
    for t in &config.tenants {
        let scope = tenant_scope(&t.sysnum);
        store::settings::put(&mut tx, &scope, &json(&t.for_storage()), actor, now).await?;
        keep.push(scope);
    }
    store::settings::delete_others(&mut tx, &keep, actor, now).await?;
    tx.commit().await?;
    Ok(generation)
}

/// The stored settings as a configuration file (TOML): what `parley-server export`
/// prints. Importing it gives the same settings.
pub async fn export(db: &Db) -> Result<String, LoadError> {
    let Some((config, _)) = load(db).await? else {
        return Err(LoadError::Invalid("nothing was imported yet".into()));
    };
    let shape = FileShape {
        retention: config.retention,
        tenants: config.tenants.iter().map(Tenant::for_storage).collect(),
    };
    toml::to_string(&shape).map_err(|e| LoadError::Invalid(e.to_string()))
}

fn json<T: Serialize>(value: &T) -> String {
    // Plain data with string keys: serializing cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// Why a settings change was refused; nothing was stored.
#[derive(Debug)]
pub enum ChangeError {
    Store(store::Error),
    /// The changed settings do not check; the message names the field.
    Invalid(String),
    /// No such tenant is stored (the settings were never imported here).
    UnknownTenant,
}

impl From<store::Error> for ChangeError {
    fn from(e: store::Error) -> Self {
        ChangeError::Store(e)
    }
}

/// Stores `tenant` as its tenant's settings if the whole configuration still checks
/// with it (the same checks as the file's), as `actor`'s change; then reloads this
/// instance's settings, so the change applies here before the answer. Others follow
/// within [`POLL`].
pub async fn put_tenant(
    live: &LiveConfig,
    db: &Db,
    tenant: Tenant,
    actor: &str,
) -> Result<i64, ChangeError> {
    let scope = tenant_scope(&tenant.sysnum);
    let mut tx = db.begin().await?;
    // First: this row lock orders concurrent changes from every instance.
    let generation = store::settings::bump(&mut tx).await?;
    let mut docs = store::settings::all(&mut *tx).await?;
    let Some(slot) = docs.iter_mut().find(|d| d.scope == scope) else {
        return Err(ChangeError::UnknownTenant);
    };
    let document = json(&tenant.for_storage());
    slot.document = document.clone();
    let config = from_documents(&docs).map_err(|e| match e {
        LoadError::Store(e) => ChangeError::Store(e),
        LoadError::Invalid(e) => ChangeError::Invalid(e),
    })?;
    store::settings::put(&mut tx, &scope, &document, actor, store::now_ms()).await?;
    tx.commit().await?;
    live.replace(config, generation);
    Ok(generation)
}

/// Reloads the settings if their generation moved; returns whether it did.
pub async fn refresh(live: &LiveConfig, db: &Db) -> Result<bool, LoadError> {
    let stored = store::settings::generation(db.pool()).await?;
    if stored == live.generation() {
        return Ok(false);
    }
    match load(db).await? {
        Some((config, generation)) => {
            live.replace(config, generation);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Keeps `live` current until `shutdown` turns true. A failed reload is logged and
/// retried; the settings in use stay as they were.
pub async fn watch(
    live: Arc<LiveConfig>,
    db: Db,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
        match refresh(&live, &db).await {
            Ok(true) => {
                failing = false;
                tracing::info!(generation = live.generation(), "settings reloaded");
            }
            Ok(false) => failing = false,
            Err(e) if !failing => {
                failing = true;
                tracing::error!(error = %e, "settings not reloaded; the previous ones stay in use");
            }
            Err(_) => {}
        }
    }
}
