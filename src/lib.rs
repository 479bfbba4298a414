//! ona-connect: a terminal wizard that creates an Infisical App Connection for Ona.
#![forbid(unsafe_code)]

pub mod sandbox;
pub mod validate;
