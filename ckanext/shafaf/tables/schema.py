"""Table schemas: Frictionless Table Schema JSON plus our `shafaf:*` keys.

The standard keys (`name`, `type`, `constraints`) describe the normalised
table we load into the DataStore, so any Table Schema tool can read it; the
`shafaf:*` keys say how staff files are read (Persian header aliases, Jalali
dates, amounts with units, checksummed IDs). Schemas are data: a new column
or alias is a JSON edit, not a code change. Files live in the package
(`ckanext/shafaf/schemas/tables/`) so a non-editable install finds them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Optional, Union

SCHEMA_PACKAGE = "ckanext.shafaf"
SCHEMA_DIR = ("schemas", "tables")

# shafaf:type values; absent means the standard `type` decides.
SHAFAF_TYPES = frozenset((
    "jalali_date", "amount_irr", "national_or_legal_id", "legal_id",
    "fiscal_year", "choice", "unit"))
STANDARD_TYPES = frozenset(("string", "integer", "number", "date", "boolean"))
# DataStore column type for each standard type of the normalised table.
DATASTORE_TYPES = {"string": "text", "integer": "int8", "number": "numeric",
                   "date": "date", "boolean": "bool"}


class SchemaError(ValueError):
    """A schema file that is not usable: a bug in our data, not in an upload."""


@dataclass(frozen=True)
class FieldSpec:
    """One column of a table schema, with the reading rules resolved."""

    name: str
    title: str
    type: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    unit_field: Optional[str] = None
    enum: tuple[str, ...] = ()
    enum_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enum_codes: Mapping[str, str] = field(default_factory=dict)
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    max_length: Optional[int] = None
    ascii_digits: bool = False
    not_before: Optional[str] = None
    redact_person_id: bool = False


@dataclass(frozen=True)
class TableSchema:
    """A loaded table schema: its fields in order plus table-level rules."""

    name: str
    title: Mapping[str, str]
    fields: tuple[FieldSpec, ...]
    ignore: tuple[str, ...] = ()
    personal_columns: tuple[str, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)
    source: Mapping[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


def available_schemas() -> list[str]:
    """Names of the schemas shipped with the package (file stems)."""
    folder = resources.files(SCHEMA_PACKAGE).joinpath(*SCHEMA_DIR)
    return sorted(item.name[:-5] for item in folder.iterdir()
                  if item.name.endswith(".json"))


def load_schema(schema: Union[str, Path, Mapping[str, Any], TableSchema]) -> TableSchema:
    """A TableSchema from a shipped name ('contracts'), a JSON path or a dict."""
    if isinstance(schema, TableSchema):
        return schema
    if isinstance(schema, Mapping):
        return parse_schema(schema)
    if isinstance(schema, Path) or str(schema).endswith(".json"):
        return parse_schema(json.loads(Path(schema).read_text(encoding="utf-8")))
    if schema not in available_schemas():
        raise SchemaError(f"unknown table schema {schema!r}; "
                          f"known: {', '.join(available_schemas())}")
    item = resources.files(SCHEMA_PACKAGE).joinpath(*SCHEMA_DIR, f"{schema}.json")
    return parse_schema(json.loads(item.read_text(encoding="utf-8")))


def parse_schema(data: Mapping[str, Any]) -> TableSchema:
    """Check and resolve a schema dict; raise SchemaError on a broken one."""
    raw_fields = data.get("fields")
    if not raw_fields:
        raise SchemaError("a table schema needs a non-empty 'fields' list")
    fields = tuple(_parse_field(item) for item in raw_fields)
    names = [spec.name for spec in fields]
    if len(set(names)) != len(names):
        raise SchemaError(f"duplicate field names in {names}")
    for spec in fields:
        for ref in (spec.unit_field, spec.not_before):
            if ref is not None and ref not in names:
                raise SchemaError(f"field {spec.name!r} refers to unknown field {ref!r}")
        if spec.unit_field and _by_name(fields, spec.unit_field).kind != "unit":
            raise SchemaError(f"{spec.name!r}: shafaf:unit_field must be a 'unit' field")
    title = data.get("shafaf:title") or {"fa": data.get("title", ""), "en": data.get("title", "")}
    return TableSchema(
        name=str(data.get("name", "table")),
        title=dict(title),
        fields=fields,
        ignore=tuple(data.get("shafaf:ignore", ())),
        personal_columns=tuple(data.get("shafaf:personal_columns", ())),
        figures=dict(data.get("shafaf:figures", {})),
        source=dict(data),
    )


def _by_name(fields: tuple[FieldSpec, ...], name: str) -> FieldSpec:
    return next(spec for spec in fields if spec.name == name)


def _parse_field(item: Mapping[str, Any]) -> FieldSpec:
    name = item.get("name")
    if not name or not str(name).isascii():
        raise SchemaError(f"field names must be non-empty ASCII, got {name!r}")
    std_type = item.get("type", "string")
    if std_type not in STANDARD_TYPES:
        raise SchemaError(f"{name}: unsupported type {std_type!r}")
    kind = item.get("shafaf:type") or std_type
    if kind not in SHAFAF_TYPES and kind not in STANDARD_TYPES:
        raise SchemaError(f"{name}: unknown shafaf:type {kind!r}")
    constraints = item.get("constraints", {})
    enum = tuple(constraints.get("enum", ()))
    if kind == "choice" and not enum:
        raise SchemaError(f"{name}: a choice field needs constraints.enum")
    enum_aliases = {key: tuple(values)
                    for key, values in item.get("shafaf:enum_aliases", {}).items()}
    if set(enum_aliases) - set(enum):
        raise SchemaError(f"{name}: enum_aliases for values not in enum")
    return FieldSpec(
        name=name,
        title=item.get("title", name),
        type=std_type,
        kind=kind,
        required=bool(constraints.get("required", False)),
        aliases=tuple(item.get("shafaf:aliases", ())),
        unit_field=item.get("shafaf:unit_field"),
        enum=enum,
        enum_aliases=enum_aliases,
        enum_codes=dict(item.get("shafaf:enum_codes", {})),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        max_length=constraints.get("maxLength"),
        ascii_digits=bool(item.get("shafaf:ascii_digits", False)),
        not_before=item.get("shafaf:not_before"),
        redact_person_id=bool(item.get("shafaf:redact_person_id", False)),
    )


def datastore_fields(schema: Union[str, TableSchema]) -> list[dict[str, Any]]:
    """DataStore `fields` for `datastore_create` of the normalised table."""
    spec = load_schema(schema)
    return [{"id": f.name, "type": DATASTORE_TYPES[f.type],
             "info": {"label": f.title, "notes": ""}} for f in spec.fields]
