"""``flask translate extract|init|update|compile|check|sync|export``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from backoffice.core import atomic_files
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
    from babel.core import Locale, UnknownLocaleError

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        raise click.ClickException(
            f"Unknown language code {lang!r}: use a code such as 'fr' or 'pt_BR'."
        ) from None
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


@translate.command()
@click.option(
    "--saved",
    "saved_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Upgrading from file catalogs: a copy of translations/ with the workbench's saves.",
)
@click.option("--base", "base_ref", help="With --saved: the git commit those files were saved on.")
@with_appcontext
def sync(saved_dir: str | None, base_ref: str | None) -> None:
    """Bring the repository's catalogs into the database (the release step, beside db upgrade).

    Per entry a three-way merge of what the repository had at the last sync, the repository
    now and the database now: neither a developer's new string nor a translator's saved text
    is dropped; a real conflict keeps the translator's text, marked fuzzy.
    """  # fmt: skip
    from pathlib import Path

    from backoffice.extensions import db
    from backoffice.models import TranslationCatalog
    from backoffice.workbench import files, store
    from backoffice.workbench import sync as merging

    if bool(saved_dir) != bool(base_ref):
        raise click.UsageError("--saved and --base go together.")
    template = files.template_catalog()
    template_date = template.creation_date
    conflicts = 0
    for lang in store.languages():
        if not files.po_path(lang).is_file():
            continue
        if saved_dir:
            saved = Path(saved_dir) / lang / "LC_MESSAGES" / "messages.po"
            if db.session.get(TranslationCatalog, lang) is not None:
                raise click.ClickException(
                    f"{lang}: the database holds this catalog already; --saved is only for "
                    "the first sync after an upgrade from file catalogs."
                )
            if saved.is_file():
                base = _catalog_at(base_ref, files.po_path(lang), lang)
                merging.sync_language(db.session, lang, base)
                kept = merging.apply_saved(db.session, lang, files.parse(saved.read_bytes(), lang))
                click.echo(f"{lang}: {len(kept)} saved translations taken from {saved}")
        report = merging.sync_language(
            db.session, lang, files.repository_catalog(lang), template, template_date
        )
        db.session.commit()
        conflicts += len(report.conflicts)
        click.echo(
            f"{lang}: {len(report.added)} added, {len(report.updated)} taken from the "
            f"repository, {len(report.conflicts)} conflicts, {len(report.obsolete)} obsolete"
            + (" (older template: nothing retired)" if report.kept_obsolete else "")
        )
        for msgid in report.conflicts:
            click.echo(f"  conflict, the translator's text kept and marked fuzzy: {msgid!r}")
    if conflicts:
        click.echo(f"{conflicts} conflict(s): review the fuzzy entries in the workbench.")


def _catalog_at(ref: str, path: object, lang: str) -> object:
    """The catalog file ``path`` as git commit ``ref`` has it (the base of the saved texts)."""
    import subprocess

    from backoffice.workbench import files

    relative = str(path.relative_to(catalogs.ROOT))  # type: ignore[attr-defined]
    done = subprocess.run(
        ["git", "show", f"{ref}:{relative}"], cwd=catalogs.ROOT, capture_output=True
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise click.ClickException(f"git cannot show {relative} at {ref}: {message}")
    return files.parse(done.stdout, lang)


@translate.command()
@with_appcontext
def export() -> None:
    """Write the database's catalogs into translations/ (for a commit)."""
    from backoffice.extensions import db
    from backoffice.workbench import files, store
    from backoffice.workbench import sync as merging

    for lang in store.languages():
        if store.ensure(lang) is None:
            continue
        path = files.po_path(lang)
        atomic_files.write(path, catalogs.po_bytes(merging.export_language(db.session, lang)))
        merging.mark_exported(db.session, lang)
        db.session.commit()
        click.echo(f"Wrote {path}.")
    click.echo("Run 'flask --app main translate compile' to compile them.")
