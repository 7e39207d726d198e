//! TEMPORARY: the introduction views and inputs moved to
//! `app::introductions`. This re-export keeps `web::pages::public`
//! compiling until it is moved onto `app::introductions::start`; remove it
//! then, with `pub mod introduction` in `dto/mod.rs`.

pub use crate::app::introductions::NewIntroductionRequest;
