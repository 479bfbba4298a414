//! Everything that talks to Infisical.

pub mod client;
pub mod domain;
pub mod error;
mod lenient;
pub mod model;
mod transport;

pub use client::{Client, ClientOptions, CreateError, Created, Credentials, RetryPolicy, Timeouts};
pub use domain::{Domain, DomainError, EU_CLOUD, US_CLOUD};
pub use error::{ApiError, ApiMessage, Error, Issue};
pub use model::{AppConnection, CreateRequest, Organization, Project, UpdateRequest, User};
