"""The translation workbench's engine (SPEC §5): catalogs read, checked, saved and reloaded.

The admin view (``backoffice/admin/translations.py``) only talks to this package.
CONTRACT (the engine and the view are built side by side; keep these names):

- :mod:`.store`    read catalogs and entries; save one entry safely (see its docstring).
- :mod:`.checks`   ``check(msgid, msgid_plural, strings, nplurals) -> CheckResult`` with
                   ``errors: list[str]`` (blocking) and ``warnings: list[str]``, each a whole
                   sentence in the UI language naming exactly what is wrong (which form,
                   which placeholder or tag is missing or extra).
- :mod:`.plurals`  ``forms(lang) -> list[PluralForm]``: one per form index in the order of the
                   catalog's ``Plural-Forms`` header; ``PluralForm`` has ``index``,
                   ``category`` ("zero", "one", "two", "few", "many", "other", from CLDR via
                   Babel), ``label`` (translated category name) and ``examples`` (a few
                   numbers that select it, e.g. ``[3, 4, 10]``).
- :mod:`.reload`   ``init_app(app)``: before each request, if a catalog's ``.mo`` changed on
                   disk (cheap stat), drop Flask-Babel's cached translations in this process.
- :mod:`.transfer` ``export_po(lang) -> bytes``; ``import_po(lang, data, user) ->
                   ImportReport`` (``ok``, ``problems: list[tuple[str, str]]`` as (entry or
                   line, message), ``merged``, ``unchanged``, ``ignored``); all or nothing:
                   any problem means nothing is written.
- :mod:`.update`   ``update_from_code() -> UpdateReport`` (``added``, ``obsolete`` msgids
                   per language); the same extract + update as ``flask translate``.
- :mod:`.access`   ``languages_for(user) -> list[str]`` (admins: all; translators: the
                   assigned ``User.translation_languages`` that exist) and
                   ``may_edit(user, lang) -> bool``.
"""
