"""`ckan shafaf …` commands."""
from __future__ import annotations

import click


@click.group(short_help="ckanext-shafaf: demo federation and maintenance")
def shafaf() -> None:
    """Commands of ckanext-shafaf."""


def get_commands() -> list[click.Command]:
    return [shafaf]
