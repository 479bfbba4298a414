//! ona-connect: a terminal wizard that creates an Infisical App Connection for Ona.
#![forbid(unsafe_code)]

pub mod infisical;
pub mod sanitize;
pub mod secret;
pub mod validate;
