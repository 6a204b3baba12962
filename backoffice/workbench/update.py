"""Update the catalogs from the code: the same extract + update as ``flask translate``.

Works on the configured template (``TRANSLATION_TEMPLATE``) and catalog directory, each
file under its lock and written atomically (catalogs with their ``.mo``), and reports per
language which messages were added and which became obsolete.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from backoffice.i18n import catalogs
from backoffice.workbench import files


@dataclass
class UpdateReport:
    """Per language, the msgids added to its catalog and those made obsolete."""

    added: dict[str, list[str]] = field(default_factory=dict)
    obsolete: dict[str, list[str]] = field(default_factory=dict)
    messages: int = 0  # in the new template


def update_from_code() -> UpdateReport:
    """Extract the marked strings into the template and merge it into every catalog."""
    template = files.template_path()
    report = UpdateReport()
    with files.locked(template):
        extracted = catalogs.extract_catalog()
        data = catalogs.template_bytes(extracted)
        catalogs.atomic_write(template, data)
        source = read_po(io.BytesIO(data))
    report.messages = len(source)
    for lang in files.languages():
        path = files.po_path(lang)
        with files.locked(path):
            raw = path.read_bytes()
            catalog = files.parse(raw, lang)
            before, extracted_on = _msgids(catalog), catalog.creation_date
            catalogs.update_catalog(catalog, source)
            after = _msgids(catalog)
            if _changed(catalog, raw, extracted_on):
                files.write_catalog(path, catalog)
        report.added[lang] = sorted(after.keys() - before.keys(), key=_order(after))
        report.obsolete[lang] = sorted(before.keys() - after.keys(), key=_order(before))
        report.added[lang] = [after[key] for key in report.added[lang]]
        report.obsolete[lang] = [before[key] for key in report.obsolete[lang]]
    return report


def _changed(catalog: Catalog, raw: bytes, extracted_on: object) -> bool:
    """True if the merge changed more than the template's date (then nothing is written)."""
    new_date = catalog.creation_date
    catalog.creation_date = extracted_on
    same = catalogs.po_bytes(catalog) == raw
    catalog.creation_date = new_date
    return not same


def _msgids(catalog: Catalog) -> dict[tuple[str, str | None], str]:
    """(msgid, context) -> msgid of the live (not obsolete) messages."""
    result = {}
    for message in catalog:
        if message.id:
            msgid = message.id[0] if isinstance(message.id, list | tuple) else message.id
            result[(msgid, message.context)] = msgid
    return result


def _order(messages: dict) -> object:
    positions = {key: index for index, key in enumerate(messages)}
    return positions.__getitem__
