"""Translate in context: the navbar switch, the page's table of marked texts, and the JSON
endpoints of the side panel (read an entry, save it with its version).

The marks themselves are :mod:`backoffice.i18n.in_context`; the page's script is
``static/js/in-context.js``. Every read and write goes through the workbench
(:func:`backoffice.workbench.access.may_edit`, :func:`backoffice.workbench.store.save_entry`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, jsonify, request, session, url_for
from flask_admin import Admin, expose
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from backoffice.admin.base import GatedView
from backoffice.admin.formatting import format_stored_datetime
from backoffice.admin.translation_forms import history_rows, plural_labels
from backoffice.compat.werkzeug import unproxied
from backoffice.core.caches import ProcessCache
from backoffice.i18n import catalogs
from backoffice.i18n import in_context as marks
from backoffice.i18n.lookup import current_locale
from backoffice.security.redirects import current_path, safe_next
from backoffice.security.roles import can
from backoffice.web.assets import bundle_urls
from backoffice.workbench import access, checks, plurals, store

#: How many saved changes the panel shows (the workbench's editor shows them all).
HISTORY_SHOWN = 10


class InContextView(GatedView):
    """``/admin/in-context/``: a page that explains the mode, the switch, the panel's JSON."""

    access_key = "translations"

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self) -> str:
        """What the mode does, and its switch."""
        return self.render("admin/in_context.html", toggle=in_context_toggle())

    @expose("/toggle", methods=["POST"])
    def toggle_view(self) -> Response:
        """Switch the mode on or off for this session, then back to the page."""
        back = safe_next(request.form.get("next"), url_for("admin.index"))
        if request.form.get("on") == "1":
            if not marks.may_use():
                abort(403)
            session[marks.SESSION_KEY] = True
        else:
            session.pop(marks.SESSION_KEY, None)
        return current_app.redirect(back, code=303)

    @expose("/entry/<lang>/<key>", methods=["GET"])
    def entry_view(self, lang: str, key: str) -> Response:
        """The entry as the panel shows it: source, context, forms, checks, history."""
        entry = self._entry(lang, key)
        return jsonify(entry_data(lang, entry))

    @expose("/entry/<lang>/<key>", methods=["POST"])
    def save_view(self, lang: str, key: str) -> Response | tuple[Response, int]:
        """Save the panel's text (JSON ``strings``, ``fuzzy``, ``version``); a changed entry
        answers 409 with what it holds now, failed checks 422 with the problems."""
        self._entry(lang, key)
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            abort(400)
        strings, version = data.get("strings"), data.get("version")
        if not isinstance(strings, list) or not all(isinstance(s, str) for s in strings):
            abort(400)
        if not isinstance(version, str):
            abort(400)
        try:
            result = store.save_entry(
                lang, key, strings, bool(data.get("fuzzy")), version[:200], current_user
            )
        except store.Conflict as conflict:
            body = {"error": "conflict", "entry": entry_data(lang, conflict.current)}
            return jsonify({**body, "message": conflict_message()}), 409
        except store.CheckFailed as failed:
            return jsonify({"error": "check", "problems": failed.problems}), 422
        except store.UnknownEntry:
            abort(404)
        body = {"entry": entry_data(lang, result.entry), "warnings": result.warnings}
        return jsonify({**body, "changed": result.changed})

    def _entry(self, lang: str, key: str) -> store.Entry:
        if not access.may_edit(current_user, lang):
            abort(403)
        entry = store.get_entry(lang, key[:64])
        if entry is None:
            abort(404)
        return entry


def entry_data(lang: str, entry: store.Entry) -> dict[str, Any]:
    """An entry as the panel's JSON (every text is text: the script inserts it as such)."""
    forms = plurals.forms(lang) if entry.msgid_plural is not None else []
    catalog = store.ensure(lang)
    nplurals, expression = store.plural_rule(catalog) if catalog else (2, "(n != 1)")
    result = checks.check(
        entry.msgid, entry.msgid_plural, entry.strings, nplurals, [f.label for f in forms],
        catalogs.single_number_forms(expression, nplurals),
    )  # fmt: skip
    count = len(entry.strings)
    history = history_rows(store.history(lang, entry.key)[:HISTORY_SHOWN], count)
    return {
        "lang": lang,
        "key": entry.key,
        "msgid": entry.msgid,
        "msgid_plural": entry.msgid_plural,
        "context": entry.context,
        "strings": list(entry.strings),
        "forms": plural_labels(forms, format_number) if forms else [],
        "fuzzy": entry.fuzzy,
        "version": entry.version,
        "state": entry.state,
        "developer_notes": list(entry.auto_comments),
        "translator_notes": list(entry.user_comments),
        "locations": [f"{path}:{line}" if line else path for path, line in entry.locations],
        "errors": result.errors,
        "warnings": result.warnings,
        "history": [
            {
                "who": row.who,
                "when": format_stored_datetime(row.when),
                "old": row.old,
                "new": row.new,
            }
            for row in history
        ],  # fmt: skip
        "workbench": url_for("translations.edit_view", lang=lang, key=entry.key),
    }


def in_context_toggle() -> Markup:
    """The navbar's switch, for users who may edit the page language's catalog."""
    user = unproxied(current_user)
    if not can(user, "translations"):  # most users: a role check, nothing more
        return Markup("")
    on = bool(session.get(marks.SESSION_KEY))
    lang = str(current_locale())
    if not on and (lang == current_app.config["BABEL_DEFAULT_LOCALE"] or not _shown_to(user, lang)):
        return Markup("")  # (a session in the mode can always leave it)
    label = _("Stop translating") if on else _("Translate this page")
    return Markup(
        f'<form method="post" action="{escape(url_for("in_context.toggle_view"))}"'
        ' class="form-inline mx-2" data-in-context-skip data-testid="in-context-toggle">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<input type="hidden" name="next" value="{escape(current_path())}">'
        f'<input type="hidden" name="on" value="{"0" if on else "1"}">'
        f'<button type="submit" class="btn btn-sm {"btn-warning" if on else "btn-outline-light"}"'
        f' aria-pressed="{"true" if on else "false"}">{escape(label)}</button></form>'
    )


#: How long an answer holds. Only the button depends on it: switching on and every read or
#: save ask ``access.may_edit`` afresh.
SHOWN_FOR = 30.0
#: (user, roles, assigned languages, language) -> may edit: whether the switch shows.
_SHOWN: ProcessCache[bool] = ProcessCache("in-context switch", 4096, seconds=SHOWN_FOR)


def _shown_to(user: Any, lang: str) -> bool:
    # access.may_edit looks for each language's catalog file (about 0.2 ms): once per user,
    # language and half-minute, not on every page an admin or translator opens.
    languages = tuple(getattr(user, "translation_languages", None) or ())
    key = (user.id, user.role_names, languages, lang)
    return _SHOWN.get(key, lambda: marks.may_use(user))


def in_context_head() -> Markup:
    """With the mode on: the panel's style and the script, first of the page's scripts (it
    cleans each node as it is parsed, before the page's own scripts read it)."""
    if marks.entries() is None:
        return Markup("")
    css = "".join(f'<link rel="stylesheet" href="{url}">' for url in bundle_urls("in_context_css"))
    js = "".join(f'<script src="{url}"></script>' for url in bundle_urls("in_context_js"))
    return Markup(css + js)


def in_context_tail() -> Markup:
    """With the mode on: the page's table of marked texts (all of them: the page's last
    element) and the panel's texts."""
    table = marks.entries()
    if table is None:
        return Markup("")
    lang = str(current_locale())
    shown = dict(table)  # before the panel's own texts are looked up (and recorded)
    data = {
        "lang": lang,
        "entries": shown,
        "entryUrl": url_for("in_context.entry_view", lang=lang, key="KEY"),
        "csrf": generate_csrf(),
        "labels": {name: marks.strip(str(text)) for name, text in panel_labels().items()},
    }
    return Markup(
        f'<script type="application/json" id="in-context-entries">{htmlsafe_json_dumps(data)}'
        "</script>"
    )


def panel_labels() -> dict[str, str]:
    """The side panel's own texts, in the reader's language (the workbench's where they fit)."""
    return {
        "title": _("Translate in context"),
        "close": _("Close"),
        "source": _("Source text"),
        "context": _("Context:"),
        "translation": _("Translation"),
        "fuzzy": _("Needs review (fuzzy)"),
        "save": _("Save"),
        "saved": _("Saved."),
        "checks": _("Checks"),
        "history": _("History"),
        "noHistory": _("No changes have been saved through the workbench yet."),
        "developerNote": _("Developer note:"),
        "translatorNote": _("Translator note:"),
        "workbench": _("Open in the workbench"),
        "readOnly": _("Flask-Admin (read-only)"),
        "pageTexts": _("Other texts on this page"),
        "pageTextsHint": _("In attributes, titles and scripts; click one to edit it."),
        "failed": _("Not saved:"),
        "reload": _("Saved. Reload the page to see it everywhere."),
        "attribute": _("attribute"),
        "script": _("script"),
        "unplaced": _("not shown as text"),
        "pageTitle": _("page title"),
    }


def conflict_message() -> str:
    return _("Someone else saved this entry after you opened it.")


def init_app(app: Flask, admin: Admin) -> None:
    """Register the view, the template helpers and the request hook."""
    view = InContextView(name=_l("Translate in context"), endpoint="in_context", url="in-context")
    admin.add_view(view)
    app.add_template_global(in_context_toggle)
    app.add_template_global(in_context_head)
    app.add_template_global(in_context_tail)
    marks.init_app(app, admin.url, access.may_edit)
