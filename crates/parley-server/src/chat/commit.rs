//! Group commit: messages that arrive together are stored in one transaction.
//!
//! Every [`super::append`] (a person's or the bot's message without a file) is handed
//! to a committer task. The task takes the first waiting message, then every other one
//! already waiting (up to [`MAX_BATCH`]), and stores them all in one transaction: one
//! commit (one disk sync on SQLite with `synchronous=FULL`, one round trip and WAL flush
//! on PostgreSQL) for the whole group instead of one per message. Nothing waits on a
//! timer: while a commit is on its way to the disk, the messages arriving meanwhile form
//! the next group, so a lone message is stored as fast as before and a busy server
//! commits in bigger groups.
//!
//! The guarantees are those of a single append:
//! - **Acknowledged only after the commit.** A sender's future resolves after the
//!   commit of the group holding its message (or, when the group failed, of its own
//!   transaction, retried alone); a socket acks only then, so an acknowledged message
//!   is on disk. A message whose commit never happened is not acknowledged, and its
//!   client re-sends it (its client id makes a repeat a no-op).
//! - **Exactly once.** A message's client id is checked for duplicates inside the
//!   group's transaction while its conversation's row is locked, so a re-send finds the
//!   first one, whether it was committed earlier or earlier in the same group.
//! - **Order.** Sequence numbers are given in the order messages reached the task, gap-
//!   free per conversation; events are published after the commit, in that order. One
//!   socket has at most one message in flight (its events are handled one by one), so
//!   its messages keep their order.
//! - **No lock cycles.** A group locks its conversations' rows in the order of their
//!   ids before it writes, so two groups on PostgreSQL (two shards, or two instances)
//!   never wait on each other in a cycle.
//!
//! A refused message (conversation ended, unknown conversation, another tenant's
//! conversation for an agent) gets its refusal and
//! writes nothing; the rest of the group is stored. Should a statement fail (a store
//! error), the whole group is rolled back and each of its messages is retried alone in
//! a transaction of its own ([`super::append_alone`]), so one bad message costs the
//! others nothing but time.
//!
//! On SQLite there is one committer (the store has one connection anyway), on a thread
//! of its own ([`committer_thread`]); on
//! PostgreSQL [`PG_SHARDS`], each owning the conversations whose id hashes to it, so
//! groups commit in parallel and a conversation's messages always meet in one queue.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use parley_protocol::api::{ChatMessage, Sender};
use tokio::sync::{mpsc, oneshot};

use super::model::{Appended, Conversation, NewMessage};
use super::{not_found, publish, transitions};
use crate::error::ApiError;
use crate::store::conversations::Bump;
use crate::store::messages::ClientKey;
use crate::store::{self, now_ms, Engine};
use crate::AppState;

/// The most messages one group stores.
pub const MAX_BATCH: usize = 256;
// A committer's group is one statement of each kind (the store splits larger ones).
const _: () = assert!(
    MAX_BATCH <= store::messages::MAX_LOOKUP_KEYS && MAX_BATCH <= store::messages::MAX_INSERT_ROWS
);
/// Committer tasks on PostgreSQL.
pub const PG_SHARDS: usize = 4;
/// Messages that may wait for a committer (per shard) before senders wait to hand
/// theirs over.
const QUEUE: usize = 4096;

/// One message waiting to be stored, and where its outcome goes.
struct Job {
    state: AppState,
    /// The tenant the conversation must be of (an agent's), if any.
    tenant: Option<String>,
    conversation_id: String,
    message: NewMessage,
    done: oneshot::Sender<Result<Appended, ApiError>>,
}

/// The committers of one server: started on first use (inside the runtime), stopped
/// when the server's state is dropped (the jobs carry the state, the tasks do not).
#[derive(Default)]
pub struct Committer {
    shards: OnceLock<Vec<mpsc::Sender<Job>>>,
}

impl std::fmt::Debug for Committer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Committer").finish_non_exhaustive()
    }
}

impl Committer {
    fn shards(&self, engine: Engine) -> &[mpsc::Sender<Job>] {
        self.shards.get_or_init(|| {
            let n = match engine {
                Engine::Sqlite => 1,
                Engine::Postgres => PG_SHARDS,
            };
            // SQLite's committer runs on a thread of its own (see `committer_thread`);
            // PostgreSQL's in the server's runtime, whose sockets its connections use.
            (0..n)
                .map(|_| {
                    let (tx, rx) = mpsc::channel(QUEUE);
                    match engine {
                        Engine::Sqlite => committer_thread(rx),
                        Engine::Postgres => drop(tokio::spawn(run(rx))),
                    }
                    tx
                })
                .collect()
        })
    }
}

/// Runs SQLite's committer on `rx` on a thread of its own, with a runtime of its own,
/// until the queue closes (when the server's state is dropped).
///
/// Each statement of a group (six with `BEGIN` and `COMMIT`) is a hop to sqlx's
/// SQLite worker thread and back, and a task woken from outside the runtime waits in
/// the runtime's shared queue, which a busy worker looks at only every 61 tasks: behind
/// the socket tasks a commit's events just woke. On a thread of its own the committer
/// is woken at once (`cargo xtask bench server`, flat out: docs/performance.md,
/// session 9). Not on PostgreSQL: a connection's socket belongs to the runtime that
/// opened it, and the pooled connections are shared with the server's runtime, so its
/// committers' waits are on that runtime's sockets anyway.
fn committer_thread(rx: mpsc::Receiver<Job>) {
    std::thread::Builder::new()
        .name("parley-committer".into())
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the committer's runtime")
                .block_on(run(rx));
        })
        .expect("the committer's thread");
}

/// Stores `message` in `conversation_id` with the group it arrives with; resolves after
/// the group's commit (see the module documentation).
pub async fn append(
    state: &AppState,
    conversation_id: &str,
    message: NewMessage,
) -> Result<Appended, ApiError> {
    submit(state, None, conversation_id, message).await?.await
}

/// Hands `message` to its committer and returns what resolves after the commit of its
/// group. Once this returns, the message's place in line is fixed: a later submit for
/// the same conversation gets a later `seq`. So a socket may submit several messages
/// one after the other and wait for their commits together, in order.
pub async fn submit(
    state: &AppState,
    tenant: Option<&str>,
    conversation_id: &str,
    message: NewMessage,
) -> Result<impl std::future::Future<Output = Result<Appended, ApiError>> + Send + 'static, ApiError>
{
    let shards = state.committer.shards(state.db.engine());
    let shard = &shards[shard_of(conversation_id, shards.len())];
    let (done, outcome) = oneshot::channel();
    let job = Job {
        state: state.clone(),
        tenant: tenant.map(str::to_owned),
        conversation_id: conversation_id.to_owned(),
        message,
        done,
    };
    shard
        .send(job)
        .await
        .map_err(|_| ApiError::Internal("the committer stopped".into()))?;
    Ok(async move {
        outcome
            .await
            .map_err(|_| ApiError::Internal("the committer dropped a message".into()))?
    })
}

/// The shard of a conversation (FNV-1a of its id; any stable spread will do).
fn shard_of(conversation_id: &str, shards: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in conversation_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % shards as u64) as usize
}

/// Stores one message in a transaction of its own and answers its sender.
async fn store_alone(job: Job) {
    let outcome = super::append_alone(
        &job.state,
        job.tenant.as_deref(),
        &job.conversation_id,
        job.message,
    )
    .await;
    let _ = job.done.send(outcome);
}

/// A committer task: groups what is waiting, stores it, answers.
async fn run(mut rx: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut group, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut group);
        if jobs.len() == 1 {
            store_alone(jobs.into_iter().next().expect("one job")).await;
            continue;
        }
        answer_group(jobs).await;
    }
}

/// Stores `messages` (conversation id, the tenant it must be of, the message) as one
/// group, exactly as the committer stores messages that arrived together, and returns
/// each one's outcome in order. The committer forms groups from whatever is waiting;
/// this lets a caller (the API tests) choose a group's composition, which arrival
/// timing cannot promise: repeats of a client id, refusals among accepted messages.
pub async fn append_together(
    state: &AppState,
    messages: Vec<(String, Option<String>, NewMessage)>,
) -> Vec<Result<Appended, ApiError>> {
    let mut outcomes = Vec::with_capacity(messages.len());
    let mut jobs = Vec::with_capacity(messages.len());
    for (conversation_id, tenant, message) in messages {
        let (done, outcome) = oneshot::channel();
        jobs.push(Job {
            state: state.clone(),
            tenant,
            conversation_id,
            message,
            done,
        });
        outcomes.push(outcome);
    }
    if !jobs.is_empty() {
        answer_group(jobs).await;
    }
    let mut answers = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        answers.push(
            outcome.await.unwrap_or_else(|_| {
                Err(ApiError::Internal("the committer dropped a message".into()))
            }),
        );
    }
    answers
}

/// Stores a group of jobs (at least one) and answers each: publishes what was stored
/// after the commit, or, when the group failed, stores each message alone.
async fn answer_group(jobs: Vec<Job>) {
    let state = jobs[0].state.clone();
    match store_group(&state, &jobs).await {
        Ok(outcomes) => {
            state.metrics.group_commits.fetch_add(1, Ordering::Relaxed);
            state
                .metrics
                .group_committed
                .fetch_add(jobs.len() as u64, Ordering::Relaxed);
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                if let Ok(a) = &outcome {
                    if !a.duplicate {
                        publish::messages(
                            &job.state,
                            &a.conversation,
                            std::slice::from_ref(&a.message),
                        );
                    }
                }
                let _ = job.done.send(outcome);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, n = jobs.len(), "a group commit failed; storing its messages one by one");
            for job in jobs {
                store_alone(job).await;
            }
        }
    }
}

/// Stores a group in one transaction and returns each message's outcome, in order;
/// `Err` (nothing stored) when a statement failed.
///
/// A constant number of statements, whatever the group's size: lock and read every
/// conversation of the group (one statement, in id order), look up every client id of
/// the group (one), insert every stored message (one multi-row `INSERT`), bump every
/// conversation that got messages (one). The decisions in between (refusals, repeats,
/// sequence numbers) are made in memory from the locked rows, in arrival order: a
/// client id stored earlier in the same group is remembered in `known` as the lookup's
/// answers are, so its repeat is a duplicate exactly as if it had been committed before.
async fn store_group(
    state: &AppState,
    jobs: &[Job],
) -> Result<Vec<Result<Appended, ApiError>>, store::Error> {
    let mut tx = state.db.begin().await?;
    // Lock every conversation of the group, in id order (no lock cycles).
    let ids: Vec<&str> = jobs
        .iter()
        .map(|j| j.conversation_id.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rows: HashMap<String, Conversation> =
        store::conversations::lock_many(&mut tx, state.db.engine(), &ids)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
    // Every client id the group may store, looked up at once (rows that are missing or
    // of another tenant refuse their messages before any lookup would matter).
    let keys: Vec<ClientKey<'_>> = jobs
        .iter()
        .filter(|j| {
            rows.get(j.conversation_id.as_str())
                .is_some_and(|c| j.tenant.as_deref().is_none_or(|t| t == c.sysnum))
        })
        .filter_map(|j| {
            let cid = j.message.client_id.as_deref()?;
            Some((j.conversation_id.as_str(), j.message.sender, cid))
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut known: HashMap<(String, Sender, String), ChatMessage> = HashMap::new();
    if !keys.is_empty() {
        for m in store::messages::by_client_ids(&mut tx, state.db.engine(), &keys).await? {
            if let Some(cid) = m.client_id.clone() {
                known.insert((m.conversation_id.clone(), m.sender, cid), m);
            }
        }
    }
    let mut inserts = Vec::with_capacity(jobs.len());
    // Per conversation: messages stored, and the newest visitor message's time.
    let mut stored: BTreeMap<&str, (i64, Option<i64>)> = BTreeMap::new();
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let m = &job.message;
        let Some(c) = rows.get_mut(job.conversation_id.as_str()) else {
            outcomes.push(Err(not_found()));
            continue;
        };
        if job.tenant.as_deref().is_some_and(|t| t != c.sysnum) {
            outcomes.push(Err(not_found()));
            continue;
        }
        let key = m
            .client_id
            .as_ref()
            .map(|cid| (c.id.clone(), m.sender, cid.clone()));
        if let Some(existing) = key.as_ref().and_then(|k| known.get(k)) {
            outcomes.push(Ok(Appended {
                message: existing.clone(),
                duplicate: true,
                conversation: c.clone(),
            }));
            continue;
        }
        if let Err(refused) = transitions::may_append(c, m.sender, m.kind, m.sender_id.as_deref()) {
            outcomes.push(Err(refused.into()));
            continue;
        }
        let now = now_ms();
        let seq = c.last_seq + 1;
        let message = m.stored(&c.id, seq, now);
        inserts.push(store::messages::NewRow {
            conversation_id: job.conversation_id.as_str(),
            seq,
            message: m,
            at: now,
        });
        c.last_seq = seq;
        let entry = stored.entry(job.conversation_id.as_str()).or_default();
        entry.0 += 1;
        if m.sender == Sender::Visitor {
            c.last_visitor_at = Some(now);
            entry.1 = Some(now);
        }
        if let Some(k) = key {
            known.insert(k, message.clone());
        }
        outcomes.push(Ok(Appended {
            message,
            duplicate: false,
            conversation: c.clone(),
        }));
    }
    store::messages::insert_many(&mut tx, state.db.engine(), &inserts).await?;
    let bumps: Vec<Bump<'_>> = stored
        .iter()
        .map(|(id, (n, visitor_at))| Bump {
            id,
            n: *n,
            visitor_at: *visitor_at,
        })
        .collect();
    store::conversations::bump_many(&mut tx, state.db.engine(), &bumps).await?;
    tx.commit().await?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_spread_and_are_stable() {
        assert_eq!(shard_of("anything", 1), 0);
        let ids: Vec<String> = (0..400).map(|i| format!("conv-{i}")).collect();
        let mut counts = [0; PG_SHARDS];
        for id in &ids {
            let s = shard_of(id, PG_SHARDS);
            assert_eq!(s, shard_of(id, PG_SHARDS));
            counts[s] += 1;
        }
        assert!(counts.iter().all(|&c| c > 50), "{counts:?}");
    }
}
