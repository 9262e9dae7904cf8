//! What a busy page reads, kept in the process between requests.
//!
//! An entry is good while the audit log's head has not moved (every change
//! that matters is audited, in the same transaction as the change) and for
//! at most `ttl` of the app's clock, which bounds what the head does not see:
//! time passing, and changes made on another instance are seen through the
//! shared head anyway. The head is read before the data, so an entry never
//! holds data older than its number. One request per key fills it while the
//! others wait for that fill instead of reading the same rows in parallel.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use relais_core::{Clock, Result};
use relais_db::{Db, DbResultExt};

/// Keys kept at most; past this the cache starts again empty (keys carry
/// free search text, so they must not grow without bound).
const MAX_KEYS: usize = 512;

struct Filled<V> {
    head: i64,
    at: i64,
    value: Arc<V>,
}

type Slot<V> = Arc<tokio::sync::Mutex<Option<Filled<V>>>>;

pub struct PageCache<V> {
    ttl_micros: i64,
    slots: Mutex<HashMap<String, Slot<V>>>,
}

impl<V> PageCache<V> {
    pub fn new(ttl: std::time::Duration) -> Self {
        Self {
            ttl_micros: i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX),
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, key: &str) -> Slot<V> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slots.get(key) {
            return s.clone();
        }
        if slots.len() >= MAX_KEYS {
            slots.clear();
        }
        slots.entry(key.to_string()).or_default().clone()
    }

    /// The value for `key`, read by `fill` unless a fresh one is kept.
    pub async fn get<F, Fut>(
        &self,
        db: &Db,
        clock: &dyn Clock,
        key: &str,
        fill: F,
    ) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        let head = relais_db::audit::head(db).await.db()?;
        let slot = self.slot(key);
        let mut kept = slot.lock().await;
        let now = clock.now().0;
        if let Some(f) = kept.as_ref() {
            // A fill that read a later head holds later data: good too.
            if f.head >= head && now.saturating_sub(f.at) < self.ttl_micros && now >= f.at {
                return Ok(f.value.clone());
            }
        }
        let value = Arc::new(fill().await?);
        *kept = Some(Filled {
            head,
            at: now,
            value: value.clone(),
        });
        Ok(value)
    }
}
