//! The anonymous card of a start-up: its texts with the company's name
//! blanked out.

use super::StartupProfile;

/// Placeholder for the company's name in an anonymised description.
pub const NAME_PLACEHOLDER: &str = "[start-up]";

impl StartupProfile {
    /// The description with the company's name blanked out, for the
    /// anonymous card that procurement sees before an introduction.
    pub fn anonymised_description(&self) -> String {
        blank_out(&self.description, &self.name)
    }

    /// The keywords with the company's name blanked out, for the same card.
    pub fn anonymised_keywords(&self) -> Vec<String> {
        anonymised_keywords(&self.keywords, &self.name)
    }
}

/// `keywords` with the company's name blanked out of each.
pub fn anonymised_keywords(keywords: &[String], company_name: &str) -> Vec<String> {
    keywords
        .iter()
        .map(|keyword| blank_out(keyword, company_name))
        .collect()
}

/// Words that often appear in company names but say nothing about which
/// company it is; they are left in an anonymised description.
const GENERIC_NAME_WORDS: &[&str] = &[
    "ai",
    "analytics",
    "automation",
    "autonomous",
    "autonomy",
    "bio",
    "cryptografie",
    "cryptography",
    "cyber",
    "data",
    "defence",
    "defense",
    "detection",
    "drone",
    "drones",
    "dynamics",
    "energy",
    "engineering",
    "group",
    "health",
    "holding",
    "industries",
    "innovations",
    "instruments",
    "international",
    "labs",
    "lab",
    "materials",
    "maritime",
    "medical",
    "networks",
    "optics",
    "photonics",
    "quantum",
    "radar",
    "robotics",
    "security",
    "sensing",
    "sensors",
    "solutions",
    "space",
    "systems",
    "technologies",
    "technology",
    "tech",
    "the",
    "and",
    "en",
    "de",
    "van",
];

/// Replaces, case-insensitively, the company's name, its name without a
/// legal suffix (B.V., N.V., GmbH…), and every distinctive word of the name
/// (the brand in "Helderwacht Drone Defence B.V.") by a placeholder.
pub fn blank_out(text: &str, company_name: &str) -> String {
    let full = company_name.trim().to_owned();
    let short = strip_legal_suffix(company_name);
    let mut names = vec![full.clone()];
    if short.chars().count() >= 3 && short != full {
        names.push(short.clone());
    }
    for word in short.split(|character: char| !character.is_alphanumeric()) {
        let lower = word.to_lowercase();
        if word.chars().count() >= 4 && !GENERIC_NAME_WORDS.contains(&lower.as_str()) {
            names.push(word.to_owned());
        }
    }
    let mut result = text.to_owned();
    for name in names {
        result = replace_case_insensitive(&result, &name, NAME_PLACEHOLDER);
    }
    result
}

fn strip_legal_suffix(name: &str) -> String {
    let mut trimmed = name.trim().to_owned();
    for suffix in [
        " B.V.", " BV", " N.V.", " NV", " GmbH", " Ltd", " Ltd.", " SAS", " AS", " ApS", " OÜ",
        " SA", " S.A.",
    ] {
        if trimmed.len() > suffix.len() && trimmed.to_lowercase().ends_with(&suffix.to_lowercase())
        {
            trimmed.truncate(trimmed.len() - suffix.len());
            break;
        }
    }
    trimmed.trim_end_matches([',', ' ']).to_owned()
}

fn replace_case_insensitive(text: &str, needle: &str, replacement: &str) -> String {
    if needle.is_empty() {
        return text.to_owned();
    }
    let lower_text = text.to_lowercase();
    let lower_needle = needle.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; only then fall back
    // to leaving the text as it is rather than cutting a character in two.
    if lower_text.len() != text.len() || lower_needle.len() != needle.len() {
        return text.replace(needle, replacement);
    }
    let mut result = String::with_capacity(text.len());
    let mut position = 0;
    while let Some(found) = lower_text[position..].find(&lower_needle) {
        let start = position + found;
        result.push_str(&text[position..start]);
        result.push_str(replacement);
        position = start + needle.len();
    }
    result.push_str(&text[position..]);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_company_name_is_blanked_out_of_an_anonymous_description() {
        let text = "SkyWatch B.V. builds radar. At skywatch we love drones.";
        assert_eq!(
            blank_out(text, "SkyWatch B.V."),
            "[start-up] builds radar. At [start-up] we love drones."
        );
    }

    #[test]
    fn the_brand_word_of_a_longer_name_is_blanked_too() {
        let text = "Helderwacht was founded by navy officers. Drone defence is hard.";
        assert_eq!(
            blank_out(text, "Helderwacht Drone Defence B.V."),
            "[start-up] was founded by navy officers. Drone defence is hard."
        );
    }
}
