//! The cases of issue 11: what a redacted card must not say, and what it
//! must keep.

use super::*;

fn noordzee() -> Redactor {
    Redactor::new(&RedactionSubject {
        company_name: "Noordzee Sonar B.V.".into(),
        city: Some("Den Helder".into()),
        website: Some("https://www.noordzeesonar.nl".into()),
        kvk_number: Some("81234567".into()),
        email: Some("info@noordzee-sonar.com".into()),
        phone: Some("+31 223 555 012".into()),
        people: vec!["Marieke van der Zwaan".into(), "Joost Bakker".into()],
    })
}

#[test]
fn common_words_of_the_name_stay_in_ordinary_use() {
    let redacted = noordzee().redact("A compact sidescan sonar for mine hunting.");
    assert_eq!(redacted, "A compact sidescan sonar for mine hunting.");
}

#[test]
fn every_form_of_the_company_name_goes() {
    let redactor = noordzee();
    for (text, expected) in [
        (
            "Noordzee Sonar B.V. builds sonar.",
            "[start-up] builds sonar.",
        ),
        ("NOORDZEE SONAR builds sonar.", "[start-up] builds sonar."),
        ("noordzee sonar builds sonar.", "[start-up] builds sonar."),
        ("Noordzée Sonar builds sonar.", "[start-up] builds sonar."),
        ("Noordzee's newest sonar.", "[start-up] newest sonar."),
        ("Noordzees nieuwste sonar.", "[start-up] nieuwste sonar."),
        ("The NoordzeeOS software.", "The [start-up] software."),
        ("Het Noordzee-team.", "Het [start-up]-team."),
        ("NoordzeeSonar ships.", "[start-up] ships."),
    ] {
        assert_eq!(redactor.redact(text), expected, "{text}");
    }
}

#[test]
fn the_name_inside_a_domain_or_an_e_mail_address_goes() {
    let redactor = noordzee();
    let redacted = redactor.redact(
        "See noordzeesonar.nl, https://noordzeesonar.nl/products or www.noordzee-sonar.com; mail sales@noordzee-sonar.com.",
    );
    for token in ["noordzee", "sonar.nl", "sonar.com", "sales"] {
        assert!(!redacted.to_lowercase().contains(token), "{redacted}");
    }
}

#[test]
fn city_municipalities_and_their_adjectives_go() {
    let redactor = noordzee();
    for (text, expected) in [
        ("Based in Den Helder.", "Based in [place]."),
        ("Our Leiden lab.", "Our [place] lab."),
        ("Een Leidse spin-off.", "Een [place] spin-off."),
        (
            "From 's-Hertogenbosch and Den Bosch.",
            "From [place] and [place].",
        ),
        ("Near Alphen aan den Rijn.", "Near [place]."),
        (
            "Een Amsterdamse en Utrechtse club.",
            "Een [place] en [place] club.",
        ),
        ("Made in Súdwest-Fryslân.", "Made in [place]."),
        (
            "Testing in Sittard and Volendam.",
            "Testing in [place] and [place].",
        ),
    ] {
        assert_eq!(redactor.redact(text), expected, "{text}");
    }
}

#[test]
fn municipality_names_that_are_common_words_stay_as_words() {
    let redactor = noordzee();
    for text in [
        "Best results in class.",
        "It goes faster than the best radar.",
        "Dit kan leiden tot minder fouten.",
        "We putten uit jaren ervaring.",
    ] {
        assert_eq!(redactor.redact(text), text);
    }
    assert_eq!(
        redactor.redact("An office in Best."),
        "An office in [place]."
    );
}

#[test]
fn streets_postcodes_and_numbers_go() {
    let redactor = noordzee();
    for (text, expected) in [
        ("Visit Kanaalweg 12a.", "Visit [place]."),
        ("Postbus at Havenstraat.", "Postbus at [place]."),
        ("Address 1781 AB.", "Address [place]."),
        ("KvK 81234567.", "[contact]."),
        ("KvK-nummer 8123 4567.", "[contact]."),
        ("Call +31 223 555 012.", "Call [contact]."),
        ("Bel 0223-555012.", "Bel [contact]."),
        ("Bel 06 12 34 56 78.", "Bel [contact]."),
        ("Mail marieke@example.org today.", "Mail [contact] today."),
    ] {
        assert_eq!(redactor.redact(text), expected, "{text}");
    }
    assert_eq!(redactor.redact("In 2024 EU funds."), "In 2024 EU funds.");
}

#[test]
fn the_organisations_people_go() {
    let redactor = noordzee();
    for (text, expected) in [
        ("Founded by Marieke van der Zwaan.", "Founded by [person]."),
        (
            "Marieke and Joost Bakker lead it.",
            "[person] and [person] lead it.",
        ),
        ("Zwaan's team.", "[person] team."),
        ("Zwaans team.", "[person] team."),
        (
            "Het idee is Joost Bakkers werk.",
            "Het idee is [person] werk.",
        ),
        ("joost bakkers werk", "[person] werk"),
    ] {
        assert_eq!(redactor.redact(text), expected, "{text}");
    }
    assert_eq!(redactor.redact("A bakker bakes."), "A bakker bakes.");
    assert_eq!(redactor.redact("Two bakkers bake."), "Two bakkers bake.");
}

#[test]
fn a_name_made_only_of_common_words_goes_when_written_as_a_name() {
    let redactor = Redactor::new(&RedactionSubject {
        company_name: "Sonar Systems".into(),
        ..RedactionSubject::default()
    });
    assert_eq!(
        redactor.redact("Sonar Systems sells sidescan sonar systems. Ask Sonar."),
        "[start-up] sells sidescan sonar systems. Ask [start-up]."
    );
}

#[test]
fn the_brand_word_of_a_longer_name_goes_alone() {
    let redactor = Redactor::new(&RedactionSubject {
        company_name: "Helderwacht Drone Defence B.V.".into(),
        ..RedactionSubject::default()
    });
    assert_eq!(
        redactor.redact("Helderwacht was founded by navy officers. Drone defence is hard."),
        "[start-up] was founded by navy officers. Drone defence is hard."
    );
    assert_eq!(
        redactor.redact_all(&["Helderwacht".into(), "phased array".into()]),
        ["[start-up]", "phased array"]
    );
}

#[test]
fn the_cbs_list_has_every_municipality() {
    assert_eq!(municipalities::names().count(), 342);
    assert!(municipalities::names().any(|name| name == "Leiden"));
    assert!(municipalities::names().any(|name| name == "Bergen"));
}
