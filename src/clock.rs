//! Time as the rules see it: a clock that tests can move, and the local calendar (WIB by
//! default) in which dates such as an activity's day or a deadline are counted.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved (for tests).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(now)))
    }

    /// Moves the clock by `by`.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }

    /// Sets the clock.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = to;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|now| *now).unwrap_or_else(|_| Utc::now())
    }
}

/// The clock and the local calendar of the deployment.
#[derive(Clone)]
pub struct Time {
    clock: Arc<dyn Clock>,
    offset: FixedOffset,
}

impl Time {
    /// Time from `clock`, with dates in the zone `offset` east of UTC.
    pub fn new(clock: Arc<dyn Clock>, offset: FixedOffset) -> Self {
        Self { clock, offset }
    }

    /// The system clock in WIB (UTC+7), the zone of Dumai.
    pub fn system_wib() -> Self {
        Self::new(Arc::new(SystemClock), wib())
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clock itself, for parts that keep their own handle (token verification).
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// Today's date in the local calendar.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.offset).date_naive()
    }

    /// The local zone.
    pub fn offset(&self) -> FixedOffset {
        self.offset
    }
}

/// Waktu Indonesia Barat, UTC+7.
pub fn wib() -> FixedOffset {
    WIB
}

const WIB: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// The zone `hours` east of UTC, if valid (−23 … +23).
pub fn offset_hours(hours: i32) -> Option<FixedOffset> {
    FixedOffset::east_opt(hours.checked_mul(3600)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_counted_in_the_local_zone() {
        let late_evening_utc = DateTime::parse_from_rfc3339("2026-11-28T18:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = ManualClock::new(late_evening_utc);
        let time = Time::new(Arc::new(clock.clone()), wib());
        assert_eq!(
            time.today().to_string(),
            "2026-11-29",
            "01:30 WIB is the next day"
        );
        clock.advance(Duration::hours(-2));
        assert_eq!(time.today().to_string(), "2026-11-28");
        assert_eq!(offset_hours(7), Some(wib()));
        assert_eq!(offset_hours(24), None);
    }
}
