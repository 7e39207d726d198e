//! The technology taxonomy: the key technologies of the Dutch National
//! Technology Strategy (January 2024) merged with NATO's emerging and
//! disruptive technologies, plus the three areas the regional defence
//! agreements name (AI, drones, digital security).
//!
//! The synonyms let free text be tagged automatically and let a search expand
//! a query ("UAV" finds "drone"); they are lowercase and matched on words.

use crate::text_enum;

text_enum! {
    /// A technology area that start-ups and challenges are tagged with.
    pub enum Technology {
        AiData => "ai-data",
        AutonomyDrones => "autonomy-drones",
        Cybersecurity => "cybersecurity",
        Quantum => "quantum",
        Photonics => "photonics",
        Semiconductors => "semiconductors",
        ImagingSensing => "imaging-sensing",
        MechatronicsRobotics => "mechatronics-robotics",
        EnergyPropulsion => "energy-propulsion",
        MaterialsManufacturing => "materials-manufacturing",
        BiotechHealth => "biotech-health",
        Space => "space",
        Communications => "communications",
        Hypersonics => "hypersonics",
        ProcessTech => "process-tech",
    }
}

/// Where a technology area comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TechnologySources {
    /// Number of the key technology in the National Technology Strategy, if any.
    pub nts_key_technology: Option<u8>,
    /// Whether NATO lists it among its emerging and disruptive technologies.
    pub nato_edt: bool,
}

impl Technology {
    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Technology::AiData => "Artificial intelligence and data science",
            Technology::AutonomyDrones => "Unmanned and autonomous systems, drones",
            Technology::Cybersecurity => "Cybersecurity and cryptography",
            Technology::Quantum => "Quantum technologies",
            Technology::Photonics => "Optical systems and integrated photonics",
            Technology::Semiconductors => "Semiconductor technologies",
            Technology::ImagingSensing => "Imaging, sensors and radar",
            Technology::MechatronicsRobotics => "(Opto)mechatronics and robotics",
            Technology::EnergyPropulsion => "Energy materials, storage and propulsion",
            Technology::MaterialsManufacturing => "Novel materials and manufacturing",
            Technology::BiotechHealth => "Biotechnology, human performance and health",
            Technology::Space => "Space systems",
            Technology::Communications => "Next-generation communication networks",
            Technology::Hypersonics => "Hypersonics",
            Technology::ProcessTech => "Process technology",
        }
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Technology::AiData => "Artificiële intelligentie en datawetenschap",
            Technology::AutonomyDrones => "Onbemande en autonome systemen, drones",
            Technology::Cybersecurity => "Cybersecurity en cryptografie",
            Technology::Quantum => "Quantumtechnologie",
            Technology::Photonics => "Optische systemen en geïntegreerde fotonica",
            Technology::Semiconductors => "Halfgeleidertechnologie",
            Technology::ImagingSensing => "Beeldvorming, sensoren en radar",
            Technology::MechatronicsRobotics => "(Opto)mechatronica en robotica",
            Technology::EnergyPropulsion => "Energiematerialen, opslag en voortstuwing",
            Technology::MaterialsManufacturing => "Nieuwe materialen en productietechniek",
            Technology::BiotechHealth => "Biotechnologie, menselijke prestaties en gezondheid",
            Technology::Space => "Ruimtevaartsystemen",
            Technology::Communications => "Communicatienetwerken van de volgende generatie",
            Technology::Hypersonics => "Hypersone technologie",
            Technology::ProcessTech => "Procestechnologie",
        }
    }

    /// The public sources this area is drawn from.
    pub fn sources(self) -> TechnologySources {
        let (nts_key_technology, nato_edt) = match self {
            Technology::AiData => (Some(7), true),
            Technology::AutonomyDrones => (None, true),
            Technology::Cybersecurity => (Some(10), false),
            Technology::Quantum => (Some(2), true),
            Technology::Photonics => (Some(1), false),
            Technology::Semiconductors => (Some(9), false),
            Technology::ImagingSensing => (Some(5), false),
            Technology::MechatronicsRobotics => (Some(6), false),
            Technology::EnergyPropulsion => (Some(8), true),
            Technology::MaterialsManufacturing => (None, true),
            Technology::BiotechHealth => (Some(4), true),
            Technology::Space => (None, true),
            Technology::Communications => (None, true),
            Technology::Hypersonics => (None, true),
            Technology::ProcessTech => (Some(3), false),
        };
        TechnologySources {
            nts_key_technology,
            nato_edt,
        }
    }

    /// Lowercase synonyms, acronyms and typical terms, English and Dutch.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Technology::AiData => &[
                "ai",
                "artificial intelligence",
                "machine learning",
                "ml",
                "deep learning",
                "computer vision",
                "data science",
                "neural network",
                "natural language processing",
                "nlp",
                "predictive analytics",
                "kunstmatige intelligentie",
                "artificiële intelligentie",
            ],
            Technology::AutonomyDrones => &[
                "drone",
                "drones",
                "uav",
                "uas",
                "unmanned aerial",
                "unmanned aerial vehicle",
                "c-uas",
                "counter-drone",
                "counter-uas",
                "ugv",
                "usv",
                "uuv",
                "auv",
                "autonomous vehicle",
                "unmanned",
                "swarm",
                "onbemand",
                "dronedetectie",
            ],
            Technology::Cybersecurity => &[
                "cyber",
                "cybersecurity",
                "digital security",
                "encryption",
                "cryptography",
                "post-quantum cryptography",
                "pqc",
                "soc",
                "intrusion detection",
                "zero trust",
                "malware",
                "digitale veiligheid",
                "versleuteling",
            ],
            Technology::Quantum => &[
                "quantum",
                "qubit",
                "quantum sensing",
                "quantum computing",
                "quantum key distribution",
                "qkd",
                "quantumtechnologie",
            ],
            Technology::Photonics => &[
                "photonics",
                "integrated photonics",
                "optics",
                "laser",
                "lidar",
                "fibre optic",
                "fiber optic",
                "fotonica",
            ],
            Technology::Semiconductors => &[
                "semiconductor",
                "chip",
                "microelectronics",
                "nanoelectronics",
                "asic",
                "fpga",
                "gan",
                "halfgeleider",
            ],
            Technology::ImagingSensing => &[
                "sensor",
                "sensors",
                "radar",
                "sonar",
                "imaging",
                "infrared",
                "thermal imaging",
                "hyperspectral",
                "acoustic sensing",
                "sensoren",
            ],
            Technology::MechatronicsRobotics => &[
                "robotics",
                "robot",
                "mechatronics",
                "optomechatronics",
                "exoskeleton",
                "actuator",
                "robotica",
                "mechatronica",
            ],
            Technology::EnergyPropulsion => &[
                "battery",
                "batteries",
                "energy storage",
                "hydrogen",
                "fuel cell",
                "propulsion",
                "microgrid",
                "solar",
                "energieopslag",
            ],
            Technology::MaterialsManufacturing => &[
                "additive manufacturing",
                "3d printing",
                "composites",
                "novel materials",
                "metamaterials",
                "coating",
                "armour",
                "camouflage",
                "materialen",
            ],
            Technology::BiotechHealth => &[
                "biotechnology",
                "biotech",
                "medical",
                "health monitoring",
                "wearable",
                "human performance",
                "human enhancement",
                "diagnostics",
                "cbrn",
                "gezondheid",
            ],
            Technology::Space => &[
                "space",
                "satellite",
                "satellites",
                "cubesat",
                "earth observation",
                "sar satellite",
                "launcher",
                "ruimtevaart",
            ],
            Technology::Communications => &[
                "communications",
                "5g",
                "6g",
                "satcom",
                "mesh network",
                "tactical radio",
                "software defined radio",
                "sdr",
                "telecommunications",
                "communicatie",
            ],
            Technology::Hypersonics => &[
                "hypersonic",
                "hypersonics",
                "scramjet",
                "high-speed flight",
                "hypersoon",
            ],
            Technology::ProcessTech => &[
                "process technology",
                "process intensification",
                "green chemistry",
                "chemical engineering",
                "water purification",
                "procestechnologie",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_strings() {
        for technology in Technology::ALL {
            assert_eq!(technology.as_str().parse::<Technology>(), Ok(*technology));
        }
        assert!("drones".parse::<Technology>().is_err());
    }

    #[test]
    fn every_nts_key_technology_is_covered_once() {
        let mut numbers: Vec<u8> = Technology::ALL
            .iter()
            .filter_map(|technology| technology.sources().nts_key_technology)
            .collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=10).collect::<Vec<u8>>());
    }

    #[test]
    fn synonyms_are_lowercase() {
        for technology in Technology::ALL {
            for synonym in technology.synonyms() {
                assert_eq!(*synonym, synonym.to_lowercase(), "{technology}");
            }
        }
    }
}
