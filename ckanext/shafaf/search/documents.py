"""Turn the document CKAN would send to Solr into a row of our index table.

CKAN builds the document (extras flattened, res_* lists, permission labels,
every IPackageController.before_dataset_index applied); we only decide how
each field is analysed, mirroring CKAN's Solr schema: text fields are
tokenised with Persian analysis, everything else stays an exact value that
can be filtered and faceted without schema edits.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from ckanext.shafaf.search.fields import field_type, is_text_field
from ckanext.shafaf.search.persian import TsvectorBuilder

# Stored outside `doc`: large JSON strings that are returned, never searched.
STORED_BLOBS = ("data_dict", "validated_data_dict")
# Longer values stay searchable as text but are not exact-match/facet values
# (Solr refuses string terms over 32 KB; facets on them are meaningless).
MAX_EXACT_CHARS = 512

# Catch-all `text` field: which fields feed it and with what weight.
# A ranks highest: title matches come before notes and resources.
WEIGHT_A = ("title",)
WEIGHT_B = ("name", "tags", "groups", "organization")
WEIGHT_C = ("notes",)
URL_FIELDS = ("url", "ckan_url", "download_url", "res_url")

DATE_FIELDS = frozenset(("metadata_created", "metadata_modified", "indexed_ts"))

# Bookkeeping values that would only add noise to full-text search.
NOT_TEXT = frozenset((
    "id", "index_id", "site_id", "entity_type", "dataset_type", "type",
    "state", "capacity", "private", "owner_org", "creator_user_id",
    "metadata_created", "metadata_modified", "indexed_ts", "license_id",
    "permission_labels", "title_string", "num_resources", "num_tags",
    "isopen", "version", "res_type", "res_format", "revision_id",
    *STORED_BLOBS, *URL_FIELDS, *WEIGHT_A, *WEIGHT_B, *WEIGHT_C,
))


def _strings(value: Any) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return []
    return [str(value)]


def _parse_time(value: Any) -> Optional[datetime]:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _catch_all(doc: dict[str, Any]) -> str:
    builder = TsvectorBuilder()
    for weight, fields in (("A", WEIGHT_A), ("B", WEIGHT_B), ("C", WEIGHT_C)):
        for field in fields:
            builder.add_all(_strings(doc.get(field)), weight)
    urls: Iterable[str] = (s for f in URL_FIELDS for s in _strings(doc.get(f)))
    builder.add_all(urls, "D")
    for field, value in doc.items():
        if field not in NOT_TEXT and not field.endswith("_date"):
            builder.add_all(_strings(value), "D")
    return builder.literal()


def _field_vectors(doc: dict[str, Any]) -> dict[str, str]:
    vectors = {}
    urls = [s for f in URL_FIELDS for s in _strings(doc.get(f))]
    for field, value in {**doc, "urls": urls}.items():
        if field != "text" and is_text_field(field):
            builder = TsvectorBuilder()
            builder.add_all(_strings(value))
            vectors[field] = builder.literal()
    return vectors


def is_date_field(field: str) -> bool:
    return field in DATE_FIELDS or field.endswith("_date")


def solr_date(value: Any) -> Any:
    """Solr keeps dates to the millisecond and prints them as ISO instants."""
    if isinstance(value, datetime):
        value = value.isoformat()
    parsed = _parse_time(value)
    if parsed is None:
        return value
    parsed = parsed.astimezone(timezone.utc)
    text = parsed.strftime("%Y-%m-%dT%H:%M:%S")
    millis = parsed.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _as_text(value: Any) -> Any:
    """A list value as PostgreSQL's jsonb_array_elements_text prints it
    (strings, numbers, booleans; an object as one canonical JSON text)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def distinct_values(values: list[Any]) -> list[Any]:
    """Each value once, in first-seen order: a dataset with two CSV resources
    holds CSV once, so a facet counts it once by counting its values
    (executor._facet_values), without a DISTINCT per hit. Matching is
    unchanged: every test on a list asks whether any value passes."""
    seen: set[Any] = set()
    out = []
    for value in values:
        key = None if value is None else _as_text(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _exact_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields matched exactly and faceted: no analysed text, no long
    values, nothing the table already holds as a column."""
    return {k: distinct_values(v) if isinstance(v, list) else v
            for k, v in doc.items()
            if field_type(k) in ("string", "date")
            and sum(len(s) for s in _strings(v)) <= MAX_EXACT_CHARS}


def index_rows(solr_doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rows of `shafaf_search_doc` and `shafaf_search_stored` for one document."""
    doc = {k: solr_date(v) if is_date_field(k) else _jsonable(v)
           for k, v in solr_doc.items() if k not in STORED_BLOBS}
    searched = {
        "id": doc["id"],
        "site_id": doc.get("site_id") or "",
        "name": doc.get("name"),
        "state": doc.get("state"),
        "capacity": doc.get("capacity"),
        "dataset_type": doc.get("dataset_type"),
        "owner_org": doc.get("owner_org"),
        "title_string": doc.get("title_string"),
        "metadata_created": _parse_time(doc.get("metadata_created")),
        "metadata_modified": _parse_time(doc.get("metadata_modified")),
        "permission_labels": _strings(doc.get("permission_labels")),
        "doc": json.dumps(_exact_fields(doc), ensure_ascii=False),
        "tsv": _catch_all(doc),
    }
    stored = {
        "id": searched["id"],
        "site_id": searched["site_id"],
        "doc": json.dumps(doc, ensure_ascii=False),
        "ftsv": json.dumps(_field_vectors(doc), ensure_ascii=False),
        "data_dict": solr_doc.get("data_dict"),
        "validated_data_dict": solr_doc.get("validated_data_dict"),
    }
    return searched, stored
