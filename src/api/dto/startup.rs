//! Start-up profiles on the wire: the view now lives with its use cases.

pub use crate::app::startups::StartupView;
