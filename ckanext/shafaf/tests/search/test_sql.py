"""Compiler tests against a real PostgreSQL table: which datasets does a query find?

The table and `shafaf_values()` come from the extension's own migration, in a
scratch database this module creates and drops; no CKAN app or fixtures.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any, Iterator, Optional

import pytest
import sqlalchemy as sa

from ckanext.shafaf.search.lucene import QuerySyntaxError, parse
from ckanext.shafaf.search.persian import TsvectorBuilder
from ckanext.shafaf.search.executor import FROM
from ckanext.shafaf.search.sql import Compiler, resolve_date
from ckanext.shafaf.testing import migration_module

SERVER = "postgresql://postgres@127.0.0.1:5432/"
# one scratch database per process: concurrent test runs must not collide
SCRATCH = f"shafaf_sqlc_test_{os.getpid()}"
NOW = dt.datetime.now(dt.timezone.utc)
ZWNJ = "\u200c"

ROWS: list[dict[str, Any]] = [
    dict(id="d1", name="water-quality", state="active", capacity="public",
         owner_org="org1", permission_labels=["public"], modified=NOW - dt.timedelta(hours=2),
         created=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
         doc={"title": "کیفیت آب شرب", "notes": "گزارش سالانه کیفیت آب در شهرها",
              "tags": ["آب", "water", "Health"], "res_format": ["CSV", "PDF"],
              "num_resources": 2, "fiscal_year": "1402", "organization": "org-one",
              "issued_date": "2023-03-01T00:00:00Z", "extras_source": "وزارت نیرو",
              "size": "big", "published": True}),
    dict(id="d2", name="budget-1402", state="active", capacity="private",
         owner_org="org2", permission_labels=["member-org2"],
         modified=NOW - dt.timedelta(days=40),
         created=dt.datetime(2021, 6, 1, tzinfo=dt.timezone.utc),
         doc={"title": "بودجه سال ۱۴۰۲", "notes": "بودجه شهرداری‌ها",
              "tags": ["بودجه", "finance"], "res_format": "XLSX", "num_resources": 5,
              "fiscal_year": 1402, "issued_date": "2022-12-31T23:59:59Z",
              "procurement_method": "open_tender", "size": 50, "published": False}),
    dict(id="d3", name="roads", state="draft", capacity="public", owner_org=None,
         permission_labels=["public", "creator-u1"], modified=NOW - dt.timedelta(days=400),
         created=dt.datetime(2019, 3, 1, tzinfo=dt.timezone.utc),
         doc={"title": "Road Network", "notes": "Highways and roads of the country",
              "tags": ["transport"], "res_format": [], "num_resources": 10,
              "fiscal_year": "1401", "issued_date": "unknown",
              "procurement_method": "limited%tender", "size": "7"}),
    dict(id="d4", name="arabic-variants", state="active", capacity="public",
         owner_org="org1", permission_labels=["public"], modified=NOW - dt.timedelta(days=10),
         created=dt.datetime(2022, 1, 1, tzinfo=dt.timezone.utc),
         doc={"title": "كتابخانه ملي", "notes": f"کتاب{ZWNJ}ها و data-set",
              "tags": "library", "num_resources": "3", "procurement_method": "openxtender",
              "extras_note": f"این می{ZWNJ}شود", "size": "12.5"}),
]
ALL = {"d1", "d2", "d3", "d4"}
TEXT_FIELDS = ("title", "notes", "extras_source", "extras_note")


@pytest.fixture(autouse=True)
def shafaf_plugin_loaded() -> Iterator[None]:
    """Only PostgreSQL is needed: skip the root conftest's per-test plugin loading."""
    yield


def _tsv(row: dict[str, Any]) -> str:
    """The catch-all field, weighted as the index class does."""
    doc, b = row["doc"], TsvectorBuilder()
    b.add(doc.get("title"), "A")
    tags = doc.get("tags", [])
    b.add_all([row["name"], doc.get("organization")]
              + (tags if isinstance(tags, list) else [tags]), "B")
    b.add(doc.get("notes"), "C")
    b.add_all([doc[k] for k in doc if k.startswith("extras_")], "D")
    return b.literal()


def _ftsv(doc: dict[str, Any]) -> str:
    out = {}
    for field in TEXT_FIELDS:
        if field in doc:
            b = TsvectorBuilder()
            b.add(doc[field])
            out[field] = b.literal()
    return json.dumps(out, ensure_ascii=False)


class _Op:
    """Stands in for alembic's `op` to collect the migration's DDL."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sql: str) -> None:
        self.statements.append(sql)


def _migration_ddl() -> list[str]:
    module = migration_module("create_search_doc")
    op = _Op()
    setattr(module, "op", op)
    module.upgrade()
    return op.statements


def _load(engine: sa.engine.Engine) -> None:
    insert = sa.text(
        "INSERT INTO shafaf_search_doc (id, site_id, name, state, capacity, dataset_type,"
        " owner_org, title_string, metadata_created, metadata_modified, permission_labels,"
        " doc, tsv) VALUES (:id, 'test', :name, :state, :capacity, 'dataset',"
        " :owner_org, :title, :created, :modified, :labels, CAST(:doc AS jsonb),"
        " CAST(:tsv AS tsvector));"
        " INSERT INTO shafaf_search_stored (id, site_id, doc, ftsv) VALUES"
        " (:id, 'test', CAST(:doc AS jsonb), CAST(:ftsv AS jsonb))")
    with engine.begin() as conn:
        for stmt in _migration_ddl():
            conn.exec_driver_sql(stmt)
        for row in ROWS:
            conn.execute(insert, dict(
                row, title=row["doc"]["title"], labels=row["permission_labels"],
                doc=json.dumps(row["doc"], ensure_ascii=False), ftsv=_ftsv(row["doc"]),
                tsv=_tsv(row)))


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.engine.Engine]:
    admin = sa.create_engine(SERVER + "postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {SCRATCH}")
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    scratch = sa.create_engine(SERVER + SCRATCH)
    try:
        _load(scratch)
        yield scratch
    finally:
        scratch.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.dispose()


def run(engine: sa.engine.Engine, where: str, params: dict[str, Any]) -> set[str]:
    sql = f"SELECT d.id FROM {FROM} WHERE {where}"
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.text(sql), params)}


def find(engine: sa.engine.Engine, q: str, op: str = "AND",
         empty: str = "FALSE") -> set[str]:
    c = Compiler(now=NOW)
    return run(engine, c.where(parse(q, op), empty=empty), c.params)


def dismax(engine: sa.engine.Engine, q: str, mm: Optional[str] = None) -> set[str]:
    c = Compiler(now=NOW)
    where = c.dismax_where(q) if mm is None else c.dismax_where(q, mm)
    return run(engine, where, c.params)


CASES = [
    # exact strings: columns, scalars, lists, numbers, booleans, case-sensitivity
    ("*:*", ALL), ("", ALL), ("name:roads", {"d3"}), ("id:d1", {"d1"}),
    ("tags:water", {"d1"}), ("tags:Water", set()), ("tags:library", {"d4"}),
    ("tags:آب", {"d1"}), ("res_format:CSV", {"d1"}), ("res_format:XLSX", {"d2"}),
    ("fiscal_year:1402", {"d1", "d2"}), ("num_resources:3", {"d4"}),
    ("num_resources:10", {"d3"}), ("published:true", {"d1"}), ("published:false", {"d2"}),
    ('organization:"org-one"', {"d1"}), ("state:draft", {"d3"}),
    ('name:"x\' OR \'1\'=\'1"', set()),
    # prefix and wildcard, with LIKE metacharacters taken literally
    ("name:water*", {"d1"}), ("tags:fin*", {"d2"}), ("tags:*an*", {"d2", "d3"}),
    ("procurement_method:open_*", {"d2"}), ("procurement_method:limited%*", {"d3"}),
    ("procurement_method:*\\%*", {"d3"}), ("name:r?ads", {"d3"}),
    ("name:*-quality", {"d1"}), ("permission_labels:creator-*", {"d3"}),
    # exists
    ("procurement_method:*", {"d2", "d3", "d4"}), ("-procurement_method:*", {"d1"}),
    ("owner_org:*", {"d1", "d2", "d4"}), ("extras_source:*", {"d1"}),
    ("res_format:*", {"d1", "d2"}), ("notes:*", ALL), ("author:*", set()),
    ("metadata_modified:*", ALL), ("issued_date:[* TO *]", {"d1", "d2", "d3"}),
    # numeric and text ranges; non-numbers never raise
    ("num_resources:[3 TO 10]", {"d2", "d3", "d4"}), ("num_resources:{3 TO 10}", {"d2"}),
    ("num_resources:[* TO 2]", {"d1"}), ("num_resources:[5 TO *}", {"d2", "d3"}),
    ("size:[1 TO 100]", {"d2", "d3", "d4"}), ("size:[12.5 TO 12.5]", {"d4"}),
    ("name:[a TO c]", {"d2", "d4"}), ("name:{arabic-variants TO roads]", {"d2", "d3"}),
    # dates and date math
    ("metadata_modified:[NOW-1DAY TO NOW]", {"d1"}),
    ("metadata_modified:[NOW-1MONTH TO *]", {"d1", "d4"}),
    ("metadata_modified:[* TO NOW-1YEAR]", {"d3"}),
    ("metadata_modified:[NOW/DAY-7DAYS TO NOW/DAY+1DAY]", {"d1"}),
    ("metadata_modified:[NOW-2MONTHS TO NOW-1MONTH]", {"d2"}),
    ("metadata_created:[2020-01-01T00:00:00Z TO 2021-12-31T00:00:00Z]", {"d1", "d2"}),
    ("metadata_created:{2020-01-01T00:00:00Z TO *]", {"d2", "d4"}),
    ('metadata_created:"2020-01-01T00:00:00Z"', {"d1"}),
    ("issued_date:[2023-01-01T00:00:00Z TO *]", {"d1"}),
    ('issued_date:"2023-03-01T00:00:00Z"', {"d1"}), ("vocab_x_date:abc", set()),
    ("issued_date:[* TO 2023-01-01T00:00:00Z}", {"d2"}),
    ("issued_date:[2022-12-31T00:00:00Z/YEAR TO 2023-01-01T00:00:00Z-1SECOND]", {"d2"}),
    # negation, pure negatives, NULL columns
    ("-state:draft", {"d1", "d2", "d4"}), ("state:active -tags:water", {"d2", "d4"}),
    ("NOT capacity:private", {"d1", "d3", "d4"}), ("-owner_org:org1", {"d2", "d3"}),
    ("-tags:water -tags:finance", {"d3", "d4"}), ("*:* -name:roads", {"d1", "d2", "d4"}),
    ("-(state:active AND capacity:public)", {"d2", "d3"}), ("-author:x", ALL),
    # OR groups and precedence
    ('permission_labels:("public" OR "member-org2")', ALL),
    ('+permission_labels:("creator-u1")', {"d3"}),
    ('permission_labels:"member-org2"', {"d2"}),
    ("state:(active OR draft)", ALL), ("tags:(water OR transport)", {"d1", "d3"}),
    ("name:roads OR name:budget-1402", {"d2", "d3"}),
    ("water OR roads highways", {"d3"}),
    ("name:roads name:budget-1402", set()),
    ("capacity:public AND (tags:water OR tags:library)", {"d1", "d4"}),
    ("capacity:public (tags:water OR tags:library) -name:water*", {"d4"}),
    # text fields: phrases, prefixes, Persian normalisation
    ('title:"کیفیت آب"', {"d1"}), ('title:"آب کیفیت"', set()),
    ('notes:"roads of the country"', {"d3"}), ('notes:"roads country"', set()),
    ("Highways", {"d3"}), ("highways", {"d3"}), ("water", {"d1"}), ("text:water", {"d1"}),
    ("wat*", {"d1"}), ("title:Roa*", {"d3"}), ("title:R?ad", {"d3"}),
    ("title:*oad", {"d1", "d2", "d3", "d4"}),
    ("كيفيت", {"d1"}), ("title:کتابخانه", {"d4"}), ("کتابخانه ملی", {"d4"}),
    ("۱۴۰۲", {"d2"}), ("1402", {"d2"}), ("title:١٤٠٢", {"d2"}),
    (f"کتاب{ZWNJ}ها", {"d4"}), ("notes:کتاب", {"d4"}), ("notes:data-set", {"d4"}),
    ("notes:شهرداری", {"d2"}), (f"extras_note:می{ZWNJ}شود", {"d4"}),
    ("extras_note:میشود", {"d4"}), ("extras_source:نیرو", {"d1"}),
    ("title:roads", set()), ("-title:road", {"d1", "d2", "d4"}),
    # words that analyse to nothing: dropped, as Lucene drops them
    ("title:...", set()), ("water +title:...", {"d1"}), ("-title:...", set()),
]


@pytest.mark.parametrize("q, expected", CASES)
def test_query(engine: sa.engine.Engine, q: str, expected: set[str]) -> None:
    assert find(engine, q) == expected


def test_default_operator_or(engine: sa.engine.Engine) -> None:
    assert find(engine, "name:roads name:budget-1402", "OR") == {"d2", "d3"}
    assert find(engine, "name:roads -capacity:public", "OR") == set()
    assert find(engine, "+state:active tags:water", "OR") == {"d1", "d2", "d4"}


def test_empty_filter_can_be_ignored(engine: sa.engine.Engine) -> None:
    assert find(engine, "title:...", empty="TRUE") == ALL
    assert find(engine, "title:...") == set()


@pytest.mark.parametrize("q, mm, expected", [
    ("water roads", None, set()),            # 2 clauses: both required
    ("water roads", "1", {"d1", "d3"}),
    ('"کیفیت آب" شرب', None, {"d1"}),
    ('"آب کیفیت" شرب', None, set()),
    ("water roads country", None, {"d3"}),   # 3 clauses: 2 of them
    ("water roads country", "100%", set()),
    ("water roads country", "1", {"d1", "d3"}),
    ("water road network country highways", None, {"d3"}),
    ("water road network ocean fish", None, set()),
    ("-water", None, {"d2", "d3", "d4"}),
    ("+roads -highways", None, set()),
    ("+roads country", None, {"d3"}),
    ("water OR roads", None, set()),         # dismax: mm still applies
    ("water AND roads", "1", set()),
    ("roads NOT highways", "1", set()),
    ("كتابخانه ملي", None, {"d4"}),
    ('"water', None, {"d1"}),
    ("!!! water", None, {"d1"}),
    ("!!!", None, set()),
    ("   ", None, ALL),
])
def test_dismax(engine: sa.engine.Engine, q: str, mm: Optional[str],
                expected: set[str]) -> None:
    assert dismax(engine, q, mm) == expected


def test_dismax_sql_shape() -> None:
    c = Compiler()
    sql = c.dismax_where("water roads country")
    assert "CAST(d.tsv @@" in sql and ">= :p" in sql   # prefilter and count
    assert c.params["p0"] == "('water' | 'roads' | 'country')"
    c = Compiler()
    assert "AS int" not in c.dismax_where("water roads")  # all required: plain AND
    assert c.rank_queries == ["'water'", "'roads'"]


def test_permission_labels_group_is_one_array_test() -> None:
    c = Compiler()
    sql = c.where(parse('+permission_labels:("public" OR "creator-x" OR "member-y")'))
    assert sql == "d.permission_labels && CAST(:p0 AS text[])"
    assert c.params == {"p0": ["public", "creator-x", "member-y"]}


def test_values_are_never_interpolated() -> None:
    c = Compiler(param_prefix="fq")
    evil = "x' OR 1=1; DROP TABLE shafaf_search_doc; --"
    q = (f'tags:"{evil}" title:"{evil}" name:"{evil}" fiscal_year:"{evil}*"'
         f' title_x:["{evil}" TO z]')
    sql = c.where(parse(q))
    assert "DROP" not in sql and "1=1" not in sql
    assert all(name.startswith("fq") for name in c.params)
    assert any(evil in str(v) for v in c.params.values())


def test_string_match_uses_containment_forms() -> None:
    c = Compiler()
    sql = c.where(parse("num_resources:3"))
    assert sql.count("d.doc @> CAST(") == 4
    assert set(c.params.values()) == {'{"num_resources": "3"}', '{"num_resources": 3}',
                                      '{"num_resources": ["3"]}', '{"num_resources": [3]}'}


def test_rank_queries_only_positive_default_terms() -> None:
    c = Compiler()
    c.where(parse("water title:road -roads text:آب* tags:x"))
    assert c.rank_queries == ["'water'", "'اب':*"]
    c.where(parse("finance"), rank=False)
    assert c.rank_queries == ["'water'", "'اب':*"]


@pytest.mark.parametrize("q", ["عنوان:آب", "title\\ x:a", "a\\:b\\/c\\(:x"])
def test_invalid_field_names(q: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        Compiler().where(parse(q))
    assert "invalid field name" in str(info.value)


@pytest.mark.parametrize("q", ["metadata_modified:[yesterday TO NOW]",
                               "metadata_modified:[NOW+1 TO *]", "issued_date:2020*",
                               "metadata_created:[2020-13-01T00:00:00Z TO *]"])
def test_invalid_dates(q: str) -> None:
    with pytest.raises(QuerySyntaxError):
        Compiler().where(parse(q))


UTC = dt.timezone.utc
BASE = dt.datetime(2024, 1, 31, 15, 45, 30, 123456, tzinfo=UTC)


@pytest.mark.parametrize("expr, expected", [
    ("NOW", BASE),
    ("NOW/DAY", dt.datetime(2024, 1, 31, tzinfo=UTC)),
    ("NOW-1DAY", BASE - dt.timedelta(days=1)),
    ("NOW+1MONTH", BASE.replace(month=2, day=29)),
    ("NOW/DAY+1MONTH", dt.datetime(2024, 2, 29, tzinfo=UTC)),
    ("+6MONTHS", BASE.replace(month=7)),
    ("-1YEAR", BASE.replace(year=2023)),
    ("NOW/YEAR", dt.datetime(2024, 1, 1, tzinfo=UTC)),
    ("NOW/HOUR-30MINUTES", dt.datetime(2024, 1, 31, 14, 30, tzinfo=UTC)),
    ("NOW/SECOND", BASE.replace(microsecond=0)),
    ("NOW/MILLI", BASE.replace(microsecond=123000)),
    ("2020-01-01T00:00:00Z", dt.datetime(2020, 1, 1, tzinfo=UTC)),
    ("2020-01-01T00:00:00.5Z", dt.datetime(2020, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
    ("2020-01-01T03:30:00+03:30", dt.datetime(2020, 1, 1, tzinfo=UTC)),
    ("2020-02-29T00:00:00Z+1YEAR", dt.datetime(2021, 2, 28, tzinfo=UTC)),
    ("2020-01-01", dt.datetime(2020, 1, 1, tzinfo=UTC)),
])
def test_resolve_date(expr: str, expected: dt.datetime) -> None:
    assert resolve_date(expr, BASE) == expected


@pytest.mark.parametrize("expr", ["", "yesterday", "NOW+DAY", "NOW/2DAYS", "NOW-1FORTNIGHT",
                                  "2020-02-30T00:00:00Z", "2020-01-01T00:00:00Zjunk"])
def test_resolve_date_errors(expr: str) -> None:
    with pytest.raises(QuerySyntaxError):
        resolve_date(expr, BASE)
