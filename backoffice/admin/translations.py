"""The translation workbench: catalogs, entries, the editor, history, transfer.

Thin on purpose: every read and write goes through :mod:`backoffice.workbench`; this module
only turns requests into engine calls and results into pages.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request
from flask_admin import expose
from flask_babel import format_number, format_percent, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice.admin.base import GatedView
from backoffice.admin.formatting import format_stored_datetime
from backoffice.admin.translation_forms import (
    STATES,
    EntryForm,
    EntryQuery,
    history_rows,
    location_text,
    next_untranslated,
    paginate,
    plural_labels,
    select,
)
from backoffice.admin.translation_tools import WorkbenchToolsMixin, editor_tools
from backoffice.core.ids import parse_id
from backoffice.workbench import access, plurals, store, transfer, update

Rendered = str | tuple[str, int]


class TranslationsView(WorkbenchToolsMixin, GatedView):
    """``/admin/translations/``: the languages a user may edit, and everything inside them.

    The glossary, consistency and progress pages are in :mod:`.translation_tools`."""

    access_key = "translations"

    # -- catalogs ---------------------------------------------------------------------------
    @expose("/")
    def index(self) -> str:
        """One row per language the user may edit, with its progress."""
        summaries = [store.summary(lang) for lang in access.languages_for(current_user)]
        return self.render(
            "admin/translations/index.html",
            summaries=summaries,
            may_update=self.may("update"),
            **self._helpers(),
        )

    @expose("/update", methods=["POST"])
    def update_view(self) -> Rendered:
        """Admins only: extract the strings from the code and update every catalog."""
        if not self.may("update"):
            abort(403)
        # The button sends confirm=1; any other POST here is not a request to rewrite catalogs.
        if request.form.get("confirm") != "1":
            abort(400)
        report = update.update_from_code(current_user)
        flash(_("The catalogs have been updated from the code."), "success")
        return self.render("admin/translations/update.html", report=report, **self._helpers())

    # -- entries ----------------------------------------------------------------------------
    @expose("/<lang>/")
    def entries_view(self, lang: str) -> str:
        """The language's entries, filtered by state and search text, a page at a time."""
        self._check_language(lang)
        query = EntryQuery.from_args(request.args)
        entries = store.entries(lang)
        counts = {state: 0 for state in STATES}
        for entry in entries:
            counts[entry.state] = counts.get(entry.state, 0) + 1
        counts["all"] = len(entries)
        return self.render(
            "admin/translations/entries.html",
            lang=lang,
            query=query,
            counts=counts,
            page=paginate(select(entries, query), query.page),
            **self._helpers(),
        )

    @expose("/<lang>/edit/", methods=["GET", "POST"])
    def edit_view(self, lang: str) -> Rendered | Response:
        """One entry: its source, a field per plural form, its history; saves on POST."""
        self._check_language(lang)
        entry = self._entry(lang)
        if request.method == "GET":
            return self._editor(lang, entry)
        form = EntryForm.from_form(request.form, self._form_count(lang, entry))
        return self._save(lang, entry, form, go_next=request.form.get("action") == "save_next")

    @expose("/<lang>/restore/", methods=["POST"])
    def restore_view(self, lang: str) -> Rendered | Response:
        """Save an old value from the entry's history again (checks and conflicts apply)."""
        self._check_language(lang)
        entry = self._entry(lang)
        audit_id = parse_id(request.form.get("audit_id"))
        rows = history_rows(store.history(lang, entry.key), self._form_count(lang, entry))
        row = next((row for row in rows if row.id == audit_id), None)
        if row is None or row.restorable is None:
            flash(_("This value cannot be restored."), "error")
            return redirect(self._edit_url(lang, entry.key), code=303)
        base_version = request.form.get("base_version", "")[:200]
        form = EntryForm(row.restorable, row.old_fuzzy, base_version)
        return self._save(lang, entry, form, go_next=False)

    # -- transfer ---------------------------------------------------------------------------
    @expose("/<lang>/download")
    def download_view(self, lang: str) -> Response:
        """The language's ``.po`` file as an attachment."""
        self._check_language(lang)
        response = current_app.response_class(
            transfer.export_po(lang), mimetype="text/x-gettext-translation"
        )
        response.headers["Content-Disposition"] = f'attachment; filename="messages-{lang}.po"'
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<lang>/upload", methods=["GET", "POST"])
    def upload_view(self, lang: str) -> Rendered | Response:
        """Upload a ``.po`` for the language: merged if every entry passes, else nothing."""
        self._check_language(lang)
        if request.method == "GET":
            return self._upload_page(lang)
        upload = request.files.get("file")
        # Read no more than one byte past the limit: a huge upload is refused (by import_po,
        # which checks the size), not loaded.
        data = upload.read(transfer.max_upload_bytes() + 1) if upload else b""
        if not data:
            return self._upload_page(lang, error=_("Choose a .po file to upload."))
        report = transfer.import_po(lang, data, current_user)
        if not report.ok:
            return self._upload_page(lang, problems=report.problems)
        flash(
            ngettext("%(num)d translation merged.", "%(num)d translations merged.", report.merged),
            "success",
        )
        if report.unchanged or report.ignored:
            flash(
                _(
                    "Unchanged: %(unchanged)s. Ignored (not in the template): %(ignored)s.",
                    unchanged=format_number(report.unchanged),
                    ignored=format_number(report.ignored),
                ),
                "info",
            )
        return redirect(self.get_url(".entries_view", lang=lang), code=303)

    # -- helpers ----------------------------------------------------------------------------
    def _check_language(self, lang: str) -> None:
        if lang not in store.languages():
            abort(404)
        if not access.may_edit(current_user, lang):
            abort(403)

    def _entry(self, lang: str) -> Any:
        key = request.args.get("key", "")
        entry = store.get_entry(lang, key) if key and len(key) <= 512 else None
        if entry is None:
            abort(404)
        return entry

    @staticmethod
    def _form_count(lang: str, entry: Any) -> int:
        return len(plurals.forms(lang)) if entry.msgid_plural else 1

    def _save(self, lang: str, entry: Any, form: EntryForm, go_next: bool) -> Rendered | Response:
        try:
            result = store.save_entry(
                lang, entry.key, list(form.strings), form.fuzzy, form.base_version, current_user
            )
        except store.Conflict as conflict:
            theirs = conflict.current
            # The form now builds on their version: saving again is a deliberate overwrite.
            mine = EntryForm(form.strings, form.fuzzy, theirs.version)
            return self._editor(lang, theirs, form=mine, conflict=theirs, status=409)
        except store.CheckFailed as failed:
            return self._editor(lang, entry, form=form, errors=failed.problems, status=400)
        except store.UnknownEntry:
            abort(404)  # removed from the catalog (update from code) since the page was loaded
        if result.changed:
            flash(_("The translation has been saved."), "success")
        else:
            flash(_("Nothing changed."), "info")
        for warning in result.warnings:
            flash(warning, "warning")
        if go_next:
            following = next_untranslated(store.entries(lang), entry.key)
            if following is None:
                flash(_("There are no untranslated entries left."), "info")
                return redirect(
                    self.get_url(".entries_view", lang=lang, state="untranslated"), code=303
                )
            return redirect(self._edit_url(lang, following.key), code=303)
        return redirect(self._edit_url(lang, entry.key), code=303)

    def _edit_url(self, lang: str, key: str) -> str:
        return self.get_url(".edit_view", lang=lang, key=key)

    def _editor(
        self,
        lang: str,
        entry: Any,
        form: EntryForm | None = None,
        errors: list[str] | None = None,
        conflict: Any = None,
        status: int = 200,
    ) -> tuple[str, int]:
        form = form or EntryForm(tuple(entry.strings), entry.fuzzy, entry.version)
        forms = plurals.forms(lang) if entry.msgid_plural else []
        page = self.render(
            "admin/translations/edit.html",
            lang=lang,
            entry=entry,
            form=form,
            labels=plural_labels(forms, format_number),
            errors=errors or [],
            conflict=conflict,
            history=history_rows(store.history(lang, entry.key), len(form.strings)),
            tools=editor_tools(lang, entry, form.strings),
            query=EntryQuery.from_args(request.args),
            **self._helpers(),
        )
        return page, status

    def _upload_page(
        self, lang: str, error: str | None = None, problems: list[tuple[str, str]] | None = None
    ) -> tuple[str, int]:
        page = self.render(
            "admin/translations/upload.html",
            lang=lang,
            error=error,
            problems=problems or [],
            max_kb=format_number(transfer.max_upload_bytes() // 1024),
            **self._helpers(),
        )
        return page, 400 if error or problems else 200

    @staticmethod
    def _helpers() -> dict[str, Any]:
        languages = current_app.config["LANGUAGES"]
        return {
            "language_name": lambda code: languages.get(code, (code, "ltr"))[0],
            "language_dir": lambda code: languages.get(code, (code, "ltr"))[1],
            "format_number": format_number,
            "format_percent": format_percent,
            "format_time": format_stored_datetime,
            "location_text": location_text,
        }
