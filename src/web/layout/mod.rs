//! The frame of every page and the small pieces that forms share: labelled
//! fields with their error beside them, the CSRF field, flash messages.
//!
//! The frame (document and navigation) is in `frame`, the form pieces
//! (fields, their errors, flash messages, pagers) in `fields`, and how
//! dates and matched terms read on a page in `format`.

mod fields;
mod format;
mod frame;

pub use fields::{
    csrf_field, described_by, done_flash, field, flash, form_error_summary, list_url, pager,
    province_options, select_field, technology_checkboxes, technology_options, text_area,
    text_input, FormErrors,
};
pub use format::{deadline_text, euros, highlighted, human_date, human_date_time};
pub use frame::{bare_page, bare_page_in, framed_page, page, Frame};
