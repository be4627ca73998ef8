"""Parse the Solr/Lucene standard query syntax CKAN callers send.

CKAN, its extensions and API clients build `q`, `fq` and `fq_list` strings for
Solr, so the PostgreSQL backend must understand the same language. This module
turns them into a small AST that `sql.py` compiles; it follows Lucene's
classic QueryParser (operator precedence included) so results stay the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Optional, Union

from ckan.lib.search.common import SearchError, SearchQueryError

TermKind = Literal["word", "phrase", "prefix", "wildcard", "exists"]


@dataclass(frozen=True)
class Term:
    """One value; for kind 'wildcard', `text` keeps `\\` escapes of `*?\\`."""
    field: Optional[str]
    text: str
    kind: TermKind = "word"


@dataclass(frozen=True)
class Range:
    field: Optional[str]
    low: Optional[str]
    high: Optional[str]
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Bool:
    must: tuple = ()
    should: tuple = ()
    must_not: tuple = ()


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Union[Term, Range, Bool, MatchAll]


class QuerySyntaxError(SearchError):
    """Bad `q`/`fq` syntax: a bilingual message, a 409 "Search Error" in the
    API, as CKAN answers Solr's own syntax errors."""

    def __init__(self, message: str, position: Optional[int] = None) -> None:
        super().__init__(message)
        self.position = position


class ParameterError(SearchQueryError):
    """A bad `sort`/`mm` parameter: CKAN's 400 "Search Query Error", as with Solr."""


def syntax_error(fa: str, en: str, pos: Optional[int] = None) -> QuerySyntaxError:
    where_fa = f" (position {pos})" if pos is not None else ""
    where_en = f" at position {pos}" if pos is not None else ""
    return QuerySyntaxError(
        f"عبارت جستجو نامعتبر است: {fa}{where_fa} / "
        f"Invalid search query: {en}{where_en}", pos)


def _param_error(name: str, fa: str, en: str) -> ParameterError:
    return ParameterError(f'پارامتر "{name}" نامعتبر است: {fa} / '
                          f'Invalid "{name}" parameter: {en}')


FIELD_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_SPECIAL = set('+-!():^[]"{}~\\')
_NUMBER_RE = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_KEYWORDS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}


@dataclass
class _Tok:
    kind: str      # ( ) AND OR NOT + - : TERM PHRASE RANGE BOOST FUZZY EOF
    pos: int
    chars: tuple = ()          # TERM: ((char, escaped), ...)
    value: Any = None          # PHRASE text, RANGE tuple, FUZZY slop


class _Lexer:
    """Splits a query into tokens; ranges and phrases come out whole."""

    def __init__(self, q: str) -> None:
        self.q = q
        self.i = 0

    def tokens(self) -> list[_Tok]:
        out: list[_Tok] = []
        while True:
            tok = self._next()
            out.append(tok)
            if tok.kind == "EOF":
                return out

    def _next(self) -> _Tok:
        q = self.q
        self._skip_space()
        start = self.i
        if start >= len(q):
            return _Tok("EOF", start)
        c = q[start]
        if c in "()+-:":
            self.i += 1
            return _Tok(c, start)
        if c == "!":
            self.i += 1
            return _Tok("NOT", start)
        if c == '"':
            return _Tok("PHRASE", start, value=self._quoted())
        if c in "[{":
            return _Tok("RANGE", start, value=self._range())
        if c in "^~":
            return self._modifier(c)
        if c in "]}":
            raise syntax_error("بازه نامعتبر", "invalid range", start)
        chars = self._term_chars()
        raw = "".join(ch for ch, esc in chars)
        if raw in _KEYWORDS and not any(esc for _, esc in chars):
            return _Tok(_KEYWORDS[raw], start)
        return _Tok("TERM", start, chars=chars)

    def _escaped(self) -> str:
        if self.i + 1 >= len(self.q):
            raise syntax_error("گریز ناقص", "dangling escape character", self.i)
        self.i += 2
        return self.q[self.i - 1]

    def _term_chars(self) -> tuple:
        q, chars = self.q, []
        while self.i < len(q):
            c = q[self.i]
            if c == "\\":
                chars.append((self._escaped(), True))
                continue
            if c.isspace() or (c in _SPECIAL and not (chars and c in "+-")):
                break
            chars.append((c, False))
            self.i += 1
        return tuple(chars)

    def _quoted(self) -> str:
        start, q = self.i, self.q
        out: list[str] = []
        self.i += 1
        while self.i < len(q):
            c = q[self.i]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c == "\\":
                out.append(self._escaped())
                continue
            out.append(c)
            self.i += 1
        raise syntax_error("گیومه بسته نشده", "unbalanced quotation mark", start)

    def _modifier(self, c: str) -> _Tok:
        start = self.i
        self.i += 1
        m = _NUMBER_RE.match(self.q, self.i)
        if m:
            self.i = m.end()
        if c == "^":
            if not m:
                raise syntax_error("ضریب نامعتبر", "invalid boost", start)
            return _Tok("BOOST", start)
        return _Tok("FUZZY", start, value=float(m.group(0)) if m else 0.0)

    def _range(self) -> tuple:
        start, q = self.i, self.q
        if q.startswith("{!", start):
            raise syntax_error("پارامترهای محلی پشتیبانی نمی‌شوند",
                               "local parameters are not supported", start)
        include_low = q[start] == "["
        self.i += 1
        low = self._bound(start)
        if self._bound(start, keyword=True) != "TO":
            raise syntax_error("بازه نامعتبر", "invalid range", start)
        high = self._bound(start)
        self._skip_space()
        if self.i >= len(q) or q[self.i] not in "]}":
            raise syntax_error("بازه نامعتبر", "invalid range", start)
        include_high = q[self.i] == "]"
        self.i += 1
        return low, high, include_low, include_high

    def _skip_space(self) -> None:
        while self.i < len(self.q) and self.q[self.i].isspace():
            self.i += 1

    def _bound(self, start: int, keyword: bool = False) -> Optional[str]:
        """One range bound; `*` means open; quoted bounds are literal."""
        self._skip_space()
        q = self.q
        if self.i < len(q) and q[self.i] == '"' and not keyword:
            return self._quoted()
        out = []
        while self.i < len(q) and not q[self.i].isspace() and q[self.i] not in "]}":
            if q[self.i] == "\\":
                out.append(self._escaped())
            else:
                out.append(q[self.i])
                self.i += 1
        text = "".join(out)
        if not text:
            raise syntax_error("بازه نامعتبر", "invalid range", start)
        return None if text == "*" and not keyword else text


def _term_node(field: Optional[str], chars: tuple) -> Node:
    """Classify a bare term: word, prefix (`ab*`), wildcard, exists (`f:*`)."""
    text = "".join(ch for ch, _ in chars)
    wild = [i for i, (ch, esc) in enumerate(chars) if ch in "*?" and not esc]
    if not wild:
        return Term(field, text, "word")
    if all(chars[i][0] == "*" for i in wild) and len(wild) == len(chars):
        return MatchAll() if field is None else Term(field, "", "exists")
    stem = len(chars)
    while stem and chars[stem - 1] == ("*", False):
        stem -= 1
    if stem < len(chars) and all(i >= stem for i in wild):
        return Term(field, text[:stem], "prefix")
    pattern = "".join("\\" + ch if esc and ch in "*?\\" else ch for ch, esc in chars)
    return Term(field, pattern, "wildcard")


_MUST, _SHOULD, _NOT = "must", "should", "must_not"


def add_clause(clauses: list, conj: Optional[str], mod: Optional[str],
               item: object, op_and: bool) -> None:
    """Lucene's QueryParserBase.addClause: `[occur, item]` pairs, in place.

    `conj` is 'AND'/'OR'/None, `mod` '+'/'-'/None. Note Lucene's quirks:
    with default AND, `a OR b c` = (a OR b) optional, c required.
    """
    if clauses and conj == "AND" and clauses[-1][0] != _NOT:
        clauses[-1][0] = _MUST
    if clauses and op_and and conj == "OR" and clauses[-1][0] != _NOT:
        clauses[-1][0] = _SHOULD
    prohibited = mod == "-"
    if op_and:
        required = not prohibited and conj != "OR"
    else:
        required = mod == "+" or (conj == "AND" and not prohibited)
    occur = _MUST if required else (_NOT if prohibited else _SHOULD)
    clauses.append([occur, item])


class _Parser:
    """Recursive descent over Lucene's grammar: Query := Clause (Conj Clause)*."""

    def __init__(self, q: str, default_op: str) -> None:
        self.toks = _Lexer(q).tokens()
        self.k = 0
        self.op_and = default_op.upper() == "AND"

    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[min(self.k + ahead, len(self.toks) - 1)]

    def take(self) -> _Tok:
        tok = self.peek()
        self.k += 1
        return tok

    def parse(self) -> Node:
        node = self.query(None)
        tok = self.peek()
        if tok.kind == ")":
            raise syntax_error("پرانتز بسته اضافه",
                               "unbalanced parenthesis", tok.pos)
        return node

    def query(self, field: Optional[str]) -> Node:
        clauses: list[list] = []
        first = True
        while self.peek().kind not in ("EOF", ")"):
            conj = None
            if self.peek().kind in ("AND", "OR"):
                tok = self.take()
                if first:
                    raise syntax_error("عملگر بدون عبارت",
                                       "operator without operand", tok.pos)
                conj = tok.kind
            mod = None
            if self.peek().kind in ("+", "-", "NOT"):
                mod = "+" if self.peek().kind == "+" else "-"
                self.take()
            add_clause(clauses, conj, mod, self.clause(field), self.op_and)
            first = False
        return self._combine(clauses)

    @staticmethod
    def _combine(clauses: list) -> Node:
        if not clauses:
            return Bool()
        if len(clauses) == 1 and clauses[0][0] != _NOT:
            return clauses[0][1]
        parts: dict[str, list] = {_MUST: [], _SHOULD: [], _NOT: []}
        for occur, node in clauses:
            parts[occur].append(node)
        return Bool(tuple(parts[_MUST]), tuple(parts[_SHOULD]), tuple(parts[_NOT]))

    def clause(self, field: Optional[str]) -> Node:
        tok = self.peek()
        if tok.kind == "TERM" and self.peek(1).kind == ":":
            self.k += 2
            name = "".join(ch for ch, _ in tok.chars)
            value = self.peek()
            if value.kind not in ("TERM", "PHRASE", "RANGE", "("):
                raise syntax_error("مقدار فیلد خالی است",
                                   f"empty value for field '{name}'", value.pos)
            if name == "*":
                node = self.value(None)
                if node != MatchAll():
                    raise syntax_error("نام فیلد نامعتبر", "invalid field name", tok.pos)
                return node
            return self.value(name)
        if tok.kind in ("TERM", "PHRASE", "RANGE", "("):
            return self.value(field)
        if tok.kind in ("EOF", "AND", "OR", "NOT", "+", "-"):
            raise syntax_error("عملگر بدون عبارت", "operator without operand", tok.pos)
        raise syntax_error("نشانه نابجا", f"unexpected '{self._text(tok)}'", tok.pos)

    def _text(self, tok: _Tok) -> str:
        return tok.kind if tok.kind != "TERM" else "".join(c for c, _ in tok.chars)

    def value(self, field: Optional[str]) -> Node:
        tok = self.take()
        if tok.kind == "(":
            if self.peek().kind == ")":
                raise syntax_error("گروه خالی", "empty group", tok.pos)
            node = self.query(field)
            if self.take().kind != ")":
                raise syntax_error("پرانتز بسته نشده",
                                   "unbalanced parenthesis", tok.pos)
        elif tok.kind == "RANGE":
            node = Range(field, *tok.value)
        elif tok.kind == "PHRASE":
            node = Term(field, tok.value, "phrase")
        else:
            node = _term_node(field, tok.chars)
        while self.peek().kind in ("BOOST", "FUZZY"):
            slop = self.take()
            # a sloppy phrase matches its words near each other: all words
            if slop.kind == "FUZZY" and slop.value and isinstance(node, Term) \
                    and node.kind == "phrase":
                node = Term(node.field, node.text, "word")
        return node


def parse(q: str, default_op: str = "AND") -> Node:
    """Parse a Solr standard-parser query; blank means everything."""
    if q is None or not q.strip():
        return MatchAll()
    if default_op.upper() not in ("AND", "OR"):
        raise _param_error("q.op", "فقط AND یا OR", "must be AND or OR")
    if q.lstrip().startswith("{!"):
        raise syntax_error("پارامترهای محلی پشتیبانی نمی‌شوند",
                           "local parameters are not supported",
                           len(q) - len(q.lstrip()))
    return _Parser(q, default_op).parse()


def parse_sort(sort: str) -> list[tuple[str, str]]:
    """`score desc, name asc` -> [('score', 'desc'), ('name', 'asc')]."""
    if sort is None or not sort.strip():
        return []
    out = []
    for part in sort.split(","):
        bits = part.split()
        if not bits or len(bits) > 2 or not FIELD_RE.match(bits[0]):
            raise _param_error("sort", "نام فیلد نامعتبر", f"invalid field in '{part.strip()}'")
        if len(bits) == 1:  # Solr: "Missing sort order"
            raise _param_error("sort", "جهت مرتب‌سازی (asc یا desc) لازم است",
                               f"missing sort order (asc or desc) in '{part.strip()}'")
        direction = bits[1].lower()
        if direction not in ("asc", "desc"):
            raise _param_error("sort", "جهت مرتب‌سازی نامعتبر",
                               f"invalid direction '{bits[1]}'")
        out.append((bits[0], direction))
    return out


_MM_PART = re.compile(r"^(-?\d+)(%?)$")


def parse_mm(spec: str, n_clauses: int) -> int:
    """Solr's calculateMinShouldMatch: `2<-1 5<80%`, `3`, `-1`, `75%`, `-25%`."""
    spec = (spec or "").strip()
    if not spec:
        return n_clauses
    if "<" in spec:
        result = n_clauses
        for cond in re.sub(r"\s*<\s*", "<", spec).split():
            bound, sep, rest = cond.partition("<")
            if not sep or not rest or not re.fullmatch(r"\d+", bound):
                raise _param_error("mm", "مشخصه نامعتبر", f"invalid spec '{spec}'")
            if n_clauses <= int(bound):
                return result
            result = parse_mm(rest, n_clauses)
        return result
    m = _MM_PART.match(spec)
    if not m:
        raise _param_error("mm", "مشخصه نامعتبر", f"invalid spec '{spec}'")
    value = int(m.group(1))
    if m.group(2):
        calc = n_clauses * value / 100        # Java: sign from the float,
        result = n_clauses + int(calc) if calc < 0 else int(calc)  # int() truncates
    else:
        result = n_clauses + value if value < 0 else value
    return max(0, min(result, n_clauses))
