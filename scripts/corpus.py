"""The migration folders of ../shared/corpus that the comparison scripts read, by dialect."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
VENV = ROOT / "target" / "bench-venv"
# One list for these scripts and the oracle (examples/oracle): corpus-folders.tsv.
FOLDERS = [
    line.split("\t")
    for line in (ROOT / "scripts" / "corpus-folders.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]
POSTGRES_FOLDERS = [folder for dialect, folder in FOLDERS if dialect == "postgres"]
# dbmate files hold both directions; rollsafe judges the up section only.
DBMATE_FOLDERS = {"supabase__postgres/migrations/db/migrations"}
