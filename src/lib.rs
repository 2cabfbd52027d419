//! rollsafe: static analysis of SQL migrations for safe rollbacks.
//!
//! Data flows one way through the stages:
//! [`discover`] migrations → [`sql`] split, parse and lower statements →
//! [`schema`] replay → [`classify`] (the engine the [`rules`] plug into) →
//! [`evidence`] from release A's code → [`verdict`] → [`report`].
//! [`analysis`] runs them in order; [`cli`] is the command line; [`lsp`] the
//! language server that judges a migration in the editor.

pub mod analysis;
pub mod classify;
pub mod cli;
pub mod config;
pub mod discover;
pub mod evidence;
pub mod lsp;
pub mod report;
pub mod rules;
pub mod schema;
pub mod sql;
pub mod verdict;
