"""Where the media library's files live: one interface, two backends.

Every file and folder is named by a *key*, a clean relative path (``sub/photo.png``; "" is the
top folder) that the one resolver, :func:`backoffice.media.paths.clean_key`, accepted.
:class:`MediaStorage` is what the rest of the app sees: Flask-Admin's file view calls its
``BaseFileStorage`` methods with keys (``get_base_path()`` is ""), the public ``/media/`` route
and the editor's endpoints the others. The rules (accepted types and signatures, safe names,
nothing replaced) live in :mod:`backoffice.media.files`; a backend only stores, and promises
that creating a file or folder never replaces one.

Backends: :class:`LocalStorage`, the ``UPLOADS_DIR`` folder (the default), and
:class:`backoffice.media.s3.S3MediaStorage`, an S3-compatible bucket (``MEDIA_STORAGE=s3``).
"""

from __future__ import annotations

import errno
import os
import posixpath
import shutil
import stat
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import IO, Any

from flask import abort, send_file
from flask_admin.contrib.fileadmin import BaseFileStorage
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from backoffice.media import files, paths

# Images never need to run anything. PDFs get no ``sandbox``: Chrome refuses to start its
# PDF viewer in a sandboxed document (and drops the response's CSP for the viewer anyway).
IMAGE_CSP = "default-src 'none'; sandbox"
PDF_CSP = "default-src 'none'"
CHUNK = 64 * 1024

#: Flask-Admin's listing row: name, key, is it a folder, size in bytes, modified (epoch seconds).
Entry = tuple[str, str, bool, int, float]


class MediaStorage(ABC):
    """The media library's storage. Mixed into a Flask-Admin ``BaseFileStorage``, whose
    operations it answers on our rules; subclasses provide the abstract primitives."""

    separator = "/"

    # --- what a backend provides; keys are clean (paths.clean_key) ---------------------------

    @abstractmethod
    def resolve(self, relative: str | None) -> str | None:
        """The key of ``relative`` if it may be used (it need not exist yet), else None."""

    @abstractmethod
    def is_file(self, key: str) -> bool:
        """True if the file ``key`` exists."""

    @abstractmethod
    def is_dir(self, key: str) -> bool:
        """True if the folder ``key`` exists ("" always does)."""

    @abstractmethod
    def get_files(self, path: str, directory: str) -> list[Entry]:
        """The visible entries of the folder ``directory`` (hidden names are left out)."""

    @abstractmethod
    def iter_files(self) -> Iterator[tuple[str, float]]:
        """Every file below the top folder, at any depth: ``(key, modified)``."""

    @abstractmethod
    def read_head(self, key: str, size: int) -> bytes:
        """The first ``size`` bytes of the file ``key`` (for the content signature)."""

    @abstractmethod
    def put_new(
        self, folder: str, stem: str, ext: str, body: IO[bytes], size: int, mimetype: str
    ) -> str | None:
        """Store ``body`` (``size`` bytes, read from its start, in chunks) under the first name
        of :func:`files.candidate_names` that is free in ``folder``; never replace a file or
        folder. Return the name, or None if every candidate is taken."""

    @abstractmethod
    def create_folder(self, key: str) -> None:
        """Create the folder ``key``; FileExistsError if that name is taken."""

    @abstractmethod
    def move(self, key: str, target: str) -> None:
        """Rename the file or folder ``key`` to ``target``; FileExistsError if it is taken."""

    @abstractmethod
    def remove_file(self, key: str) -> None:
        """Delete the file ``key``; IsADirectoryError if it is a folder."""

    @abstractmethod
    def remove_folder(self, key: str) -> None:
        """Delete the folder ``key`` with everything in it."""

    @abstractmethod
    def send(self, key: str, mimetype: str | None) -> Response:
        """A streamed response with the file ``key``: inline as ``mimetype``, or as an
        ``application/octet-stream`` attachment when it is None. FileNotFoundError if the
        file does not exist."""

    # --- Flask-Admin's storage interface, on our rules ----------------------------------------

    def get_base_path(self) -> str:
        return ""

    def path_exists(self, path: Any) -> bool:
        key = str(path)
        return not key or self.is_dir(key) or self.is_file(key)

    def make_dir(self, path: str, directory: str) -> None:
        files.make_folder(self, path, directory)

    def rename_path(self, src: Any, dst: Any) -> None:
        files.rename_entry(self, str(src), posixpath.basename(str(dst)))

    def delete_file(self, file_path: Any) -> None:
        files.delete_file(self, str(file_path))

    def delete_tree(self, directory: Any) -> None:
        files.delete_folder(self, str(directory))

    def send_file(self, file_path: Any) -> Response:
        """The stored file with headers that stop browsers from running it: accepted types
        inline with their own content type, anything else as a download."""
        key = str(file_path)
        mimetype = files.content_type(key)
        try:
            response = self.send(key, mimetype)
        except FileNotFoundError:
            abort(404)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = (
            PDF_CSP if mimetype == "application/pdf" else IMAGE_CSP
        )
        return response

    def save_file(self, path: str, file_data: Any) -> None:
        raise files.MediaError(_("The file could not be saved. Please try again."))

    def read_file(self, path: Any) -> Any:
        raise files.MediaError(_("Files cannot be edited here."))

    def write_file(self, path: Any, content: str) -> Any:
        raise files.MediaError(_("Files cannot be edited here."))


class LocalStorage(MediaStorage, BaseFileStorage):
    """The ``UPLOADS_DIR`` folder. A key is accepted only if its real path, symlinks followed,
    stays inside the real folder (:func:`paths.resolve`); symlinks are acted on as links."""

    def __init__(self, base_path: str) -> None:
        super().__init__(on_windows=False)
        self.base_path = base_path

    @property
    def root(self) -> str:
        """The real (symlink-free) absolute path of the folder."""
        return os.path.realpath(self.base_path)

    def _path(self, key: str) -> str:
        """The file system path of ``key``, checked again (a symlink may have changed)."""
        root = self.root
        if not key:
            return root
        path = paths.resolve(key, root)
        if path is None:
            raise FileNotFoundError(key)
        return path

    def resolve(self, relative: str | None) -> str | None:
        key = paths.clean_key(relative)
        return key if key is not None and paths.resolve(key, self.root) is not None else None

    def is_file(self, key: str) -> bool:
        try:
            return bool(key) and os.path.isfile(self._path(key))
        except FileNotFoundError:
            return False

    def is_dir(self, key: str) -> bool:
        try:
            return os.path.isdir(self._path(key))
        except FileNotFoundError:
            return False

    def get_files(self, path: str, directory: str) -> list[Entry]:
        folder, root = self._path(directory), self.root
        items: list[Entry] = []
        for name in os.listdir(folder):
            full = os.path.join(folder, name)
            if name.startswith(".") or not paths.is_inside(root, full):
                continue  # temporary upload files; symlinks that lead outside
            try:
                info = os.stat(full)
            except OSError:
                continue  # a dangling symlink
            key = f"{directory}/{name}" if directory else name
            items.append((name, key, stat.S_ISDIR(info.st_mode), info.st_size, info.st_mtime))
        return items

    def iter_files(self) -> Iterator[tuple[str, float]]:
        root = self.root
        for folder, subfolders, filenames in os.walk(root):  # never follows symlinked folders
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            for name in filenames:
                path = os.path.join(folder, name)
                if not paths.is_inside(root, path):
                    continue
                try:
                    modified = os.stat(path).st_mtime
                except OSError:
                    continue  # a dangling symlink
                yield os.path.relpath(path, root).replace(os.sep, "/"), modified

    def read_head(self, key: str, size: int) -> bytes:
        with open(self._path(key), "rb") as handle:
            return handle.read(size)

    def put_new(
        self, folder: str, stem: str, ext: str, body: IO[bytes], size: int, mimetype: str
    ) -> str | None:
        """Write a temporary file in the same folder, then link it into place: no
        half-written file is ever visible, and a taken name makes the link fail."""
        directory = self._path(folder)
        fd, temp_path = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(body, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp_path, 0o644)  # mkstemp creates 0600; the web server may serve these
            return _publish(temp_path, directory, stem, ext)
        finally:
            _remove_quietly(temp_path)

    def create_folder(self, key: str) -> None:
        os.mkdir(self._path(key))

    def move(self, key: str, target: str) -> None:
        destination = self._path(target)
        if os.path.lexists(destination):
            raise FileExistsError(target)
        os.rename(self._path(key), destination)

    def remove_file(self, key: str) -> None:
        path = self._path(key)
        if os.path.isdir(path) and not os.path.islink(path):
            raise IsADirectoryError(key)
        os.remove(path)

    def remove_folder(self, key: str) -> None:
        path = self._path(key)
        if os.path.islink(path):
            os.remove(path)  # a link to a folder inside: remove the link, not the folder
        else:
            shutil.rmtree(path)

    def send(self, key: str, mimetype: str | None) -> Response:
        path = self._path(key)
        if not os.path.isfile(path):
            raise FileNotFoundError(key)
        if mimetype is None:
            return send_file(path, mimetype="application/octet-stream", as_attachment=True)
        return send_file(path, mimetype=mimetype)


def _publish(temp_path: str, directory: str, stem: str, ext: str) -> str | None:
    """Give the complete temporary file its final, free name (never replacing a file)."""
    for name in files.candidate_names(stem, ext):
        target = os.path.join(directory, name)
        try:
            os.link(temp_path, target)  # atomic, and fails if the name is taken
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP):
                raise
            # A filesystem without hard links: rename instead (a tiny race, but still atomic).
            if os.path.lexists(target):
                continue
            os.replace(temp_path, target)
        return name
    return None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
