//! The mark buttons of a match (Interesting / Not relevant, or the mark and
//! the button that takes it back), shared by the start-up's matches page
//! and procurement's candidates page. The rule of who may mark is the
//! server's (`domain::policy::marks`); these only post to a page that asks it.

use maud::{html, Markup};

use super::context::PageContext;
use super::error::WebError;
use super::layout::csrf_field;
use crate::domain::mark::Mark;

/// The words of the mark buttons, in the reader's language.
pub struct MarkWords {
    /// The group's accessible name.
    pub label: &'static str,
    pub interesting: &'static str,
    pub not_relevant: &'static str,
    pub undo: &'static str,
    /// Shown instead of the buttons once marked interesting.
    pub marked_interesting: &'static str,
}

/// The caller's mark on one match, posted to `action`: the two buttons, or
/// the mark with a button to take it back.
pub fn mark_buttons(
    context: &PageContext,
    action: &str,
    mark: Option<Mark>,
    words: &MarkWords,
) -> Markup {
    html! {
        div.mark-actions role="group" aria-label=(words.label) {
            @if mark == Some(Mark::Interesting) {
                p.flash role="status" { (words.marked_interesting) }
                (mark_form(context, action, None, words.undo))
            } @else {
                (mark_form(context, action, Some(Mark::Interesting), words.interesting))
                (mark_form(context, action, Some(Mark::NotRelevant), words.not_relevant))
            }
        }
    }
}

/// A one-button form that sets `mark` (`None`: takes the mark back).
pub fn mark_form(context: &PageContext, action: &str, mark: Option<Mark>, label: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (csrf_field(context))
            input type="hidden" name="mark" value=(mark.map_or(NO_MARK, Mark::as_str));
            button type="submit" { (label) }
        }
    }
}

/// The form value that takes a mark back.
const NO_MARK: &str = "none";

/// The mark a form posted: `Ok(None)` to take it back; a value no button
/// sends is "not found", like a hand-made URL.
pub fn posted_mark(value: &str) -> Result<Option<Mark>, WebError> {
    match value {
        NO_MARK => Ok(None),
        raw => raw
            .parse::<Mark>()
            .map(Some)
            .map_err(|_| WebError::not_found()),
    }
}
