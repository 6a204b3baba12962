"""How audit entries read: translated action and type names, sentences, change lists.

Everything that comes from the log (labels, field values, user names) is data and is
escaped here; only our own translated templates are trusted markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext
from markupsafe import Markup, escape

from backoffice.admin.audit_fields import field_label, field_value
from backoffice.i18n.lists import join_labels
from backoffice.i18n.selectors import text_direction

# A context of their own: "Created"/"Updated" are also date column headers ("created on").
ACTION_LABELS = {
    "create": lazy_pgettext("audit action", "Created"),
    "update": lazy_pgettext("audit action", "Updated"),
    "delete": lazy_pgettext("audit action", "Deleted"),
    "merge": lazy_pgettext("audit action", "Merged"),
    "moderate": lazy_pgettext("audit action", "Moderated"),
    "undo": lazy_pgettext("audit action", "Undone"),
}

OBJECT_TYPE_LABELS = {
    "Post": _l("Post"),
    "Comment": _l("Comment"),
    "Tag": _l("Tag"),
    "User": _l("User"),
    "Role": _l("Role"),
    "Reminder": _l("Reminder"),
    # Written by the workbench (backoffice.workbench.store, .glossary).
    "Translation": _l("Translation"),
    "GlossaryTerm": _l("Glossary term"),
    "ModerationRules": _l("Moderation rules"),
}

# One whole sentence per action, so that translators can order the words freely.
SENTENCES = {
    "create": _l("%(user)s created %(type)s “%(label)s”"),
    "update": _l("%(user)s updated %(type)s “%(label)s”"),
    "delete": _l("%(user)s deleted %(type)s “%(label)s”"),
    "merge": _l("%(user)s merged %(type)s “%(label)s”"),
    "moderate": _l("%(user)s moderated %(type)s “%(label)s”"),
    "undo": _l("%(user)s undid a change to %(type)s “%(label)s”"),
}
OTHER_SENTENCE = _l("%(user)s: %(action)s on %(type)s “%(label)s”")

#: Characters of a value shown in the list before it is cut (the details show everything).
LIST_VALUE_LIMIT = 80
#: Changed fields shown per row in the list.
LIST_FIELD_LIMIT = 6


def action_label(action: str) -> str:
    """The translated name of an audit action (unknown ones as they are)."""
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    """The translated name of an audited model."""
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))


def user_name(entry: Any) -> str:
    """Who made the change; changes from the command line have no user."""
    return entry.user.username if entry.user is not None else _("System")


def describe(entry: Any) -> Markup:
    """A sentence such as “alice updated Post “Hello””, with every value escaped."""
    template = SENTENCES.get(entry.action, OTHER_SENTENCE)
    label = entry.object_label or "#%s" % (entry.object_id or "?")
    # <bdi>: a name in another script keeps its place in the sentence (Arabic pages).
    values = {
        "user": Markup("<strong><bdi>{}</bdi></strong>").format(user_name(entry)),
        "type": object_type_label(entry.object_type),
        "label": Markup("<bdi>{}</bdi>").format(label),
        "action": action_label(entry.action),
    }
    # Markup % escapes each plain value; the translated template itself is ours.
    return Markup(escape(str(template))) % values


def shorten(text: str, limit: int | None) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (``None``: never cut)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def value_text(value: Any) -> str:
    """A logged value as text: lists joined, nothing as an empty string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return join_labels(value_text(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _value(value: Any, limit: int | None) -> Markup:
    text = value_text(value)
    if not text:
        return Markup('<span class="text-muted">—</span>')
    short = shorten(text, limit)
    title = Markup(' title="{}"').format(text) if short != text else ""
    return Markup("<bdi{}>{}</bdi>").format(title, short)


def format_changes(
    changes: Mapping[str, Any] | None,
    value_limit: int | None = None,
    field_limit: int | None = None,
    object_type: str | None = None,
) -> Markup:
    """``field: old → new`` as a list; values and field count cut only when limits are given.

    Fields read as the forms of ``object_type``'s view label them (:mod:`audit_fields`).
    """
    items = sorted((changes or {}).items())
    if not items:
        return Markup("")
    shown = items if field_limit is None else items[:field_limit]
    arrow = "←" if text_direction() == "rtl" else "→"
    lines = []
    for field, pair in shown:
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        old, new = field_value(object_type, field, old), field_value(object_type, field, new)
        label = Markup('<span class="audit-field" data-field="{}">{}</span>').format(
            field, field_label(object_type, field)
        )
        if old is None:  # a new object: only the value it got
            line = Markup("<li>{}: {}</li>").format(label, _value(new, value_limit))
        else:
            line = Markup("<li>{}: {} {} {}</li>").format(
                label, _value(old, value_limit), arrow, _value(new, value_limit)
            )
        lines.append(line)
    hidden = len(items) - len(shown)
    if hidden:
        more = ngettext("%(num)d more change", "%(num)d more changes", hidden)
        lines.append(Markup('<li class="text-muted">{}</li>').format(more))
    return Markup('<ul class="audit-changes list-unstyled mb-0">{}</ul>').format(
        Markup("").join(lines)
    )
