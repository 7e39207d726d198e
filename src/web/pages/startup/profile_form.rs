//! How the profile form is drawn: the company, location, maturity and
//! contact sections beside the live preview of its matches.

use maud::{html, Markup};

use super::profile_draft::ProfileDraft;
use crate::domain::readiness::Trl;
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::layout::{
    csrf_field, done_flash, form_error_summary, page, province_options, select_field,
    technology_checkboxes, text_area, text_input, FormErrors,
};

fn country_options(context: &PageContext, selected: &str) -> Markup {
    let text = &context.text.startup;
    let selected = selected.trim().to_uppercase();
    let known = text.countries.iter().any(|(code, _)| *code == selected);
    html! {
        @for (code, name) in text.countries {
            option value=(code) selected[*code == selected] { (name) }
        }
        // A country outside the short list stays what it was.
        @if !known && !selected.is_empty() {
            option value=(selected) selected { (selected) }
        }
    }
}

fn trl_options(context: &PageContext, selected: &str) -> Markup {
    let selected = selected.trim();
    html! {
        option value="" selected[selected.is_empty()] { (context.text.startup.trl_not_given) }
        @for level in Trl::all() {
            @let value = level.get().to_string();
            option value=(value) selected[value == selected] {
                "TRL " (value) " – " (level.description())
            }
        }
    }
}

fn abdo_options(context: &PageContext, selected: &str) -> Markup {
    html! {
        option value="" selected[selected.is_empty()] { (context.text.startup.abdo_none) }
        @for level in AbdoLevel::ALL {
            option value=(level.as_str()) selected[level.as_str() == selected] {
                (level.as_str()) " – " (level.name())
            }
        }
    }
}

fn export_checkboxes(context: &PageContext, draft: &ProfileDraft, errors: &FormErrors) -> Markup {
    let name = "export_control_categories";
    let error = errors.for_field(name);
    html! {
        fieldset.field.has-error[error.is_some()] id=(name) {
            legend { (context.text.startup.export_legend) }
            div.checkbox-grid {
                @for category in ExportControlCategory::all() {
                    @let value = category.get().to_string();
                    @let id = format!("{name}-{value}");
                    label for=(id) {
                        input type="checkbox" id=(id) name=(name) value=(value)
                            checked[draft.export_control_categories.contains(&value)];
                        " " (value) " – " (category.description())
                    }
                }
            }
            p.field-error id=(format!("error-{name}")) data-error-for=(name) aria-live="polite" {
                @if let Some(error) = error { (error) }
            }
        }
    }
}

/// The profile form beside the live preview of its matches.
pub fn profile_form(
    context: &PageContext,
    draft: &ProfileDraft,
    suggested: &[Technology],
    preview: Markup,
    errors: &FormErrors,
) -> Markup {
    let text = &context.text.startup;
    let creating = draft.version.is_none();
    let heading = if creating {
        text.profile_new_heading
    } else {
        text.profile_edit_heading
    };
    let content = html! {
        (done_flash(context, &[("saved", text.profile_saved)]))
        h1 { (heading) }
        p.lead { (if creating { text.profile_new_intro } else { text.profile_edit_intro }) }
        (form_error_summary(errors, context.language))
        div.profile-layout {
            form.profile-form method="post" action="/profile" novalidate
                data-live-preview="/profile/preview" data-preview-target="#match-preview" {
                (csrf_field(context))
                @if let Some(version) = draft.version {
                    input type="hidden" name="version" value=(version);
                }
                section.card aria-labelledby="company-heading" {
                    h2 id="company-heading" { (text.company_heading) }
                    (text_input("name", text.name_label, &draft.name, None, errors, "text"))
                    (text_input("kvk_number", text.kvk_label, &draft.kvk_number, Some(text.kvk_hint), errors, "text"))
                    (text_input("website", text.website_label, &draft.website, Some(text.website_hint), errors, "url"))
                    (text_area("description", text.description_label, &draft.description, Some(text.description_hint), errors, 8))
                    (text_input("keywords", text.keywords_label, &draft.keywords, Some(text.keywords_hint), errors, "text"))
                    (technology_checkboxes("technologies", text.technologies_legend, &draft.technologies, suggested, errors, context.language))
                }
                section.card aria-labelledby="location-heading" {
                    h2 id="location-heading" { (text.location_heading) }
                    (select_field("country", text.country_label, None, errors, country_options(context, &draft.country)))
                    (select_field("province", text.province_label, Some(text.province_hint), errors,
                        province_options(draft.province.parse().ok(), text.no_province)))
                    (text_input("city", text.city_label, &draft.city, None, errors, "text"))
                }
                section.card aria-labelledby="maturity-heading" {
                    h2 id="maturity-heading" { (text.maturity_heading) }
                    (select_field("trl", text.trl_label, None, errors, trl_options(context, &draft.trl)))
                    (text_input("employees", text.employees_label, &draft.employees, None, errors, "number"))
                    (text_input("founded_year", text.founded_label, &draft.founded_year, None, errors, "number"))
                    div.field.checkbox {
                        input type="checkbox" id="dual_use" name="dual_use" value="true" checked[draft.dual_use];
                        " "
                        label for="dual_use" { (text.dual_use_label) }
                    }
                    (select_field("abdo_clearance", text.abdo_label, None, errors, abdo_options(context, &draft.abdo_clearance)))
                    (export_checkboxes(context, draft, errors))
                }
                section.card aria-labelledby="contact-heading" {
                    h2 id="contact-heading" { (text.contact_heading) }
                    p.hint { (text.contact_hint) }
                    (text_input("contact_name", text.contact_name_label, &draft.contact_name, None, errors, "text"))
                    (text_input("contact_email", text.contact_email_label, &draft.contact_email, None, errors, "email"))
                    (text_input("contact_phone", text.contact_phone_label, &draft.contact_phone, None, errors, "tel"))
                }
                button type="submit" { (if creating { text.create_button } else { text.save_button }) }
            }
            aside.card.preview-panel aria-labelledby="preview-heading" {
                h2 id="preview-heading" { (text.preview_heading) }
                p.meta { (text.preview_intro) }
                div.preview id="match-preview" aria-live="polite" { (preview) }
            }
        }
    };
    page(context, heading, content)
}
