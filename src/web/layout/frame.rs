//! The frame of every page: the document, the navigation that fits the
//! visitor and the language switch.

use maud::{html, Markup, DOCTYPE};

use crate::domain::account::Role;
use crate::web::context::{PageContext, CSRF_FIELD};
use crate::web::text::Language;

/// What the frame of a page needs to know of the request: who is signed in
/// (for the navigation), the CSRF token (for the logout button), where the
/// visitor is and in which language. Kept apart from [`PageContext`] so that
/// error pages, drawn after the handler has gone, get the same frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub role: Option<Role>,
    pub csrf_token: String,
    /// The path, for marking the current navigation link.
    pub path: String,
    /// The path and query to come back to after switching the language.
    pub here: String,
    pub language: Language,
}

/// The document around `content`, with a navigation that fits the visitor.
pub fn page(context: &PageContext, title: &str, content: Markup) -> Markup {
    framed_page(&context.frame(), title, content)
}

/// [`page`] from a [`Frame`].
pub fn framed_page(frame: &Frame, title: &str, content: Markup) -> Markup {
    let text = &frame.language.text().common;
    let onboarding = &frame.language.text().onboarding;
    let imports = &frame.language.text().imports;
    let role = frame.role;
    let links: Vec<(&str, &str)> = match role {
        None => vec![("/challenges", text.nav_challenges)],
        Some(Role::Startup) => vec![
            ("/challenges", text.nav_challenges),
            ("/matches", text.nav_matches),
            ("/profile", text.nav_profile),
            ("/introductions", text.nav_introductions),
            ("/saved-searches", text.nav_saved_searches),
            ("/notifications", text.nav_notifications),
        ],
        Some(Role::Procurement) => vec![
            ("/challenges", text.nav_challenges),
            ("/my/challenges", text.nav_my_challenges),
            ("/my/challenges/new", text.nav_post_challenge),
            ("/introductions", text.nav_introductions),
            ("/notifications", text.nav_notifications),
        ],
        Some(Role::RomOfficer) => vec![
            ("/dashboard", text.nav_dashboard),
            ("/region/startups", text.nav_region_startups),
            ("/region/invitations", onboarding.nav_invitations),
            ("/import", imports.nav_import),
            ("/challenges", text.nav_challenges),
            ("/introductions", text.nav_introductions),
            ("/notifications", text.nav_notifications),
        ],
        Some(Role::Admin) => vec![
            ("/dashboard", text.nav_dashboard),
            ("/admin/users", text.nav_users),
            ("/admin/organisations", onboarding.nav_organisations),
            ("/admin/invitations", onboarding.nav_invitations),
            ("/import", imports.nav_import),
            ("/admin/audit", text.nav_audit),
            ("/challenges", text.nav_challenges),
            ("/introductions", text.nav_introductions),
        ],
    };
    let current = frame.path.as_str();
    let body = html! {
        header.site-header {
            a.brand href="/" { (text.site_name) }
            nav aria-label=(text.main_navigation) {
                ul {
                    @for (href, label) in &links {
                        @let is_current = current == *href
                            || (*href != "/" && current.starts_with(&format!("{href}/")));
                        li { a href=(href) aria-current=[is_current.then_some("page")] { (label) } }
                    }
                }
            }
            div.account {
                @if role.is_some() {
                    a href="/account" { (frame.language.text().privacy.account_link) }
                    " "
                    a href="/account/password" { (text.nav_password) }
                    " "
                    form method="post" action="/logout" {
                        input type="hidden" name=(CSRF_FIELD) value=(frame.csrf_token);
                        button.link type="submit" { (text.log_out) }
                    }
                } @else {
                    a href="/login" { (text.log_in) }
                    " "
                    a.button href="/register" { (text.register) }
                }
                " "
                (language_switch(frame))
            }
        }
        main id="content" { (content) }
    };
    document(frame.language, title, body)
}

/// The link to the page in the other language, named in that language (and
/// marked as such, so a screen reader pronounces it right).
fn language_switch(frame: &Frame) -> Markup {
    let other = frame.language.other();
    let back: String = form_urlencoded::byte_serialize(frame.here.as_bytes()).collect();
    let href = format!("/language?to={}&back={back}", other.code());
    html! {
        a.language-switch href=(href) lang=(other.code()) hreflang=(other.code()) {
            (other.text().common.language_name)
        }
    }
}

/// A page without navigation, for errors rendered where no visitor is known.
pub fn bare_page(title: &str, content: Markup) -> Markup {
    bare_page_in(Language::English, title, content)
}

/// A page without navigation, in `language`.
pub fn bare_page_in(language: Language, title: &str, content: Markup) -> Markup {
    let body = html! {
        header.site-header { a.brand href="/" { (language.text().common.site_name) } }
        main id="content" { (content) }
    };
    document(language, title, body)
}

fn document(language: Language, title: &str, body: Markup) -> Markup {
    let text = &language.text().common;
    html! {
        (DOCTYPE)
        html lang=(language.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (text.site_name) }
                link rel="stylesheet" href=(crate::web::assets::STYLESHEET_PATH);
                script src=(crate::web::assets::SCRIPT_PATH) defer {}
            }
            body {
                a.skip-link href="#content" { (text.skip_to_content) }
                (body)
                footer.site-footer { p { (text.footer) } }
            }
        }
    }
}
