//! Paths as the user would open them from the working directory: what every
//! report shows, whether a file was read from disk or from a git revision (a file
//! at a revision is shown at its place in the working tree; the revision is said
//! apart from the path, never glued to it).

use std::path::{Component, Path, PathBuf};

/// `path` as the user would open it from `cwd`: relative when both are absolute on
/// the same root (`db/migrations`, `../db/migrations`, `.`), else as it is.
pub fn as_seen_from(path: &Path, cwd: &Path) -> PathBuf {
    let same_root = path.components().next() == cwd.components().next();
    if !path.is_absolute() || !cwd.is_absolute() || !same_root {
        return path.to_path_buf();
    }
    let (mut rest, mut from) = (path.components().peekable(), cwd.components().peekable());
    while rest.peek().is_some() && rest.peek() == from.peek() {
        rest.next();
        from.next();
    }
    let relative: PathBuf = from.map(|_| Component::ParentDir).chain(rest).collect();
    if relative.as_os_str().is_empty() { PathBuf::from(".") } else { relative }
}

/// The working directory, resolved: the base of every path shown.
pub(crate) fn working_directory() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    cwd.canonicalize().unwrap_or(cwd)
}

/// The file a path shown from the working directory names, absolute and
/// without `..`: shown paths are made from resolved folders, so their `..` can be
/// taken away by name.
pub fn opened(shown: &str) -> PathBuf {
    let mut path = working_directory();
    for part in Path::new(shown).components() {
        match part {
            Component::ParentDir => {
                path.pop();
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    path
}

/// How the paths of one repository (`/`-separated, from its root) are shown from
/// the working directory, worked out once for the repository: a tree of tens of
/// thousands of files shows each with a few string operations.
#[derive(Debug, Clone)]
pub(crate) struct ShownFrom {
    place: Place,
}

#[derive(Debug, Clone)]
enum Place {
    /// The working directory is in the repository, this far below its root.
    Inside(Vec<String>),
    /// The working directory is elsewhere: the root as seen from it.
    Outside(String),
}

impl ShownFrom {
    /// Paths under `root` (canonical), shown from `cwd` (canonical); with no
    /// root (a bare repository), as they are in the repository.
    pub(crate) fn new(root: Option<&Path>, cwd: &Path) -> ShownFrom {
        let place = match root {
            None => Place::Inside(Vec::new()),
            Some(root) => match cwd.strip_prefix(root) {
                Ok(below) => Place::Inside(
                    below.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect(),
                ),
                Err(_) => Place::Outside(slashed(&as_seen_from(root, cwd))),
            },
        };
        ShownFrom { place }
    }

    /// `in_repository` (`/`-separated, from the root; empty for the root) as the
    /// user would open it.
    pub(crate) fn show(&self, in_repository: &str) -> String {
        let parts = in_repository.split('/').filter(|part| !part.is_empty() && *part != ".");
        match &self.place {
            Place::Inside(below) => {
                let parts: Vec<&str> = parts.collect();
                let shared = below.iter().zip(&parts).take_while(|(a, b)| a == *b).count();
                let up = std::iter::repeat_n("..", below.len() - shared);
                let shown: Vec<&str> = up.chain(parts[shared..].iter().copied()).collect();
                if shown.is_empty() { ".".to_owned() } else { shown.join("/") }
            }
            Place::Outside(root) => std::iter::once(root.as_str()).chain(parts).collect::<Vec<_>>().join("/"),
        }
    }
}

/// A path, `/`-separated.
fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_a_repository_are_shown_from_the_working_directory() {
        let root = Path::new("/r");
        let at_root = ShownFrom::new(Some(root), root);
        assert_eq!(at_root.show("db/migrations/1_a.sql"), "db/migrations/1_a.sql");
        assert_eq!(at_root.show(""), ".");
        let in_db = ShownFrom::new(Some(root), Path::new("/r/db"));
        assert_eq!(in_db.show("db/migrations/1_a.sql"), "migrations/1_a.sql");
        assert_eq!(in_db.show("db"), ".");
        assert_eq!(in_db.show("src/app.ts"), "../src/app.ts");
        let deep = ShownFrom::new(Some(root), Path::new("/r/src/lib"));
        assert_eq!(deep.show("db/migrations/1_a.sql"), "../../db/migrations/1_a.sql");
        assert_eq!(deep.show("src/app.ts"), "../app.ts");
        let outside = ShownFrom::new(Some(root), Path::new("/elsewhere"));
        assert_eq!(outside.show("db/1_a.sql"), "../r/db/1_a.sql");
        let bare = ShownFrom::new(None, Path::new("/elsewhere"));
        assert_eq!(bare.show("db/1_a.sql"), "db/1_a.sql");
    }

    #[test]
    fn a_shown_path_opens_the_file_it_names() {
        let cwd = working_directory();
        let parent = cwd.parent().unwrap_or(&cwd).to_path_buf();
        assert_eq!(opened("../x/y.sql"), parent.join("x/y.sql"));
        assert_eq!(opened("./y.sql"), cwd.join("y.sql"));
        assert_eq!(opened("/abs/y.sql"), PathBuf::from("/abs/y.sql"));
    }

    #[test]
    fn a_path_is_seen_relative_to_the_working_directory() {
        let cwd = Path::new("/r/src");
        assert_eq!(as_seen_from(Path::new("/r/db/m"), cwd), PathBuf::from("../db/m"));
        assert_eq!(as_seen_from(Path::new("/r/src"), cwd), PathBuf::from("."));
        assert_eq!(as_seen_from(Path::new("db/m"), cwd), PathBuf::from("db/m"));
    }
}
