"""The datasets of a simulated member CKAN catalogue, built from their index.

Dataset i of catalogue "tabriz" always has the same id (uuid5), name,
organization and fiscal year; its content (title, notes, resource file)
depends on its revision, which `edit` bumps. Two shapes: "shafaf" (our
`contract` type with scheming fields at the top level) and "stock" (a plain
CKAN `dataset` with the same facts as extras), as member portals run one
or the other.
"""
from __future__ import annotations

import functools
import hashlib
import re
import uuid
from typing import Any, Optional

from ckanext.shafaf.simulator import layouts
from ckanext.shafaf.simulator.ckan_index import CatalogueIndex, iso
from ckanext.shafaf.simulator.exports import csv_bytes
from ckanext.shafaf.simulator.records import Contract, city_info, contract, persian_digits

NAMESPACE = uuid.UUID("6f1c8a52-4f0e-4d43-9a55-5e0a1a8f3c10")
YEARS = (1401, 1402, 1403)
CONTRACTS_PER_FILE = 3
CACHED_FILES = 2048  # datasets whose contracts stay generated (bounded memory)
SHAPES = ("shafaf", "stock")
LICENSE = {"license_id": "cc-by", "license_title": "Creative Commons Attribution",
           "license_url": "http://www.opendefinition.org/licenses/cc-by", "isopen": True}


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


class DatasetFactory:
    """Names, organizations and package dicts of one catalogue."""

    def __init__(self, catalogue: str, shape: str = "shafaf", organizations: int = 4) -> None:
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {SHAPES}")
        if not re.fullmatch(r"[a-z0-9_-]{2,60}", catalogue):
            raise ValueError(f"catalogue name {catalogue!r} is not a CKAN name")
        self.catalogue, self.shape = catalogue, shape
        self.city_fa = city_info(catalogue)[0]
        self.org_names = [catalogue] + [f"{catalogue}-region-{k}" for k in range(1, organizations)]
        self._name = re.compile(rf"{re.escape(catalogue)}-contracts-(\d{{6,}})")
        self._contracts = functools.lru_cache(maxsize=CACHED_FILES)(self._make_contracts)

    # -- identities -----------------------------------------------------
    def dataset_id(self, index: int) -> str:
        return stable_id(self.catalogue, "dataset", index)

    def resource_id(self, index: int) -> str:
        return stable_id(self.catalogue, "resource", index)

    def name(self, index: int) -> str:
        return f"{self.catalogue}-contracts-{index:06d}"

    def index_of_name(self, name: str) -> Optional[int]:
        match = self._name.fullmatch(name)
        return int(match[1]) if match else None

    def org_of(self, index: int) -> int:
        return index % len(self.org_names)

    def fiscal_year(self, index: int) -> int:
        return YEARS[(index // len(self.org_names)) % len(YEARS)]

    def organization(self, number: int, package_count: Optional[int] = None) -> dict[str, Any]:
        name = self.org_names[number]
        title = (f"شهرداری {self.city_fa}" if number == 0
                 else f"شهرداری منطقه {persian_digits(str(number))} {self.city_fa}")
        org = {"id": stable_id(self.catalogue, "organization", name), "name": name,
               "title": title, "display_name": title, "type": "organization",
               "description": f"{title} — قراردادها و بودجه", "image_url": "",
               "image_display_url": "", "created": iso(1_700_000_000_000_000 + number * 10**6),
               "is_organization": True, "approval_status": "approved", "state": "active"}
        if package_count is not None:
            org["package_count"] = package_count
        return org

    # -- content --------------------------------------------------------
    def title(self, index: int) -> str:
        org = self.organization(self.org_of(index))["title"]
        return (f"قراردادهای {org} سال {persian_digits(str(self.fiscal_year(index)))}"
                f" (بسته {persian_digits(str(index + 1))})")

    def contracts(self, index: int, revision: int) -> tuple[Contract, ...]:
        """The contracts in dataset `index`'s file (recent ones cached: a harvest
        asks for a page of packages, then for their files)."""
        return self._contracts(index, revision)

    def _make_contracts(self, index: int, revision: int) -> tuple[Contract, ...]:
        year = self.fiscal_year(index)
        return tuple(contract(self.catalogue, year, index * CONTRACTS_PER_FILE + j, revision)
                     for j in range(CONTRACTS_PER_FILE))

    def resource_file(self, index: int, revision: int) -> bytes:
        """The small contracts CSV (UTF-8) the dataset's resource points at."""
        rows = layouts.ckan_resource_rows(self.contracts(index, revision))
        return csv_bytes(layouts.CKAN_RESOURCE_HEADER, rows, encoding="utf-8")

    def file_name(self, index: int) -> str:
        return f"contracts-{self.fiscal_year(index)}-{index:06d}.csv"

    def summary(self, index: int, data: CatalogueIndex) -> dict[str, Any]:
        """The fields a search returns without building the package (fl fast path)."""
        return {"id": self.dataset_id(index), "name": self.name(index), "title": self.title(index),
                "metadata_modified": iso(data.modified(index)),
                "metadata_created": iso(data.created(index)),
                "owner_org": self.organization(self.org_of(index))["id"],
                "type": "contract" if self.shape == "shafaf" else "dataset",
                "state": "active", "private": False}

    def package(self, index: int, data: CatalogueIndex, base_url: str) -> dict[str, Any]:
        """The package_show dict, resources pointing at `base_url` (the catalogue root)."""
        revision = data.revision(index)
        contracts = self.contracts(index, revision)
        first = contracts[0]
        org = self.organization(self.org_of(index))
        notes = (f"فهرست قراردادهای منعقدشده {org['title']} در سال مالی "
                 f"{persian_digits(str(first.fiscal_year))}. این فهرست هر ماه به‌روز می‌شود.")
        if revision:
            notes += f"\n\nویرایش {persian_digits(str(revision))}: مبلغ و موضوع قرارداد اصلاح شد."
        package = {**self.summary(index, data), **LICENSE, "notes": notes, "url": "",
                   "version": None, "author": None, "author_email": None,
                   "maintainer": f"واحد شفافیت {org['title']}", "maintainer_email": None,
                   "creator_user_id": stable_id(self.catalogue, "user", "admin"),
                   "organization": org, "groups": [], "relationships_as_object": [],
                   "relationships_as_subject": [], "tags": self._tags(first),
                   "resources": [self._resource(index, data, base_url, revision)]}
        package["num_tags"], package["num_resources"] = len(package["tags"]), 1
        facts = self._facts(contracts, org["name"])
        if self.shape == "shafaf":
            package.update(facts)
        else:
            package["extras"] = [{"key": key, "value": str(value)} for key, value in facts.items()]
        return package

    def _facts(self, contracts: tuple[Contract, ...], org_name: str) -> dict[str, Any]:
        first = contracts[0]
        return {"fiscal_year": first.fiscal_year, "municipality": self.catalogue,
                "procurement_method": first.selection_method, "contract_type": first.contract_type,
                "contractor_name": first.contractor_name, "contractor_id": first.contractor_id,
                "total_amount_irr": sum(c.amount_irr for c in contracts),
                "total_amount_irr_unit": "ریال",
                "signed_date": first.signed.to_gregorian().isoformat(),
                "coverage_start": min(c.start for c in contracts).to_gregorian().isoformat(),
                "coverage_end": max(c.end for c in contracts).to_gregorian().isoformat()}

    def _tags(self, first: Contract) -> list[dict[str, Any]]:
        names = ("قرارداد", "شفافیت", self.city_fa, first.selection_method)
        return [{"id": stable_id("tag", name), "name": name, "display_name": name,
                 "state": "active", "vocabulary_id": None} for name in names]

    def _resource(self, index: int, data: CatalogueIndex, base_url: str,
                  revision: int) -> dict[str, Any]:
        body = self.resource_file(index, revision)
        dataset_id, resource_id = self.dataset_id(index), self.resource_id(index)
        modified = iso(data.modified(index))
        resource = {"id": resource_id, "package_id": dataset_id, "name": "فهرست قراردادها",
                "description": "پرونده قراردادها با ساختار جدول قراردادها", "format": "CSV",
                "mimetype": "text/csv", "url_type": "upload", "state": "active", "position": 0,
                "url": f"{base_url}/dataset/{dataset_id}/resource/{resource_id}/download/"
                       f"{self.file_name(index)}",
                "size": len(body), "hash": hashlib.md5(body).hexdigest(),
                "created": iso(data.created(index)), "last_modified": modified,
                "metadata_modified": modified, "datastore_active": False}
        if self.shape == "shafaf":
            resource["table_schema"] = "contracts"
        return resource
