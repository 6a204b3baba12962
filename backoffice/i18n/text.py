"""Translations are text: how a catalog's strings reach a page.

A translator's text is untrusted input (the workbench lets a translator edit what every user
reads). Jinja's newstyle gettext and Flask-Babel's lazy strings would hand it to the page as
markup; here it becomes text at the source, whatever the template or the context:

- :func:`as_html` turns a translation into HTML: its text escaped; where the *source* text
  carries markup on purpose, the translation may carry exactly the same tags with the same
  attributes, rebuilt from a parse (never copied through); anything else shows the source.
- :func:`install` gives templates ``_``, ``gettext``, ``ngettext``, ``pgettext`` and
  ``npgettext`` that use it, and that fall back to the source when a translation's
  placeholders do not fit its values (a 500 page is no answer to a translator's typo).
- :func:`inert` and :func:`html_for_script` serve the places where a script of Flask-Admin's
  inserts a text as HTML (filter names, tooltips).

Lazy strings (ours, Flask-Admin's, WTForms' labels and validators) are made safe in
:mod:`backoffice.compat.flask_babel`.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from jinja2 import pass_context
from markupsafe import Markup, escape

from backoffice.i18n.lookup import translations

# Stands in for "<" in texts that a script inserts as HTML (see inert).
LOOKALIKE_LESS_THAN = "\uff1c"


def as_html(source: str, translated: str) -> Markup:
    """``translated`` (the translation of ``source``) as safe HTML."""
    if "<" not in source:
        return escape(translated)
    if translated == source:
        return Markup(source)  # the source is ours: its markup is meant
    rebuilt = _SameMarkup.rebuild(source, translated)
    return Markup(source) if rebuilt is None else rebuilt


def markup_of(text: str) -> Counter[tuple[str, str, tuple[tuple[str, str | None], ...]]] | None:
    """The tags of ``text`` as parsed HTML: a multiset of (kind, name, sorted attributes) with
    kind ``start``/``end``, or None if it holds comments, declarations or processing
    instructions (never meant in a translatable text)."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return None if parser.invalid else Counter(parser.tags)


class _Tags(HTMLParser):
    """Collects the tags of a text; see :func:`markup_of`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str, tuple[tuple[str, str | None], ...]]] = []
        self.output: list[str] = []
        self.invalid = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(("start", tag, tuple(sorted(attrs))))
        self.output.append(start_tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("end", tag, ()))
        self.output.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.output.append(str(escape(data)))

    def handle_comment(self, data: str) -> None:
        self.invalid = True

    def handle_decl(self, decl: str) -> None:
        self.invalid = True

    def handle_pi(self, data: str) -> None:
        self.invalid = True

    def unknown_decl(self, data: str) -> None:
        self.invalid = True


class _SameMarkup:
    @staticmethod
    def rebuild(source: str, translated: str) -> Markup | None:
        """The translation rebuilt from its parse: escaped text and the source's own tags;
        None if its tags differ from the source's."""
        expected = markup_of(source)
        parser = _Tags()
        parser.feed(translated)
        parser.close()
        if expected is None or parser.invalid or Counter(parser.tags) != expected:
            return None
        return Markup("".join(parser.output))


def start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    """``<tag name="value" …>`` with the values escaped."""
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{escape(value)}"')
    return "<" + " ".join(parts) + ">"


def _render(context: Any, source: str, translated: str, variables: dict[str, Any]) -> Any:
    """A template's translated text: HTML-safe (with autoescape), ``variables`` filled in."""
    if not context.eval_ctx.autoescape:
        try:
            return translated % variables
        except (KeyError, ValueError, TypeError):
            return source % variables
    try:
        return as_html(source, translated) % variables
    except (KeyError, ValueError, TypeError):
        return as_html(source, source) % variables


@pass_context
def gettext(__context: Any, __string: str, **variables: Any) -> Any:
    """``_()`` and ``gettext()`` in templates (newstyle: ``%(name)s`` filled and escaped)."""
    return _render(__context, __string, translations().ugettext(__string), variables)


@pass_context
def ngettext(__context: Any, __singular: str, __plural: str, __num: int, **variables: Any) -> Any:
    """``ngettext()`` in templates; ``%(num)d`` is the number unless given."""
    variables.setdefault("num", __num)
    translated = translations().ungettext(__singular, __plural, __num)
    source = __singular if __num == 1 else __plural
    return _render(__context, source, translated, variables)


@pass_context
def pgettext(__context: Any, __msgctxt: str, __string: str, **variables: Any) -> Any:
    """``pgettext()`` in templates."""
    translated = translations().upgettext(__msgctxt, __string)
    return _render(__context, __string, translated, variables)


@pass_context
def npgettext(
    __context: Any, __msgctxt: str, __singular: str, __plural: str, __num: int, **variables: Any
) -> Any:
    """``npgettext()`` in templates."""
    variables.setdefault("num", __num)
    translated = translations().unpgettext(__msgctxt, __singular, __plural, __num)
    source = __singular if __num == 1 else __plural
    return _render(__context, source, translated, variables)


def install(app: Flask) -> None:
    """Give templates the text-safe gettext callables (over the request's translations)."""
    env = app.jinja_env
    # Registers the i18n extension's newstyle mode for {% trans %} blocks, then replaces its
    # callables, which would mark every translation as safe markup, by ours.
    env.install_gettext_callables(
        gettext=lambda s: s, ngettext=lambda s, p, n: s, newstyle=True,
        pgettext=lambda c, s: s, npgettext=lambda c, s, p, n: s,
    )  # fmt: skip
    env.globals.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext)
    env.filters["html_for_script"] = html_for_script


def inert(text: Any) -> str:
    """``text`` with no ``<``, for a script that inserts it as HTML and also uses it as a key
    (Flask-Admin's filter names): a look-alike character stands in, so no tag can start."""
    return str(text).replace("<", LOOKALIKE_LESS_THAN)


def html_for_script(text: Any) -> str:
    """``text`` escaped once more, for an attribute that a script renders as HTML (Bootstrap
    tooltips with ``html: true``): the page's own escaping is undone by the HTML parser, this
    one by the script, and the reader sees the text."""
    return str(escape(text))


class InertText:
    """A label (lazy or not) that reads as :func:`inert` text, for Flask-Admin's filter names."""

    def __init__(self, label: Any) -> None:
        self.label = label

    def __str__(self) -> str:
        return inert(self.label)

    def __html__(self) -> str:
        return str(escape(str(self)))
