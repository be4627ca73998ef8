"""A non-editable install must carry every data file the plugin reads.

Schemas, harvester definitions and migrations are found through the package
at run time; setuptools silently leaves out what `package_data` misses, and
an editable checkout hides the loss. So: build the wheel, install it into an
empty directory and look there.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "ckanext" / "shafaf"
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "dist", "*.egg-info", "__pycache__",
    "*.pyc", ".pytest_cache", "ckan.ini", "test-artifacts")


def _data_files() -> list[str]:
    """Source files the wheel must contain, relative to the repository."""
    wanted = [PACKAGE / "config_declaration.yaml"]
    for folder in ("schemas", "harvesters", "migration/shafaf/versions",
                   "templates", "assets", "i18n"):
        wanted += (PACKAGE / folder).rglob("*")
    wanted += [PACKAGE / "migration/shafaf" / name
               for name in ("alembic.ini", "env.py", "script.py.mako")]
    return sorted(
        path.relative_to(REPO).as_posix() for path in wanted
        if path.is_file() and "__pycache__" not in path.parts
        and path.suffix != ".pyc")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the tree (the build writes build/ dirs)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(REPO, source, ignore=SKIP)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
         "--no-build-isolation", "-w", str(tmp / "dist"), str(source)],
        check=True)
    (built,) = (tmp / "dist").glob("ckanext_shafaf-*.whl")
    return built


def test_wheel_contains_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _data_files()
    assert "ckanext/shafaf/schemas/organization.yaml" in expected
    missing = [name for name in expected if name not in names]
    assert not missing, f"left out of the wheel: {missing}"


def test_installed_wheel_finds_its_schema(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", str(site), str(wheel)],
        check=True)
    # -I -S: no site-packages and no .pth files, so neither the editable
    # checkout nor CKAN's own `ckanext` can answer; only the target can.
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from importlib.resources import files; "
        "print(files('ckanext.shafaf') / 'schemas/organization.yaml')"
    )
    found = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(site)],
        check=True, capture_output=True, text=True).stdout.strip()
    path = Path(found)
    assert path.is_file()
    assert path.resolve().is_relative_to(site.resolve())
    assert "org_level" in path.read_text(encoding="utf-8")
