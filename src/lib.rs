//! ona-connect: a terminal wizard that creates an Infisical App Connection for Ona.
//!
//! How the code is laid out, from the outside in:
//! - front door: [`cli`] (the command line) and [`run`] (what each command does);
//! - front ends: [`tui`] (the full-screen wizard: terminal, driver, view), [`plain`] (line
//!   by line prompts) and [`commands`] (create, list, rotate, status for scripts);
//! - core: [`session`] (the rules all front ends share) and [`wizard`] (the wizard's pure
//!   state machine);
//! - services: [`infisical`] and [`ona`] (the two APIs), [`config`] (settings and the config
//!   file), [`cli_login`] (the Infisical CLI's login);
//! - the [`sandbox`]: an Infisical and Ona look-alike on 127.0.0.1 for the demo and tests;
//! - small shared pieces: [`secret`], [`sanitize`], [`validate`], [`guide`], [`links`],
//!   [`hardening`], `signals`.
#![forbid(unsafe_code)]

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
pub mod session;
mod signals;
pub mod tui;
pub mod validate;
pub mod wizard;
#[cfg(test)]
mod wizard_tests;
