"""Persian analysis: every spelling variant of design.md folds to one form."""
import pytest

from ckanext.shafaf.search import persian


@pytest.mark.parametrize("variant, canonical", [
    ("كتاب", "کتاب"),            # Arabic kaf
    ("يزد", "یزد"),              # Arabic yeh
    ("مصطفى", "مصطفی"),          # alef maksura
    ("مدرسة", "مدرسه"),          # teh marbuta
    ("خانۀ", "خانه"),            # heh with yeh above
    ("خانە", "خانه"),            # ae
    ("أحمد", "احمد"),            # alef with hamza above
    ("إسلام", "اسلام"),          # alef with hamza below
    ("ٱلله", "الله"),            # alef wasla
    ("آب", "اب"),                # madda: آ also searchable as ا
    ("بـــودجه", "بودجه"),       # tatweel
    ("مُحَمَّد", "محمد"),         # harakat
    ("۱۴۰۳", "1403"),            # Persian digits
    ("١٤٠٣", "1403"),            # Arabic-Indic digits
    ("Tehran", "tehran"),
    ("Café", "cafe"),
])
def test_normalize_folds_variants(variant, canonical):
    assert persian.normalize(variant) == persian.normalize(canonical) == canonical


def test_zwnj_word_is_indexed_joined_and_split():
    lexemes = set(persian.tokens("می‌شود"))
    assert {"میشود", "می", "شود"} <= lexemes


def test_space_separated_prefix_is_also_indexed_joined():
    assert "میشود" in set(persian.tokens("می شود"))


def test_joined_prefix_word_is_also_indexed_split():
    assert {"می", "شود"} <= set(persian.tokens("میشود"))


def test_plural_suffix_gives_stem():
    assert "قرارداد" in set(persian.tokens("قراردادها"))
    assert "قرارداد" in set(persian.tokens("قرارداد‌های"))


def test_short_words_are_not_over_split():
    assert set(persian.tokens("میز")) == {"میز"}


def test_query_literal_for_phrase_accepts_joined_pair():
    q = persian.text_query("می شود", phrase=True)
    assert q == "('می' <-> 'شود' | 'میشود')"


def test_query_with_no_words_is_none():
    assert persian.text_query("؟!…") is None


def test_prefix_applies_to_last_word_only():
    assert persian.text_query("data-set", prefix=True) == "('data' & 'set':*)"


def test_quotes_in_lexemes_are_escaped():
    assert persian.quote_lexeme("it's") == "'it''s'"


def test_tsvector_positions_and_weights():
    b = persian.TsvectorBuilder()
    b.add("بودجه شهرداری", "A")
    b.add("بودجه", "C")
    literal = b.literal()
    assert "'بودجه':1A,4C" in literal
    assert "'شهرداری':2A" in literal
