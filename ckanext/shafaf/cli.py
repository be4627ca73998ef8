"""`ckan shafaf …` commands."""
from __future__ import annotations

import click

from ckanext.shafaf import demo, demo_uploads

# What `tk.blanket.cli` registers (without it, every public function would be).
__all__ = ["shafaf"]


@click.group(short_help="ckanext-shafaf: demo federation and maintenance")
def shafaf() -> None:
    """Commands of ckanext-shafaf."""


@shafaf.command()
def seed() -> None:
    """Create or update the demo provinces, municipalities and users.

    Idempotent: a second run writes nothing. `make serve` runs it.
    """
    summary = demo.seed_demo_federation()
    for kind, outcomes in summary.items():
        for outcome, names in outcomes.items():
            if names:
                click.echo(f"{kind} {outcome}: {', '.join(names)}")
    for outcome, names in demo_uploads.seed_demo_uploads().items():
        if names:
            click.echo(f"datasets with uploads {outcome}: {', '.join(names)}")
    _echo_logins()


@shafaf.command()
def logins() -> None:
    """Print the demo log-ins (what `make serve` shows at the end)."""
    _echo_logins()


def _echo_logins() -> None:
    password = demo.demo_password()
    click.echo(f"demo log-ins (password: {password}):")
    for user in demo.USERS:
        click.echo(f"  {user.name:<14} {user.does}")
