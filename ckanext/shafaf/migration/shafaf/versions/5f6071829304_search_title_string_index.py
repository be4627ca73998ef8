"""search: btree index on title_string, for pages sorted by title

Revision ID: 5f6071829304
Revises: 4e5f60718293
Create Date: 2026-12-02 19:30:00

"""
from alembic import op

revision = "5f6071829304"
down_revision = "4e5f60718293"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `sort=title_string asc` (CKAN's "name ascending" on the search page)
    # reads the page in this index's order and stops after it, instead of
    # sorting every hit (search/executor.py: INDEXED_SORTS).
    op.execute("CREATE INDEX IF NOT EXISTS shafaf_search_doc_title_string_idx "
               "ON shafaf_search_doc (title_string)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS shafaf_search_doc_title_string_idx")
