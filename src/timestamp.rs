//! One way to say when. A `Timestamp` is microseconds since the Unix epoch
//! (UTC); SQLite holds it as fixed-width text that sorts as time does
//! (`2026-12-06T21:04:05.123456Z`), so the schema's comparisons and
//! `max()` work on the text.

use std::fmt;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use time::macros::format_description;

/// The schema's time text.
const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Before anything the box wrote: what unreadable text reads as.
    pub const EARLIEST: Timestamp = Timestamp(i64::MIN);

    pub fn now() -> Self {
        Timestamp((time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000) as i64)
    }

    pub const fn from_micros(micros: i64) -> Self {
        Timestamp(micros)
    }

    pub const fn micros(self) -> i64 {
        self.0
    }

    pub const fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    /// Text the box wrote; anything else is `EARLIEST` (it sorts first).
    pub fn parse(text: &str) -> Self {
        time::PrimitiveDateTime::parse(text, FORMAT)
            .map(|t| Timestamp((t.assume_utc().unix_timestamp_nanos() / 1_000) as i64))
            .unwrap_or(Self::EARLIEST)
    }

    /// This moment as the schema's text.
    pub fn text(self) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        t.format(FORMAT).expect("a UTC timestamp always formats")
    }

    /// `micros` later (earlier when negative), saturating.
    pub const fn plus_micros(self, micros: i64) -> Self {
        Timestamp(self.0.saturating_add(micros))
    }

    /// Microseconds from `earlier` to this moment.
    pub const fn micros_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.text()))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str().map(Timestamp::parse)
    }
}

/// Minutes after midnight, the box's local time (for quiet hours).
pub fn local_minute() -> u32 {
    let now = jiff::Zoned::now();
    (now.hour() as u32) * 60 + now.minute() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_a_fixed_width_and_reads_back() {
        let t = Timestamp::now();
        assert_eq!(t.text().len(), "2026-12-06T21:04:05.123456Z".len());
        assert_eq!(Timestamp::parse(&t.text()), t);
        assert_eq!(
            Timestamp::from_micros(0).text(),
            "1970-01-01T00:00:00.000000Z"
        );
    }

    #[test]
    fn text_sorts_as_time_does() {
        let a = Timestamp::from_micros(1_700_000_000_000_000);
        let b = a.plus_micros(1);
        assert!(a.text() < b.text());
        assert_eq!(b.micros_since(a), 1);
    }

    #[test]
    fn text_the_box_did_not_write_sorts_first() {
        assert_eq!(Timestamp::parse("yesterday"), Timestamp::EARLIEST);
        assert_eq!(Timestamp::parse(""), Timestamp::EARLIEST);
    }
}
