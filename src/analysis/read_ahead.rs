//! Migrations read (split and parsed) on every core ahead of the judge, which
//! replays and judges them one after another on its own thread.

use std::borrow::Borrow;
use std::sync::mpsc::channel;
use std::sync::{Condvar, Mutex, PoisonError};

use rayon::prelude::*;

use crate::discover::Migration;
use crate::schema::Epoch;
use crate::sql::{Dialect, ReadAhead};

/// How many files are split and parsed together, on every core.
const CHUNK: usize = 32;

/// How many bytes of migrations may wait for the judge, parsed: enough that the
/// files after a big one (judged a piece at a time, see [`ReadAhead`]) are read
/// on the other core meanwhile, little enough that a long history is never held
/// parsed all at once. A big file counts for nothing here: it waits unparsed.
const READ_AHEAD_BYTES: usize = 4 << 20;

/// Calls `each` with every migration of `migrations`, its position as an epoch
/// and the file it parses to, in order, on this thread: judging and replaying are
/// sequential, each file against the schema the files before it leave. Reading a
/// file needs no schema, so a thread reads files on every core ahead of `each`,
/// at most [`READ_AHEAD_BYTES`] of them (and a chunk more); a file longer than a
/// piece is left to `each` to read a piece at a time (see [`ReadAhead`]).
pub(crate) fn each_parsed<'m, M>(
    migrations: &'m [M],
    dialect: Dialect,
    each: impl FnMut(Epoch, &'m Migration, ReadAhead<'m>),
) where
    M: Borrow<Migration> + Sync,
{
    each_read(migrations, dialect, Migration::sql, each);
}

/// [`each_parsed`], reading `text` of each migration: its bytes as they are,
/// where a way back is read (whatever its extension).
pub(super) fn each_read<'m, M>(
    migrations: &'m [M],
    dialect: Dialect,
    text: fn(&Migration) -> &[u8],
    mut each: impl FnMut(Epoch, &'m Migration, ReadAhead<'m>),
) where
    M: Borrow<Migration> + Sync,
{
    let waiting = Budget::new(READ_AHEAD_BYTES);
    // What a file holds of the budget while it waits parsed.
    let held = |migration: &Migration, file: &ReadAhead<'_>| match file {
        ReadAhead::Parsed(_) => text(migration).len(),
        ReadAhead::InPieces { .. } => 0,
    };
    std::thread::scope(|scope| {
        let (sender, parsed) = channel();
        let waiting = &waiting;
        scope.spawn(move || {
            for chunk in migrations.chunks(CHUNK) {
                if !waiting.wait_below_limit() {
                    return;
                }
                let files: Vec<ReadAhead<'m>> =
                    chunk.par_iter().map(|m| ReadAhead::read(text(m.borrow()), dialect)).collect();
                waiting.take(chunk.iter().zip(&files).map(|(m, file)| held(m.borrow(), file)).sum());
                for file in files {
                    if sender.send(file).is_err() {
                        return;
                    }
                }
            }
        });
        // Whatever ends the judge's loop, even a panic, frees the reader waiting for room.
        let _closes = waiting.closes_on_drop();
        for ((epoch, migration), file) in (0..).zip(migrations).zip(parsed) {
            let bytes = held(migration.borrow(), &file);
            each(epoch, migration.borrow(), file);
            waiting.give(bytes);
        }
    });
}

/// Bytes of parsed files waiting for the judge, shared by the thread that reads
/// them and the judge that frees them.
struct Budget {
    limit: usize,
    state: Mutex<Waiting>,
    freed: Condvar,
}

struct Waiting {
    bytes: usize,
    /// The judge is done (or gone): no room will be freed.
    closed: bool,
}

impl Budget {
    fn new(limit: usize) -> Self {
        Budget { limit, state: Mutex::new(Waiting { bytes: 0, closed: false }), freed: Condvar::new() }
    }

    /// Waits until fewer than `limit` bytes wait; `false` once the judge is gone.
    fn wait_below_limit(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.bytes >= self.limit && !state.closed {
            state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        !state.closed
    }

    fn take(&self, bytes: usize) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).bytes += bytes;
    }

    fn give(&self, bytes: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.bytes = state.bytes.saturating_sub(bytes);
        self.freed.notify_all();
    }

    fn closes_on_drop(&self) -> Closes<'_> {
        Closes(self)
    }
}

/// Closes its budget when dropped (see [`Budget::closes_on_drop`]).
struct Closes<'b>(&'b Budget);

impl Drop for Closes<'_> {
    fn drop(&mut self) {
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.0.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_waits_for_room_and_is_freed_when_the_judge_is_gone() {
        let budget = Budget::new(10);
        assert!(budget.wait_below_limit());
        budget.take(12);
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| budget.wait_below_limit());
            budget.give(5);
            assert!(reader.join().expect("reader"), "room was freed");
        });
        budget.take(20);
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| budget.wait_below_limit());
            drop(budget.closes_on_drop());
            assert!(!reader.join().expect("reader"), "the judge is gone");
        });
    }
}
