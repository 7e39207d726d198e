//! Response bodies. They are built from rows and domain types with `From`,
//! so a database column can change without changing the API by accident.

pub mod account;
pub mod challenge;
pub mod introduction;
pub mod startup;
pub mod taxonomy;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use crate::db::Page;

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

/// Largest page size.
pub const MAX_PER_PAGE: i64 = 100;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: i64 = 20;

/// Which page to return.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl PageQuery {
    /// The page asked for by `page` and `per_page`, checked.
    pub fn checked(page: Option<i64>, per_page: Option<i64>) -> Result<Page, ApiError> {
        PageQuery { page, per_page }.page()
    }

    /// The page, checked.
    pub fn page(self) -> Result<Page, ApiError> {
        let number = self.page.unwrap_or(1);
        let size = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=100_000).contains(&number) {
            return Err(ApiError::invalid(
                "page",
                "page must be between 1 and 100000",
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&size) {
            return Err(ApiError::invalid(
                "per_page",
                format!("per_page must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(Page { number, size })
    }
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
