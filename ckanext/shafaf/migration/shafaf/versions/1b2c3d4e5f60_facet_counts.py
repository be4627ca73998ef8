"""facet counts of the public catalogue, kept up to date by a trigger

Revision ID: 1b2c3d4e5f60
Revises: 0a1f3c2d4e5b
Create Date: 2026-11-23 13:20:00

"""
from alembic import op

revision = "1b2c3d4e5f60"
down_revision = "0a1f3c2d4e5b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The dataset page asks every visitor for facet counts over the whole
    # public catalogue; counting 100,000 rows per visit is too slow, so the
    # counts of active datasets labelled 'public' are maintained here, per
    # capacity. field '' / value '' holds the number of datasets.
    op.execute("""
    CREATE TABLE shafaf_search_facet_count (
        site_id text NOT NULL,
        capacity text NOT NULL,
        field text NOT NULL,
        value text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (site_id, capacity, field, value)
    )""")
    op.execute("""
    CREATE OR REPLACE FUNCTION shafaf_facet_pairs(
        doc jsonb, owner_org text, dataset_type text)
    RETURNS TABLE (field text, value text)
    LANGUAGE sql IMMUTABLE AS $$
        SELECT DISTINCT e.key, v
        FROM jsonb_each(doc) AS e, shafaf_values(e.value) AS v
        WHERE e.key NOT IN ('index_id', 'res_url', 'url', 'indexed_ts')
          AND e.key NOT LIKE '%\\_date' AND length(v) <= 512
        UNION ALL SELECT 'owner_org', owner_org WHERE owner_org IS NOT NULL
        UNION ALL SELECT 'dataset_type', dataset_type WHERE dataset_type IS NOT NULL
        UNION ALL SELECT '', ''
    $$""")
    op.execute("""
    CREATE OR REPLACE FUNCTION shafaf_facet_count_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'active'
           AND 'public' = ANY(OLD.permission_labels) THEN
            UPDATE shafaf_search_facet_count c SET n = c.n - 1
            FROM shafaf_facet_pairs(OLD.doc, OLD.owner_org, OLD.dataset_type) p
            WHERE c.site_id = OLD.site_id AND c.capacity = coalesce(OLD.capacity, '')
              AND c.field = p.field AND c.value = p.value;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.state = 'active'
           AND 'public' = ANY(NEW.permission_labels) THEN
            INSERT INTO shafaf_search_facet_count AS c
                (site_id, capacity, field, value, n)
            SELECT NEW.site_id, coalesce(NEW.capacity, ''), p.field, p.value, 1
            FROM shafaf_facet_pairs(NEW.doc, NEW.owner_org, NEW.dataset_type) p
            ON CONFLICT (site_id, capacity, field, value) DO UPDATE SET n = c.n + 1;
        END IF;
        RETURN NULL;
    END
    $$""")
    op.execute("""
    CREATE TRIGGER shafaf_search_doc_facet_count
    AFTER INSERT OR UPDATE OR DELETE ON shafaf_search_doc
    FOR EACH ROW EXECUTE FUNCTION shafaf_facet_count_trigger()""")
    # counts for rows indexed before this migration
    op.execute("""
    INSERT INTO shafaf_search_facet_count (site_id, capacity, field, value, n)
    SELECT d.site_id, coalesce(d.capacity, ''), p.field, p.value, count(*)
    FROM shafaf_search_doc d,
         shafaf_facet_pairs(d.doc, d.owner_org, d.dataset_type) p
    WHERE d.state = 'active' AND 'public' = ANY(d.permission_labels)
    GROUP BY 1, 2, 3, 4""")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS shafaf_search_doc_facet_count ON shafaf_search_doc")
    op.execute("DROP FUNCTION IF EXISTS shafaf_facet_count_trigger()")
    op.execute("DROP FUNCTION IF EXISTS shafaf_facet_pairs(jsonb, text, text)")
    op.execute("DROP TABLE IF EXISTS shafaf_search_facet_count")
