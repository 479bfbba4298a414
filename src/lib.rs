//! ona-connect: a terminal wizard that creates an Infisical App Connection for Ona.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod cli_login;
pub mod commands;
pub mod config;
pub mod guide;
pub mod hardening;
pub mod infisical;
pub mod links;
pub mod ona;
pub mod plain;
pub mod prompt;
pub mod run;
pub mod sandbox;
pub mod sanitize;
pub mod secret;
pub mod terminal;
pub mod ui;
pub mod validate;
pub mod wizard;
