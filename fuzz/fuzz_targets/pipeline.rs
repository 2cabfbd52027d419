//! The whole pipeline on a folder of fuzzed files: discovery, splitting, parsing,
//! replay, rules, verdict and a report. The input's first byte picks the dialect
//! (or none, to detect it), the second the folder's layout, the third the report
//! format; the rest is cut at NUL bytes into up to eight files.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rollsafe::analysis::{Options, check};
use rollsafe::report::{Format, Style, write};

const FORMATS: [Format; 7] = [
    Format::Human,
    Format::Json,
    Format::Gcc,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Markdown,
];

/// One folder per fuzzing process, emptied before each input (in memory where
/// the machine has /dev/shm, since every input writes it afresh).
fn folder() -> &'static Path {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let shm = Path::new("/dev/shm");
            let parent = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
            tempfile::Builder::new().prefix("rollsafe-fuzz").tempdir_in(parent).expect("a temporary folder")
        })
        .path()
}

/// The path of the `index`th file in the layout `layout` picks: each layout's own
/// naming, so discovery takes every path it knows.
fn file_name(layout: u8, index: usize) -> PathBuf {
    let version = index + 1;
    let (up_or_down, pair) = (if index % 2 == 0 { "up" } else { "down" }, index / 2 + 1);
    PathBuf::from(match layout % 7 {
        0 => format!("V{version}__step_{index}.sql"),
        1 => format!("{pair:06}_step.{up_or_down}.sql"),
        2 => format!("2024010100000{version}_step.sql"),
        3 => format!("{version:05}_step.sql"),
        4 => format!("2024-01-01-00000{pair}_step/{up_or_down}.sql"),
        5 => format!("2024010100000{version}_step/migration.sql"),
        _ if index % 3 == 2 => format!("{version:05}_step.go"),
        _ => format!("{version:05}_step.sql"),
    })
}

fn write_folder(layout: u8, files: &[u8]) {
    let folder = folder();
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).expect("the fuzzing folder");
    for (index, bytes) in files.split(|&b| b == 0).take(8).enumerate() {
        let path = folder.join(file_name(layout, index));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a migration's folder");
        }
        std::fs::write(&path, bytes).expect("a migration");
    }
}

fuzz_target!(|input: &[u8]| {
    let [dialect, layout, report, files @ ..] = input else { return };
    write_folder(*layout, files);
    let dialect = (*dialect < 200).then(|| rollsafe_fuzz::dialect_of(*dialect));
    if let Ok(analysis) = check(folder(), &Options::new(dialect)) {
        let format = FORMATS[usize::from(*report) % FORMATS.len()];
        let style = Style { color: *report >= 128, width: 80 };
        write(&analysis, format, "fuzz", style, &mut std::io::sink()).expect("a report written to a sink");
    }
});
