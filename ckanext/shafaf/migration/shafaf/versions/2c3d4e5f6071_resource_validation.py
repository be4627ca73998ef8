"""validation reports of uploaded tables, one row per resource

Revision ID: 2c3d4e5f6071
Revises: 1b2c3d4e5f60
Create Date: 2026-12-01 20:45:00

"""
from alembic import op

revision = "2c3d4e5f6071"
down_revision = "1b2c3d4e5f60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The report can hold 1,000 row errors: kept here, not in the resource's
    # extras, so package_show and the search index stay small. The resource
    # carries only its status; `loaded_sha256` says which file's rows the
    # DataStore holds, so a bad replacement never drops the last good rows.
    op.execute("""
    CREATE TABLE shafaf_resource_validation (
        resource_id text PRIMARY KEY,
        package_id text NOT NULL,
        table_schema text NOT NULL,
        status text NOT NULL,
        file_sha256 text,
        file_size bigint,
        report jsonb NOT NULL DEFAULT '{}'::jsonb,
        datastore_status text NOT NULL DEFAULT 'not_loaded',
        loaded_sha256 text,
        loaded_rows bigint NOT NULL DEFAULT 0,
        loaded_at timestamptz,
        validated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shafaf_resource_validation_status_check
            CHECK (status IN ('pending', 'valid', 'invalid', 'error')),
        CONSTRAINT shafaf_resource_validation_datastore_check
            CHECK (datastore_status IN ('loaded', 'kept_previous', 'not_loaded', 'failed'))
    )""")
    op.execute("CREATE INDEX shafaf_resource_validation_package_idx "
               "ON shafaf_resource_validation (package_id)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS shafaf_resource_validation")
