//! What a busy page reads, kept in the process between requests.
//!
//! An entry is good while the audit log's head has not moved (every change
//! that matters is audited, in the same transaction as the change) and for
//! at most `ttl` of the app's clock, which bounds what the head does not see:
//! time passing (changes made on another instance are seen through the
//! shared head anyway). A cache made with [`PageCache::lasting`] asks each
//! value when time alone changes it (a session's registration opening or
//! closing, say) and keeps it until then, within `ttl`. The head is read
//! before the data, so an entry never holds data older than its number. One
//! request per key fills it while the others wait for that fill instead of
//! reading the same rows in parallel; and requests that arrive together
//! share one read of the head. An entry past half of its `ttl` is read again
//! by one request while the others still use it, so that nobody waits for a
//! fill only because time passed (an entry that turns before its `ttl`
//! would read the same until then, and is read again when it turns).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use relais_core::{Clock, Result};
use relais_db::{Db, DbResultExt};

/// Keys kept at most; past this the cache starts again empty (keys carry
/// free search text, so they must not grow without bound).
const MAX_KEYS: usize = 512;
/// Longer keys are not kept: the value is read for the request alone.
const MAX_KEY_LEN: usize = 512;

struct Filled<V> {
    head: i64,
    at: i64,
    /// When time alone makes it stale.
    until: i64,
    /// The number of the fill that read it (see [`Slot::started`]).
    fill: u64,
    value: Arc<V>,
}

struct Slot<V> {
    /// Fills begun so far, counted under `kept`'s lock.
    started: AtomicU64,
    kept: tokio::sync::Mutex<Option<Filled<V>>>,
    /// A request is reading a good entry again before it grows too old.
    refreshing: AtomicBool,
}

/// Marks a slot's early refill as running until dropped (the request that
/// runs it may be abandoned half way).
struct Refreshing<'a>(&'a AtomicBool);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

pub struct PageCache<V> {
    ttl_micros: i64,
    /// When a value read at an instant changes by time alone, if before `ttl`.
    turns: fn(&V, i64) -> Option<i64>,
    slots: Mutex<HashMap<String, Arc<Slot<V>>>>,
    heads: Heads,
}

/// Reads of the audit log's head, shared: a request may use any read that
/// began after it arrived (that read sees every change committed before
/// the request), so those waiting while one read runs share the next one
/// instead of each sending its own.
#[derive(Default)]
pub(crate) struct Heads {
    /// Reads begun so far, counted under `last`'s lock.
    begun: AtomicU64,
    /// The number of the last read finished, and the head it read.
    last: tokio::sync::Mutex<(u64, i64)>,
}

impl Heads {
    /// The head as a read begun after this call sees it.
    pub(crate) async fn read(&self, db: &Db) -> Result<i64> {
        let arrived = self.begun.load(Ordering::Acquire);
        let mut last = self.last.lock().await;
        if last.0 > arrived {
            return Ok(last.1);
        }
        let no = self.begun.fetch_add(1, Ordering::AcqRel) + 1;
        let head = relais_db::audit::head(db).await.db()?;
        *last = (no, head);
        Ok(head)
    }

    /// Reads sent to the database so far.
    fn sent(&self) -> u64 {
        self.begun.load(Ordering::Acquire)
    }
}

impl<V> PageCache<V> {
    pub fn new(ttl: std::time::Duration) -> Self {
        Self::lasting(ttl, |_, _| None)
    }

    /// A cache whose values are kept until `turns(value, read_at)`, the
    /// first instant (UTC microseconds) after `read_at` at which time alone
    /// makes the value read differently, and at most `ttl`.
    pub fn lasting(ttl: std::time::Duration, turns: fn(&V, i64) -> Option<i64>) -> Self {
        Self {
            ttl_micros: i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX),
            turns,
            slots: Mutex::new(HashMap::new()),
            heads: Heads::default(),
        }
    }

    /// How many times the audit log's head was read (for tests and metrics).
    pub fn head_reads(&self) -> u64 {
        self.heads.sent()
    }

    fn slot(&self, key: &str) -> Arc<Slot<V>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slots.get(key) {
            return s.clone();
        }
        if slots.len() >= MAX_KEYS {
            slots.clear();
        }
        slots
            .entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Slot {
                    started: AtomicU64::new(0),
                    kept: tokio::sync::Mutex::new(None),
                    refreshing: AtomicBool::new(false),
                })
            })
            .clone()
    }

    /// The value for `key`, read by `fill` unless a fresh one is kept.
    /// `head` is the audit log's head if this request has read it already
    /// (the sign-in session's check does, see [`crate::Ctx::head`]); it is
    /// read otherwise.
    pub async fn get<F, Fut>(
        &self,
        db: &Db,
        head: Option<i64>,
        clock: &dyn Clock,
        key: &str,
        fill: F,
    ) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        if key.len() > MAX_KEY_LEN {
            return Ok(Arc::new(fill().await?));
        }
        let head = match head {
            Some(h) => h,
            None => self.heads.read(db).await?,
        };
        let slot = self.slot(key);
        // Fills that begin after this point read data at least as new as
        // anything committed before this request: any of them will do, even
        // if the head has moved again since (as it does every few
        // milliseconds during a registration rush), so waiters share one
        // fill instead of each reading the rows again in turn.
        let arrived = slot.started.load(Ordering::Acquire);
        let mut kept = slot.kept.lock().await;
        let now = clock.now().0;
        if let Some(f) = kept.as_ref() {
            let young = now >= f.at && now < f.until;
            if young && (f.head >= head || f.fill > arrived) {
                // Past half its ttl, one request reads it again while the
                // others go on with this one, still good: nobody waits for
                // a fill only because time passed. (Read again before it
                // turns, it would read the same.)
                let half = f.at.saturating_add(self.ttl_micros / 2);
                let turns = f.until < f.at.saturating_add(self.ttl_micros);
                if turns || now < half || slot.refreshing.swap(true, Ordering::AcqRel) {
                    return Ok(f.value.clone());
                }
                let good = f.value.clone();
                drop(kept);
                return Ok(self.refill_early(&slot, good, head, now, fill).await);
            }
        }
        let fill_no = slot.started.fetch_add(1, Ordering::AcqRel) + 1;
        let value = Arc::new(fill().await?);
        let until = self.until(&value, now);
        keep(&mut kept, head, now, until, fill_no, &value);
        Ok(value)
    }

    /// When a value read at `now` stops being good by time alone.
    fn until(&self, value: &V, now: i64) -> i64 {
        let most = now.saturating_add(self.ttl_micros);
        (self.turns)(value, now).map_or(most, |t| t.clamp(now, most))
    }

    /// Reads a good entry again (the caller has set `slot.refreshing`);
    /// on an error the entry still good is the answer.
    async fn refill_early<F, Fut>(
        &self,
        slot: &Slot<V>,
        good: Arc<V>,
        head: i64,
        now: i64,
        fill: F,
    ) -> Arc<V>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        let _refreshing = Refreshing(&slot.refreshing);
        let fill_no = slot.started.fetch_add(1, Ordering::AcqRel) + 1;
        match fill().await {
            Ok(v) => {
                let value = Arc::new(v);
                let until = self.until(&value, now);
                keep(
                    &mut *slot.kept.lock().await,
                    head,
                    now,
                    until,
                    fill_no,
                    &value,
                );
                value
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read a kept page again");
                good
            }
        }
    }
}

/// Keeps the value of fill `fill_no`, unless one begun later (the head
/// moved meanwhile) is kept already.
fn keep<V>(
    kept: &mut Option<Filled<V>>,
    head: i64,
    at: i64,
    until: i64,
    fill_no: u64,
    value: &Arc<V>,
) {
    if kept.as_ref().is_none_or(|k| k.fill < fill_no) {
        *kept = Some(Filled {
            head,
            at,
            until,
            fill: fill_no,
            value: value.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_core::Timestamp;
    use relais_core::time::FakeClock;

    /// A database, a clock and a cache whose entries live `ttl_secs`.
    async fn setup(ttl_secs: u64) -> (relais_testkit::TestDb, FakeClock, Arc<PageCache<i64>>) {
        (
            relais_testkit::TestDb::new().await,
            FakeClock::new(Timestamp(1_000_000)),
            Arc::new(PageCache::new(std::time::Duration::from_secs(ttl_secs))),
        )
    }

    #[tokio::test]
    async fn requests_arriving_together_share_a_read_of_the_head_yet_see_what_came_before() {
        let (t, clock, cache) = setup(60).await;
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let (cache, db, clock) = (cache.clone(), t.db.clone(), clock.clone());
            set.spawn(async move { cache.get(&db, None, &clock, "k", || async { Ok(1) }).await });
        }
        while let Some(r) = set.join_next().await {
            assert_eq!(*r.unwrap().unwrap(), 1);
        }
        // Each read serves every request that arrived before it began: a
        // handful of reads for 64 requests (the runtime starts the tasks in
        // waves, between which a read may finish), not one each.
        assert!(cache.head_reads() <= 8, "{} reads", cache.head_reads());
        let shared = cache.head_reads();
        // A change committed before a request is seen by it, however recent
        // the last shared read.
        relais_testkit::audited_change(&t.db, clock.now()).await;
        let v = cache
            .get(&t.db, None, &clock, "k", || async { Ok(2) })
            .await
            .unwrap();
        assert_eq!(*v, 2);
        assert_eq!(cache.head_reads(), shared + 1);
    }

    #[tokio::test]
    async fn an_entry_past_half_its_life_is_read_again_by_one_request_while_the_others_use_it() {
        let (t, clock, cache) = setup(2).await;
        let v = cache
            .get(&t.db, None, &clock, "k", || async { Ok(1) })
            .await;
        assert_eq!(*v.unwrap(), 1);
        clock.advance_secs(1);
        // One request reads again, and its reading is held up…
        let (release, held) = tokio::sync::oneshot::channel::<()>();
        let refresher = {
            let (cache, db, clock) = (cache.clone(), t.db.clone(), clock.clone());
            tokio::spawn(async move {
                cache
                    .get(&db, None, &clock, "k", || async {
                        held.await.ok();
                        Ok(2)
                    })
                    .await
            })
        };
        tokio::task::yield_now().await;
        // …meanwhile another is answered at once with the entry, still good.
        let other = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            cache.get(&t.db, None, &clock, "k", || async { Ok(3) }),
        )
        .await
        .expect("not held up by the refill");
        assert_eq!(*other.unwrap(), 1);
        release.send(()).unwrap();
        assert_eq!(*refresher.await.unwrap().unwrap(), 2);
        let v = cache
            .get(&t.db, None, &clock, "k", || async { Ok(4) })
            .await;
        assert_eq!(*v.unwrap(), 2);
    }

    #[tokio::test]
    async fn a_lasting_value_is_kept_until_time_alone_changes_it_and_never_past_the_ttl() {
        let t = relais_testkit::TestDb::new().await;
        let clock = FakeClock::new(Timestamp(1_000_000));
        // Each value is the instant (in seconds) at which it turns.
        let cache: PageCache<i64> =
            PageCache::lasting(std::time::Duration::from_secs(60), |v, _| {
                Some(*v * 1_000_000)
            });
        let get = |v: i64| cache.get(&t.db, None, &clock, "k", move || async move { Ok(v) });
        // Read at 1 s, turning at 11 s: kept through 10 s (not read again
        // early: it would read the same), read again once 11 s has come.
        assert_eq!(*get(11).await.unwrap(), 11);
        clock.advance_secs(9);
        assert_eq!(*get(99).await.unwrap(), 11, "kept: nothing turned");
        clock.advance_secs(1);
        assert_eq!(
            *get(1_000).await.unwrap(),
            1_000,
            "read again once it turned"
        );
        // Read at 11 s, turning at 1,000 s: kept no longer than the 60 s ttl.
        clock.advance_secs(25);
        assert_eq!(*get(5).await.unwrap(), 1_000);
        clock.advance_secs(36);
        assert_eq!(*get(5).await.unwrap(), 5, "read again after the ttl");
    }
}
