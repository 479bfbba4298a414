//! The full-screen front end: the terminal, the driver that runs the wizard's effects, and
//! the view that draws its state.

mod backend;
mod context;
pub mod driver;
mod effects;
mod hyperlinks;
pub mod input;
pub mod terminal;
pub mod ui;

pub use driver::{Context, Input, Interrupted, draw, run};
