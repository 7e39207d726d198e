//! The pieces that forms and lists share: labelled fields with their error
//! beside them, the CSRF field, flash messages and pagers.

use maud::{html, Markup};

use crate::app::AppError;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::web::context::{PageContext, CSRF_FIELD};
use crate::web::text::errors::{app_error_message, rule_message};
use crate::web::text::Language;

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

    /// One error of the whole form, `message`.
    pub fn general_message(message: &str) -> Self {
        FormErrors {
            by_field: Vec::new(),
            general: Some(message.to_owned()),
        }
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
