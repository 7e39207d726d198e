//! Which requests may reuse a recent check of their session, and the
//! middleware that makes every other request forget those checks when it
//! ends (see `auth::principal_cache`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use crate::app::AppState;

/// A request of the API that only reads: `GET` or `HEAD` under `/api/`.
/// No such route changes an account or a session. Everything else may (a
/// logout, an account disabled, a password reset, a page's form, a link
/// from a mail), so it never reuses a check and ends by forgetting them.
pub fn is_api_read(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD) && path.starts_with("/api/")
}

/// Forgets every recent check of a session when a request that may write
/// has been answered, or abandoned: the next read asks the database again.
pub async fn forget_principals_after_writes(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let _forget = (!is_api_read(request.method(), request.path()))
        .then(|| request.app_data::<web::Data<AppState>>().cloned())
        .flatten()
        .map(ForgetOnDrop);
    next.call(request).await
}

/// Forgets when dropped, so that a request whose client went away still
/// counts as a write that ended.
struct ForgetOnDrop(web::Data<AppState>);

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        self.0.principals.forget_all();
    }
}
