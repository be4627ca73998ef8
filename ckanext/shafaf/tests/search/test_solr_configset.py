"""Static checks of the Solr configset in ckanext/shafaf/search/solr.

Plain pytest, no CKAN fixtures and no Solr: the files must parse, keep every
field of CKAN 2.11's own schema, route CKAN's text fields through `text_fa`,
and every file the schema names must exist. If SHAFAF_LUCENE_CP points at
Lucene's core and analysis jars, the analysis chain itself is also run through
Lucene (tools/AnalysisCheck.java).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import ckan

CONF = Path(__file__).resolve().parents[2] / "search" / "solr"
SCHEMA = CONF / "managed-schema.xml"
CKAN_SCHEMA = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"

TEXT_FA_FIELDS = {"text", "title", "notes", "res_name", "res_description"}
TEXT_FA_DYNAMIC = {"extras_*", "res_extras_*"}
# attributes of an analysis component that name a file in the conf directory
FILE_ATTRS = ("words", "mapping", "protected", "synonyms", "dictionary",
              "types", "articles", "protectedFile", "stemmerOverride")


def _root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def _by_name(root: ET.Element, tag: str) -> dict[str, dict[str, str]]:
    return {e.get("name"): dict(e.attrib) for e in root.iter(tag)}


def _field_types(root: ET.Element) -> dict[str, ET.Element]:
    # CKAN's schema spells it both <fieldType> and <fieldtype>
    return {e.get("name"): e for e in root.iter()
            if e.tag in ("fieldType", "fieldtype")}


def _copy_fields(root: ET.Element) -> set[tuple[str, str]]:
    return {(e.get("source"), e.get("dest")) for e in root.iter("copyField")}


@pytest.fixture(scope="module")
def schema() -> ET.Element:
    return _root(SCHEMA)


@pytest.fixture(scope="module")
def ckan_schema() -> ET.Element:
    assert CKAN_SCHEMA.is_file(), CKAN_SCHEMA
    return _root(CKAN_SCHEMA)


@pytest.mark.parametrize(
    "path", sorted(CONF.rglob("*.xml")), ids=lambda p: str(p.relative_to(CONF)))
def test_every_xml_file_parses(path):
    ET.parse(path)


def test_expected_files_present():
    for name in ("managed-schema.xml", "solrconfig.xml", "mapping-fa.txt",
                 "lang/stopwords_fa.txt", "README_solr.md"):
        assert (CONF / name).is_file(), name


def test_single_schema_file():
    # Solr 9 prefers a legacy `managed-schema` over `managed-schema.xml`, and a
    # schema.xml next to a managed schema gets "upgraded": ship exactly one.
    assert not (CONF / "managed-schema").exists()
    assert not (CONF / "schema.xml").exists()


def test_schema_name_is_ckan_2_11(schema):
    assert schema.tag == "schema"
    assert schema.get("name").startswith("ckan-2.11")
    # CKAN's check_solr_schema_version() takes name.split('-')[1]
    from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS
    assert schema.get("name").split("-")[1] in SUPPORTED_SCHEMA_VERSIONS


def test_ckan_schema_version_check_accepts_it(monkeypatch):
    """CKAN's own check, fed our file instead of a Solr response."""
    import ckan.lib.search as ckan_search
    check = ckan_search.check_solr_schema_version
    if check.__module__ != ckan_search.__name__:
        # the shafaf plugin is loaded (postgres backend) and has swapped in its
        # no-Solr stub; test CKAN's original, which it keeps for backend=solr
        from ckanext.shafaf.search.backend import _SOLR
        check = _SOLR["check_solr_schema_version"]
    assert check.__module__ == ckan_search.__name__
    monkeypatch.setattr(ckan_search, "is_available", lambda: True)
    assert check(str(SCHEMA)) is True


def test_same_name_and_version_as_ckan(schema, ckan_schema):
    assert schema.get("name") == ckan_schema.get("name") == "ckan-2.11"
    assert schema.get("version") == ckan_schema.get("version")
    assert schema.findtext("uniqueKey") == ckan_schema.findtext("uniqueKey")


@pytest.mark.parametrize("tag,switched", [
    ("field", TEXT_FA_FIELDS), ("dynamicField", TEXT_FA_DYNAMIC)])
def test_every_ckan_field_kept(schema, ckan_schema, tag, switched):
    ours, theirs = _by_name(schema, tag), _by_name(ckan_schema, tag)
    assert theirs, "CKAN's schema has no <%s>?" % tag
    assert set(theirs) <= set(ours), set(theirs) - set(ours)
    for name, attrs in theirs.items():
        mine = dict(ours[name])
        expected = dict(attrs)
        if name in switched:
            assert mine.pop("type") == "text_fa", name
            expected.pop("type")
        assert mine == expected, name


def test_no_extra_fields(schema, ckan_schema):
    for tag in ("field", "dynamicField"):
        assert set(_by_name(schema, tag)) == set(_by_name(ckan_schema, tag))


def test_every_ckan_copy_field_kept(schema, ckan_schema):
    theirs = _copy_fields(ckan_schema)
    assert theirs
    assert theirs <= _copy_fields(schema)


def test_ckan_field_types_kept(schema, ckan_schema):
    ours, theirs = _field_types(schema), _field_types(ckan_schema)
    assert set(theirs) <= set(ours)
    for name, elem in theirs.items():
        assert ET.tostring(ours[name]) == ET.tostring(elem), name


def test_text_fields_use_text_fa(schema):
    fields = _by_name(schema, "field")
    dynamic = _by_name(schema, "dynamicField")
    for name in TEXT_FA_FIELDS:
        assert fields[name]["type"] == "text_fa", name
    for name in TEXT_FA_DYNAMIC:
        assert dynamic[name]["type"] == "text_fa", name


def test_every_field_type_used_is_defined(schema):
    types = _field_types(schema)
    for tag in ("field", "dynamicField"):
        for name, attrs in _by_name(schema, tag).items():
            assert attrs["type"] in types, (name, attrs["type"])


def _chain(analyzer: ET.Element) -> list[str]:
    return [c.get("class").split(".")[-1] for c in analyzer]


def test_text_fa_chain(schema):
    ft = _field_types(schema)["text_fa"]
    assert ft.get("class") == "solr.TextField"
    analyzers = {a.get("type"): a for a in ft.findall("analyzer")}
    assert set(analyzers) == {"index", "query"}
    for kind, analyzer in analyzers.items():
        chain = _chain(analyzer)
        assert chain[0] == "MappingCharFilterFactory"
        assert "PatternReplaceCharFilterFactory" in chain
        assert "PersianCharFilterFactory" not in chain  # ZWNJ kept on purpose
        filters = [c for c in chain if c.endswith("FilterFactory")
                   and "CharFilter" not in c]
        tokenizers = [c for c in chain if c.endswith("TokenizerFactory")]
        assert tokenizers == ["StandardTokenizerFactory"]
        # Lucene's PersianAnalyzer order: digits, Arabic, Persian, then stop
        # words (the list is written in the normalised form).
        order = ["DecimalDigitFilterFactory", "ArabicNormalizationFilterFactory",
                 "PersianNormalizationFilterFactory", "StopFilterFactory",
                 "WordDelimiterGraphFilterFactory", "LowerCaseFilterFactory",
                 "SnowballPorterFilterFactory", "ASCIIFoldingFilterFactory"]
        assert [f for f in filters if f in order] == order, kind
        assert ("FlattenGraphFilterFactory" in filters) == (kind == "index")
        stop = next(c for c in analyzer if c.get("class").endswith("StopFilterFactory"))
        assert stop.get("words") == "lang/stopwords_fa.txt"
        stem = next(c for c in analyzer
                    if c.get("class").endswith("SnowballPorterFilterFactory"))
        assert stem.get("language") == "English"
        wdgf = next(c for c in analyzer
                    if c.get("class").endswith("WordDelimiterGraphFilterFactory"))
        assert wdgf.get("catenateWords") == "1", kind


def test_pattern_char_filters_emit_real_zwnj(schema):
    ft = _field_types(schema)["text_fa"]
    for cf in ft.iter("charFilter"):
        if cf.get("class").endswith("PatternReplaceCharFilterFactory"):
            # Java's Matcher replacement has no \u escapes: the XML must carry
            # the character itself (&#x200C;).
            assert "\u200c" in cf.get("replacement")
            assert "\\u" not in cf.get("replacement")


def test_every_referenced_file_exists(schema):
    referenced = set()
    for elem in schema.iter():
        for attr in FILE_ATTRS:
            value = elem.get(attr)
            if value:
                referenced.update(v.strip() for v in value.split(",") if v.strip())
    assert {"lang/stopwords_fa.txt", "mapping-fa.txt", "protwords.txt",
            "synonyms.txt"} <= referenced
    missing = sorted(r for r in referenced if not (CONF / r).is_file())
    assert not missing


def test_solrconfig(schema):
    root = _root(CONF / "solrconfig.xml")
    assert root.tag == "config"
    assert root.findtext("luceneMatchVersion").startswith("9.")
    factory = root.find("schemaFactory")
    assert factory.get("class") == "ManagedIndexSchemaFactory"
    params = {e.get("name"): e.text for e in factory}
    assert params["mutable"] == "false"
    assert (CONF / params["managedSchemaResourceName"]).resolve() == SCHEMA
    handlers = {h.get("name"): h for h in root.iter("requestHandler")}
    assert "/select" in handlers
    # a schemaless chain would need a mutable schema
    assert root.find("updateRequestProcessorChain") is None


_MAPPING_LINE = re.compile(r'^"((?:[^"\\]|\\.)+)"\s*=>\s*"((?:[^"\\]|\\.)*)"\s*$')


def _unescape(s: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)),
                  s).replace('\\"', '"').replace("\\\\", "\\")


def test_mapping_file():
    mapping = {}
    for line in (CONF / "mapping-fa.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = _MAPPING_LINE.match(line)
        assert m, line  # MappingCharFilterFactory's own line syntax
        src = _unescape(m.group(1))
        assert src not in mapping, line
        mapping[src] = _unescape(m.group(2))
    expect = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
              "\u0629": "\u0647", "\u06d5": "\u0647", "\u06c0": "\u0647",
              "\u0640": "", "\u064e": "", "\u0650": "", "\u0651": ""}
    for src, dst in expect.items():
        assert mapping[src] == dst, hex(ord(src))
    assert "\u200c" not in mapping  # ZWNJ must reach WordDelimiterGraphFilter


def test_stopwords_are_lucenes_list():
    lines = (CONF / "lang" / "stopwords_fa.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# This file was created by Jacques Savoy")
    words = [w for w in lines if w and not w.startswith("#")]
    assert len(words) == len(set(words)) == 308
    # written after Lucene's normalisation: Arabic yeh/kaf, never ی / ک
    assert not any(c in w for w in words for c in "\u06cc\u06a9")
    assert {"\u0645\u064a", "\u0648", "\u0627\u0632"} <= set(words)  # مي و از


@pytest.mark.skipif(
    not (os.environ.get("SHAFAF_LUCENE_CP") and shutil.which("javac")
         and shutil.which("java")),
    reason="set SHAFAF_LUCENE_CP to lucene-core + lucene-analysis(-common) jars")
def test_analysis_chain_with_lucene(tmp_path):
    cp = os.environ["SHAFAF_LUCENE_CP"]
    subprocess.run(["javac", "-nowarn", "-cp", cp, "-d", str(tmp_path),
                    str(CONF / "tools" / "AnalysisCheck.java")], check=True)
    run_cp = os.pathsep.join([str(tmp_path), cp])
    every = subprocess.run(["java", "-cp", run_cp, "AnalysisCheck", str(CONF), "ALL"],
                           capture_output=True, text=True)
    assert every.returncode == 0, every.stderr
    assert "built text_fa" in every.stdout
    cases = subprocess.run(
        ["java", "-cp", run_cp, "AnalysisCheck", str(CONF), "text_fa",
         str(CONF / "tools" / "analysis_cases.txt")],
        capture_output=True, text=True)
    assert cases.returncode == 0, cases.stdout + cases.stderr
    assert cases.stdout.rstrip().endswith("ALL OK")
