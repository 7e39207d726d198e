//! The landing page: what defmatch is for, for each kind of visitor.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::html;

use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::layout::page;

pub(super) async fn landing(context: PageContext) -> Result<HttpResponse, WebError> {
    let text = &context.text.common;
    let content = html! {
        section.hero {
            h1 { (text.landing_heading) }
            p.lead { (text.landing_intro) }
            p { a.button href="/challenges" { (text.landing_browse) } " " a.button.secondary href="/register" { (text.register) } }
        }
        div.grid {
            section.card { h2 { (text.landing_for_startups_heading) } p { (text.landing_for_startups) } }
            section.card { h2 { (text.landing_for_procurement_heading) } p { (text.landing_for_procurement) } }
            section.card { h2 { (text.landing_for_roms_heading) } p { (text.landing_for_roms) } }
        }
        section.card {
            h2 { (text.landing_how_heading) }
            p { (text.landing_how) }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.tagline, content),
    ))
}
