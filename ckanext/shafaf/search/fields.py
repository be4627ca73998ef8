"""How each field of CKAN's search document is searched (CKAN's Solr schema).

One place for the index (what to analyse) and the query compiler (how to
match): text fields are analysed, a few hot fields are table columns, every
other field is Solr's exact `string` type.
"""
from __future__ import annotations

TEXT_FIELDS = frozenset({"text", "title", "notes", "res_name", "res_description",
                         "author", "maintainer", "author_email",
                         "maintainer_email", "urls"})
TEXT_PREFIXES = ("extras_", "res_extras_")
COLUMNS = frozenset({"id", "site_id", "name", "state", "capacity", "dataset_type",
                     "owner_org", "title_string"})
ARRAY_COLUMNS = frozenset({"permission_labels"})
DATE_COLUMNS = frozenset({"metadata_created", "metadata_modified"})


def field_type(field: str) -> str:
    """'text', 'column', 'array', 'date_column', 'date' or 'string' (Solr's *)."""
    if field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES):
        return "text"
    if field in COLUMNS:
        return "column"
    if field in ARRAY_COLUMNS:
        return "array"
    if field in DATE_COLUMNS:
        return "date_column"
    if field.startswith("vocab_"):      # Solr: the longer pattern `vocab_*` wins
        return "string"
    if field.endswith("_date") or field == "indexed_ts":
        return "date"
    return "string"


def is_text_field(field: str) -> bool:
    return field_type(field) == "text"
