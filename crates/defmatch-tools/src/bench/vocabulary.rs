//! The words the benchmark's start-ups and challenges are written with:
//! one vocabulary per defence technology domain, in English and Dutch, and
//! the shared phrases every text draws on. Domains share words ("sensor",
//! "autonomous", "secure"), so BM25 meets both telling and common terms.

use defmatch::domain::taxonomy::Technology;

/// What start-ups and challenges of one technology domain talk about.
pub struct Domain {
    pub technologies: &'static [Technology],
    /// Keywords as people tag profiles and challenges (1 to 3 words).
    pub keywords: &'static [&'static str],
    /// What a start-up builds, with its article ("a passive radar …").
    pub products: &'static [&'static str],
    /// What the product does, as a verb phrase ("detect small drones …").
    pub capabilities: &'static [&'static str],
    /// Where it is used ("the protection of airbases").
    pub applications: &'static [&'static str],
    /// A defence need, as a challenge title starts.
    pub needs: &'static [&'static str],
    pub dutch_products: &'static [&'static str],
    /// Dutch infinitive phrases, to follow "om" ("drones te detecteren").
    pub dutch_capabilities: &'static [&'static str],
    pub dutch_needs: &'static [&'static str],
}

/// The technology domains of the generated data.
pub const DOMAINS: &[Domain] = &[
    Domain {
        technologies: &[Technology::AutonomyDrones, Technology::ImagingSensing],
        keywords: &[
            "C-UAS",
            "counter-drone",
            "drone detection",
            "passive radar",
            "RF detection",
            "acoustic sensing",
            "drone jamming",
            "sensor fusion",
            "track classification",
            "airspace security",
        ],
        products: &[
            "a passive radar for small drones",
            "an RF sensor network that locates drone pilots",
            "an acoustic array for drone detection",
            "a counter-drone command and control system",
            "an interceptor drone with net capture",
        ],
        capabilities: &[
            "detect small drones at ranges beyond two kilometres",
            "classify drones and birds in real time",
            "locate the pilot from the control link",
            "fuse radar, camera and RF tracks into one air picture",
            "neutralise hostile drones without collateral damage",
        ],
        applications: &[
            "the protection of airbases",
            "security at large public events",
            "the protection of critical infrastructure",
            "prisons and ports",
        ],
        needs: &[
            "Early warning against small drones",
            "Detection and classification of drone swarms",
            "Mobile counter-drone capability",
            "Locating drone operators",
        ],
        dutch_products: &[
            "een passieve radar voor kleine drones",
            "een netwerk van RF-sensoren dat dronepiloten lokaliseert",
            "een systeem voor dronedetectie met camera's en microfoons",
        ],
        dutch_capabilities: &[
            "kleine drones op grote afstand te detecteren",
            "drones en vogels in real time te onderscheiden",
            "de locatie van de piloot te bepalen",
        ],
        dutch_needs: &[
            "Dronedetectie rond kazernes",
            "Vroegtijdige waarschuwing tegen kleine drones",
            "Mobiele bescherming tegen drones",
        ],
    },
    Domain {
        technologies: &[Technology::AutonomyDrones, Technology::MechatronicsRobotics],
        keywords: &[
            "UAV",
            "autonomous navigation",
            "swarm",
            "VTOL",
            "unmanned ground vehicle",
            "GNSS-denied navigation",
            "payload integration",
            "BVLOS",
            "unmanned surface vessel",
            "manned-unmanned teaming",
        ],
        products: &[
            "a long-endurance VTOL drone",
            "an autonomy kit for unmanned ground vehicles",
            "swarming software for small drones",
            "an unmanned surface vessel for harbour patrol",
            "a navigation module that works without GPS",
        ],
        capabilities: &[
            "navigate autonomously in GPS-denied environments",
            "fly beyond visual line of sight for more than four hours",
            "coordinate dozens of drones as one swarm",
            "carry modular sensor payloads",
            "map terrain and buildings in 3D",
        ],
        applications: &[
            "reconnaissance and surveillance",
            "last-mile resupply",
            "search and rescue",
            "inspection of pipelines and power lines",
        ],
        needs: &[
            "Autonomous resupply of forward units",
            "Unmanned reconnaissance in urban terrain",
            "Navigation without GNSS",
            "Manned-unmanned teaming for ground forces",
        ],
        dutch_products: &[
            "een onbemand vliegtuig voor lange vluchten",
            "software waarmee drones als zwerm samenwerken",
            "een onbemand vaartuig voor havenbewaking",
        ],
        dutch_capabilities: &[
            "zonder GPS autonoom te navigeren",
            "buiten zichtbereik te vliegen",
            "gebieden in 3D in kaart te brengen",
        ],
        dutch_needs: &[
            "Onbemande verkenning in stedelijk gebied",
            "Autonome bevoorrading van eenheden",
        ],
    },
    Domain {
        technologies: &[Technology::ImagingSensing, Technology::Photonics],
        keywords: &[
            "radar",
            "thermal imaging",
            "hyperspectral",
            "lidar",
            "sonar",
            "infrared",
            "synthetic aperture radar",
            "fibre optic sensing",
            "multispectral camera",
            "target recognition",
        ],
        products: &[
            "a compact AESA radar",
            "an uncooled thermal camera",
            "a hyperspectral imager for camouflage detection",
            "a low-cost lidar",
            "a distributed acoustic sensing system on optical fibre",
        ],
        capabilities: &[
            "see through smoke, fog and camouflage",
            "detect vehicles and people at night",
            "monitor long perimeters with a single optical fibre",
            "measure chemical signatures from a distance",
            "track fast targets with high accuracy",
        ],
        applications: &[
            "perimeter security",
            "maritime surveillance",
            "border monitoring",
            "environmental monitoring",
        ],
        needs: &[
            "Camouflage detection with hyperspectral imaging",
            "Perimeter surveillance of military sites",
            "Compact radar for small platforms",
            "Underwater detection of divers",
        ],
        dutch_products: &[
            "een compacte radar",
            "een warmtebeeldcamera",
            "een glasvezelsensor voor perimeterbeveiliging",
        ],
        dutch_capabilities: &[
            "door rook en mist heen te kijken",
            "voertuigen en personen 's nachts te detecteren",
        ],
        dutch_needs: &["Bewaking van lange perimeters", "Detectie van camouflage"],
    },
    Domain {
        technologies: &[Technology::AiData],
        keywords: &[
            "machine learning",
            "computer vision",
            "natural language processing",
            "predictive maintenance",
            "decision support",
            "data fusion",
            "edge AI",
            "explainable AI",
            "anomaly detection",
            "OSINT",
        ],
        products: &[
            "a computer vision platform for video analysis",
            "a decision support tool for commanders",
            "a predictive maintenance platform",
            "an OSINT analysis tool",
            "an edge AI module for sensors",
        ],
        capabilities: &[
            "recognise objects in drone and satellite imagery",
            "predict component failures weeks ahead",
            "summarise large volumes of reports in several languages",
            "run neural networks on low-power hardware",
            "explain every recommendation to the operator",
        ],
        applications: &[
            "intelligence analysis",
            "fleet maintenance",
            "situational awareness",
            "planning and logistics",
        ],
        needs: &[
            "AI-supported analysis of reconnaissance imagery",
            "Predictive maintenance for vehicle fleets",
            "Decision support at the tactical edge",
            "Automated analysis of open sources",
        ],
        dutch_products: &[
            "een platform voor beeldherkenning met kunstmatige intelligentie",
            "een beslisondersteunend systeem voor commandanten",
            "software voor voorspellend onderhoud",
        ],
        dutch_capabilities: &[
            "objecten in camerabeelden te herkennen",
            "storingen weken van tevoren te voorspellen",
            "grote hoeveelheden rapporten samen te vatten",
        ],
        dutch_needs: &[
            "Kunstmatige intelligentie voor beeldanalyse",
            "Voorspellend onderhoud van voertuigen",
        ],
    },
    Domain {
        technologies: &[Technology::Cybersecurity],
        keywords: &[
            "cybersecurity",
            "zero trust",
            "intrusion detection",
            "post-quantum cryptography",
            "threat intelligence",
            "OT security",
            "secure communications",
            "malware analysis",
            "penetration testing",
            "SOC",
        ],
        products: &[
            "an intrusion detection system for operational technology",
            "a zero-trust access gateway",
            "a post-quantum encryption library",
            "a threat intelligence platform",
            "a secure messaging app for deployed units",
        ],
        capabilities: &[
            "detect attacks on industrial control systems",
            "encrypt data against future quantum computers",
            "isolate compromised devices automatically",
            "correlate threat indicators from many sources",
            "harden weapon systems against cyber attacks",
        ],
        applications: &[
            "critical infrastructure",
            "military networks",
            "industrial control systems",
            "mobile devices in the field",
        ],
        needs: &[
            "Cyber resilience of weapon systems",
            "Secure mobile communication for deployed units",
            "Detection of intrusions in OT networks",
            "Migration to post-quantum cryptography",
        ],
        dutch_products: &[
            "een systeem voor inbraakdetectie in industriële netwerken",
            "software voor versleuteling die bestand is tegen quantumcomputers",
        ],
        dutch_capabilities: &[
            "aanvallen op industriële systemen te detecteren",
            "gegevens veilig te versleutelen",
        ],
        dutch_needs: &[
            "Digitale weerbaarheid van wapensystemen",
            "Veilige mobiele communicatie",
        ],
    },
    Domain {
        technologies: &[Technology::Quantum, Technology::Photonics],
        keywords: &[
            "quantum sensing",
            "quantum key distribution",
            "atomic clock",
            "quantum magnetometer",
            "quantum computing",
            "cold atoms",
            "NV centres",
            "quantum navigation",
            "single photon detector",
            "gravimetry",
        ],
        products: &[
            "a quantum magnetometer",
            "a chip-scale atomic clock",
            "a QKD system for fibre networks",
            "a quantum gravimeter",
            "single-photon detectors",
        ],
        capabilities: &[
            "measure magnetic fields with extreme sensitivity",
            "keep accurate time without GNSS",
            "distribute encryption keys that cannot be intercepted unnoticed",
            "detect underground structures",
            "navigate without satellite signals",
        ],
        applications: &[
            "navigation",
            "secure communication",
            "submarine detection",
            "underground mapping",
        ],
        needs: &[
            "Quantum sensors for navigation without GNSS",
            "Quantum key distribution between command posts",
            "Detection of submarines with quantum magnetometry",
        ],
        dutch_products: &[
            "een quantumsensor voor navigatie",
            "een systeem voor quantumsleuteldistributie",
        ],
        dutch_capabilities: &[
            "zonder satellietsignalen te navigeren",
            "magneetvelden uiterst nauwkeurig te meten",
        ],
        dutch_needs: &[
            "Quantumtechnologie voor navigatie",
            "Quantumveilige communicatie",
        ],
    },
    Domain {
        technologies: &[Technology::MaterialsManufacturing],
        keywords: &[
            "additive manufacturing",
            "composites",
            "ballistic protection",
            "metamaterials",
            "coatings",
            "3D printing",
            "lightweight armour",
            "camouflage",
            "spare parts",
            "ceramics",
        ],
        products: &[
            "lightweight ceramic armour",
            "a 3D printing service for spare parts in the field",
            "adaptive camouflage textiles",
            "radar-absorbing metamaterials",
            "anti-corrosion coatings",
        ],
        capabilities: &[
            "reduce vehicle weight while keeping ballistic protection",
            "print certified spare parts close to the front",
            "adapt colour and heat signature to the surroundings",
            "absorb radar waves across a wide band",
            "protect steel in salty sea air for decades",
        ],
        applications: &[
            "armoured vehicles",
            "personal protection",
            "ship maintenance",
            "field repair",
        ],
        needs: &[
            "Lightweight ballistic protection for soldiers",
            "Spare parts on demand with additive manufacturing",
            "Adaptive camouflage for vehicles",
            "Corrosion protection for naval vessels",
        ],
        dutch_products: &[
            "lichtgewicht keramische bepantsering",
            "3D-geprinte reserveonderdelen",
            "adaptieve camouflagetextiel",
        ],
        dutch_capabilities: &[
            "het gewicht van voertuigen te verlagen",
            "reserveonderdelen ter plaatse te printen",
        ],
        dutch_needs: &[
            "Lichte bepantsering voor militairen",
            "Reserveonderdelen uit de 3D-printer",
        ],
    },
    Domain {
        technologies: &[Technology::Space, Technology::Communications],
        keywords: &[
            "satellite",
            "earth observation",
            "cubesat",
            "SAR satellite",
            "satcom",
            "space situational awareness",
            "optical terminal",
            "launcher",
            "small satellite",
            "ground station",
        ],
        products: &[
            "a cubesat platform",
            "an optical communication terminal for satellites",
            "a SAR microsatellite",
            "a space situational awareness service",
            "a deployable antenna for small satellites",
        ],
        capabilities: &[
            "image any place on earth several times a day",
            "track debris and satellites in low earth orbit",
            "send gigabits per second over laser links",
            "launch a payload within weeks",
            "process images on board the satellite",
        ],
        applications: &[
            "earth observation",
            "secure satellite communication",
            "maritime domain awareness",
            "climate monitoring",
        ],
        needs: &[
            "Responsive space capability for earth observation",
            "Space situational awareness for Dutch satellites",
            "Laser communication between satellites and ground",
        ],
        dutch_products: &[
            "een kleine satelliet voor aardobservatie",
            "een optische communicatieterminal voor satellieten",
        ],
        dutch_capabilities: &[
            "elke plek op aarde meerdere keren per dag in beeld te brengen",
            "ruimtepuin in een lage baan te volgen",
        ],
        dutch_needs: &[
            "Aardobservatie met kleine satellieten",
            "Zicht op de ruimte rond Nederlandse satellieten",
        ],
    },
    Domain {
        technologies: &[Technology::EnergyPropulsion],
        keywords: &[
            "battery",
            "hydrogen",
            "fuel cell",
            "microgrid",
            "solar power",
            "energy storage",
            "hybrid propulsion",
            "power management",
            "charging",
            "e-fuels",
        ],
        products: &[
            "a rugged battery pack",
            "a hydrogen fuel cell generator",
            "a deployable solar microgrid",
            "a hybrid-electric drivetrain",
            "an energy management system for camps",
        ],
        capabilities: &[
            "cut fuel consumption of field camps by half",
            "power silent watch without running engines",
            "store energy safely in extreme temperatures",
            "charge drones and radios in the field",
            "balance solar, batteries and generators automatically",
        ],
        applications: &[
            "field camps",
            "military vehicles",
            "naval vessels",
            "remote sensors",
        ],
        needs: &[
            "Energy autonomy for forward operating bases",
            "Silent power for vehicles",
            "Hydrogen for naval propulsion",
            "Lightweight power for dismounted soldiers",
        ],
        dutch_products: &[
            "een robuust batterijpakket",
            "een waterstofgenerator met brandstofcel",
            "een mobiel microgrid met zonnepanelen",
        ],
        dutch_capabilities: &[
            "het brandstofverbruik van kampementen te halveren",
            "energie veilig op te slaan",
        ],
        dutch_needs: &[
            "Energieonafhankelijke kampementen",
            "Stille stroomvoorziening voor voertuigen",
        ],
    },
    Domain {
        technologies: &[Technology::BiotechHealth, Technology::ProcessTech],
        keywords: &[
            "CBRN",
            "diagnostics",
            "wearable",
            "human performance",
            "medical",
            "biosensor",
            "trauma care",
            "telemedicine",
            "water purification",
            "decontamination",
        ],
        products: &[
            "a wearable that monitors heat stress",
            "a rapid diagnostic test for biological agents",
            "a portable water purification unit",
            "a telemedicine kit for remote care",
            "a biosensor for chemical threats",
        ],
        capabilities: &[
            "warn soldiers before heat stress becomes dangerous",
            "identify pathogens within fifteen minutes",
            "turn contaminated water into drinking water",
            "support medics with remote specialists",
            "detect nerve agents at very low concentrations",
        ],
        applications: &[
            "military medicine",
            "CBRN defence",
            "training and exercises",
            "humanitarian missions",
        ],
        needs: &[
            "Monitoring the physical load of soldiers",
            "Rapid detection of biological agents",
            "Drinking water in the field",
            "Care for the wounded at remote locations",
        ],
        dutch_products: &[
            "een draagbare sensor die hittestress meet",
            "een snelle test voor biologische agentia",
            "een mobiele waterzuiveringsinstallatie",
        ],
        dutch_capabilities: &[
            "militairen te waarschuwen voor hittestress",
            "ziekteverwekkers binnen een kwartier te herkennen",
        ],
        dutch_needs: &[
            "Monitoring van de fysieke belasting van militairen",
            "Snelle detectie van biologische dreigingen",
        ],
    },
    Domain {
        technologies: &[Technology::AiData, Technology::MechatronicsRobotics],
        keywords: &[
            "logistics",
            "supply chain",
            "warehouse automation",
            "inventory",
            "route planning",
            "digital twin",
            "predictive logistics",
            "RFID",
            "autonomous trucks",
            "robotics",
        ],
        products: &[
            "a supply chain planning platform",
            "warehouse robots",
            "an RFID tracking system",
            "a digital twin of a logistics network",
            "a route planner for convoys",
        ],
        capabilities: &[
            "forecast demand for spare parts",
            "track every item from depot to unit",
            "plan convoys around threats and road conditions",
            "automate picking in warehouses",
            "simulate the effect of disruptions",
        ],
        applications: &[
            "military logistics",
            "depots and warehouses",
            "convoy operations",
            "humanitarian supply",
        ],
        needs: &[
            "Insight into the military supply chain",
            "Automation of depots",
            "Convoy planning under threat",
        ],
        dutch_products: &[
            "een planningsplatform voor de logistieke keten",
            "magazijnrobots",
        ],
        dutch_capabilities: &[
            "de vraag naar reserveonderdelen te voorspellen",
            "elk artikel van depot tot eenheid te volgen",
        ],
        dutch_needs: &[
            "Inzicht in de militaire logistieke keten",
            "Automatisering van depots",
        ],
    },
    Domain {
        technologies: &[Technology::Communications, Technology::Semiconductors],
        keywords: &[
            "tactical radio",
            "mesh network",
            "5G",
            "software defined radio",
            "satcom",
            "anti-jamming",
            "antenna",
            "spectrum monitoring",
            "RF front-end",
            "GaN amplifier",
        ],
        products: &[
            "a software defined radio",
            "a private 5G network in a box",
            "a mesh networking module",
            "an anti-jam GNSS antenna",
            "a GaN power amplifier",
        ],
        capabilities: &[
            "keep units connected when networks are jammed",
            "set up a secure 5G network in minutes",
            "relay data across dozens of nodes",
            "monitor the radio spectrum for threats",
            "amplify signals efficiently at high frequencies",
        ],
        applications: &[
            "tactical communication",
            "disaster response",
            "vehicle networks",
            "electronic warfare",
        ],
        needs: &[
            "Resilient tactical networks",
            "Deployable 5G for the battlefield",
            "Protection of GNSS receivers against jamming",
        ],
        dutch_products: &[
            "een softwaregedefinieerde radio",
            "een privaat 5G-netwerk in een koffer",
        ],
        dutch_capabilities: &[
            "eenheden verbonden te houden als netwerken worden gestoord",
            "snel een veilig netwerk op te zetten",
        ],
        dutch_needs: &[
            "Weerbare tactische netwerken",
            "Mobiel 5G voor het gevechtsveld",
        ],
    },
    Domain {
        technologies: &[Technology::Hypersonics, Technology::EnergyPropulsion],
        keywords: &[
            "hypersonic",
            "scramjet",
            "thermal protection",
            "high-speed flight",
            "propulsion",
            "rocket motor",
            "wind tunnel",
            "guidance",
            "ablative materials",
            "trajectory simulation",
        ],
        products: &[
            "a thermal protection material for hypersonic vehicles",
            "a solid rocket motor",
            "a simulation tool for high-speed flight",
            "a test facility for propulsion systems",
        ],
        capabilities: &[
            "withstand temperatures above two thousand degrees",
            "simulate trajectories of manoeuvring missiles",
            "test engines under realistic conditions",
            "guide vehicles at very high speed",
        ],
        applications: &["missile defence", "air defence", "testing and evaluation"],
        needs: &[
            "Defence against hypersonic threats",
            "Thermal protection for high-speed vehicles",
            "Simulation of hypersonic trajectories",
        ],
        dutch_products: &[
            "een hittebestendig materiaal voor hypersone voertuigen",
            "simulatiesoftware voor hogesnelheidsvluchten",
        ],
        dutch_capabilities: &[
            "temperaturen boven tweeduizend graden te weerstaan",
            "banen van raketten te simuleren",
        ],
        dutch_needs: &["Verdediging tegen hypersone dreigingen"],
    },
];

/// Where systems have to work.
pub const ENVIRONMENTS: &[&str] = &[
    "harsh maritime conditions",
    "urban terrain",
    "GPS-denied environments",
    "arctic conditions",
    "contested electromagnetic environments",
    "dense forest",
    "coastal waters",
    "night and poor weather",
];

pub const DUTCH_ENVIRONMENTS: &[&str] = &[
    "zware maritieme omstandigheden",
    "stedelijk gebied",
    "omgevingen zonder GPS",
    "slecht weer en duisternis",
    "de Noordzee",
];

/// Who start-ups have tested with.
pub const PARTNERS: &[&str] = &[
    "TNO",
    "the Royal Netherlands Army",
    "the Royal Netherlands Navy",
    "Delft University of Technology",
    "the University of Twente",
    "Eindhoven University of Technology",
    "a NATO innovation challenge",
    "a port authority",
    "the national police",
    "a regional safety region",
];

pub const DUTCH_PARTNERS: &[&str] = &[
    "TNO",
    "de Koninklijke Landmacht",
    "de Koninklijke Marine",
    "de TU Delft",
    "de Universiteit Twente",
    "de TU Eindhoven",
    "een havenbedrijf",
    "de politie",
    "een veiligheidsregio",
];

/// Civil markets of dual-use products.
pub const CIVIL_CUSTOMERS: &[&str] = &[
    "port operators",
    "energy grid operators",
    "hospitals",
    "farmers",
    "logistics companies",
    "offshore wind farms",
    "municipalities",
    "airports",
    "water boards",
];

pub const DUTCH_APPLICATIONS: &[&str] = &[
    "defensie en veiligheid",
    "de bescherming van vitale infrastructuur",
    "hulpdiensten",
    "havens en luchthavens",
    "civiele en militaire klanten",
];

/// Sentences any start-up profile may contain.
pub const STARTUP_FILLER: &[&str] = &[
    "The company was spun out of a university research group.",
    "We are a small team of engineers and scientists.",
    "Our product is designed for dual use: civil markets fund the development, defence needs sharpen it.",
    "We are preparing an ISO 9001 certification.",
    "The software runs on commodity hardware and can be integrated through open interfaces.",
    "Pilots with two launching customers are under way.",
    "We are looking for a defence partner to validate the system in an operational setting.",
    "Funding comes from a seed round and a regional innovation grant.",
    "Production takes place in the Netherlands, close to our engineering team.",
    "The design keeps size, weight and power low.",
];

pub const DUTCH_STARTUP_FILLER: &[&str] = &[
    "Het bedrijf is ontstaan uit onderzoek aan een Nederlandse universiteit.",
    "Ons team bestaat uit ingenieurs en onderzoekers.",
    "De oplossing is geschikt voor zowel civiele als defensietoepassingen.",
    "We zoeken een partner binnen Defensie om het systeem in de praktijk te beproeven.",
    "De eerste pilots met klanten lopen al.",
    "Financiering komt uit een seedronde en een regionale innovatiesubsidie.",
    "De productie vindt plaats in Nederland.",
];

/// Sentences any challenge may contain.
pub const CHALLENGE_FILLER: &[&str] = &[
    "Solutions must comply with Dutch and EU regulations.",
    "The challenge follows the SBIR procedure: a feasibility phase followed by a development phase.",
    "Proposals should describe the current maturity of the solution and a plan to reach the target TRL.",
    "Collaboration between start-ups and knowledge institutes is encouraged.",
    "The solution should be affordable to deploy at scale.",
    "Interfaces must follow open standards so that the solution can be integrated with existing systems.",
    "Operators should be able to use the system after a short training.",
    "Maintenance must be possible by the unit itself.",
];

pub const DUTCH_CHALLENGE_FILLER: &[&str] = &[
    "Oplossingen moeten voldoen aan Nederlandse en Europese regelgeving.",
    "De uitvraag verloopt via de SBIR-procedure: eerst een haalbaarheidsfase, daarna een ontwikkelfase.",
    "Samenwerking tussen start-ups en kennisinstellingen wordt aangemoedigd.",
    "De oplossing moet betaalbaar zijn bij grootschalige inzet.",
    "Gebruikers moeten het systeem na een korte training kunnen bedienen.",
];

/// Where a challenge's solution will be used.
pub const PLATFORMS: &[&str] = &[
    "naval vessels",
    "airbases",
    "armoured vehicles",
    "dismounted soldiers",
    "forward operating bases",
    "military ports",
    "field hospitals",
    "command posts",
    "helicopters",
    "barracks",
    "coastal surveillance posts",
];

pub const DUTCH_PLATFORMS: &[&str] = &[
    "marineschepen",
    "vliegbases",
    "pantservoertuigen",
    "uitgestegen militairen",
    "kazernes",
    "havens",
    "commandoposten",
];

/// The defence organisations that post challenges.
pub const DEFENCE_ORGANISATIONS: &[&str] = &[
    "Koninklijke Landmacht",
    "Koninklijke Marine",
    "Koninklijke Luchtmacht",
    "Koninklijke Marechaussee",
    "Defensie Materieel Organisatie",
    "Joint IV Commando",
    "Defensie Cyber Commando",
    "Defensie Ondersteuningscommando",
];

/// Parts of generated company names.
pub const NAME_STEMS: &[&str] = &[
    "Aero",
    "Quant",
    "Sens",
    "Cyber",
    "Nova",
    "Hydra",
    "Delta",
    "Orion",
    "Vector",
    "Nord",
    "Polder",
    "Dijk",
    "Stroom",
    "Lumen",
    "Photon",
    "Terra",
    "Astra",
    "Vigil",
    "Tegel",
    "Kustwacht",
    "Zephyr",
    "Helix",
    "Kite",
    "Borea",
    "Rijn",
    "Maas",
    "Veluwe",
    "Sentry",
    "Argus",
    "Falcon",
];

pub const NAME_ENDINGS: &[&str] = &[
    "ix",
    "ium",
    " Labs",
    " Systems",
    " Technologies",
    " Dynamics",
    " Robotics",
    " Vision",
    "works",
    " Sense",
    " Photonics",
    " Defence",
    " Solutions",
    " Instruments",
];

/// Cities per Dutch province (ISO 3166-2:NL code).
pub const DUTCH_CITIES: &[(&str, &[&str])] = &[
    ("NL-GR", &["Groningen", "Delfzijl"]),
    ("NL-FR", &["Leeuwarden", "Drachten"]),
    ("NL-DR", &["Assen", "Emmen"]),
    ("NL-OV", &["Enschede", "Zwolle", "Hengelo"]),
    ("NL-GE", &["Arnhem", "Nijmegen", "Wageningen", "Apeldoorn"]),
    ("NL-FL", &["Almere", "Lelystad"]),
    ("NL-UT", &["Utrecht", "Amersfoort"]),
    ("NL-NH", &["Amsterdam", "Haarlem", "Den Helder"]),
    ("NL-ZH", &["Delft", "Rotterdam", "Den Haag", "Leiden"]),
    ("NL-ZE", &["Vlissingen", "Middelburg"]),
    ("NL-NB", &["Eindhoven", "Breda", "Den Bosch", "Tilburg"]),
    ("NL-LI", &["Maastricht", "Venlo", "Heerlen"]),
];

/// Foreign start-ups: country code and a city.
pub const FOREIGN_CITIES: &[(&str, &str)] = &[
    ("BE", "Leuven"),
    ("DE", "Munich"),
    ("FR", "Toulouse"),
    ("DK", "Aarhus"),
    ("NO", "Trondheim"),
    ("SE", "Linköping"),
    ("FI", "Espoo"),
    ("EE", "Tallinn"),
    ("PL", "Gdańsk"),
    ("GB", "Cambridge"),
    ("US", "Boston"),
];
