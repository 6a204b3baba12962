"""``flask translate extract|init|update|compile|check``."""

from __future__ import annotations

import click

from backoffice.i18n import catalogs


@click.group()
def translate() -> None:
    """Translation and localization commands."""


@translate.command()
def extract() -> None:
    """Extract marked strings into babel/messages.pot."""
    count = catalogs.extract()
    click.echo(f"Extracted {count} messages into {catalogs.TEMPLATE.relative_to(catalogs.ROOT)}.")


@translate.command()
@click.argument("lang")
def init(lang: str) -> None:
    """Start a catalog for LANG (e.g. 'fr')."""
    try:
        path = catalogs.init(lang)
    except (FileExistsError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {path.relative_to(catalogs.ROOT)}.")


@translate.command()
def update() -> None:
    """Merge babel/messages.pot into every catalog."""
    for lang in catalogs.update():
        click.echo(f"Updated {lang}.")


@translate.command("compile")
def compile_command() -> None:
    """Compile every catalog to .mo files."""
    written = catalogs.compile_all()
    click.echo(f"Compiled {len(written)} catalogs.")


@translate.command()
def check() -> None:
    """Fail if the template is stale or any catalog is incomplete, fuzzy or inconsistent."""
    report = catalogs.check()
    for problem in report.problems:
        click.echo(problem, err=True)
    if not report.ok:
        raise click.ClickException(f"{len(report.problems)} problem(s) in the catalogs.")
    click.echo("All catalogs are complete and consistent.")
