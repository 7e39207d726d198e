//! Technology areas of other taxonomies that import files may use, mapped
//! onto defmatch codes. ROM spreadsheets and the benchmark's US DoD data
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

use crate::domain::taxonomy::Technology;

/// The defmatch code for a technology named in an import file: a defmatch
/// code itself, or a known area of another taxonomy (case-insensitive).
pub fn technology_for(name: &str) -> Option<Technology> {
    let trimmed = name.trim();
    if let Ok(code) = trimmed.parse::<Technology>() {
        return Some(code);
    }
    let technology = match trimmed.to_lowercase().as_str() {
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
}
