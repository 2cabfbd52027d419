"""The PostgreSQL migration folders of ../shared/corpus that the comparison scripts read."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
VENV = ROOT / "target" / "bench-venv"
POSTGRES_FOLDERS = [
    "rust-lang__crates.io/migrations",
    "goharbor__harbor/make/migrations/postgresql",
    "langfuse__langfuse/packages/shared/prisma/migrations",
    "authelia__authelia/internal/storage/migrations/postgres",
    "mckaywrigley__chatbot-ui/supabase/migrations",
    "supabase__postgres/migrations/db/migrations",
    "MarquezProject__marquez/api/src/main/resources/marquez/db/migration",
    "OHDSI__WebAPI/src/main/resources/db/migration/postgresql",
    "DSpace__DSpace/dspace-api/src/main/resources/org/dspace/storage/rdbms/sqlmigration/postgres",
    "atuinsh__atuin/crates/atuin-server-postgres/migrations",
    "chef__chef-server/src/oc_erchef/schema",
    "chef__chef-server/src/oc_bifrost/schema",
]
# dbmate files hold both directions; rollsafe judges the up section only.
DBMATE_FOLDERS = {"supabase__postgres/migrations/db/migrations"}
