"""create the PostgreSQL search index table

Revision ID: 0a1f3c2d4e5b
Revises:
Create Date: 2026-11-23 12:30:00

"""
from alembic import op

revision = "0a1f3c2d4e5b"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per indexed dataset, kept narrow so searching, counting and
    # faceting never read large values: exact-match fields (`doc`), the
    # Persian-analysed catch-all text (`tsv`) and the columns every search
    # filters or sorts on.
    op.execute("""
    CREATE TABLE shafaf_search_doc (
        id text NOT NULL,
        site_id text NOT NULL,
        name text,
        state text,
        capacity text,
        dataset_type text,
        owner_org text,
        title_string text COLLATE "C",
        metadata_created timestamptz,
        metadata_modified timestamptz,
        permission_labels text[] NOT NULL DEFAULT '{}',
        doc jsonb NOT NULL,
        tsv tsvector NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (id, site_id)
    )""")
    # Compressed but inline: reading a row never needs a TOAST lookup.
    op.execute("ALTER TABLE shafaf_search_doc ALTER COLUMN doc SET STORAGE MAIN, "
               "ALTER COLUMN tsv SET STORAGE MAIN")
    # What a search returns (the whole document CKAN sent, its data_dict
    # blobs) and the per-field text vectors of fielded queries (`title:…`).
    op.execute("""
    CREATE TABLE shafaf_search_stored (
        id text NOT NULL,
        site_id text NOT NULL,
        doc jsonb NOT NULL,
        ftsv jsonb NOT NULL DEFAULT '{}',
        data_dict text,
        validated_data_dict text,
        PRIMARY KEY (id, site_id),
        FOREIGN KEY (id, site_id) REFERENCES shafaf_search_doc (id, site_id)
            ON DELETE CASCADE
    )""")
    op.execute("CREATE INDEX shafaf_search_doc_tsv_idx "
               "ON shafaf_search_doc USING gin (tsv)")
    op.execute("CREATE INDEX shafaf_search_doc_doc_idx "
               "ON shafaf_search_doc USING gin (doc jsonb_path_ops)")
    op.execute("CREATE INDEX shafaf_search_doc_labels_idx "
               "ON shafaf_search_doc USING gin (permission_labels)")
    op.execute("CREATE INDEX shafaf_search_doc_name_idx ON shafaf_search_doc (name)")
    op.execute("CREATE INDEX shafaf_search_doc_modified_idx "
               "ON shafaf_search_doc (metadata_modified DESC NULLS LAST)")
    op.execute("CREATE INDEX shafaf_search_doc_owner_idx ON shafaf_search_doc (owner_org)")
    # Every value of a field, whether the document holds a scalar or a list.
    op.execute("""
    CREATE OR REPLACE FUNCTION shafaf_values(v jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT x FROM jsonb_array_elements_text(
            CASE WHEN v IS NULL THEN '[]'::jsonb
                 WHEN jsonb_typeof(v) = 'array' THEN v
                 WHEN jsonb_typeof(v) = 'null' THEN '[]'::jsonb
                 ELSE jsonb_build_array(v) END) AS x
        WHERE x IS NOT NULL
    $$""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS shafaf_search_stored")
    op.execute("DROP TABLE IF EXISTS shafaf_search_doc")
    op.execute("DROP FUNCTION IF EXISTS shafaf_values(jsonb)")
