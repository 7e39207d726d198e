//! The reference data: technologies, provinces, ROMs, TRLs and security
//! levels. Public, and the same for everyone.

use actix_web::{get, HttpResponse};

use crate::api::dto::taxonomy::{ProvinceView, RomView, TaxonomyView, TechnologyView, TrlView};
use crate::domain::region::{Province, Rom};
use crate::domain::taxonomy::Technology;

/// All reference data at once.
#[utoipa::path(tag = "taxonomy", responses((status = 200, description = "All reference data", body = TaxonomyView)))]
#[get("/taxonomy")]
pub async fn taxonomy() -> HttpResponse {
    HttpResponse::Ok().json(TaxonomyView::build())
}

/// Technology areas with labels and synonyms.
#[utoipa::path(tag = "taxonomy", responses((status = 200, description = "Technology areas", body = Vec<TechnologyView>)))]
#[get("/taxonomy/technologies")]
pub async fn technologies() -> HttpResponse {
    let views: Vec<TechnologyView> = Technology::ALL
        .iter()
        .copied()
        .map(TechnologyView::from)
        .collect();
    HttpResponse::Ok().json(views)
}

/// Provinces with NUTS codes and ROM.
#[utoipa::path(tag = "taxonomy", responses((status = 200, description = "Provinces", body = Vec<ProvinceView>)))]
#[get("/taxonomy/provinces")]
pub async fn provinces() -> HttpResponse {
    let views: Vec<ProvinceView> = Province::ALL
        .iter()
        .copied()
        .map(ProvinceView::from)
        .collect();
    HttpResponse::Ok().json(views)
}

/// Regional development agencies with their provinces.
#[utoipa::path(tag = "taxonomy", responses((status = 200, description = "ROMs", body = Vec<RomView>)))]
#[get("/taxonomy/roms")]
pub async fn roms() -> HttpResponse {
    let views: Vec<RomView> = Rom::ALL.iter().copied().map(RomView::from).collect();
    HttpResponse::Ok().json(views)
}

/// Technology readiness levels, EU wording.
#[utoipa::path(tag = "taxonomy", responses((status = 200, description = "TRL 1 to 9", body = Vec<TrlView>)))]
#[get("/taxonomy/trl-levels")]
pub async fn trl_levels() -> HttpResponse {
    HttpResponse::Ok().json(TaxonomyView::build().trl_levels)
}
