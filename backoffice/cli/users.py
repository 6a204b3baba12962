"""``flask users create|list|bootstrap|demo-logins``."""

from __future__ import annotations

import secrets
import sys

import click
from flask import current_app
from sqlalchemy import select

from backoffice.domain.accounts import AccountError, create_user, set_password
from backoffice.extensions import db
from backoffice.models import ROLE_NAMES, Role, User


@click.group()
def users() -> None:
    """Create and list users."""


@users.command("create")
@click.argument("username")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_NAMES),
    help="Role to grant; repeat for several.",
)  # fmt: skip
@click.option("--email", default=None, help="E-mail address.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
def create(username: str, roles: tuple[str, ...], email: str | None, password_stdin: bool) -> None:
    """Create USERNAME with the given roles."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, username, password, roles, email=email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created user {user.username} with roles: {', '.join(sorted(user.role_names))}.")


@users.command("list")
def list_users() -> None:
    """List users with their roles."""
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    if not rows:
        click.echo("No users yet.")
        return
    width = max(len(u.username) for u in rows)
    for user in rows:
        state = "active" if user.active else "inactive"
        roles = ",".join(sorted(user.role_names)) or "-"
        click.echo(f"{user.username:<{width}}  {state:<8}  {roles}")


@users.command("bootstrap")
@click.option("--username", default="admin", show_default=True)
def bootstrap(username: str) -> None:
    """Create the first admin with a random password, printed once; no-op if an admin exists."""
    has_admin = db.session.scalar(
        select(User.id).join(User.roles).where(Role.name == "admin").limit(1)
    )
    if has_admin is not None:
        click.echo("An admin account already exists; sign in with it.")
        return
    password = secrets.token_urlsafe(12)
    try:
        create_user(db.session, username, password, ["admin"])
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo("")
    click.echo("  Admin sign-in (shown once, keep it):")
    click.echo(f"    username: {username}")
    click.echo(f"    password: {password}")
    click.echo("")


#: One demo account per role other than admin (created by ``flask seed``).
DEMO_ACCOUNTS = {"editor": "grace", "author": "alice", "translator": "hiro"}


@users.command("demo-logins")
def demo_logins() -> None:
    """Give the seed's demo editor, author and translator a new random password each and
    print them once (development only; the translator gets every translated language)."""
    if not current_app.config.get("DEMO_LOGINS_ALLOWED"):
        raise click.ClickException("Demo sign-ins are for development only (BACKOFFICE_CONFIG).")
    accounts = {
        role: db.session.scalar(select(User).where(User.username == name))
        for role, name in DEMO_ACCOUNTS.items()
    }
    missing = sorted(DEMO_ACCOUNTS[role] for role, user in accounts.items() if user is None)
    if missing:
        raise click.ClickException(f"No demo account {', '.join(missing)}: run flask seed first.")
    languages = [code for code in current_app.config["LANGUAGES"] if code != "en"]
    click.echo("")
    click.echo("  Demo sign-ins, one per role (shown once):")
    for role, user in accounts.items():
        password = secrets.token_urlsafe(12)
        set_password(user, password)
        user.active = True
        if role == "translator" and not user.translation_languages:
            user.translation_languages = languages
        click.echo(f"    {role:<11} username: {user.username:<6} password: {password}")
    db.session.commit()
    click.echo("")
