//! The MariaDB engine of the differential oracle (`examples/oracle/mariadb.rs`):
//! its unit tests (how a migration reaches the client, sample values, the
//! client's batch cells), without a server, which CI does not start.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly
// The engines' servers are not started here: only their pure parts are tested.
#![allow(dead_code)]

#[path = "../examples/oracle/catalog.rs"]
mod catalog;
#[path = "../examples/oracle/harness.rs"]
mod harness;
#[path = "../examples/oracle/mariadb.rs"]
mod mariadb;
#[path = "../examples/oracle/postgres.rs"]
mod postgres;
