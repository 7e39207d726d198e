//! The technologies an import file may name: defmatch codes, their English
//! and Dutch labels, their synonyms (drones, AI, cyber), and the areas of
//! other taxonomies mapped onto defmatch codes. ROM spreadsheets and the benchmark's US DoD data
//! name the DoD's 13 technology areas; each maps to the closest code.
//!
//! | DoD technology area          | defmatch code            |
//! |------------------------------|--------------------------|
//! | Air Platform                 | autonomy-drones          |
//! | Battlespace                  | communications           |
//! | Biomedical                   | biotech-health           |
//! | Chemical/Biological Defense  | process-tech             |
//! | Electronics                  | semiconductors           |
//! | Ground/Sea Vehicles          | mechatronics-robotics    |
//! | Human Systems                | biotech-health           |
//! | Information Systems          | ai-data                  |
//! | Materials/Processes          | materials-manufacturing  |
//! | Nuclear Technology           | energy-propulsion        |
//! | Sensors                      | imaging-sensing          |
//! | Space Platforms              | space                    |
//! | Weapons                      | hypersonics              |
//!
//! Human Systems shares `biotech-health` (human performance) with
//! Biomedical; Weapons goes to `hypersonics`, the weapons-related NATO area.

use super::rejection::RejectionReason;
use crate::domain::taxonomy::Technology;

/// The defmatch technology a name in an import file stands for: a defmatch
/// code, its English or Dutch label, a known synonym (drones, AI, cyber) or
/// an area of the DoD taxonomy, whatever the case or accents.
pub fn technology_for(name: &str) -> Option<Technology> {
    let trimmed = name.trim();
    if let Ok(code) = trimmed.parse::<Technology>() {
        return Some(code);
    }
    let wanted = fold(trimmed);
    if let Some(technology) = dod_area(&wanted) {
        return Some(technology);
    }
    Technology::ALL
        .iter()
        .copied()
        .find(|technology| names_of(*technology).any(|known| fold(known) == wanted))
}

/// Up to three technologies whose names are closest to `name`, best first:
/// what a rejection suggests instead.
pub fn closest(name: &str) -> Vec<Technology> {
    let wanted = fold(name);
    let mut scored: Vec<(f64, Technology)> = Technology::ALL
        .iter()
        .map(|technology| {
            let best = names_of(*technology)
                .map(|known| strsim::jaro_winkler(&wanted, &fold(known)))
                .fold(0.0_f64, f64::max);
            (best, *technology)
        })
        .collect();
    scored.sort_by(|left, right| right.0.total_cmp(&left.0));
    scored
        .into_iter()
        .take(3)
        .map(|(_, technology)| technology)
        .collect()
}

/// The reason an unknown technology is rejected: its closest choices (its
/// wording lists every valid code too).
pub fn unknown_technology(name: &str) -> RejectionReason {
    RejectionReason::unknown_technology(name, closest(name))
}

fn names_of(technology: Technology) -> impl Iterator<Item = &'static str> {
    [
        technology.as_str(),
        technology.label_en(),
        technology.label_nl(),
    ]
    .into_iter()
    .chain(technology.synonyms().iter().copied())
}

/// Lower case, accents dropped, runs of spaces as one.
fn fold(text: &str) -> String {
    let lowered: String = text
        .trim()
        .to_lowercase()
        .chars()
        .map(|character| match character {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ï' | 'î' => 'i',
            'ó' | 'ö' | 'ô' => 'o',
            'ú' | 'ü' | 'û' => 'u',
            other => other,
        })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dod_area(folded: &str) -> Option<Technology> {
    let technology = match folded {
        "air platform" => Technology::AutonomyDrones,
        "battlespace" => Technology::Communications,
        "biomedical" => Technology::BiotechHealth,
        "chemical/biological defense" => Technology::ProcessTech,
        "electronics" => Technology::Semiconductors,
        "ground/sea vehicles" => Technology::MechatronicsRobotics,
        "human systems" => Technology::BiotechHealth,
        "information systems" => Technology::AiData,
        "materials/processes" => Technology::MaterialsManufacturing,
        "nuclear technology" => Technology::EnergyPropulsion,
        "sensors" => Technology::ImagingSensing,
        "space platforms" => Technology::Space,
        "weapons" => Technology::Hypersonics,
        _ => return None,
    };
    Some(technology)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_dod_areas_are_both_understood() {
        assert_eq!(technology_for("ai-data"), Some(Technology::AiData));
        assert_eq!(
            technology_for("Information Systems"),
            Some(Technology::AiData)
        );
        assert_eq!(
            technology_for("Ground/Sea Vehicles"),
            Some(Technology::MechatronicsRobotics)
        );
        assert_eq!(technology_for("warp drives"), None);
    }

    #[test]
    fn labels_in_both_languages_and_synonyms_are_understood() {
        assert_eq!(technology_for("Drones"), Some(Technology::AutonomyDrones));
        assert_eq!(technology_for("AI"), Some(Technology::AiData));
        assert_eq!(technology_for("cyber"), Some(Technology::Cybersecurity));
        assert_eq!(
            technology_for("Artificiele intelligentie en datawetenschap"),
            Some(Technology::AiData)
        );
        assert_eq!(
            technology_for("Quantumtechnologie"),
            Some(Technology::Quantum)
        );
        assert_eq!(
            technology_for("Imaging, sensors and radar"),
            Some(Technology::ImagingSensing)
        );
    }

    #[test]
    fn an_unknown_technology_is_answered_with_the_closest_and_every_code() {
        let reason = unknown_technology("quantm").to_string();
        assert!(reason.contains("closest: quantum"), "{reason}");
        assert!(
            reason.contains("ai-data") && reason.contains("process-tech"),
            "{reason}"
        );
    }
}
