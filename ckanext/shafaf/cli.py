"""`ckan shafaf …` commands."""
from __future__ import annotations

import click

from ckanext.shafaf import demo, demo_harvest, demo_uploads

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
    for outcome, names in demo_harvest.seed_demo_sources().items():
        if names:
            click.echo(f"harvest sources {outcome}: {', '.join(names)}")
    _echo_logins()


@shafaf.command()
def logins() -> None:
    """Print the demo log-ins (what `make serve` shows at the end)."""
    _echo_logins()


@shafaf.command("harvest-scheduler")
@click.option("--once", is_flag=True, help="Run one round and exit (cron-style).")
@click.option("--interval", type=int, default=None,
              help="Seconds between rounds (default: ckanext.shafaf.harvest.scheduler_interval).")
def harvest_scheduler(once: bool, interval: int | None) -> None:
    """Start due harvest jobs, close finished ones, time out stuck ones, prune.

    `make serve` runs it beside the gather and fetch consumers.
    """
    from ckanext.shafaf.harvesters import schedule
    if once:
        click.echo(f"pruned {schedule.run_round()} old harvest objects")
        return
    schedule.run_forever(interval)


@shafaf.command("versions-prune")
def versions_prune() -> None:
    """Delete dataset versions beyond ckanext.shafaf.versions.keep / keep_days, and their files.

    The latest version of a dataset is never deleted; files no version uses
    any more are deleted too.
    """
    from ckanext.shafaf.versions import retention
    done = retention.prune_all()
    click.echo(f"pruned {done['versions']} version(s) of {done['datasets']} dataset(s), "
               f"deleted {done['blobs']} file(s)")


@shafaf.command("rollups-refresh")
@click.argument("province", required=False)
def rollups_refresh(province: str | None) -> None:
    """Rebuild the roll-ups of PROVINCE (name or id), or of every organisation with members."""
    from ckanext.shafaf.federation import rollup
    for done in rollup.refresh_all(province):
        skipped = len(done.get("skipped") or [])
        error = (done.get("last_error") or {}).get("detail", "")
        click.echo(f"{done['name']}: {done.get('row_count', 0)} rows from "
                   f"{len(done.get('sources') or [])} tables, {skipped} skipped {error}".rstrip())


def _echo_logins() -> None:
    password = demo.demo_password()
    click.echo(f"demo log-ins (password: {password}):")
    for user in demo.USERS:
        click.echo(f"  {user.name:<14} {user.does}")
