//! Instants are stored as UTC microseconds since the Unix epoch (an `i64`
//! that both databases hold natively) and shown in the institute's time zone.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_micros(us: i64) -> Self {
        Timestamp(us)
    }

    pub fn micros(self) -> i64 {
        self.0
    }

    pub fn plus_secs(self, secs: i64) -> Self {
        Timestamp(self.0.saturating_add(secs.saturating_mul(1_000_000)))
    }

    pub fn to_jiff(self) -> jiff::Timestamp {
        jiff::Timestamp::from_microsecond(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    pub fn from_jiff(t: jiff::Timestamp) -> Self {
        Timestamp(t.as_microsecond())
    }

    /// RFC 3339 in UTC, for the API.
    pub fn rfc3339(self) -> String {
        self.to_jiff().to_string()
    }

    /// Date and time as people read it in `tz` (e.g. "Europe/Paris").
    pub fn local(self, tz: &str) -> String {
        let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
        self.to_jiff()
            .to_zoned_datetime(zone)
            .strftime("%d/%m/%Y %H:%M")
            .to_string()
    }
}

/// The source of "now". Services take it so that tests can move time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_jiff(jiff::Timestamp::now())
    }
}

/// A clock that tests set and advance by hand.
#[derive(Debug, Clone)]
pub struct FakeClock(Arc<AtomicI64>);

impl FakeClock {
    pub fn new(start: Timestamp) -> Self {
        FakeClock(Arc::new(AtomicI64::new(start.0)))
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1_000_000, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_paris_time() {
        // 2020-03-17T11:00:00Z is noon in Paris (CET, UTC+1).
        let t = Timestamp::from_jiff("2020-03-17T11:00:00Z".parse().unwrap());
        assert_eq!(t.local("Europe/Paris"), "17/03/2020 12:00");
        assert_eq!(t.rfc3339(), "2020-03-17T11:00:00Z");
    }

    #[test]
    fn fake_clock_moves() {
        let c = FakeClock::new(Timestamp(0));
        c.advance_secs(2);
        assert_eq!(c.now(), Timestamp(2_000_000));
    }
}
