//! The words of every notification and its mail, in Dutch and English; the
//! recipient's language (`users.language`) picks one when it is delivered.
//! Times are Amsterdam's, as people in the Netherlands read them.

use chrono::{DateTime, Utc};

use super::amsterdam;
use super::language::{Language, Localized};
use super::notification::NotificationKind;

/// The title and body of a notification, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationText {
    pub title: Localized,
    pub body: Localized,
}

fn both(dutch: String, english: String) -> Localized {
    Localized { dutch, english }
}

/// `at` on Amsterdam's clock, such as `2026-12-04 23:59 (Amsterdam)`.
pub fn amsterdam_time(at: DateTime<Utc>, language: Language) -> String {
    let local = at + amsterdam::offset_at(at);
    let zone = language.pick("Nederlandse tijd", "Amsterdam time");
    format!("{} ({zone})", local.format("%Y-%m-%d %H:%M"))
}

/// A challenge was published or opened that fits the recipient's start-up.
pub fn challenge_match(title: &str, summary: &str) -> NotificationText {
    NotificationText {
        title: both(
            format!("Een nieuwe uitdaging past bij u: {title}"),
            format!("A new challenge fits you: {title}"),
        ),
        body: both(
            format!("{summary}\n\nBekijk in defmatch hoe zij bij uw profiel past."),
            format!("{summary}\n\nSee how it matches your profile in defmatch."),
        ),
    }
}

/// `count` start-ups of the ROM officer's region fit a new challenge.
pub fn region_match(count: usize, title: &str, summary: &str) -> NotificationText {
    NotificationText {
        title: both(
            format!("{count} start-up(s) uit uw regio passen bij: {title}"),
            format!("{count} start-up(s) of your region fit: {title}"),
        ),
        body: both(
            format!(
                "{summary}\n\nOpen de uitdaging in defmatch om een introductie voor te stellen."
            ),
            format!(
                "{summary}\n\nOpen the challenge's matches in defmatch to propose an introduction."
            ),
        ),
    }
}

/// An anonymous start-up fits the recipient's challenge; it is described
/// by what its card shows, never by name.
pub fn startup_match(
    challenge_title: &str,
    technologies: &[&str],
    province: Option<&str>,
    trl: Option<i16>,
) -> NotificationText {
    let (technologies_nl, technologies_en) = if technologies.is_empty() {
        (
            "geen technologieën opgegeven".to_owned(),
            "no technologies given".to_owned(),
        )
    } else {
        (technologies.join(", "), technologies.join(", "))
    };
    let (place_nl, place_en) = province.map_or(("buitenland", "abroad"), |name| (name, name));
    let (trl_nl, trl_en) = trl.map_or(
        ("niet opgegeven".to_owned(), "not given".to_owned()),
        |trl| (trl.to_string(), trl.to_string()),
    );
    NotificationText {
        title: both(
            format!("Een start-up past bij uw uitdaging: {challenge_title}"),
            format!("A start-up fits your challenge: {challenge_title}"),
        ),
        body: both(
            format!("Een anonieme start-up ({technologies_nl}; {place_nl}; TRL {trl_nl}) past erbij. Haar kaart staat bij de kandidaten van de uitdaging."),
            format!("An anonymous start-up ({technologies_en}; {place_en}; TRL {trl_en}) matches it. Its card is in the challenge's matches."),
        ),
    }
}

/// A challenge closes in `days_left` days, at `closes_at`.
pub fn deadline_reminder(
    title: &str,
    days_left: i64,
    closes_at: DateTime<Utc>,
) -> NotificationText {
    let days_nl = if days_left == 1 { "dag" } else { "dagen" };
    let days_en = if days_left == 1 { "day" } else { "days" };
    NotificationText {
        title: both(
            format!("{title} sluit over {days_left} {days_nl}"),
            format!("{title} closes in {days_left} {days_en}"),
        ),
        body: both(
            format!(
                "De uitdaging sluit op {}.",
                amsterdam_time(closes_at, Language::Dutch)
            ),
            format!(
                "The challenge closes at {}.",
                amsterdam_time(closes_at, Language::English)
            ),
        ),
    }
}

/// A question on a challenge the recipient follows was answered.
pub fn question_answered(challenge_title: &str, question: &str, answer: &str) -> NotificationText {
    NotificationText {
        title: both(
            format!("Een vraag over {challenge_title} is beantwoord"),
            format!("A question on {challenge_title} was answered"),
        ),
        body: both(
            format!("V: {question}\n\nA: {answer}"),
            format!("Q: {question}\n\nA: {answer}"),
        ),
    }
}

/// Imported challenges collected into one digest; `list` names the first
/// few titles. `for_region` is the ROM officer's digest.
pub fn import_digest(count: usize, list: &str, more: usize, for_region: bool) -> NotificationText {
    let (list_nl, list_en) = if more > 0 {
        (
            format!("{list}; en nog {more}"),
            format!("{list}; and {more} more"),
        )
    } else {
        (list.to_owned(), list.to_owned())
    };
    if for_region {
        NotificationText {
            title: both(
                format!("{count} geïmporteerde uitdaging(en) passen bij start-ups uit uw regio"),
                format!("{count} imported challenge(s) fit start-ups of your region"),
            ),
            body: both(
                format!("{list_nl}.\n\nOpen in defmatch de kandidaten van elke uitdaging om een introductie voor te stellen."),
                format!("{list_en}.\n\nOpen each challenge's matches in defmatch to propose an introduction."),
            ),
        }
    } else {
        NotificationText {
            title: both(
                format!("{count} geïmporteerde uitdaging(en) passen bij u"),
                format!("{count} imported challenge(s) fit you"),
            ),
            body: both(
                format!("{list_nl}.\n\nBekijk in defmatch hoe zij bij uw profiel passen."),
                format!("{list_en}.\n\nSee how they match your profile in defmatch."),
            ),
        }
    }
}

/// The daily digest of a saved search: `titles` are the new challenges.
pub fn saved_search_digest(search_name: &str, titles: &[String]) -> NotificationText {
    let count = titles.len();
    let list: String = titles.iter().map(|title| format!("- {title}\n")).collect();
    NotificationText {
        title: both(
            format!("{count} nieuwe uitdaging(en) voor uw zoekopdracht {search_name}"),
            format!("{count} new challenge(s) for your search {search_name}"),
        ),
        body: both(
            format!("Sinds de vorige samenvatting vond uw opgeslagen zoekopdracht:\n\n{list}"),
            format!("Since the last digest your saved search found:\n\n{list}"),
        ),
    }
}

/// What a mail's unsubscribe line calls a kind of notification.
pub fn kind_name(kind: NotificationKind, language: Language) -> &'static str {
    use NotificationKind::*;
    match (kind, language) {
        (ChallengeMatch, Language::Dutch) => "nieuwe passende uitdagingen",
        (ChallengeMatch, Language::English) => "new matching challenges",
        (StartupMatch, Language::Dutch) => "passende start-ups",
        (StartupMatch, Language::English) => "matching start-ups",
        (RegionMatch, Language::Dutch) => "uitdagingen voor uw regio",
        (RegionMatch, Language::English) => "challenges for your region",
        (DeadlineReminder, Language::Dutch) => "herinneringen aan deadlines",
        (DeadlineReminder, Language::English) => "deadline reminders",
        (QuestionAnswered, Language::Dutch) => "beantwoorde vragen",
        (QuestionAnswered, Language::English) => "answered questions",
        (SavedSearchDigest, Language::Dutch) => "samenvattingen van opgeslagen zoekopdrachten",
        (SavedSearchDigest, Language::English) => "saved search digests",
    }
}

/// The end of every notification mail: the page it is about and the link
/// that stops this kind of mail.
pub fn mail_footer(
    kind: NotificationKind,
    language: Language,
    page_link: Option<&str>,
    unsubscribe_link: &str,
) -> String {
    let open = page_link.map_or(String::new(), |link| {
        format!(
            "{}\n{link}\n\n",
            language.pick("Openen in defmatch:", "Open in defmatch:")
        )
    });
    let kind = kind_name(kind, language);
    let stop = match language {
        Language::Dutch => format!("Geen mail meer over {kind}? Meld u af:"),
        Language::English => format!("No more mail about {kind}? Unsubscribe:"),
    };
    format!("\n\n{open}--\n{stop}\n{unsubscribe_link}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_winter_deadline_reads_as_amsterdam_time() {
        let closes_at: DateTime<Utc> = "2026-12-04T22:59:00Z".parse().expect("an instant");
        assert_eq!(
            amsterdam_time(closes_at, Language::English),
            "2026-12-04 23:59 (Amsterdam time)"
        );
        let summer: DateTime<Utc> = "2027-06-01T10:00:00Z".parse().expect("an instant");
        assert_eq!(
            amsterdam_time(summer, Language::Dutch),
            "2027-06-01 12:00 (Nederlandse tijd)"
        );
    }

    #[test]
    fn the_footer_names_the_kind_in_the_recipients_language() {
        let footer = mail_footer(
            NotificationKind::DeadlineReminder,
            Language::Dutch,
            Some("https://x/challenges/1"),
            "https://x/unsubscribe/t",
        );
        assert!(footer.contains("herinneringen aan deadlines"));
        assert!(footer.contains("https://x/challenges/1"));
        assert!(footer.contains("https://x/unsubscribe/t"));
    }
}
