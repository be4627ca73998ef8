"""OCDS 1.1 export of a contracts register (pure functions, no CKAN import).

Researchers compare municipal procurement with tools built for the Open
Contracting Data Standard, so a contracts dataset is also offered as an OCDS
release package: one release per contract row, with the municipality as
buyer, the contractor as supplier (with its شناسه ملی, never a person's کد
ملی), the selection method as ``tender.procurementMethod`` and the amount in
IRR. The method codes come from the table schema (``shafaf:enum_codes`` of
``selection_method``), so the mapping lives in one place.

``iter_releases`` is lazy (rows may come page by page from the DataStore);
``release_package`` assembles the whole package for the API action.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from typing import Any, Iterable, Iterator, Mapping, Optional

from ckanext.shafaf.domain import identifiers
from ckanext.shafaf.domain.errors import DomainError
from ckanext.shafaf.tables import load_schema

OCDS_VERSION = "1.1"
CURRENCY = "IRR"
LEGAL_ID_SCHEME = "IR-NID"
DEFAULT_OCID_PREFIX = "ocds-shafaf"
LANGUAGE = "fa"

Row = Mapping[str, Any]
Release = dict[str, Any]


def method_codes() -> dict[str, str]:
    """Canonical Persian selection method → OCDS procurementMethod code."""
    return dict(load_schema("contracts").field("selection_method").enum_codes)


def _text(value: Any) -> Optional[str]:
    """A non-empty stripped string, or None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> Optional[date]:
    """A date from the DataStore ('2024-03-24' or '2024-03-24T00:00:00')."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _date_time(day: Optional[date]) -> Optional[str]:
    """OCDS wants RFC 3339 date-times; midnight UTC keeps the calendar day."""
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


def timestamp(value: Any) -> Optional[str]:
    """CKAN's naive-UTC timestamps ('2024-05-01T10:20:30.123') as RFC 3339."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = _text(value)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(data: Mapping[str, Any]) -> dict[str, Any]:
    """Drop keys without a value: OCDS omits unknown fields, never nulls them."""
    return {key: value for key, value in data.items()
            if value is not None and value != {} and value != []}


def buyer_party(dataset: Mapping[str, Any]) -> Optional[dict[str, Any]]:
    """The publishing organisation: the municipality buys (and runs its own tenders).

    OCDS asks that an organisation that is both buyer and procuring entity
    be named in ``buyer`` only, so there is no ``tender.procuringEntity``.
    """
    org = dataset.get("organization") or {}
    if not org.get("id"):
        return None
    return {"id": org["id"], "name": _text(org.get("title")) or org.get("name"),
            "roles": ["buyer"]}


def supplier_identifier(value: Any) -> Optional[dict[str, str]]:
    """``{scheme, id}`` for a valid شناسه ملی; nothing for a person or junk.

    The upload already redacts a person's کد ملی to null; this refuses it
    again so no path can publish one.
    """
    text = _text(value)
    if text is None:
        return None
    try:
        kind, code = identifiers.national_id_or_legal_id(text)
    except DomainError:
        return None
    return {"scheme": LEGAL_ID_SCHEME, "id": code} if kind == "legal" else None


def supplier_party(row: Row) -> Optional[dict[str, Any]]:
    """The contractor; its party id is stable across releases and datasets."""
    name = _text(row.get("contractor_name"))
    identifier = supplier_identifier(row.get("contractor_id"))
    if name is None and identifier is None:
        return None
    if identifier is not None:
        party_id = f"{identifier['scheme']}-{identifier['id']}"
        identifier = {**identifier, "legalName": name} if name else identifier
    else:
        digest = hashlib.sha1(str(name).encode("utf-8")).hexdigest()[:16]
        party_id = f"shafaf-name-{digest}"
    return _compact({"id": party_id, "name": name, "identifier": identifier,
                     "roles": ["supplier"]})


def tender(row: Row, number: str, codes: Mapping[str, str]) -> dict[str, Any]:
    """Selection method: OCDS code when mapped, the Persian term always."""
    method = _text(row.get("selection_method"))
    return _compact({
        "id": number,
        "title": _text(row.get("subject")),
        "procurementMethod": codes.get(method) if method else None,
        "procurementMethodDetails": method,
        "procurementMethodRationale": _text(row.get("selection_reason")),
    })


def period(row: Row) -> Optional[dict[str, Any]]:
    """Start and end dates; the length in days when both are known."""
    start, end = _date(row.get("start_date")), _date(row.get("end_date"))
    days = (end - start).days if start and end and end >= start else None
    return _compact({"startDate": _date_time(start), "endDate": _date_time(end),
                     "durationInDays": days}) or None


def value(row: Row) -> Optional[dict[str, Any]]:
    """The amount is stored as integer IRR whatever unit the source used."""
    amount = row.get("amount")
    if amount is None or amount == "":
        return None
    return {"amount": int(amount), "currency": CURRENCY}


def _reference(party: Optional[Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    return None if party is None else _compact({"id": party["id"], "name": party.get("name")})


def ocid(prefix: str, dataset_id: str, number: str) -> str:
    """Prefix + dataset + contract number: amendments share their contract's ocid."""
    return f"{prefix.rstrip('-')}-{dataset_id}-{number}"


def release(row: Row, position: int, *, dataset: Mapping[str, Any],
            codes: Mapping[str, str], ocid_prefix: str,
            release_date: Optional[str]) -> Release:
    """One contract row as an OCDS release (tag ``contract``)."""
    number = _text(row.get("contract_number")) or str(position)
    row_ocid = ocid(ocid_prefix, str(dataset["id"]), number)
    buyer, supplier = buyer_party(dataset), supplier_party(row)
    signed = _date_time(_date(row.get("signed_date")))
    title, amount = _text(row.get("subject")), value(row)
    award = _compact({"id": number, "title": title, "date": signed, "value": amount,
                      "suppliers": [_reference(supplier)] if supplier else None})
    contract = _compact({"id": number, "awardID": number, "title": title,
                         "description": _text(row.get("notes")), "value": amount,
                         "dateSigned": signed, "period": period(row)})
    return _compact({
        "ocid": row_ocid,
        # Unique per row even when amendments repeat a number; OCDS forbids '#'.
        "id": f"{row_ocid}-{row.get('_id') or position}".replace("#", "-"),
        "date": release_date or signed,
        "language": LANGUAGE,
        "tag": ["contract"],
        "initiationType": "tender",
        "parties": [party for party in (buyer, supplier) if party],
        "buyer": _reference(buyer),
        "tender": tender(row, number, codes),
        "awards": [award],
        "contracts": [contract],
    })


def iter_releases(dataset: Mapping[str, Any], rows: Iterable[Row], *,
                  ocid_prefix: str = DEFAULT_OCID_PREFIX,
                  codes: Optional[Mapping[str, str]] = None) -> Iterator[Release]:
    """Releases one by one, so a long register never sits in memory twice."""
    codes = method_codes() if codes is None else codes
    release_date = timestamp(dataset.get("metadata_modified") or dataset.get("metadata_created"))
    for position, row in enumerate(rows, start=1):
        yield release(row, position, dataset=dataset, codes=codes,
                      ocid_prefix=ocid_prefix, release_date=release_date)


def package_header(dataset: Mapping[str, Any], *, uri: str,
                   published_date: Optional[str] = None) -> dict[str, Any]:
    """The release package without its releases (for streaming writers too)."""
    org = dataset.get("organization") or {}
    publisher = _text(org.get("title")) or _text(org.get("name")) or "shafaf"
    return {
        "uri": uri,
        "publishedDate": published_date or timestamp(datetime.now(timezone.utc)),
        "publisher": {"name": publisher},
        "version": OCDS_VERSION,
    }


def release_package(dataset: Mapping[str, Any], rows: Iterable[Row], *, uri: str,
                    ocid_prefix: str = DEFAULT_OCID_PREFIX,
                    published_date: Optional[str] = None,
                    codes: Optional[Mapping[str, str]] = None) -> dict[str, Any]:
    """The whole OCDS release package of a contracts dataset."""
    package = package_header(dataset, uri=uri, published_date=published_date)
    package["releases"] = list(iter_releases(
        dataset, rows, ocid_prefix=ocid_prefix, codes=codes))
    return package
