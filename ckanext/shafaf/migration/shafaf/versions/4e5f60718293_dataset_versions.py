"""dataset versions: the data (resource files) of each change of a dataset

Revision ID: 4e5f60718293
Revises: 3d4e5f607182
Create Date: 2026-12-02 07:30:00

"""
from alembic import op

revision = "4e5f60718293"
down_revision = "3d4e5f607182"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # CKAN's activity stream keeps old metadata but serves the newest file
    # (ckan/ckan#5904). A version is the dataset's resource files at one
    # moment; the files themselves are content-addressed blobs on disk
    # (ckanext/shafaf/versions/store.py), shared by versions that did not
    # change them. `fingerprint` lets a capture that changes nothing stop.
    # A file row has `url` for a link-only resource, else `sha256` and
    # `blob_path` (relative to the blob root); `file_name` is the name the
    # file is served under, `table_schema` how its rows are read for a diff.
    op.execute("""
    CREATE TABLE shafaf_dataset_version (
        id text PRIMARY KEY,
        package_id text NOT NULL,
        number integer NOT NULL,
        created timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
        user_id text,
        user_name text,
        harvest_job_id text,
        harvest_source_id text,
        note text,
        fingerprint text NOT NULL,
        CONSTRAINT shafaf_dataset_version_number_check CHECK (number >= 1)
    )""")
    op.execute("CREATE UNIQUE INDEX shafaf_dataset_version_number_idx "
               "ON shafaf_dataset_version (package_id, number)")
    op.execute("""
    CREATE TABLE shafaf_version_file (
        version_id text NOT NULL
            REFERENCES shafaf_dataset_version (id) ON DELETE CASCADE,
        resource_id text NOT NULL,
        position integer NOT NULL DEFAULT 0,
        name text,
        format text,
        url text,
        file_name text,
        table_schema text,
        sha256 text,
        size bigint,
        blob_path text,
        PRIMARY KEY (version_id, resource_id)
    )""")
    op.execute("CREATE INDEX shafaf_version_file_sha256_idx ON shafaf_version_file (sha256)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS shafaf_version_file")
    op.execute("DROP TABLE IF EXISTS shafaf_dataset_version")
