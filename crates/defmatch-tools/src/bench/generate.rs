//! Generates the benchmark's start-ups and challenges as JSON Lines in the
//! import format, written as a stream so that a large data set never sits
//! in memory. Each record mixes one main technology domain with, now and
//! then, a second one; most are in English, some in Dutch; most start-ups
//! are Dutch, some foreign. The same seed gives the same files (the dates
//! of challenges are relative to `now`, so that they stay in the future).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::random::SplitMix64;
use super::vocabulary::{
    Domain, CHALLENGE_FILLER, CIVIL_CUSTOMERS, DEFENCE_ORGANISATIONS, DOMAINS, DUTCH_APPLICATIONS,
    DUTCH_CHALLENGE_FILLER, DUTCH_CITIES, DUTCH_ENVIRONMENTS, DUTCH_PARTNERS, DUTCH_PLATFORMS,
    DUTCH_STARTUP_FILLER, ENVIRONMENTS, FOREIGN_CITIES, NAME_ENDINGS, NAME_STEMS, PARTNERS,
    PLATFORMS, STARTUP_FILLER,
};

/// Share of start-ups outside the Netherlands.
const FOREIGN_SHARE: f64 = 0.1;
/// Share of Dutch start-ups and of challenges written in Dutch.
const DUTCH_TEXT_SHARE: f64 = 0.15;
/// Share of records that also draw on a second domain.
const SECOND_DOMAIN_SHARE: f64 = 0.3;
/// Description length in words.
const DESCRIPTION_WORDS: (i64, i64) = (60, 150);
/// Sentences tried per description before giving up on the length (a
/// guard; the vocabularies hold far more distinct sentences than needed).
const MAX_SENTENCE_ATTEMPTS: usize = 80;

/// The two files of a generated data set.
#[derive(Debug, Clone)]
pub struct DataSetFiles {
    pub startups: PathBuf,
    pub challenges: PathBuf,
}

/// Writes `startups.jsonl` and `challenges.jsonl` into `directory`.
pub fn write_data_set(
    directory: &Path,
    startups: usize,
    challenges: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<DataSetFiles> {
    let files = DataSetFiles {
        startups: directory.join("startups.jsonl"),
        challenges: directory.join("challenges.jsonl"),
    };
    // Separate streams, so that the challenges do not change when only the
    // number of start-ups does.
    let mut startup_random = SplitMix64::new(seed);
    write_lines(&files.startups, startups, |serial| {
        startup_record(serial, &mut startup_random)
    })?;
    let mut challenge_random = SplitMix64::new(seed ^ 0x00C4_A11E_46E5);
    write_lines(&files.challenges, challenges, |serial| {
        challenge_record(serial, &mut challenge_random, now)
    })?;
    Ok(files)
}

fn write_lines(
    path: &Path,
    count: usize,
    mut record: impl FnMut(usize) -> Value,
) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for serial in 1..=count {
        serde_json::to_writer(&mut out, &record(serial))?;
        out.write_all(b"\n")?;
    }
    out.flush()
        .with_context(|| format!("failed to write {}", path.display()))?;
    Ok(())
}

/// Sentences gathered until a description is long enough.
#[derive(Default)]
struct Paragraph {
    text: String,
    words: usize,
}

impl Paragraph {
    /// Adds `sentence` unless the paragraph already says it.
    fn push(&mut self, sentence: String) {
        if self.text.contains(&sentence) {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.words += sentence.split_whitespace().count();
        self.text.push_str(&sentence);
    }

    /// Adds sentences from `next` until the paragraph holds `target` words.
    fn fill(&mut self, target: usize, mut next: impl FnMut() -> String) {
        for _ in 0..MAX_SENTENCE_ATTEMPTS {
            if self.words >= target {
                break;
            }
            self.push(next());
        }
    }
}

/// `text` with its first letter in lower case, unless it starts an acronym
/// ("AI-supported" stays as it is).
fn lower_first(text: &str) -> String {
    let mut characters = text.chars();
    match (characters.next(), characters.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_owned(),
    }
}

/// Three items as a list: "a, b and c" (`and` is "and" or "en").
fn three_of(random: &mut SplitMix64, items: &[&str], and: &str) -> String {
    let chosen = random.sample(items, 3);
    format!("{}, {} {and} {}", chosen[0], chosen[1], chosen[2])
}

fn second_domain<'a>(random: &mut SplitMix64, primary: &Domain) -> Option<&'a Domain> {
    if !random.chance(SECOND_DOMAIN_SHARE) {
        return None;
    }
    let other = random.pick(DOMAINS);
    (!std::ptr::eq(other, primary)).then_some(other)
}

/// The domain's first technology, and sometimes its second.
fn some_technologies(random: &mut SplitMix64, domain: &Domain) -> Vec<&'static str> {
    let count = (1 + random.below(2)).min(domain.technologies.len());
    domain.technologies[..count]
        .iter()
        .map(|technology| technology.as_str())
        .collect()
}

fn company_name(random: &mut SplitMix64) -> String {
    let first = random.pick(NAME_STEMS);
    let second = random.pick(NAME_STEMS).to_lowercase();
    let ending = random.pick(NAME_ENDINGS);
    if random.chance(0.5) {
        format!("{first}{second}{ending}")
    } else {
        format!("{first}{ending}")
    }
}

fn english_startup_description(
    random: &mut SplitMix64,
    name: &str,
    primary: &Domain,
    second: Option<&Domain>,
    trl: i64,
) -> String {
    let mut paragraph = Paragraph::default();
    paragraph.push(format!(
        "{name} develops {} for {}.",
        random.pick(primary.products),
        random.pick(primary.applications)
    ));
    paragraph.push(format!(
        "The system is designed to {}.",
        random.pick(primary.capabilities)
    ));
    paragraph.push(format!(
        "Key technologies are {}.",
        three_of(random, primary.keywords, "and")
    ));
    let target = random.between(DESCRIPTION_WORDS.0, DESCRIPTION_WORDS.1) as usize;
    paragraph.fill(target, || match random.below(7) {
        0 => format!(
            "It can also {}, even in {}.",
            random.pick(primary.capabilities),
            random.pick(ENVIRONMENTS)
        ),
        1 => format!(
            "We have tested it with {} in {}.",
            random.pick(PARTNERS),
            random.pick(ENVIRONMENTS)
        ),
        2 => format!("Civil customers include {}.", random.pick(CIVIL_CUSTOMERS)),
        3 => match second {
            Some(other) => format!(
                "We also work on {} to {}.",
                random.pick(other.products),
                random.pick(other.capabilities)
            ),
            None => format!("It serves {}.", random.pick(primary.applications)),
        },
        4 => format!(
            "The technology is at TRL {trl} and we aim for TRL {} within a year.",
            (trl + 1).min(9)
        ),
        _ => (*random.pick(STARTUP_FILLER)).to_owned(),
    });
    paragraph.text
}

fn dutch_startup_description(
    random: &mut SplitMix64,
    name: &str,
    primary: &Domain,
    second: Option<&Domain>,
    trl: i64,
) -> String {
    let mut paragraph = Paragraph::default();
    paragraph.push(format!(
        "{name} ontwikkelt {} voor {}.",
        random.pick(primary.dutch_products),
        random.pick(DUTCH_APPLICATIONS)
    ));
    paragraph.push(format!(
        "Onze oplossing maakt het mogelijk om {}.",
        random.pick(primary.dutch_capabilities)
    ));
    paragraph.push(format!(
        "Belangrijke technologieën zijn {}.",
        three_of(random, primary.keywords, "en")
    ));
    let target = random.between(DESCRIPTION_WORDS.0, DESCRIPTION_WORDS.1) as usize;
    paragraph.fill(target, || match random.below(6) {
        0 => format!(
            "We hebben het systeem getest met {} in {}.",
            random.pick(DUTCH_PARTNERS),
            random.pick(DUTCH_ENVIRONMENTS)
        ),
        1 => match second {
            Some(other) => format!(
                "Daarnaast werken we aan {}.",
                random.pick(other.dutch_products)
            ),
            None => format!(
                "Het systeem is ook geschikt om {}.",
                random.pick(primary.dutch_capabilities)
            ),
        },
        2 => format!("De technologie zit op TRL {trl}."),
        _ => (*random.pick(DUTCH_STARTUP_FILLER)).to_owned(),
    });
    paragraph.text
}

/// One start-up, in the import format.
pub fn startup_record(serial: usize, random: &mut SplitMix64) -> Value {
    let primary = random.pick(DOMAINS);
    let second = second_domain(random, primary);
    let name = company_name(random);
    let trl = random.between(2, 9);
    let is_foreign = random.chance(FOREIGN_SHARE);
    let in_dutch = !is_foreign && random.chance(DUTCH_TEXT_SHARE);
    let description = if in_dutch {
        dutch_startup_description(random, &name, primary, second, trl)
    } else {
        english_startup_description(random, &name, primary, second, trl)
    };
    let mut technologies = some_technologies(random, primary);
    let keyword_count = 3 + random.below(4);
    let mut keywords = random.sample(primary.keywords, keyword_count);
    if let Some(other) = second {
        technologies.push(other.technologies[0].as_str());
        let extra_count = 1 + random.below(2);
        keywords.extend(random.sample(other.keywords, extra_count));
    }
    let slug: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let mut record = json!({
        "external_id": format!("bench-startup-{serial:06}"),
        "name": name,
        "website": format!("https://{slug}-{serial}.example"),
        "description": description,
        "technologies": technologies,
        "keywords": keywords,
        "trl": trl,
        // Most start-ups are small; a few have grown.
        "employees": if random.chance(0.9) { random.between(1, 40) } else { random.between(41, 400) },
        "founded_year": random.between(2008, 2024),
        "dual_use": random.chance(0.8),
    });
    if is_foreign {
        let (country, city) = random.pick(FOREIGN_CITIES);
        set(&mut record, "country", json!(country));
        set(&mut record, "city", json!(city));
    } else {
        let (province, cities) = random.pick(DUTCH_CITIES);
        set(&mut record, "country", json!("NL"));
        set(&mut record, "province", json!(province));
        set(&mut record, "city", json!(random.pick(cities)));
        set(
            &mut record,
            "kvk_number",
            json!(format!("{:08}", 10_000_000 + serial)),
        );
    }
    if random.chance(0.3) {
        let category = random.between(0, 9);
        set(&mut record, "export_control_categories", json!([category]));
    }
    record
}

/// Sets `field` of a record built with `json!({...})`.
fn set(record: &mut Value, field: &str, value: Value) {
    if let Value::Object(fields) = record {
        fields.insert(field.to_owned(), value);
    }
}

fn timestamp(moment: DateTime<Utc>) -> String {
    moment.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Text of a challenge: title, summary, description and desired outcome.
struct ChallengeText {
    title: String,
    summary: String,
    description: String,
    desired_outcome: String,
}

fn english_challenge_text(
    random: &mut SplitMix64,
    organisation: &str,
    primary: &Domain,
    second: Option<&Domain>,
    trl_max: i64,
) -> ChallengeText {
    let need = random.pick(primary.needs);
    let platform = random.pick(PLATFORMS);
    let capability = random.pick(primary.capabilities);
    let mut paragraph = Paragraph::default();
    paragraph.push(format!(
        "{organisation} is looking for {} for {platform}.",
        lower_first(need)
    ));
    paragraph.push(format!(
        "Current means cannot {capability} in {}.",
        random.pick(ENVIRONMENTS)
    ));
    paragraph.push(format!(
        "Relevant technologies include {}.",
        three_of(random, primary.keywords, "and")
    ));
    let target = random.between(DESCRIPTION_WORDS.0, DESCRIPTION_WORDS.1) as usize;
    paragraph.fill(target, || match random.below(6) {
        0 => format!(
            "We seek solutions that {}.",
            random.pick(primary.capabilities)
        ),
        1 => format!(
            "The solution should work on {} and in {}.",
            random.pick(PLATFORMS),
            random.pick(ENVIRONMENTS)
        ),
        2 => format!(
            "A demonstrator at TRL {trl_max} is expected within {} months.",
            random.between(6, 24)
        ),
        3 => match second {
            Some(other) => format!(
                "Combinations with {} are welcome.",
                random.pick(other.products)
            ),
            None => format!("The need is most urgent for {platform}."),
        },
        _ => (*random.pick(CHALLENGE_FILLER)).to_owned(),
    });
    ChallengeText {
        title: format!("{need} for {platform}"),
        summary: format!("{need} for {platform}: solutions that {capability}."),
        description: paragraph.text,
        desired_outcome: format!("A demonstrator that can {capability}, tested on {platform}."),
    }
}

fn dutch_challenge_text(
    random: &mut SplitMix64,
    organisation: &str,
    primary: &Domain,
    trl_max: i64,
) -> ChallengeText {
    let need = random.pick(primary.dutch_needs);
    let platform = random.pick(DUTCH_PLATFORMS);
    let capability = random.pick(primary.dutch_capabilities);
    let mut paragraph = Paragraph::default();
    paragraph.push(format!(
        "{organisation} zoekt oplossingen voor {}.",
        lower_first(need)
    ));
    paragraph.push(format!(
        "Het gaat om inzet op {platform} en in {}.",
        random.pick(DUTCH_ENVIRONMENTS)
    ));
    paragraph.push(format!(
        "Gezocht worden oplossingen die helpen om {capability}."
    ));
    paragraph.push(format!(
        "Denk aan technologieën als {}.",
        three_of(random, primary.keywords, "en")
    ));
    let target = random.between(DESCRIPTION_WORDS.0, DESCRIPTION_WORDS.1) as usize;
    paragraph.fill(target, || match random.below(4) {
        0 => format!(
            "Een demonstrator op TRL {trl_max} wordt binnen {} maanden verwacht.",
            random.between(6, 24)
        ),
        1 => format!(
            "De oplossing moet ook helpen om {}.",
            random.pick(primary.dutch_capabilities)
        ),
        _ => (*random.pick(DUTCH_CHALLENGE_FILLER)).to_owned(),
    });
    ChallengeText {
        title: format!("{need} voor {platform}"),
        summary: format!("{need} voor {platform}: oplossingen die helpen om {capability}."),
        description: paragraph.text,
        desired_outcome: format!("Een demonstrator die helpt om {capability}."),
    }
}

/// One challenge, in the import format: open (most) or published, with
/// its deadline ahead of `now`, and mostly public.
pub fn challenge_record(serial: usize, random: &mut SplitMix64, now: DateTime<Utc>) -> Value {
    let primary = random.pick(DOMAINS);
    let second = second_domain(random, primary);
    let organisation = *random.pick(DEFENCE_ORGANISATIONS);
    let trl_min = random.between(2, 6);
    let trl_max = random.between(trl_min + 1, 9);
    let text = if random.chance(DUTCH_TEXT_SHARE) {
        dutch_challenge_text(random, organisation, primary, trl_max)
    } else {
        english_challenge_text(random, organisation, primary, second, trl_max)
    };
    let mut technologies = some_technologies(random, primary);
    if let Some(other) = second {
        technologies.push(other.technologies[0].as_str());
    }
    let keyword_count = 3 + random.below(4);
    let keywords = random.sample(primary.keywords, keyword_count);
    let preferred_provinces: Vec<&str> = match random.below(10) {
        0..=5 => Vec::new(),
        6..=8 => vec![random.pick(DUTCH_CITIES).0],
        _ => {
            let provinces: Vec<&str> = DUTCH_CITIES.iter().map(|(code, _)| *code).collect();
            random.sample(&provinces, 2)
        }
    };
    let days = |count: i64| Duration::days(count);
    let is_open = random.chance(0.85);
    let (status, pre_release_at, opens_at, closes_at) = if is_open {
        // A tenth of the open calls are rolling: no deadline.
        let closes_at = (!random.chance(0.1)).then(|| now + days(random.between(20, 150)));
        (
            "open",
            now - days(random.between(10, 60)),
            now - days(random.between(1, 9)),
            closes_at,
        )
    } else {
        let opens_at = now + days(random.between(5, 30));
        (
            "published",
            now - days(random.between(1, 10)),
            opens_at,
            Some(opens_at + days(random.between(30, 90))),
        )
    };
    let visibility = match random.below(20) {
        0..=16 => "public",
        17 | 18 => "registered",
        _ => "vetted",
    };
    let mut record = json!({
        "external_id": format!("bench-challenge-{serial:06}"),
        "organisation": organisation,
        "status": status,
        "title": text.title,
        "summary": text.summary,
        "description": text.description,
        "desired_outcome": text.desired_outcome,
        "technologies": technologies,
        "keywords": keywords,
        "preferred_provinces": preferred_provinces,
        "trl_min": trl_min,
        "trl_max": trl_max,
        "pre_release_at": timestamp(pre_release_at),
        "opens_at": timestamp(opens_at),
        "visibility": visibility,
        "abdo_required": random.chance(0.05),
    });
    if let Some(closes_at) = closes_at {
        set(&mut record, "closes_at", json!(timestamp(closes_at)));
    }
    if random.chance(0.8) {
        let minimum = random.between(1, 20) * 25_000;
        set(&mut record, "budget_min_eur", json!(minimum));
        set(
            &mut record,
            "budget_max_eur",
            json!(minimum * random.between(2, 8)),
        );
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use defmatch::import::records::RawRecord;
    use defmatch::import::records::{
        challenge_record as read_challenge, startup_record as read_startup,
    };

    fn fixed_now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .expect("a valid timestamp")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_same_seed_gives_the_same_records() {
        let mut first = SplitMix64::new(42);
        let mut second = SplitMix64::new(42);
        for serial in 1..=50 {
            assert_eq!(
                startup_record(serial, &mut first),
                startup_record(serial, &mut second)
            );
            assert_eq!(
                challenge_record(serial, &mut first, fixed_now()),
                challenge_record(serial, &mut second, fixed_now())
            );
        }
    }

    #[test]
    fn generated_records_pass_the_importers_rules() {
        let mut random = SplitMix64::new(9);
        for serial in 1..=300 {
            let Value::Object(fields) = startup_record(serial, &mut random) else {
                panic!("a start-up record is an object");
            };
            let startup = read_startup(RawRecord {
                line: serial,
                fields,
                delimiter: b',',
            })
            .unwrap_or_else(|rejection| panic!("start-up rejected: {rejection:?}"));
            startup
                .input
                .validate(2026)
                .unwrap_or_else(|error| panic!("start-up invalid: {error}"));
            let words = startup.input.description.split_whitespace().count();
            assert!((50..=200).contains(&words), "{words} words");

            let Value::Object(fields) = challenge_record(serial, &mut random, fixed_now()) else {
                panic!("a challenge record is an object");
            };
            let challenge = read_challenge(RawRecord {
                line: serial,
                fields,
                delimiter: b',',
            })
            .unwrap_or_else(|rejection| panic!("challenge rejected: {rejection:?}"));
            let content = challenge
                .input
                .validate()
                .unwrap_or_else(|error| panic!("challenge invalid: {error}"));
            content
                .check_deadline_ahead(fixed_now())
                .expect("the deadline lies ahead");
        }
    }

    #[test]
    fn acronyms_keep_their_capitals() {
        assert_eq!(lower_first("Early warning"), "early warning");
        assert_eq!(
            lower_first("AI-supported analysis"),
            "AI-supported analysis"
        );
    }
}
