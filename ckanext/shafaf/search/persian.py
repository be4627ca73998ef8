"""Persian text analysis shared by indexing and querying.

PostgreSQL has no Persian text-search configuration and its parser splits
words on ZWNJ before any dictionary sees them, so we analyse in Python and
hand PostgreSQL ready-made lexemes (`tsvector` / `tsquery` literals). The
chain follows Lucene's PersianAnalyzer: digit folding, Arabic and Persian
normalisation, then a light treatment of ZWNJ joins and plural suffixes.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Iterable, Iterator, Optional

ZWNJ = "\u200c"

_CHAR_MAP = str.maketrans({
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06d5": "\u0647",  # ە ae -> ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u0640": None,      # tatweel
    "\u200d": None,      # zero width joiner
    "\u200e": None,      # left-to-right mark
    "\u200f": None,      # right-to-left mark
    "\ufeff": None,      # byte order mark
    "\u00ad": None,      # soft hyphen
    **{0x06F0 + i: str(i) for i in range(10)},  # Persian digits
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic digits
})

# Words are runs of letters/digits; a ZWNJ between two runs keeps them one word.
_WORD_RE = re.compile(r"[^\W_]+(?:\u200c+[^\W_]+)*")

# Verbal prefixes and suffixes that Persian writes joined, with ZWNJ or with a
# space: 'می‌شود' = 'میشود' = 'می شود'.
PREFIXES = ("نمی", "می")
PAIR_SUFFIXES = frozenset(
    ("ها", "های", "هایی", "ای", "ام", "اید", "اند", "ایم", "تر", "ترین"))
# Plural suffixes stripped as a light stem: 'قراردادها' also finds 'قرارداد'.
PLURAL_SUFFIXES = ("هایشان", "هایمان", "هایش", "هایی", "های", "ها")
_MIN_STEM = 2

MAX_POSITION = 16383       # PostgreSQL's limit for tsvector positions
MAX_POSITIONS_PER_LEXEME = 256
WEIGHTS = ("A", "B", "C", "D")


def normalize(text: str) -> str:
    """Fold every spelling variant to one form (index and query alike)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_CHAR_MAP).casefold()


def words(text: str) -> list[list[str]]:
    """Normalised words of `text`, each as its ZWNJ-separated parts."""
    return [m.group(0).split(ZWNJ) for m in _WORD_RE.finditer(normalize(text))]


def _plural_stem(word: str) -> Optional[str]:
    for suffix in PLURAL_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return None


def variants(parts: list[str]) -> list[str]:
    """Lexemes indexed at one word's position; the joined form comes first."""
    parts = [p for p in parts if p]
    joined = "".join(parts)
    out = [joined]
    if len(parts) > 1:
        out.extend(parts)
    for prefix in PREFIXES:
        if joined.startswith(prefix) and len(joined) - len(prefix) >= _MIN_STEM:
            out.extend((prefix, joined[len(prefix):]))
            break
    stem = _plural_stem(joined)
    if stem:
        out.append(stem)
    return list(dict.fromkeys(out))


def _joins_with_next(word: str, following: str) -> bool:
    return word in PREFIXES or following in PAIR_SUFFIXES


class TsvectorBuilder:
    """Collects weighted lexemes with positions and renders a tsvector literal."""

    def __init__(self) -> None:
        self._positions: dict[str, list[str]] = defaultdict(list)
        self._next = 1

    def add(self, text: Optional[str], weight: str = "D") -> None:
        if not text:
            return
        found = words(text)
        if not found:
            return
        joined = ["".join(parts) for parts in found]
        for i, parts in enumerate(found):
            pos = min(self._next + i, MAX_POSITION)
            lexemes = variants(parts)
            if i + 1 < len(found) and _joins_with_next(joined[i], joined[i + 1]):
                lexemes.append(joined[i] + joined[i + 1])
            for lexeme in lexemes:
                slots = self._positions[lexeme]
                if len(slots) < MAX_POSITIONS_PER_LEXEME:
                    slots.append(f"{pos}{weight}")
        # a gap keeps phrases from matching across two separate values
        self._next = min(self._next + len(found) + 1, MAX_POSITION)

    def add_all(self, values: Iterable[Optional[str]], weight: str = "D") -> None:
        for value in values:
            self.add(value, weight)

    def literal(self) -> str:
        return " ".join(
            f"{quote_lexeme(lexeme)}:{','.join(slots)}"
            for lexeme, slots in self._positions.items())


def quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _word_query(parts: list[str], prefix: bool, weights: str) -> str:
    joined = "".join(parts)
    suffix = ":" + ("*" if prefix else "") + weights if (prefix or weights) else ""
    alternatives = [quote_lexeme(joined) + suffix]
    stem = None if prefix else _plural_stem(joined)
    if stem:
        alternatives.append(quote_lexeme(stem) + (":" + weights if weights else ""))
    if len(alternatives) == 1:
        return alternatives[0]
    return "(" + " | ".join(alternatives) + ")"


def _phrase_query(found: list[list[str]], weights: str) -> str:
    """Adjacent words in order; a prefix/suffix pair may also be written joined."""
    joined = ["".join(parts) for parts in found]
    items: list[str] = []
    i = 0
    while i < len(found):
        if i + 1 < len(found) and _joins_with_next(joined[i], joined[i + 1]):
            pair = (f"({_word_query(found[i], False, weights)} <-> "
                    f"{_word_query(found[i + 1], False, weights)}"
                    f" | {_word_query([joined[i] + joined[i + 1]], False, weights)})")
            items.append(pair)
            i += 2
            continue
        items.append(_word_query(found[i], False, weights))
        i += 1
    return items[0] if len(items) == 1 else "(" + " <-> ".join(items) + ")"


def text_query(text: str, *, phrase: bool = False, prefix: bool = False,
               weights: str = "") -> Optional[str]:
    """A tsquery literal for one query term or phrase, or None if it has no words.

    A term that analyses to several words ('data-set', 'می شود') must match
    them all; a phrase must match them adjacent and in order.
    """
    found = words(text)
    if not found:
        return None
    if phrase and len(found) > 1:
        return _phrase_query(found, weights)
    last = len(found) - 1
    items = [_word_query(parts, prefix and i == last, weights)
             for i, parts in enumerate(found)]
    return items[0] if len(items) == 1 else "(" + " & ".join(items) + ")"


def tokens(text: str) -> Iterator[str]:
    """Flat list of indexed lexemes, for tests and fielded matching."""
    builder = TsvectorBuilder()
    builder.add(text)
    yield from builder._positions.keys()
