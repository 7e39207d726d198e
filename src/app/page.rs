//! Pages of a list: which page a caller asks for, and what a page holds.

use serde::Serialize;
use utoipa::ToSchema;

use super::AppError;
pub use crate::db::Page;
use crate::domain::{Rule, ValidationError};

/// Largest page size.
pub const MAX_PER_PAGE: i64 = 100;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: i64 = 20;
/// Highest page number.
pub const MAX_PAGE: i64 = 100_000;

/// The page asked for by `number` and `per_page` (both optional), checked.
pub fn checked_page(number: Option<i64>, per_page: Option<i64>) -> Result<Page, AppError> {
    let number = number.unwrap_or(1);
    let size = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PAGE).contains(&number) {
        return Err(ValidationError::new(
            "page",
            Rule::OutOfRange {
                min: 1,
                max: MAX_PAGE,
            },
        )
        .into());
    }
    if !(1..=MAX_PER_PAGE).contains(&size) {
        return Err(ValidationError::new(
            "per_page",
            Rule::OutOfRange {
                min: 1,
                max: MAX_PER_PAGE,
            },
        )
        .into());
    }
    Ok(Page { number, size })
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T: ToSchema> {
    pub items: Vec<T>,
    /// The page number, from 1.
    pub page: i64,
    pub per_page: i64,
    /// Items on all pages together.
    pub total: i64,
}

impl<T: ToSchema> Paginated<T> {
    /// A page of `items` out of `total`.
    pub fn new(items: Vec<T>, page: Page, total: i64) -> Self {
        Paginated {
            items,
            page: page.number,
            per_page: page.size,
            total,
        }
    }
}
