"""The workbench's tools (docs/workbench-tools.md): translation memory and glossary in the
editor, the glossary pages, the consistency page and the progress page.

A mixin of :class:`backoffice.admin.translations.TranslationsView`, so every page keeps its
URL under ``/admin/translations/`` and its access rules: a language's pages are for admins
and that language's translators (``access.may_edit``). Every read and write goes through
:mod:`backoffice.workbench`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from backoffice.admin.translation_forms import GlossaryForm
from backoffice.core.ids import parse_id
from backoffice.workbench import access, consistency, glossary, memory, progress, store


@dataclass(frozen=True)
class EditorTools:
    """What the editor shows beside an entry."""

    suggestions: list[memory.Suggestion]
    others: list[memory.Other]
    terms: list[glossary.Pair]  # the glossary terms of the source text
    missing: list[glossary.Pair]  # ... whose agreed translation the current text lacks
    msgid: Markup  # the source text, escaped, with the terms marked
    msgid_plural: Markup | None


def editor_tools(lang: str, entry: store.Entry, strings: Sequence[str]) -> EditorTools:
    """Memory, other languages and glossary for ``entry`` showing ``strings``."""
    pairs = glossary.pairs(lang)
    sources = (entry.msgid, entry.msgid_plural)
    return EditorTools(
        suggestions=memory.suggestions(lang, entry),
        others=memory.other_languages(lang, entry.key),
        terms=glossary.in_sources(sources, pairs),
        missing=glossary.missing(sources, strings, pairs),
        msgid=glossary.highlight(entry.msgid, pairs),
        msgid_plural=glossary.highlight(entry.msgid_plural, pairs) if entry.msgid_plural else None,
    )


class WorkbenchToolsMixin:
    """Routes of the glossary, consistency and progress pages (see the module docstring)."""

    # Provided by TranslationsView.
    _check_language: Any
    _helpers: Any
    render: Any
    get_url: Any

    # -- glossary ---------------------------------------------------------------------------
    @expose("/<lang>/glossary/", methods=["GET", "POST"])
    def glossary_view(self, lang: str) -> Any:
        """The language's glossary, and a form to add a term (POST adds it)."""
        self._check_language(lang)
        form = GlossaryForm()
        error = None
        if request.method == "POST":
            form = GlossaryForm.from_form(request.form)
            try:
                glossary.add_term(lang, form.term, form.translation, form.note, current_user)
            except glossary.GlossaryError as refused:
                error = str(refused)
            else:
                flash(_("The term has been added."), "success")
                return redirect(self.get_url(".glossary_view", lang=lang), code=303)
        page = self.render(
            "admin/translations/glossary.html",
            lang=lang, terms=glossary.terms(lang), form=form, error=error, **self._helpers(),
        )  # fmt: skip
        return page, 400 if error else 200

    @expose("/<lang>/glossary/<int:term_id>/", methods=["GET", "POST"])
    def glossary_term_view(self, lang: str, term_id: int) -> Any:
        """Edit one term (POST saves it)."""
        self._check_language(lang)
        term = glossary.get_term(lang, term_id)
        if term is None:
            abort(404)
        form = GlossaryForm(term.term, term.translation, term.note, term.version)
        error, status = None, None
        if request.method == "POST":
            form = GlossaryForm.from_form(request.form)
            try:
                changed = glossary.update_term(
                    term, form.term, form.translation, form.note, current_user, form.version
                )
            except glossary.GlossaryConflict as conflict:
                if conflict.current is None:
                    abort(404)
                error = str(conflict)
                # The form now builds on their version: saving again is a deliberate overwrite.
                theirs = conflict.current.version
                form = GlossaryForm(form.term, form.translation, form.note, theirs)
                status = 409
            except glossary.GlossaryError as refused:
                error = str(refused)
                form = GlossaryForm(form.term, form.translation, form.note, term.version)
            else:
                if changed:
                    flash(_("The term has been saved."), "success")
                else:
                    flash(_("Nothing changed."), "info")
                return redirect(self.get_url(".glossary_view", lang=lang), code=303)
        page = self.render(
            "admin/translations/glossary_term.html",
            lang=lang, term=term, form=form, error=error, **self._helpers(),
        )  # fmt: skip
        return page, status if error and status else 400 if error else 200

    @expose("/<lang>/glossary/<int:term_id>/delete", methods=["POST"])
    def glossary_delete_view(self, lang: str, term_id: int) -> Response:
        """Delete one term."""
        self._check_language(lang)
        term = glossary.get_term(lang, term_id)
        if term is None:
            abort(404)
        try:
            glossary.delete_term(term, current_user, parse_id(request.form.get("version")))
        except glossary.GlossaryConflict as conflict:
            flash(str(conflict), "error")
        else:
            flash(_("The term has been deleted."), "success")
        return redirect(self.get_url(".glossary_view", lang=lang), code=303)

    # -- consistency and progress -----------------------------------------------------------
    @expose("/<lang>/consistency/")
    def consistency_view(self, lang: str) -> str:
        """Source texts the language translates in more than one way."""
        self._check_language(lang)
        return self.render(
            "admin/translations/consistency.html",
            lang=lang, items=consistency.inconsistencies(lang), **self._helpers(),
        )  # fmt: skip

    @expose("/progress/")
    def progress_view(self) -> str:
        """This week's work per language and translator; what changed since the release."""
        langs = access.languages_for(current_user)
        return self.render(
            "admin/translations/progress.html",
            langs=langs,
            week_start=format_date(progress.week_start().date()),
            week=progress.this_week(langs),
            changed={lang: progress.changed_since_sync(lang) for lang in langs},
            **self._helpers(),
        )
