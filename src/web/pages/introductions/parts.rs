//! The parts of an introduction that the list and the detail page both
//! draw: its facts, its contacts, and the button of one move.

use maud::{html, Markup};

use crate::app::introductions::IntroductionView;
use crate::domain::introduction::IntroductionAction;
use crate::web::context::PageContext;
use crate::web::layout::{csrf_field, human_date};
use crate::web::pages::startup::done_flash;
use crate::web::text::startup::name_of;

/// The message of a move or note just made (`?done=`).
pub(super) fn flash_of(context: &PageContext) -> Markup {
    let text = &context.text.startup;
    done_flash(context, &[("moved", text.moved), ("note", text.note_added)])
}

/// The challenge's title, linked, or a plain phrase when the user may not see it.
pub(super) fn challenge_title(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let challenge = &introduction.challenge;
    html! {
        @match (&challenge.title, challenge.visible) {
            (Some(title), true) => a href=(format!("/challenges/{}", challenge.id)) { (title) },
            _ => (context.text.startup.challenge_hidden),
        }
    }
}

/// The start-up as this user may see it: its name, or the anonymous card.
fn startup_name(context: &PageContext, introduction: &IntroductionView) -> String {
    introduction
        .startup
        .name
        .clone()
        .unwrap_or_else(|| context.text.startup.anonymous_startup.to_owned())
}

/// The facts of an introduction: state, origin, the two parties.
pub(super) fn facts(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let text = &context.text.startup;
    let state = introduction.state.as_str();
    html! {
        dl.facts {
            dt { (text.state_label) }
            dd { span.state data-state=(state) { (name_of(text.states, state)) } }
            dt { (text.origin_label) }
            dd { (name_of(text.origins, introduction.origin.as_str())) " · " (text.started_on) " " (human_date(introduction.created_at, context.language)) }
            dt { (text.startup_label) }
            dd {
                (startup_name(context, introduction))
                @if introduction.startup.anonymised { br; span.meta { (text.anonymous_until_accepted) } }
            }
            dt { (text.procurement_label) }
            dd {
                (introduction.challenge.organisation_name.clone().unwrap_or_else(|| text.challenge_hidden.to_owned()))
            }
        }
    }
}

/// The contacts, once both sides accepted; a plain note before.
pub(super) fn contacts(context: &PageContext, introduction: &IntroductionView) -> Markup {
    let text = &context.text.startup;
    let startup = &introduction.startup;
    html! {
        @if introduction.contacts_revealed {
            div.contacts {
                h3 { (text.contacts_heading) }
                dl {
                    dt { (text.startup_contact) }
                    dd {
                        (startup.contact_name.clone().unwrap_or_else(|| startup_name(context, introduction)))
                        @if let Some(email) = &startup.contact_email {
                            " · " a href=(format!("mailto:{}", email.as_str())) { (email.as_str()) }
                        }
                        @if let Some(phone) = &startup.contact_phone { " · " (phone) }
                    }
                    @if let Some(contact) = &introduction.procurement_contact {
                        dt { (text.procurement_contact) }
                        dd {
                            (contact.name) " · "
                            a href=(format!("mailto:{}", contact.email)) { (contact.email) }
                        }
                    }
                }
            }
        } @else {
            p.meta { (text.contacts_hidden) }
        }
    }
}

/// A button for one move of the user's side, in its own small form.
pub(super) fn move_button(
    context: &PageContext,
    introduction: &IntroductionView,
    action: IntroductionAction,
    back: &str,
    extra: Markup,
) -> Markup {
    let label = name_of(context.text.startup.actions, action.as_str());
    let secondary = matches!(
        action,
        IntroductionAction::Decline | IntroductionAction::Withdraw
    );
    html! {
        form.move method="post" action=(format!("/introductions/{}/move", introduction.id)) {
            (csrf_field(context))
            input type="hidden" name="action" value=(action.as_str());
            input type="hidden" name="version" value=(introduction.version);
            input type="hidden" name="back" value=(back);
            (extra)
            button class=[secondary.then_some("secondary")] type="submit" data-action=(action.as_str()) { (label) }
        }
    }
}
