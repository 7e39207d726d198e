//! Accounts: registration and e-mail verification, sessions (login,
//! tokens), single sign-on, users and organisations.

pub mod invitations;
pub mod passwords;
pub mod registration;
mod registration_mail;
pub mod session_cache;
pub mod sessions;
pub mod single_sign_on;
mod view;

// ---- users and organisations
pub mod organisations;
pub mod users;

pub use self::view::{
    CreateOrganisationRequest, CreateUserRequest, LoginRequest, MeView, OrganisationView,
    RegisterRequest, UpdateOrganisationRequest, UpdateUserRequest, UserView,
};
