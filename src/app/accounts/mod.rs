//! Accounts: sessions (registration, login, tokens), users and
//! organisations.

pub mod invitations;
pub mod passwords;
pub mod sessions;
mod view;

// ---- users and organisations
pub mod organisations;
pub mod users;

pub use self::view::{
    CreateOrganisationRequest, CreateUserRequest, LoginRequest, MeView, OrganisationView,
    RegisterRequest, UpdateUserRequest, UserView,
};
