"""The translation workbench's engine: catalogs read, checked, saved and reloaded.

The catalogs it edits are in the database (:mod:`backoffice.models.catalog`); the ``.po``
files of the repository are the developers' side, merged in by ``translate sync``. The admin
view (``backoffice/admin/translations.py``) only talks to this package:

- :mod:`.store`     read catalogs and entries; ``save_entry`` saves one entry safely (row
                    locks, conflict detection, checks, a new revision, the audit entry).
- :mod:`.sync`      ``sync_language`` (the repository into the database, a three-way merge per
                    entry, :mod:`.merge`) and ``export_language`` (the other way).
- :mod:`.checks`    ``check(msgid, msgid_plural, strings, nplurals, form_labels=None) ->
                    CheckResult`` with ``errors`` (blocking) and ``warnings``, whole
                    sentences in the UI language.
- :mod:`.plurals`   ``forms(lang) -> list[PluralForm]`` (``index``, ``category``, ``label``,
                    ``examples``) in the order of the catalog's ``Plural-Forms`` header.
- :mod:`.transfer`  ``export_po(lang) -> bytes``; ``import_po(lang, data, user) ->
                    ImportReport`` (``ok``, ``problems``, ``merged``, ``unchanged``,
                    ``ignored``), all or nothing.
- :mod:`.update`    ``update_from_code(user) -> UpdateReport`` (``added``, ``obsolete`` per
                    language): this instance's strings, merged as ``translate sync`` merges.
- :mod:`.access`    ``languages_for(user)`` and ``may_edit(user, lang)``.
- :mod:`.limits`    ``too_long(strings, form_labels) -> list[str]``: translations over
                    ``TRANSLATION_MAX_LENGTH``, asked first by saves and uploads.
- :mod:`.syntax`    ``problems(text, keep)``: the malformed lines of an uploaded ``.po``,
                    with their numbers, before Babel reads it.
- :mod:`.files`     the repository's catalog files: paths, parsing, the template;
                    ``remove_stale_temporaries(app)`` on start.
- :mod:`.memory`    ``suggestions(lang, entry)``: translations of similar source texts from
                    ours and Flask-Admin's ``admin.po``; ``other_languages(lang, key)``.
- :mod:`.glossary`  per-language terms and agreed translations: changes (audited), marks in
                    source texts, ``missing(...)`` for the check's warning.
- :mod:`.consistency` ``inconsistencies(lang)``: one source text, several translations.
- :mod:`.progress`  ``this_week(langs)`` from the audit; ``changed_since_sync(lang)``.

How a saved translation reaches every page belongs to :mod:`backoffice.i18n`, and the
workbench imports it from there (i18n never imports the workbench):

- ``i18n.revisions`` which revision of a catalog is current, known by every process cheaply
                    (SQLite: a read; PostgreSQL: ``LISTEN``/``NOTIFY`` and a poll); a save
                    calls its ``new_revision``.
- ``i18n.reload``   Flask-Babel's domain serving the database's catalogs (``i18n.compiled``,
                    once per revision), or the ``.mo`` files for a language not imported yet.
"""
