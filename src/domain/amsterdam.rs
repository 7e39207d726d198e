//! Dates as people in the Netherlands mean them: a day in Europe/Amsterdam.
//! The offset follows the EU rule (summer time from 01:00 UTC on the last
//! Sunday of March to 01:00 UTC on the last Sunday of October), which has
//! held since 1996; a table of zones would add a dependency for one rule.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};

/// The offset of Amsterdam from UTC at `at`: one hour in winter, two in summer.
pub fn offset_at(at: DateTime<Utc>) -> Duration {
    let year = at.year();
    let summer_starts = last_sunday_at_one_utc(year, 3);
    let summer_ends = last_sunday_at_one_utc(year, 10);
    if at >= summer_starts && at < summer_ends {
        Duration::hours(2)
    } else {
        Duration::hours(1)
    }
}

/// The instant Amsterdam's clocks show `local`. Local times are never
/// ambiguous here for the times this is used for (start and end of a day:
/// the clocks change at 02:00 and 03:00).
pub fn instant_of(local: NaiveDateTime) -> DateTime<Utc> {
    let as_if_utc = Utc.from_utc_datetime(&local);
    let guess = as_if_utc - offset_at(as_if_utc - Duration::hours(1));
    as_if_utc - offset_at(guess)
}

/// The first instant of `date` in Amsterdam (00:00:00).
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    instant_of(date.and_time(NaiveTime::MIN))
}

/// The last second of `date` in Amsterdam (23:59:59): a deadline on a date
/// means the whole of that day.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let last_second = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    instant_of(date.and_time(last_second))
}

/// The calendar date in Amsterdam at `at`.
pub fn date_of(at: DateTime<Utc>) -> NaiveDate {
    (at + offset_at(at)).date_naive()
}

fn last_sunday_at_one_utc(year: i32, month: u32) -> DateTime<Utc> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let Some(mut day) = first_of_next.and_then(|date| date.pred_opt()) else {
        return DateTime::<Utc>::MIN_UTC;
    };
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt().unwrap_or(day);
    }
    let one = NaiveTime::from_hms_opt(1, 0, 0).unwrap_or(NaiveTime::MIN);
    Utc.from_utc_datetime(&day.and_time(one))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a date")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an instant")
    }

    #[test]
    fn a_winter_deadline_ends_at_22_59_59_utc() {
        assert_eq!(end_of_day(date(2026, 12, 4)), utc("2026-12-04T22:59:59Z"));
        assert_eq!(start_of_day(date(2026, 12, 4)), utc("2026-12-03T23:00:00Z"));
    }

    #[test]
    fn a_summer_deadline_ends_at_21_59_59_utc() {
        assert_eq!(end_of_day(date(2027, 4, 1)), utc("2027-04-01T21:59:59Z"));
        assert_eq!(start_of_day(date(2027, 7, 1)), utc("2027-06-30T22:00:00Z"));
    }

    #[test]
    fn the_days_the_clocks_change_are_whole_days() {
        // 28 March 2027 and 31 October 2027 are the last Sundays.
        assert_eq!(start_of_day(date(2027, 3, 28)), utc("2027-03-27T23:00:00Z"));
        assert_eq!(end_of_day(date(2027, 3, 28)), utc("2027-03-28T21:59:59Z"));
        assert_eq!(
            start_of_day(date(2027, 10, 31)),
            utc("2027-10-30T22:00:00Z")
        );
        assert_eq!(end_of_day(date(2027, 10, 31)), utc("2027-10-31T22:59:59Z"));
    }

    #[test]
    fn the_date_in_amsterdam_turns_at_local_midnight() {
        assert_eq!(date_of(utc("2026-12-02T22:59:59Z")), date(2026, 12, 2));
        assert_eq!(date_of(utc("2026-12-02T23:00:00Z")), date(2026, 12, 3));
        assert_eq!(date_of(utc("2027-06-30T22:00:00Z")), date(2027, 7, 1));
    }
}
