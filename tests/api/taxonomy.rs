//! The reference data is public and complete.

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_taxonomy_lists_all_technologies_provinces_roms_and_levels() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/taxonomy", None).await.expect(200);
    let body = &reply.body;
    assert_eq!(body["technologies"].as_array().unwrap().len(), 15);
    assert_eq!(body["provinces"].as_array().unwrap().len(), 12);
    assert_eq!(body["roms"].as_array().unwrap().len(), 9);
    assert_eq!(body["trl_levels"].as_array().unwrap().len(), 9);
    assert_eq!(body["abdo_levels"].as_array().unwrap().len(), 4);
    assert_eq!(
        body["export_control_categories"].as_array().unwrap().len(),
        10
    );

    let drones = body["technologies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|technology| technology["code"] == "autonomy-drones")
        .expect("drones");
    let synonyms: Vec<&str> = drones["synonyms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    for expected in ["uav", "uas", "drone", "c-uas", "unmanned aerial"] {
        assert!(synonyms.contains(&expected), "missing synonym {expected}");
    }

    let utrecht = body["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|province| province["code"] == "NL-UT")
        .expect("Utrecht");
    assert_eq!(utrecht["nuts1"], "NL3");
    assert_eq!(utrecht["nuts2_2016"], "NL31");
    assert_eq!(utrecht["rom"], "rom-utrecht-region");
}

#[actix_web::test]
async fn each_part_of_the_taxonomy_has_its_own_endpoint() {
    let app = spawn_app().await;
    let technologies = app
        .get("/api/v1/taxonomy/technologies", None)
        .await
        .expect(200);
    assert_eq!(technologies.body.as_array().unwrap().len(), 15);
    let provinces = app
        .get("/api/v1/taxonomy/provinces", None)
        .await
        .expect(200);
    assert_eq!(provinces.body[0]["code"], "NL-GR");
    assert_eq!(provinces.body[0]["rom"], "nom");
    let roms = app.get("/api/v1/taxonomy/roms", None).await.expect(200);
    let oost = roms
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|rom| rom["code"] == "oost-nl")
        .unwrap();
    assert_eq!(oost["provinces"], serde_json::json!(["NL-OV", "NL-GE"]));
    let levels = app
        .get("/api/v1/taxonomy/trl-levels", None)
        .await
        .expect(200);
    assert_eq!(levels.body[3]["level"], 4);
    assert_eq!(levels.body[3]["description"], "technology validated in lab");
}
