"""Compile a parsed Lucene query to a PostgreSQL condition on `shafaf_search_doc d`
(left-joined to `shafaf_search_stored s` for per-field text).

Each field keeps the semantics CKAN's Solr schema gives it: text fields are
matched through Persian-analysed tsvectors, everything else is Solr's exact,
case-sensitive `string` type, dates understand Solr date math. Every value a
user sends travels as a bound parameter (`:p0`, `:p1`, ...); only field types
and operators chosen here become SQL text.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any, Optional

from ckanext.shafaf.search.lucene import (
    FIELD_RE, Bool, MatchAll, Node, Range, Term, add_clause, parse_mm, syntax_error)
from ckanext.shafaf.search.fields import (
    ARRAY_COLUMNS, COLUMNS, DATE_COLUMNS, field_type)
from ckanext.shafaf.search.documents import WEIGHT_A
from ckanext.shafaf.search.dates import resolve_date
from ckanext.shafaf.search.persian import text_query

DEFAULT_MM = "2<-1 5<80%"
# The title alone has weight A in the catch-all vector (documents.py), with
# the lexemes and positions of its own vector: `title:…` matches the A part of
# the catch-all vector, which a GIN expression index answers (migration
# 3d4e5f607182), instead of reading every candidate's stored field vector.
WEIGHTED_FIELDS = ({WEIGHT_A[0]: "ts_filter(d.tsv, '{a}')"}
                   if len(WEIGHT_A) == 1 else {})

_NUM = r"^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$"
_ISO = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?"
        r"(Z|[-+][0-9]{2}(:?[0-9]{2})?)?$")
_NUM_RE = re.compile(_NUM)
_JSON_NUM_RE = re.compile(r"-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,17})?")
def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_wildcard(pattern: str) -> str:
    """Lucene wildcard (`*`, `?`, `\\` escapes) -> LIKE pattern."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(_like_escape(pattern[i + 1]))
            i += 2
            continue
        out.append("%" if c == "*" else "_" if c == "?" else _like_escape(c))
        i += 1
    return "".join(out)


def _wild_prefix(pattern: str) -> str:
    """The literal part of a wildcard pattern before its first wildcard."""
    m = re.match(r"((?:\\.|[^*?\\])*)", pattern)
    return re.sub(r"\\(.)", r"\1", m.group(1) if m else "")


class Compiler:
    """Turns AST nodes into SQL over `shafaf_search_doc d`, collecting params."""

    def __init__(self, default_field: str = "text", param_prefix: str = "p",
                 now: Optional[dt.datetime] = None) -> None:
        if not re.fullmatch(r"[A-Za-z_]\w*", param_prefix):
            raise ValueError("param_prefix must be an identifier")
        self.default_field = default_field
        self.param_prefix = param_prefix
        self.now = now or dt.datetime.now(dt.timezone.utc)
        self.params: dict[str, Any] = {}
        self.rank_queries: list[str] = []

    def where(self, node: Node, empty: str = "FALSE", rank: bool = True) -> str:
        """Boolean SQL for `node`.

        A query whose every word analyses away is empty, as in Lucene: `q`
        then matches nothing (Solr's MatchNoDocs) while an `fq` should be
        ignored (pass empty="TRUE"). `rank=False` for filters: no scoring.
        """
        if empty not in ("TRUE", "FALSE"):
            raise ValueError("empty must be TRUE or FALSE")
        if rank:
            self._collect_rank(node, False)
        sql = self._node(node)
        return empty if sql is None else sql

    def _bind(self, value: Any) -> str:
        name = f"{self.param_prefix}{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def _field(self, name: Optional[str]) -> str:
        field = name or self.default_field
        if not FIELD_RE.match(field):
            raise syntax_error("نام فیلد نامعتبر", f"invalid field name '{field}'")
        return field

    # -- structure ---------------------------------------------------------

    def _node(self, node: Node) -> Optional[str]:
        if isinstance(node, MatchAll):
            return "TRUE"
        if isinstance(node, Bool):
            return self._bool(node)
        if isinstance(node, Range):
            return self._range(node)
        return self._term(node)

    def _bool(self, node: Bool) -> Optional[str]:
        """Lucene occurs: MUST and MUST_NOT filter; SHOULD only when alone."""
        grouped = self._grouped(node)
        if grouped:
            return grouped
        must = [s for s in map(self._node, node.must) if s is not None]
        should = [] if must else [s for s in map(self._node, node.should)
                                  if s is not None]
        must_not = [s for s in map(self._node, node.must_not) if s is not None]
        if not (must or should or must_not):
            return None
        parts = must + (["(" + " OR ".join(should) + ")"] if should else [])
        parts += [f"({s}) IS NOT TRUE" for s in must_not]
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def _grouped(self, node: Bool) -> Optional[str]:
        """`permission_labels:("a" OR "b")`, `state:(x OR y)`: one array test."""
        terms = node.should
        if node.must or node.must_not or len(terms) < 2 or not all(
                isinstance(t, Term) and t.kind in ("word", "phrase") for t in terms):
            return None
        fields = {self._field(t.field) for t in terms}
        kind = field_type(next(iter(fields)))
        if len(fields) != 1 or kind not in ("column", "array"):
            return None
        field, values = fields.pop(), [t.text for t in terms]
        if kind == "array":
            return f"d.{field} && CAST({self._bind(values)} AS text[])"
        return f"d.{field} = ANY(CAST({self._bind(values)} AS text[]))"

    def _collect_rank(self, node: Node, negated: bool) -> None:
        if isinstance(node, Bool):
            for child in node.must + node.should:
                self._collect_rank(child, negated)
            for child in node.must_not:
                self._collect_rank(child, not negated)
        elif isinstance(node, Term) and not negated and node.field in (
                None, "text") and field_type(self._field(node.field)) == "text":
            query = self._tsquery(node)
            if query and query not in self.rank_queries:
                self.rank_queries.append(query)

    # -- values --------------------------------------------------------------

    def _any(self, field: str, cond: str) -> str:
        """`cond` (with `$v`) holds for the column or for any value of the field."""
        if field in COLUMNS or field in DATE_COLUMNS:
            return cond.replace("$v", f"d.{field}")
        if field in ARRAY_COLUMNS:
            source = f"unnest(d.{field})"
            return f"EXISTS (SELECT 1 FROM {source} AS v WHERE {cond.replace('$v', 'v')})"
        # the values of shafaf_values(), without a subplan per row for the
        # usual scalar: only a list is expanded (a range scan over 100,000
        # rows took 0.4 s with one set-returning call per row)
        key = self._bind(field)
        scalar = cond.replace("$v", f"(d.doc ->> {key})")
        listed = cond.replace("$v", "v")
        return (f"(CASE WHEN jsonb_typeof(d.doc -> {key}) = 'array' THEN EXISTS "
                f"(SELECT 1 FROM jsonb_array_elements_text(d.doc -> {key}) AS v "
                f"WHERE v IS NOT NULL AND {listed}) ELSE COALESCE({scalar}, FALSE) END)")

    def _exists(self, field: str) -> str:
        kind = field_type(field)
        if field == "text":
            return "length(d.tsv) > 0"
        if kind == "text":
            return f"COALESCE(s.ftsv ->> {self._bind(field)}, '') <> ''"
        if kind == "date_column":
            return f"d.{field} IS NOT NULL"
        if kind == "array":
            return f"cardinality(d.{field}) > 0"
        return self._any(field, "COALESCE($v, '') <> ''")

    def _term(self, node: Term) -> Optional[str]:
        field = self._field(node.field)
        kind = field_type(field)
        if node.kind == "exists":
            return self._exists(field)
        if kind == "text":
            return self._text_term(field, node)
        if kind in ("date", "date_column"):
            if node.kind in ("prefix", "wildcard"):
                raise syntax_error("جستجوی الگو روی تاریخ ممکن نیست",
                                   f"wildcards are not supported on date field '{field}'")
            value = self._bind(resolve_date(node.text, self.now))
            return self._any(field, f"{self._ts('$v', kind)} = CAST({value} AS timestamptz)")
        if node.kind in ("prefix", "wildcard"):
            pattern = (_like_escape(node.text) + "%" if node.kind == "prefix"
                       else _like_wildcard(node.text))
            return self._any(field, f"$v LIKE {self._bind(pattern)}")
        if kind == "array":
            return f"d.{field} && CAST({self._bind([node.text])} AS text[])"
        if kind == "column":
            return f"d.{field} = {self._bind(node.text)}"
        return self._contains(field, node.text)

    def _contains(self, field: str, value: str) -> str:
        """Exact string match on a scalar or list value, via the jsonb GIN index.

        Documents may hold the value as a string, a number or a boolean.
        """
        forms = [json.dumps(value, ensure_ascii=False)]
        if _JSON_NUM_RE.fullmatch(value):
            forms.append(value)
        if value in ("true", "false"):
            forms.append(value)
        key = json.dumps(field)
        docs = [f"{{{key}: {f}}}" for f in forms] + [f"{{{key}: [{f}]}}" for f in forms]
        tests = [f"d.doc @> CAST({self._bind(doc)} AS jsonb)" for doc in docs]
        return "(" + " OR ".join(tests) + ")"

    def _tsquery(self, node: Term) -> Optional[str]:
        if node.kind == "wildcard":
            prefix = _wild_prefix(node.text)
            return text_query(prefix, prefix=True) if prefix else None
        return text_query(node.text, phrase=node.kind == "phrase",
                          prefix=node.kind == "prefix")

    def _match(self, field: str, query: str) -> str:
        bound = f"CAST({self._bind(query)} AS tsquery)"
        if field == "text":
            return f"d.tsv @@ {bound}"
        # every text field also feeds the catch-all vector: its GIN index
        # narrows the rows before the per-field vector decides
        return (f"(d.tsv @@ {bound} AND COALESCE(CAST(s.ftsv ->> "
                f"{self._bind(field)} AS tsvector) @@ {bound}, FALSE))")

    def _text_term(self, field: str, node: Term) -> Optional[str]:
        """Analysed match; a leading wildcard (`*foo`) degrades to 'has a value'."""
        if node.kind == "wildcard" and not _wild_prefix(node.text):
            return self._exists(field)
        query = self._tsquery(node)
        if query is None:
            return None
        if field in WEIGHTED_FIELDS:
            return (f"{WEIGHTED_FIELDS[field]} @@ "
                    f"CAST({self._bind(query)} AS tsquery)")
        return self._match(field, query)

    # -- ranges ----------------------------------------------------------------

    @staticmethod
    def _ts(value: str, kind: str) -> str:
        if kind == "date_column":
            return value
        return f"(CASE WHEN {value} ~ '{_ISO}' THEN CAST({value} AS timestamptz) END)"

    def _range(self, node: Range) -> str:
        field = self._field(node.field)
        kind = field_type(field)
        bounds = [b for b in (node.low, node.high) if b is not None]
        low: Any
        high: Any
        if not bounds:
            return self._exists(field)
        if kind in ("date", "date_column"):
            value, cast = self._ts("$v", kind), "timestamptz"
            low, high = (None if b is None else resolve_date(b, self.now)
                         for b in (node.low, node.high))
        elif all(_NUM_RE.match(b) for b in bounds):
            return self._numeric_range(field, node)
        else:
            value, cast, low, high = '$v COLLATE "C"', "text", node.low, node.high
        tests: list[str] = []
        for bound, op in ((low, ">=" if node.include_low else ">"),
                          (high, "<=" if node.include_high else "<")):
            if bound is not None:
                tests.append(f"{value} {op} CAST({self._bind(bound)} AS {cast})")
        cond = tests[0] if len(tests) == 1 else "(" + " AND ".join(tests) + ")"
        return self._any(field, cond)

    def _numeric_range(self, field: str, node: Range) -> str:
        """Values that are numbers within the bounds.

        One pattern test and one cast per value (a numrange holds both
        bounds), and a scalar document value is looked up twice, not four
        times: jsonb lookups were most of a range scan's cost. A list never
        reads as a number, so it falls through to its own branch."""
        low, high = (None if b is None else Decimal(b) for b in (node.low, node.high))
        if low is not None and high is not None and low > high:
            return "FALSE"        # an empty range; numrange() would refuse it
        flags = ("[" if node.include_low else "(") + ("]" if node.include_high else ")")
        span = (f"numrange(CAST({self._bind(low)} AS numeric), "
                f"CAST({self._bind(high)} AS numeric), '{flags}')")
        test = f"(CASE WHEN $v ~ '{_NUM}' THEN CAST($v AS numeric) <@ {span} END)"
        if field_type(field) != "string":
            return self._any(field, test)
        key = self._bind(field)
        scalar = f"(d.doc ->> {key})"
        return (f"(CASE WHEN {scalar} ~ '{_NUM}' THEN CAST({scalar} AS numeric) <@ "
                f"{span} WHEN jsonb_typeof(d.doc -> {key}) = 'array' THEN EXISTS "
                f"(SELECT 1 FROM jsonb_array_elements_text(d.doc -> {key}) AS v "
                f"WHERE {test.replace('$v', 'v')}) ELSE FALSE END)")

    # -- dismax ------------------------------------------------------------

    def _dismax_clauses(self, q: str) -> list[list]:
        """Words and phrases with +/-; AND/OR/NOT work as in Solr's dismax."""
        if q.count('"') % 2:
            q = q.replace('"', " ")      # Solr strips unbalanced quotes
        clauses: list[list] = []
        conj = mod = None
        for m in re.finditer(r'([+-]?)"([^"]*)"|([+-]?)(\S+)', q):
            word = m.group(4)
            if word in ("AND", "&&", "OR", "||"):
                conj = "AND" if word in ("AND", "&&") else "OR"
                continue
            if word == "NOT":
                mod = "-"
                continue
            phrase = m.group(2) is not None
            query = text_query(m.group(2) if phrase else word, phrase=phrase)
            sign = mod or m.group(1) or m.group(3) or None
            if query is not None:
                add_clause(clauses, conj, sign, query, False)
            conj = mod = None
        return clauses

    def dismax_where(self, q: str, mm: str = DEFAULT_MM, rank: bool = True) -> str:
        """CKAN's `q` without ':': the catch-all field, minimum-should-match."""
        if not q or not q.strip():
            return "TRUE"
        clauses = self._dismax_clauses(q)
        must = [c for o, c in clauses if o == "must"]
        should = [c for o, c in clauses if o == "should"]
        must_not = [c for o, c in clauses if o == "must_not"]
        if not clauses:
            return "FALSE"
        for query in (must + should) if rank else []:
            if query not in self.rank_queries:
                self.rank_queries.append(query)
        parts = [self._match("text", c) for c in must]
        if should:
            k = parse_mm(mm, len(should))
            k = max(k, 1) if not must else k
            if k >= len(should):
                parts += [self._match("text", c) for c in should]
            elif k > 0:
                parts.append(self._match("text", "(" + " | ".join(should) + ")"))
                if k > 1:
                    hits = " + ".join(f"CAST({self._match('text', c)} AS int)"
                                      for c in should)
                    parts.append(f"({hits}) >= {self._bind(k)}")
        parts += [f"NOT ({self._match('text', c)})" for c in must_not]
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
