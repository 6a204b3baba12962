"""Catalog entries and the one safe way to save a translation.

CONTRACT (shared by the engine and the admin view; keep these names and meanings):

- ``catalog_dir() -> Path``: the first directory of ``BABEL_TRANSLATION_DIRECTORIES``.
- ``po_path(lang) -> Path`` / ``mo_path(lang) -> Path``: ``<dir>/<lang>/LC_MESSAGES/messages.*``.
- ``languages() -> list[str]``: the configured ``LANGUAGES`` that have a ``messages.po``
  (English is the source language and has none).
- ``Entry`` (frozen dataclass): ``key`` (stable URL-safe id from context + msgid),
  ``msgid``, ``msgid_plural | None``, ``context | None``, ``strings: tuple[str, ...]`` (one
  per plural form for plural entries, else one), ``fuzzy``, ``locations``,
  ``auto_comments`` (extracted comments), ``user_comments`` (translator comments),
  ``version`` (hash of strings + fuzzy; what the editor was showing), ``state``
  (``"translated" | "fuzzy" | "untranslated"``).
- ``CatalogSummary`` (frozen dataclass): ``lang, translated, fuzzy, untranslated, total,
  percent, last_translator | None, revision_date | None``.
- ``summary(lang) -> CatalogSummary``; ``entries(lang) -> list[Entry]`` (no header, no
  obsolete); ``get_entry(lang, key) -> Entry | None``.
- ``save_entry(lang, key, strings, fuzzy, base_version, user) -> SaveResult``: under the
  catalog's file lock re-read the ``.po``; if the entry's current version differs from
  ``base_version`` (and from what is being saved) raise ``Conflict(current_entry)``; run the
  blocking checks (raise ``CheckFailed(problems)``); write the ``.po`` atomically with
  ``PO-Revision-Date`` and ``Last-Translator`` updated, compile the ``.mo`` atomically, and
  write one audit entry (action ``translate``, object type ``Translation``, object id
  ``"<lang>:<key>"``, changes ``{"msgstr": [old, new], "fuzzy": [old, new]}``).
  ``SaveResult`` has ``entry`` (the saved Entry), ``warnings: list[str]``, ``changed: bool``.
- ``history(lang, key) -> list[AuditEntry]``, newest first.
"""
