//! ona-connect: a terminal wizard that creates an Infisical App Connection for Ona.
#![forbid(unsafe_code)]

pub mod validate;

// The test double the client, the end-to-end tests and `ona-connect demo` run against.
pub mod sandbox;
