//! Stage 3: replay the schema that migrations build, and compare two schemas.

mod diff;
mod indexes;
mod model;
mod replay;
mod snapshot;
mod types;

pub use diff::{Difference, Subject, breaking_differences};
pub use indexes::Indexes;
pub use model::{Column, Constraint, Epoch, Function, Index, ObjectId, Schema, Table, UserType, View};
pub use snapshot::Snapshot;
pub use types::{Conversion, TypeChange, compare_types, convert};
