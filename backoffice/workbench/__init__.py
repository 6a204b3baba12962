"""The translation workbench's engine (SPEC §5): catalogs read, checked, saved and reloaded.

The admin view (``backoffice/admin/translations.py``) only talks to this package:

- :mod:`.store`    read catalogs and entries; ``save_entry`` saves one entry safely (file
                   lock, conflict detection, checks, atomic ``.po`` + ``.mo``, audit entry).
- :mod:`.checks`   ``check(msgid, msgid_plural, strings, nplurals, form_labels=None) ->
                   CheckResult`` with ``errors`` (blocking) and ``warnings``, whole sentences
                   in the UI language.
- :mod:`.plurals`  ``forms(lang) -> list[PluralForm]`` (``index``, ``category``, ``label``,
                   ``examples``) in the order of the catalog's ``Plural-Forms`` header.
- :mod:`.reload`   ``init_app(app)``: a changed ``.mo`` is noticed by a cheap stat once per
                   request and language, and Flask-Babel's cache for it is replaced.
- :mod:`.transfer` ``export_po(lang) -> bytes``; ``import_po(lang, data, user) ->
                   ImportReport`` (``ok``, ``problems``, ``merged``, ``unchanged``,
                   ``ignored``), all or nothing.
- :mod:`.update`   ``update_from_code() -> UpdateReport`` (``added``, ``obsolete`` per
                   language), the same extract + update as ``flask translate``.
- :mod:`.access`   ``languages_for(user)`` and ``may_edit(user, lang)``.
- :mod:`.limits`   ``too_long(strings, form_labels) -> list[str]``: translations over
                   ``TRANSLATION_MAX_LENGTH``, asked first by saves and uploads.
- :mod:`.syntax`   ``problems(text, keep)``: the malformed lines of an uploaded ``.po``,
                   with their numbers, before Babel reads it.
- :mod:`.files`    paths, parsing, the file lock and the atomic writes the others share
                   (through :mod:`backoffice.i18n.atomic`: modes kept, no temporary file
                   left; ``remove_stale_temporaries(app)`` on start).
"""
