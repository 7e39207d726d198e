//! TEMPORARY while the pages move onto `app`: form errors from an old API
//! operation's `ApiError`. Removed, with `WebError::Api`, once every page
//! calls `app`; nothing new may use it.

use super::FormErrors;
use crate::api::error::ApiError;
use crate::web::text::errors::sentence;

impl FormErrors {
    /// TEMPORARY: the error of an old API operation.
    pub fn from_api(error: &ApiError, fields: &[&str]) -> Self {
        let message = sentence(&error.message);
        match &error.field {
            Some(field) if fields.contains(&field.as_str()) => FormErrors {
                by_field: vec![(field.clone(), message)],
                general: None,
            },
            _ => FormErrors {
                by_field: Vec::new(),
                general: Some(message),
            },
        }
    }
}
