//! The schema's indexes by name, and by the table they are on: what a table
//! drop, rename or copy needs is found without scanning every index of the schema
//! (once per migration, that made long histories quadratic).

use std::collections::{BTreeMap, HashMap};

use super::model::{Index, push_snug};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indexes {
    by_name: BTreeMap<String, Index>,
    /// The names of `by_name`'s indexes on each table, sorted (a list: most
    /// tables have one or two, which a set would keep in a whole tree node); a
    /// table without any has no entry.
    by_table: HashMap<String, Vec<String>>,
}

impl Indexes {
    pub fn get(&self, name: &str) -> Option<&Index> {
        self.by_name.get(name)
    }

    /// How many indexes there are.
    pub fn count(&self) -> usize {
        self.by_name.len()
    }

    /// The indexes on `table`, by name.
    pub fn on_table<'s>(&'s self, table: &str) -> impl Iterator<Item = (&'s String, &'s Index)> {
        let names = self.by_table.get(table).into_iter().flatten();
        names.filter_map(|name| self.by_name.get_key_value(name))
    }

    /// Adds or replaces the index `name`.
    pub fn insert(&mut self, name: String, index: Index) {
        let table = index.table.clone();
        if let Some(replaced) = self.by_name.insert(name.clone(), index) {
            self.forget_on_table(&replaced.table, &name);
        }
        let names = self.by_table.entry(table).or_default();
        if let Err(at) = names.binary_search(&name) {
            push_snug(names, name);
            names[at..].rotate_right(1);
        }
    }

    /// Adds the index `name` unless there is one by that name.
    pub fn insert_new(&mut self, name: &str, index: &Index) {
        if !self.by_name.contains_key(name) {
            self.insert(name.to_owned(), index.clone());
        }
    }

    pub fn remove(&mut self, name: &str) {
        if let Some(removed) = self.by_name.remove(name) {
            self.forget_on_table(&removed.table, name);
        }
    }

    /// Removes every index on `table` (dropping a table drops its indexes).
    pub fn remove_table(&mut self, table: &str) {
        for name in self.by_table.remove(table).into_iter().flatten() {
            self.by_name.remove(&name);
        }
    }

    /// Moves the indexes on table `from` to table `to`.
    pub fn rename_table(&mut self, from: &str, to: &str) {
        let Some(names) = self.by_table.remove(from) else {
            return;
        };
        for name in &names {
            if let Some(index) = self.by_name.get_mut(name) {
                index.table = to.to_owned();
            }
        }
        let merged = self.by_table.entry(to.to_owned()).or_default();
        if merged.is_empty() {
            *merged = names;
        } else {
            merged.extend(names);
            merged.sort_unstable();
            merged.dedup();
            merged.shrink_to_fit();
        }
    }

    fn forget_on_table(&mut self, table: &str, name: &str) {
        if let Some(names) = self.by_table.get_mut(table) {
            if let Ok(at) = names.binary_search_by(|known| known.as_str().cmp(name)) {
                names.remove(at);
            }
            if names.is_empty() {
                self.by_table.remove(table);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(table: &str) -> Index {
        Index { table: table.into(), unique: false, created: 0 }
    }

    fn names<'s>(indexes: &'s Indexes, table: &str) -> Vec<&'s str> {
        indexes.on_table(table).map(|(name, _)| name.as_str()).collect()
    }

    #[test]
    fn follows_tables_through_replacement_rename_and_drop() {
        let mut indexes = Indexes::default();
        indexes.insert("b_idx".into(), on("t"));
        indexes.insert("a_idx".into(), on("t"));
        indexes.insert("moved".into(), on("t"));
        indexes.insert("moved".into(), on("u"));
        assert_eq!(names(&indexes, "t"), ["a_idx", "b_idx"]);
        indexes.insert_new("moved", &on("t"));
        assert_eq!(names(&indexes, "u"), ["moved"]);

        indexes.rename_table("t", "u");
        assert_eq!(names(&indexes, "u"), ["a_idx", "b_idx", "moved"]);
        assert!(indexes.get("a_idx").is_some_and(|index| index.table == "u"));
        assert!(names(&indexes, "t").is_empty());

        indexes.remove("b_idx");
        indexes.remove_table("u");
        assert_eq!(indexes, Indexes::default());
    }
}
