"""Harvest source configurations: parsed once, refused with a bilingual reason.

A source's `config` is the JSON object typed into the harvest source form;
site-wide defaults come from `config_declaration.yaml`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import ckan.plugins.toolkit as tk

TIMEOUT_KEY = "ckanext.shafaf.harvest.http_timeout"
MAX_FILE_KEY = "ckanext.shafaf.harvest.max_file_mb"
GUARD_KEY = "ckanext.shafaf.harvest.deletion_guard_share"


def _refuse(fa: str, en: str) -> ValueError:
    return ValueError(f"{fa} / {en}")


def _load(text: Optional[str]) -> dict[str, Any]:
    if not text or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise _refuse("پیکربندی منبع JSON معتبر نیست.", f"The source config is not valid JSON: {error}")
    if not isinstance(value, dict):
        raise _refuse("پیکربندی منبع باید یک شیء JSON باشد.", "The source config must be a JSON object.")
    return value


def _number(raw: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _refuse(f"«{key}» باید عددی بین {low} و {high} باشد.",
                      f"'{key}' must be a number between {low} and {high}.")
    return float(value)


def _flag(raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise _refuse(f"«{key}» باید true یا false باشد.", f"'{key}' must be true or false.")
    return value


@dataclass(frozen=True)
class Common:
    timeout: float
    max_bytes: int
    guard_share: float

    @staticmethod
    def read(raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "timeout": _number(raw, "timeout", float(tk.config.get(TIMEOUT_KEY)), 0.1, 3600),
            "max_bytes": int(_number(raw, "max_file_mb", float(tk.config.get(MAX_FILE_KEY)),
                                     0.001, 10240) * 2**20),
            "guard_share": _number(raw, "deletion_guard_share", float(tk.config.get(GUARD_KEY)),
                                   0.0, 1.0),
        }


@dataclass(frozen=True)
class FederationConfig(Common):
    """``{"organizations": {"remote": "local"}, "create_organizations": true,
    "organizations_filter_include": [...], "copy_files": true, "rows": 500, ...}``"""
    organizations: dict[str, str] = field(default_factory=dict)
    create_organizations: bool = True
    include: tuple[str, ...] = ()
    copy_files: bool = True
    rows: int = 500

    @classmethod
    def parse(cls, text: Optional[str]) -> "FederationConfig":
        raw = _load(text)
        orgs = raw.get("organizations", {})
        if not isinstance(orgs, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in orgs.items()):
            raise _refuse("«organizations» باید نگاشت نام سازمان دوردست به نام سازمان محلی باشد.",
                          "'organizations' must map remote organization names to local ones.")
        include = raw.get("organizations_filter_include", [])
        if not isinstance(include, list) or not all(isinstance(n, str) for n in include):
            raise _refuse("«organizations_filter_include» باید فهرست نام‌ها باشد.",
                          "'organizations_filter_include' must be a list of names.")
        return cls(organizations=orgs, include=tuple(include),
                   create_organizations=_flag(raw, "create_organizations", True),
                   copy_files=_flag(raw, "copy_files", True),
                   rows=int(_number(raw, "rows", 500, 1, 1000)), **Common.read(raw))

    def fq(self) -> str:
        if not self.include:
            return ""
        return "organization:(" + " OR ".join(f'"{name}"' for name in self.include) + ")"


@dataclass(frozen=True)
class PortalConfig(Common):
    """``{"profile": "yazd-contracts", "fiscal_year": 1403, "timeout": 30, ...}``"""
    profile: str = ""
    fiscal_year: Optional[int] = None

    @classmethod
    def parse(cls, text: Optional[str]) -> "PortalConfig":
        from ckanext.shafaf.harvesters.profiles import available_profiles
        raw = _load(text)
        profile = raw.get("profile")
        names = available_profiles()
        if profile not in names:
            raise _refuse(f"«profile» باید یکی از این‌ها باشد: {', '.join(names)}",
                          f"'profile' must be one of: {', '.join(names)}")
        year = raw.get("fiscal_year")
        if year is not None:
            year = int(_number(raw, "fiscal_year", 0, 1300, 1500))
        return cls(profile=profile, fiscal_year=year, **Common.read(raw))


def spool_dir(harvest_object_id: str) -> Path:
    """Where fetched files wait for their import (under CKAN's storage path)."""
    root = tk.config.get("ckan.storage_path") or "/tmp"
    return Path(root) / "shafaf-harvest" / "spool" / harvest_object_id
