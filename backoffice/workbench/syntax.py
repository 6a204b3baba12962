"""The line-by-line check of an uploaded ``.po`` file, before Babel reads it.

Babel's reader, even with ``abort_invalid=True``, guesses where GNU ``msgfmt`` refuses:
``msgstr Leute`` (no quotes) is read as ``eut``, an unterminated ``msgid "Peopl`` as
``Peop``, text after the closing quote is kept, an escape it does not know keeps its
backslash, a second ``msgstr`` or a second entry with the same msgid is dropped or merged
silently, and ``msgstr[x]`` raises a bare ``ValueError``. So every line is checked here
first, the way ``msgfmt`` reads it:

- a line is blank, a comment (``#``; ``#~`` lines of obsolete entries are checked like the
  others), a keyword with one quoted string (``msgctxt``, ``msgid``, ``msgid_plural``,
  ``msgstr``, ``msgstr[N]``), or a quoted string continuing the text above it;
- a quoted string is closed, nothing follows it, and its escapes are ``\\n``, ``\\t``,
  ``\\r``, ``\\"`` and ``\\\\`` (the ones Babel reads as ``msgfmt`` does);
- an entry is ``[msgctxt] msgid (msgstr | msgid_plural msgstr[0] msgstr[1] …)``, a comment
  ends it (Babel's reading), and no two live entries have the same context and msgid.

Each problem is its line number and a sentence in the UI language that quotes the line.
The work is linear in the size of the file (the patterns cannot backtrack).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d{1,9})\])?)(?: (.*))?", re.S)
STRING = re.compile(r'"((?:[^"\\]++|\\.)*+)"', re.S)
ESCAPE = re.compile(r"\\(.)", re.S)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
BLANKS = " \t\r\n\x0b\x0c"  # what Babel strips from each line (bytes.strip)
EXCERPT = 60  # characters of a line quoted in a problem


@dataclass
class _Entry:
    line: int  # of its first keyword
    obsolete: bool
    broken: bool = False  # a problem was reported: the rest of the entry is skipped
    last: str = ""  # the last keyword seen: the one a continuation line adds to
    texts: dict[str, list[str]] = field(default_factory=dict)  # keyword -> its strings


def problems(text: str, keep: int = 20) -> tuple[list[tuple[int, str]], int]:
    """The malformed lines of the ``.po`` file ``text``: the first ``keep`` as (line number,
    problem), in line order, and how many there are in all."""
    reader = _Reader(keep)
    reader.read(text)
    return [(line, str(message)) for line, message in reader.found], reader.total


class _Reader:
    """One pass over the lines; at most one problem per entry (the rest of it is skipped).

    Messages are lazy strings, translated only for the problems kept: a file of 100,000
    broken lines costs no 100,000 translations.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.total = 0
        self.found: list[tuple[int, LazyString]] = []
        self.seen: dict[tuple[str | None, str], int] = {}  # (msgctxt, msgid) -> line
        self.entry: _Entry | None = None

    def read(self, text: str) -> None:
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip(BLANKS)
            obsolete = line.startswith("#~")
            if line.startswith("#") and not obsolete:
                self.finish()  # a comment ends the entry above it, as Babel reads it
                continue
            if obsolete:
                line = line[2:].lstrip()
            if not line:
                continue
            if line.startswith('"'):
                self.continuation(number, line, obsolete)
            else:
                self.keyword(number, line, obsolete)
        self.finish()

    def continuation(self, number: int, line: str, obsolete: bool) -> None:
        entry = self.entry
        if entry is not None and entry.broken:
            return
        if entry is None or entry.obsolete != obsolete:
            message = _l(
                "A text continues here, but no msgid or msgstr comes before it: %(line)s",
                line=_excerpt(line),
            )
            self.report(number, message)
            self.entry = self.entry or _Entry(number, obsolete, broken=True)  # with the rest
            return
        value = self.string(number, line, line)
        if value is not None:
            entry.texts[entry.last].append(value)

    def keyword(self, number: int, line: str, obsolete: bool) -> None:
        match = KEYWORD.fullmatch(line)
        excerpt = _excerpt(line)
        if match is None:
            self.report(number, _l("The file is not a valid .po file here: %(line)s", line=excerpt))
            return
        keyword, index, argument = match.groups()
        keyword = keyword if index is None else f"msgstr[{int(index)}]"
        entry = self.entry
        continues = entry is not None and not entry.broken and entry.obsolete == obsolete
        if keyword == "msgctxt" or (
            keyword == "msgid" and not (continues and entry.last == "msgctxt")
        ):
            self.finish()
            self.entry = entry = _Entry(number, obsolete)
        elif entry is not None and entry.broken:
            return
        elif not (continues and _follows(keyword, entry.last)):
            message = _l(
                "The keyword %(keyword)s is out of place here: %(line)s",
                keyword=keyword,
                line=excerpt,
            )
            self.report(number, message)
            if entry is None:  # a broken entry of its own takes its continuation lines
                self.entry = _Entry(number, obsolete, broken=True)
            return
        if not (argument or "").strip().startswith('"'):
            self.report(number, _l("A text must be in double quotes: %(line)s", line=excerpt))
            return
        value = self.string(number, argument.strip(), line)
        if value is not None:
            entry.last = keyword
            entry.texts[keyword] = [value]

    def string(self, number: int, text: str, line: str) -> str | None:
        """The value of the quoted string ``text`` (on ``line``); None, and a problem, if it
        is malformed."""
        match = STRING.match(text)
        if match is None:
            message = _l("A text in double quotes is not closed: %(line)s", line=_excerpt(line))
        elif match.end() != len(text):
            message = _l(
                "Nothing may follow the closing double quote: %(line)s", line=_excerpt(line)
            )
        else:
            inner = match.group(1)
            if "\\" not in inner:
                return inner
            escapes = (escape.group(0) for escape in ESCAPE.finditer(inner))
            unknown = next((escape for escape in escapes if escape[1] not in ESCAPES), None)
            if unknown is None:
                return ESCAPE.sub(lambda escape: ESCAPES[escape.group(1)], inner)
            message = _l(
                "Unknown escape sequence %(escape)s: %(line)s", escape=unknown, line=_excerpt(line)
            )
        self.report(number, message)
        return None

    def report(self, number: int, message: LazyString) -> None:
        """Add a problem of the current entry, whose other lines are then skipped."""
        self.add(number, message)
        if self.entry is not None:
            self.entry.broken = True

    def add(self, number: int, message: LazyString) -> None:
        self.total += 1
        if len(self.found) < self.keep:
            self.found.append((number, message))

    def finish(self) -> None:
        """End the current entry: report it if it is incomplete or repeats an earlier one."""
        entry, self.entry = self.entry, None
        if entry is None or entry.broken:
            return
        texts = entry.texts
        translated = "msgstr[0]" in texts if "msgid_plural" in texts else "msgstr" in texts
        if "msgid" not in texts or not translated:
            message = _l("The entry is incomplete: it needs a msgid and a msgstr.")
            self.add(entry.line, message)
        elif not entry.obsolete:
            context = "".join(texts["msgctxt"]) if "msgctxt" in texts else None
            key = (context, "".join(texts["msgid"]))
            if key in self.seen:
                message = _l(
                    "This entry is already in the file, on line %(first)d.", first=self.seen[key]
                )
                self.add(entry.line, message)
            else:
                self.seen[key] = entry.line


def _excerpt(line: str) -> str:
    """``line`` as quoted in a problem: at most :data:`EXCERPT` characters."""
    return line if len(line) <= EXCERPT else line[:EXCERPT] + "…"


def _follows(keyword: str, last: str) -> bool:
    """True if ``keyword`` may come right after the keyword ``last`` in one entry."""
    if keyword == "msgid":
        return last == "msgctxt"
    if keyword in ("msgid_plural", "msgstr"):
        return last == "msgid"
    index = int(keyword[len("msgstr[") : -1])
    return last == ("msgid_plural" if index == 0 else f"msgstr[{index - 1}]")
