"""search: each list value once in the searched document

Revision ID: 6071829304a5
Revises: 5f6071829304
Create Date: 2026-12-02 20:00:00

"""
from alembic import op

revision = "6071829304a5"
down_revision = "5f6071829304"
branch_labels = None
depends_on = None

# Rows indexed before search/documents.distinct_values held a value as often
# as the dataset had it (`res_format: ["CSV", "CSV"]`). Facets now count a
# dataset by counting its values, so those lists are rewritten here, keeping
# the first of each value (the text jsonb_array_elements_text prints), in
# order; no reindex is needed. The facet-count trigger de-duplicates on its
# own: its counts do not change.
DISTINCT_LISTS = """
    UPDATE shafaf_search_doc d SET doc = (
        SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) <> 'array' THEN v ELSE (
            SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM (
                SELECT DISTINCT ON (e #>> '{}') e, n
                FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, n)
                ORDER BY e #>> '{}', n) first_of_each) END)
        FROM jsonb_each(d.doc) AS f(k, v))
    WHERE EXISTS (
        SELECT 1 FROM jsonb_each(d.doc) AS f(k, v)
        WHERE jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > (
            SELECT count(DISTINCT e #>> '{}')
                   + least(count(*) FILTER (WHERE e #>> '{}' IS NULL), 1)
            FROM jsonb_array_elements(v) AS e))
"""


def upgrade() -> None:
    op.execute(DISTINCT_LISTS)


def downgrade() -> None:
    """Nothing to undo: the lists match what they matched before."""
