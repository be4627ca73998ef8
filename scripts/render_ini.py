"""Write ckan.ini from deploy/ckan.ini.tmpl, once, with fresh secrets.

Usage: python scripts/render_ini.py deploy/ckan.ini.tmpl ckan.ini

An existing ckan.ini is never touched: it holds this site's secrets and the
operator's own edits, and re-running `make serve` must change nothing.
"""
from __future__ import annotations

import os
import secrets
import string
import sys
from pathlib import Path


def render(template: Path, repo: Path) -> str:
    """The template with the repository path and new secrets filled in."""
    return string.Template(template.read_text(encoding="utf-8")).substitute(
        repo=str(repo),
        secret_key=secrets.token_urlsafe(32),
        csrf_secret=secrets.token_urlsafe(32),
        jwt_secret=secrets.token_urlsafe(32),
    )


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    template, target = Path(argv[1]), Path(argv[2])
    if target.exists():
        print(f"{target}: exists, left unchanged")
        return 0
    text = render(template, Path(__file__).resolve().parent.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"{target}: written from {template} with new secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
