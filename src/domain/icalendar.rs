//! An iCalendar (RFC 5545) feed of challenge deadlines: CRLF line ends,
//! TEXT values escaped (§3.3.11), lines folded at 75 octets (§3.1), and
//! times in UTC (`Z`), so that every calendar shows them in its own zone.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One deadline in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineEvent {
    pub challenge_id: Uuid,
    pub title: String,
    pub closes_at: DateTime<Utc>,
    /// The challenge's page.
    pub url: String,
    /// When the challenge last changed (the event's `LAST-MODIFIED`).
    pub updated_at: DateTime<Utc>,
}

/// The longest a content line may be, in octets, before it is folded.
const MAX_LINE_OCTETS: usize = 75;

/// `value` as an iCalendar TEXT: backslash, semicolon and comma escaped,
/// line breaks as `\n`, other control characters dropped.
pub fn escape_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            character if character.is_control() => {}
            character => escaped.push(character),
        }
    }
    escaped
}

/// A content line, folded into lines of at most 75 octets (never inside a
/// UTF-8 character), each ended by CRLF.
fn folded(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut octets_on_line = 0;
    for character in line.chars() {
        let width = character.len_utf8();
        if octets_on_line + width > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            // The leading space of a continuation line counts.
            octets_on_line = 1;
        }
        out.push(character);
        octets_on_line += width;
    }
    out.push_str("\r\n");
    out
}

fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The feed of `events`, made at `now`; `host` names the UIDs' domain.
pub fn deadline_feed(
    calendar_name: &str,
    host: &str,
    events: &[DeadlineEvent],
    now: DateTime<Utc>,
) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//defmatch//challenge deadlines//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape_text(calendar_name)),
    ];
    for event in events {
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:deadline-{}@{}", event.challenge_id, escape_text(host)),
            format!("DTSTAMP:{}", utc_stamp(now)),
            format!("LAST-MODIFIED:{}", utc_stamp(event.updated_at)),
            format!("DTSTART:{}", utc_stamp(event.closes_at)),
            format!("DTEND:{}", utc_stamp(event.closes_at)),
            format!(
                "SUMMARY:{}",
                escape_text(&format!("Deadline: {}", event.title))
            ),
            format!("URL:{}", event.url),
            "TRANSP:TRANSPARENT".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| folded(line)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a;b,c\\d\ne\r"), "a\\;b\\,c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_within_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let out = folded(&line);
        for physical in out.split("\r\n").filter(|line| !line.is_empty()) {
            assert!(physical.len() <= MAX_LINE_OCTETS, "{physical:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn a_feed_has_crlf_lines_and_utc_times() {
        let closes_at: DateTime<Utc> = "2026-12-04T22:59:59Z".parse().expect("an instant");
        let feed = deadline_feed(
            "defmatch",
            "defmatch.example",
            &[DeadlineEvent {
                challenge_id: Uuid::nil(),
                title: "Radar, drones; more".to_owned(),
                closes_at,
                url: "https://defmatch.example/challenges/x".to_owned(),
                updated_at: closes_at,
            }],
            closes_at,
        );
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(feed.ends_with("END:VCALENDAR\r\n"));
        assert!(!feed.replace("\r\n", "").contains('\n'));
        assert!(feed.contains("DTSTART:20261204T225959Z\r\n"));
        assert!(feed.contains("SUMMARY:Deadline: Radar\\, drones\\; more\r\n"));
    }
}
