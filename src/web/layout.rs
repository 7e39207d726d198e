//! The frame of every page and the small pieces that forms share: labelled
//! fields with their error beside them, the CSRF field, flash messages.

use chrono::{DateTime, Datelike, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::context::{PageContext, CSRF_FIELD};
use super::text::errors::{app_error_message, rule_message};
use super::text::{Language, ENGLISH};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;

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
            ("/challenges", text.nav_challenges),
            ("/introductions", text.nav_introductions),
            ("/notifications", text.nav_notifications),
        ],
        Some(Role::Admin) => vec![
            ("/dashboard", text.nav_dashboard),
            ("/admin/users", text.nav_users),
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
    let body = html! {
        header.site-header { a.brand href="/" { (ENGLISH.common.site_name) } }
        main id="content" { (content) }
    };
    document(Language::English, title, body)
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
                link rel="stylesheet" href=(super::assets::STYLESHEET_PATH);
                script src=(super::assets::SCRIPT_PATH) defer {}
            }
            body {
                a.skip-link href="#content" { (text.skip_to_content) }
                (body)
                footer.site-footer { p { (text.footer) } }
            }
        }
    }
}

/// The hidden field that proves a form came from our own page.
pub fn csrf_field(context: &PageContext) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(context.csrf_token); }
}

/// A message at the top of a page, announced to screen readers.
pub fn flash(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            p.flash role="status" { (message) }
        }
    }
}

/// The flash message that `?done=<code>` in the address asks for, out of
/// `messages` (`(code, message)` pairs): what a finished action left behind.
pub fn done_flash(context: &PageContext, messages: &[(&str, &'static str)]) -> Markup {
    let query = context.query();
    let message = query.get("done").and_then(|done| {
        messages
            .iter()
            .find(|(code, _)| *code == done)
            .map(|(_, message)| *message)
    });
    flash(message)
}

/// A link to the list at `path` with `pairs` as its query; blank values
/// are left out.
pub fn list_url(path: &str, pairs: &[(&str, String)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    format!("{path}?{}", query.finish())
}

/// The links to the pages before and after page `page` of a list; `url`
/// makes the link of a page number.
pub fn pager(
    context: &PageContext,
    page: i64,
    has_next: bool,
    url: impl Fn(i64) -> String,
) -> Markup {
    let common = &context.text.common;
    html! {
        nav.pager aria-label=(common.pages) {
            @if page > 1 { a href=(url(page - 1)) { (common.previous_page) } }
            @if has_next { a href=(url(page + 1)) { (common.next_page) } }
        }
    }
}

/// The errors of a form submission: those of a field of the form (shown
/// beside that field) and the rest (shown above the form).
#[derive(Debug, Default)]
pub struct FormErrors {
    by_field: Vec<(String, String)>,
    general: Option<String>,
}

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        FormErrors::default()
    }

    /// The errors of `error` in `language`; `fields` are the names the
    /// form has inputs for.
    pub fn from_app(error: &AppError, fields: &[&str], language: Language) -> Self {
        let mut errors = FormErrors::default();
        let mut place = |field: Option<&str>, message: String| match field {
            Some(field) if fields.contains(&field) => {
                errors.by_field.push((field.to_owned(), message));
            }
            _ => {
                errors.general.get_or_insert(message);
            }
        };
        match error {
            AppError::Invalid(invalid) => {
                for each in invalid {
                    place(Some(&each.field), rule_message(&each.rule, language));
                }
            }
            AppError::NotFound { field, .. } => place(*field, app_error_message(error, language)),
            AppError::Conflict(conflict) => {
                place(conflict.field(), app_error_message(error, language))
            }
            AppError::InvalidTransition(refused) => {
                place(Some(refused.field()), app_error_message(error, language))
            }
            _ => place(None, app_error_message(error, language)),
        }
        errors
    }

    /// The message to show beside `field`.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.by_field
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    /// The message that belongs to no field of the form.
    pub fn general(&self) -> Option<&str> {
        self.general.as_deref()
    }

    /// Whether there is anything to show.
    pub fn any(&self) -> bool {
        self.general.is_some() || !self.by_field.is_empty()
    }
}

/// The summary above a form that failed: the general error, or a pointer
/// to the fields marked below (in `language`).
pub fn form_error_summary(errors: &FormErrors, language: Language) -> Markup {
    html! {
        @if errors.any() {
            div.error-summary role="alert" {
                @match errors.general() {
                    Some(message) => p { (message) },
                    None => p { (language.text().common.form_has_errors) },
                }
            }
        }
    }
}

/// A labelled field: its label, the control, a hint and the error beside it.
/// The control must carry `id=name` and `aria-describedby=described_by(name)`.
pub fn field(
    name: &str,
    label: &str,
    hint: Option<&str>,
    errors: &FormErrors,
    control: Markup,
) -> Markup {
    let error = errors.for_field(name);
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (label) }
            // Always there (empty without a hint), so that the control's
            // `aria-describedby` never names a missing element.
            p.hint id=(format!("hint-{name}")) { @if let Some(hint) = hint { (hint) } }
            (control)
            p.field-error id=(format!("error-{name}")) data-error-for=(name) aria-live="polite" {
                @if let Some(error) = error { (error) }
            }
        }
    }
}

/// The ids a control of field `name` is described by: its hint and its error.
pub fn described_by(name: &str) -> String {
    format!("hint-{name} error-{name}")
}

/// A one-line text input inside [`field`].
pub fn text_input(
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FormErrors,
    input_type: &str,
) -> Markup {
    let invalid = errors.for_field(name).is_some();
    field(
        name,
        label,
        hint,
        errors,
        html! {
            input type=(input_type) id=(name) name=(name) value=(value)
                aria-describedby=(described_by(name))
                aria-invalid=[invalid.then_some("true")];
        },
    )
}

/// A labelled `<select>` of `options` inside [`field`].
pub fn select_field(
    name: &str,
    label: &str,
    hint: Option<&str>,
    errors: &FormErrors,
    options: Markup,
) -> Markup {
    let invalid = errors.for_field(name).is_some();
    field(
        name,
        label,
        hint,
        errors,
        html! {
            select id=(name) name=(name) aria-describedby=(described_by(name))
                aria-invalid=[invalid.then_some("true")] { (options) }
        },
    )
}

/// A multi-line text input inside [`field`].
pub fn text_area(
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FormErrors,
    rows: u8,
) -> Markup {
    let invalid = errors.for_field(name).is_some();
    field(
        name,
        label,
        hint,
        errors,
        html! {
            textarea id=(name) name=(name) rows=(rows)
                aria-describedby=(described_by(name))
                aria-invalid=[invalid.then_some("true")] { (value) }
        },
    )
}

/// Checkboxes for technology codes, `chosen` ticked and `suggested` marked.
pub fn technology_checkboxes(
    name: &str,
    legend: &str,
    chosen: &[Technology],
    suggested: &[Technology],
    errors: &FormErrors,
    language: Language,
) -> Markup {
    let error = errors.for_field(name);
    html! {
        fieldset.field.technologies.has-error[error.is_some()] id=(name) {
            legend { (legend) }
            div.checkbox-grid {
                @for technology in Technology::ALL {
                    @let id = format!("{name}-{}", technology.as_str());
                    @let is_suggested = suggested.contains(technology);
                    label for=(id) .suggested[is_suggested] {
                        input type="checkbox" id=(id) name=(name) value=(technology.as_str())
                            checked[chosen.contains(technology)];
                        " " (language.technology_name(*technology))
                        @if is_suggested { " " span.badge { (language.text().common.suggested_badge) } }
                    }
                }
            }
            p.field-error id=(format!("error-{name}")) data-error-for=(name) aria-live="polite" {
                @if let Some(error) = error { (error) }
            }
        }
    }
}

/// A `<select>` of provinces with an "any" choice first.
pub fn province_options(selected: Option<Province>, empty_label: &str) -> Markup {
    html! {
        option value="" selected[selected.is_none()] { (empty_label) }
        @for province in Province::ALL {
            option value=(province.as_str()) selected[selected == Some(*province)] { (province.name()) }
        }
    }
}

/// A `<select>` of technologies with an "any" choice first.
pub fn technology_options(
    selected: Option<Technology>,
    empty_label: &str,
    language: Language,
) -> Markup {
    html! {
        option value="" selected[selected.is_none()] { (empty_label) }
        @for technology in Technology::ALL {
            option value=(technology.as_str()) selected[selected == Some(*technology)] { (language.technology_name(*technology)) }
        }
    }
}

/// A date for people: `3 March 2027`, `3 maart 2027`. The month names come
/// from the text, not from chrono, which knows English only.
pub fn human_date(at: DateTime<Utc>, language: Language) -> String {
    let months = &language.text().common.months;
    let month = months
        .get(at.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", at.day(), at.year())
}

/// The deadline line of a challenge: its date and how far off it is.
pub fn deadline_text(
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    language: Language,
) -> String {
    let text = &language.text().common;
    match closes_at {
        None => text.rolling_call.to_owned(),
        Some(at) => {
            let date = human_date(at, language);
            let days = (at - now).num_days();
            if at <= now {
                date
            } else if days < 1 {
                format!("{date} ({})", text.closes_today)
            } else {
                format!("{date} ({days} {})", text.days_left)
            }
        }
    }
}

/// `text` with every occurrence of `terms` (whole words, any case) marked,
/// so a reader sees what the ranking matched on.
pub fn highlighted(text: &str, terms: &[String]) -> Markup {
    let lowered: Vec<String> = terms.iter().map(|term| term.to_lowercase()).collect();
    let mut out = String::with_capacity(text.len() + 64);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        let hit = lowered.iter().any(|term| {
            !term.is_empty()
                && (lower == *term || (term.len() >= 4 && lower.starts_with(term.as_str())))
        });
        let escaped = maud::html! { (word) }.into_string();
        if hit {
            out.push_str("<mark>");
            out.push_str(&escaped);
            out.push_str("</mark>");
        } else {
            out.push_str(&escaped);
        }
        word.clear();
    };
    for character in text.chars() {
        if character.is_alphanumeric() {
            word.push(character);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&maud::html! { (character) }.into_string());
        }
    }
    flush(&mut word, &mut out);
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_written_in_the_language_of_the_page() {
        let at = Utc
            .with_ymd_and_hms(2027, 3, 3, 12, 0, 0)
            .single()
            .expect("a valid date");
        assert_eq!(human_date(at, Language::English), "3 March 2027");
        assert_eq!(human_date(at, Language::Dutch), "3 maart 2027");
        let later = at + chrono::Duration::days(12);
        assert_eq!(
            deadline_text(Some(later), at, Language::Dutch),
            "15 maart 2027 (12 dagen te gaan)"
        );
        assert_eq!(
            deadline_text(None, at, Language::Dutch),
            "Doorlopende oproep, zonder deadline"
        );
    }
}
