"""Replace a file whole, keep its mode, and leave no temporary file behind.

The one atomic write of the app. Every catalog write goes through here (the workbench's
exports, "update from code" and ``flask translate``: extract, init, update, compile), and so
does the asset manifest (``compat.flask_assets.AtomicJsonManifest``).

- The new contents go to a temporary file beside the target, named
  ``.<name>.backoffice-tmp-<16 hex digits>``, synced, then renamed over the target: a reader
  sees the old file or the new one, never half of one.
- The file keeps the mode it had (0644 stays 0644, 0664 stays 0664). A new file is created
  as ``open()`` would create it: 0666 less the umask (0644 under the usual 022), and a
  directory's default ACL applies. ``tempfile.mkstemp`` made every catalog 0600, unreadable
  to a second deploy user or a web server reading the files. Owner and group are those of the
  writing process (only root could keep another owner).
- Any exception while writing, ``KeyboardInterrupt`` included, removes the temporary file.
  A process killed outright (SIGKILL, power loss) cannot: :func:`remove_stale`, run by
  ``create_app``, deletes such leftovers once they are older than :data:`STALE_AFTER`
  (a live writer holds its temporary file for milliseconds; a younger one may be in use).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from collections.abc import Iterable
from pathlib import Path

MARK = ".backoffice-tmp-"
#: Our temporary files: ``.<name>.backoffice-tmp-<16 hex digits>``.
TEMPORARY = re.compile(r"\..+\.backoffice-tmp-[0-9a-f]{16}")
#: What ``tempfile.mkstemp(prefix=".<name>.")`` left beside catalogs before this module.
EARLIER_TEMPORARY = re.compile(r"\.[\w.-]+\.(?:po|mo|pot)\.[a-z0-9_]{8}")
#: Seconds after which a temporary file is certainly not being written any more.
STALE_AFTER = 10 * 60
NEW_FILE_MODE = 0o666  # less the umask, as for any file a program creates


def write(path: Path, data: bytes) -> None:
    """Replace ``path``'s contents with ``data`` atomically, keeping its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def temporary_beside(path: Path, data: bytes) -> Path:
    """A synced temporary file holding ``data`` next to ``path``, with ``path``'s mode.

    The caller renames it into place, or removes it if anything fails before that.
    """
    mode = mode_of(path)
    while True:
        temporary = path.with_name(f".{path.name}{MARK}{secrets.token_hex(8)}")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
        except FileExistsError:  # 64 random bits taken: try another name
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def mode_of(path: Path) -> int | None:
    """The permission bits of ``path``, or None if there is no such file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def is_temporary(name: str) -> bool:
    """True for the name of a temporary file of ours (or of the ``mkstemp`` writes before)."""
    return bool(TEMPORARY.fullmatch(name) or EARLIER_TEMPORARY.fullmatch(name))


def remove_stale(
    directories: Iterable[Path], max_age: float = STALE_AFTER, now: float | None = None
) -> list[Path]:
    """Delete our temporary files older than ``max_age`` seconds in ``directories``.

    Only names :func:`is_temporary` accepts, only regular files, only the directories given
    (not below them). Missing or unreadable directories are skipped. Returns what was removed.
    """
    now = time.time() if now is None else now
    removed = []
    for directory in directories:
        try:
            found = [entry for entry in os.scandir(directory) if is_temporary(entry.name)]
        except OSError:
            continue
        for entry in found:
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > max_age:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:  # removed meanwhile by another process, or not ours to remove
                continue
    return removed
