"""The media library: no path escapes, only checked images and PDFs, the roles table, the editor's
JSON endpoints and the public ``/media/`` route.

The behaviour tests run on both storage backends (``@BOTH``): the local folder and an S3 bucket
on the suite's S3-compatible server (``s3_endpoint`` in conftest), a fresh bucket per test.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.app import extract_csrf
from helpers.s3 import s3_client
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from backoffice import ROOT, create_app
from backoffice.media import storage_of
from backoffice.media.paths import resolve

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
GIF = b"GIF89a" + bytes(64)
WEBP = b"RIFF\x40\x00\x00\x00WEBPVP8 " + bytes(64)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

#: Run a test on both storage backends (it overrides the ``backend`` fixture).
BOTH = pytest.mark.parametrize("backend", ["local", "s3"])

# Every way we know to point outside the uploads folder: `..`, encoded and double-encoded
# dots, absolute paths, backslashes, the sibling folder with the same prefix, symlinks.
HOSTILE_PATHS = [
    "..",
    "../",
    "../uploads_backup",
    "../uploads_backup/secret.txt",
    "%2e%2e%2fuploads_backup%2fsecret.txt",
    "%252e%252e%252fuploads_backup%252fsecret.txt",
    "/etc/passwd",
    "..%5Cuploads_backup%5Csecret.txt",
    "sub/../../uploads_backup/secret.txt",
    "outside-dir",
    "outside-dir/secret.txt",
    "outside.png",
    "%00",
]
# A bucket has no symlinks, and the resolver is the same: a few kinds suffice there (the first
# names an object that another tool put into the bucket).
HOSTILE_ON_S3 = ["../uploads_backup/secret.txt", "..%5Cuploads_backup%5Csecret.txt", "%00"]


def both(names: str, cases: list[Any], on_s3: list[Any] | None = None) -> pytest.MarkDecorator:
    """Parametrize ``names`` over ``cases`` on the local folder and over ``on_s3`` (default: the
    same cases) on S3: the storage-specific part of a rule needs fewer cases there."""
    rows = [case if isinstance(case, tuple) else (case,) for case in cases]
    s3_rows = rows if on_s3 is None else [c if isinstance(c, tuple) else (c,) for c in on_s3]
    return pytest.mark.parametrize(
        ("backend", *[name.strip() for name in names.split(",")]),
        [("local", *row) for row in rows] + [("s3", *row) for row in s3_rows],
    )


def hostile(transform=lambda path: path, extra: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """``(backend, path)`` cases: every hostile path locally, the S3 selection on S3."""
    local = [transform(path) for path in HOSTILE_PATHS] + list(extra)
    on_s3 = [transform(path) for path in HOSTILE_ON_S3] + list(extra)
    return [("local", path) for path in local] + [("s3", path) for path in on_s3]


class Library:
    """The media library's storage as a test sees it, whatever the backend: put entries in
    place behind the app's back, read them, list them."""

    def write(self, key: str, data: bytes, age: int | None = None) -> None:
        """Store ``data`` as ``key``; ``age`` (minutes) orders files by modification."""
        raise NotImplementedError

    def mkdir(self, key: str) -> None:
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        raise NotImplementedError

    def is_dir(self, key: str) -> bool:
        raise NotImplementedError

    def names(self, folder: str = "") -> list[str]:
        """The sorted names of the files and folders in ``folder``, hidden ones too."""
        raise NotImplementedError

    def snapshot(self) -> dict[str, bytes | None]:
        """Every entry (hidden and unfinished ones too) with its content; None for folders."""
        raise NotImplementedError


class LocalLibrary(Library):
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, key: str, data: bytes, age: int | None = None) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if age is not None:
            os.utime(path, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))

    def mkdir(self, key: str) -> None:
        (self.root / key).mkdir(parents=True)

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def is_dir(self, key: str) -> bool:
        return (self.root / key).is_dir()

    def names(self, folder: str = "") -> list[str]:
        return sorted(path.name for path in (self.root / folder).iterdir())

    def snapshot(self) -> dict[str, bytes | None]:
        return snapshot(self.root)


class S3Library(Library):
    def __init__(self, client: Any, bucket: str) -> None:
        self.client, self.bucket = client, bucket

    def write(self, key: str, data: bytes, age: int | None = None) -> None:
        if age is not None:
            # S3 keeps whole seconds and cannot be told a date: callers write oldest first,
            # and each dated file gets a second of its own.
            time.sleep(1.02 - time.time() % 1)
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def mkdir(self, key: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=f"{key}/", Body=b"")

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def is_dir(self, key: str) -> bool:
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=f"{key}/", MaxKeys=1)
        return answer["KeyCount"] > 0

    def names(self, folder: str = "") -> list[str]:
        prefix = f"{folder}/" if folder else ""
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix, Delimiter="/")
        found = [item["Key"][len(prefix) :] for item in answer.get("Contents", [])]
        found += [item["Prefix"][len(prefix) : -1] for item in answer.get("CommonPrefixes", [])]
        return sorted(name for name in found if name)

    def snapshot(self) -> dict[str, bytes | None]:
        found: dict[str, bytes | None] = {}
        for item in self.client.list_objects_v2(Bucket=self.bucket).get("Contents", []):
            key = item["Key"]
            found[f"{self.bucket}/{key}"] = None if key.endswith("/") else self.read(key)
        unfinished = self.client.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        for item in unfinished:
            found[f"{self.bucket}/{item['Key']} (unfinished upload)"] = None
        return found


@pytest.fixture
def backend() -> str:
    """The storage under test: the local folder, unless a test runs on both (``@BOTH``)."""
    return "local"


@pytest.fixture
def app_config(backend: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The media library on the backend under test (on S3, a fresh bucket)."""
    return request.getfixturevalue("s3_media_config") if backend == "s3" else {}


@pytest.fixture
def media(app, backend: str) -> Library:
    if backend == "s3":
        client = s3_client(app.config["MEDIA_S3_ENDPOINT_URL"])
        return S3Library(client, app.config["MEDIA_S3_BUCKET"])
    return LocalLibrary(Path(app.config["UPLOADS_DIR"]))


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.config["UPLOADS_DIR"])


@pytest.fixture
def outside(backend: str, media: Library) -> Library:
    """What lies beside the media library, with ways to it from inside, and a folder ``sub``.

    Locally: ``<uploads>_backup/secret.txt`` next to the uploads folder, and symlinks to it
    inside. On S3: a sibling bucket ``<bucket>-backup``, and objects whose keys no path may name
    (``../uploads_backup/secret.txt``), put into the bucket by another tool.
    """
    if isinstance(media, S3Library):
        backup = S3Library(media.client, f"{media.bucket}-backup")
        media.client.create_bucket(Bucket=backup.bucket)
        backup.write("secret.txt", b"the secret")
        backup.write("secret.png", PNG)
        media.mkdir("sub")
        media.write("../uploads_backup/secret.txt", b"the secret")
        media.write("sub/../secret.png", PNG)
        return backup
    assert isinstance(media, LocalLibrary)
    uploads = media.root
    backup = uploads.parent / f"{uploads.name}_backup"
    backup.mkdir()
    (backup / "secret.txt").write_text("the secret")
    (backup / "secret.png").write_bytes(PNG)
    (uploads / "sub").mkdir()
    (uploads / "outside.png").symlink_to(backup / "secret.png")
    (uploads / "outside-dir").symlink_to(backup, target_is_directory=True)
    return LocalLibrary(backup)


def snapshot(*folders: Path) -> dict[str, bytes | None]:
    """Every entry below ``folders`` (hidden ones too) with its content, symlinks as links."""
    found: dict[str, bytes | None] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            found[str(path)] = (
                path.read_bytes() if path.is_file() and not path.is_symlink() else None
            )
    return found


def everything(*libraries: Library) -> dict[str, bytes | None]:
    """The snapshots of ``libraries`` together."""
    return {key: value for library in libraries for key, value in library.snapshot().items()}


def upload(client, token: str | None, name: str, content: bytes, folder: str = "", url=None):
    data: dict[str, object] = {"upload": (io.BytesIO(content), name)}
    if token is not None:
        data["csrf_token"] = token
    url = url or f"/admin/media/upload/{folder}"
    return client.post(url, data=data, content_type="multipart/form-data")


def editor_upload(client, token: str | None, name: str, content: bytes):
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(
        "/admin/media/editor-upload",
        data={"upload": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers=headers,
    )


def page(response) -> str:
    return response.get_data(as_text=True)


# --- the resolver -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    ["", ".", "..", "../uploads_backup", "a/../../x", "/etc/passwd", "a\\..\\x", "a//b",
     "a/./b", "a\x00b", "a\nb", "outside.png", "outside-dir/secret.txt", "x" * 2000],
)  # fmt: skip
def test_resolver_refuses_hostile_paths(app, outside, relative):
    assert resolve(relative) is None


def test_resolver_refuses_the_sibling_folder_with_the_same_prefix(app, uploads, outside):
    # The bug in FileAdmin's is_in_folder: ".../uploads_backup".startswith(".../uploads").
    assert str(outside.root).startswith(str(uploads))
    assert resolve("../" + outside.root.name) is None


def test_resolver_accepts_plain_paths_inside(app, uploads, outside):
    (uploads / "sub" / "a.png").write_bytes(PNG)
    (uploads / "inner-link.png").symlink_to(uploads / "sub" / "a.png")
    assert resolve("sub/a.png") == str(uploads / "sub" / "a.png")
    assert resolve("inner-link.png") == str(uploads / "inner-link.png")
    assert resolve("not-yet-there.png") == str(uploads / "not-yet-there.png")


# --- path escapes, operation by operation -------------------------------------------------

# Not found, or (a NUL anywhere in the request) a bad request: either way nothing happens.
REFUSED = (400, 404)


@pytest.mark.parametrize(("backend", "path"), hostile())
@pytest.mark.parametrize("url", ["/admin/media/b/", "/admin/media/download/", "/media/"])
def test_hostile_paths_cannot_be_listed_or_downloaded(client, login_as, outside, url, path):
    login_as("admin")
    response = client.get(url + path, follow_redirects=True)
    assert response.status_code in REFUSED
    assert "the secret" not in page(response)
    assert ">secret.txt<" not in page(response)  # not listed (the URL itself may be echoed)


@pytest.mark.parametrize(("backend", "path"), hostile())
def test_hostile_paths_cannot_receive_uploads(client, login_as, csrf, media, outside, path):
    login_as("admin")
    before = everything(media, outside)
    response = upload(client, csrf(), "new.png", PNG, folder=path)
    if response.status_code == 308:  # "//etc/passwd": Werkzeug merges the slashes first
        response = upload(client, csrf(), "new.png", PNG, url=response.location)
    assert response.status_code in REFUSED
    assert everything(media, outside) == before


@pytest.mark.parametrize(("backend", "path"), hostile())
def test_hostile_paths_cannot_receive_folders(client, login_as, csrf, media, outside, path):
    login_as("admin")
    before = everything(media, outside)
    response = client.post(
        f"/admin/media/mkdir/{path}",
        data={"name": "evil", "csrf_token": csrf()},
        follow_redirects=True,
    )
    assert response.status_code in REFUSED
    assert everything(media, outside) == before


@pytest.mark.parametrize(
    ("backend", "path"), hostile(lambda path: path.replace("%2f", "/"), extra=(".", ""))
)
def test_hostile_paths_cannot_be_deleted(client, login_as, csrf, media, outside, path):
    login_as("admin")
    before = everything(media, outside)
    for data in ({"path": path}, {"action": "delete", "rowid": path}):
        url = "/admin/media/delete/" if "path" in data else "/admin/media/action/"
        response = client.post(url, data={**data, "csrf_token": csrf()})
        assert response.status_code in (302, 404)  # "" and "." go back to the list unharmed
        assert everything(media, outside) == before


@pytest.mark.parametrize(("backend", "path"), hostile())
def test_hostile_paths_cannot_be_renamed(client, login_as, csrf, media, outside, path):
    login_as("admin")
    before = everything(media, outside)
    assert client.get("/admin/media/rename/", query_string={"path": path}).status_code == 404
    response = client.post(
        "/admin/media/rename/", data={"path": path, "name": "stolen.png", "csrf_token": csrf()}
    )
    assert response.status_code == 404
    assert everything(media, outside) == before


def test_symlinks_leading_outside_are_not_listed(client, login_as, outside):
    login_as("admin")
    html = page(client.get("/admin/media/"))
    assert "sub" in html
    assert "outside.png" not in html and "outside-dir" not in html


def test_a_dangling_symlink_does_not_break_the_list(client, login_as, uploads):
    (uploads / "gone.png").symlink_to(uploads / "never-existed.png")
    (uploads / "real.png").write_bytes(PNG)
    login_as("editor")
    response = client.get("/admin/media/")
    assert response.status_code == 200
    assert "real.png" in page(response) and "gone.png" not in page(response)


@pytest.mark.parametrize("backend", ["s3"])
def test_keys_no_path_may_name_are_not_listed_offered_or_served(client, login_as, media):
    # Put into the bucket by other tools: the resolver refuses them, so nothing shows them.
    for key in ["a\\b.png", "../up.png", "x//y.png", "/abs.png", "sub/./c.png", ".hidden.png"]:
        media.write(key, PNG)
    login_as("editor")
    html = page(client.get("/admin/media/"))
    for name in ["a\\b.png", "up.png", "y.png", "abs.png", "c.png", ".hidden.png"]:
        assert name not in html
    assert client.get("/admin/media/images.json").get_json() == {"images": []}
    assert client.get("/media/a%5Cb.png").status_code == 404
    assert client.get("/media/sub/./c.png").status_code == 404


@BOTH
def test_a_file_is_not_a_folder(client, login_as, media):
    media.write("a.png", PNG)
    login_as("editor")
    assert client.get("/admin/media/b/a.png").status_code == 404
    assert client.get("/admin/media/upload/a.png").status_code == 404


@BOTH
def test_a_folder_is_not_a_download(client, login_as, media):
    media.mkdir("sub")
    login_as("editor")
    assert client.get("/admin/media/download/sub").status_code == 404


@pytest.mark.parametrize("sort", ["rel_path", "is_dir", "nonsense"])
def test_unknown_sort_columns_go_back_to_the_list(client, login_as, uploads, sort):
    (uploads / "sub").mkdir()
    login_as("editor")
    response = client.get("/admin/media/b/sub", query_string={"sort": sort})
    assert response.status_code == 302
    assert response.location == "/admin/media/b/sub"


# --- what may be uploaded -----------------------------------------------------------------


@both(
    "name, content",
    [("photo.png", PNG), ("photo.JPG", JPEG), ("photo.jpeg", JPEG), ("anim.gif", GIF),
     ("pic.webp", WEBP), ("paper.pdf", PDF)],
    on_s3=[("photo.JPG", JPEG), ("paper.pdf", PDF)],
)  # fmt: skip
def test_images_and_pdfs_are_accepted(client, login_as, csrf, media, name, content):
    login_as("editor")
    response = upload(client, csrf(), name, content)
    assert response.status_code == 302
    stem, ext = os.path.splitext(name)
    assert media.read(f"{stem}{ext.lower()}") == content
    assert "Successfully saved file" in page(client.get("/admin/media/"))


@both(
    "name, content, message",
    [
        ("page.html", HTML, "not an accepted file type"),
        ("page.htm", HTML, "not an accepted file type"),
        ("logo.svg", SVG, "not an accepted file type"),
        ("app.js", b"alert(1)", "not an accepted file type"),
        ("noext", PNG, "not an accepted file type"),
        ("page.html.png", HTML, "is not a PNG file"),
        ("page.png", HTML, "is not a PNG file"),
        ("paper.pdf", PNG, "is not a PDF file"),
        ("photo.jpg", PNG, "is not a JPG file"),
        ("empty.png", b"", "is not a PNG file"),
    ],
    on_s3=[("page.png", HTML, "is not a PNG file"), ("empty.png", b"", "is not a PNG file")],
)
def test_anything_else_is_refused_and_nothing_is_written(
    client, login_as, csrf, media, name, content, message
):
    login_as("editor")
    response = upload(client, csrf(), name, content)
    assert response.status_code == 200  # the form again, with the reason
    assert message in page(response)
    assert media.snapshot() == {}


@BOTH
def test_the_final_extension_counts_when_the_content_matches(client, login_as, csrf, media):
    login_as("editor")
    upload(client, csrf(), "x.html.png", PNG)
    assert media.read("x.html.png") == PNG
    with client.get("/media/x.html.png") as response:
        assert response.mimetype == "image/png"


@BOTH
def test_a_file_over_the_size_limit_is_refused(app, client, login_as, csrf, media):
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = 2048
    login_as("editor")
    response = upload(client, csrf(), "big.png", PNG + bytes(2048))
    assert "is larger than the limit of 2 kB" in page(response)
    assert media.snapshot() == {}  # no temporary file left either
    assert upload(client, csrf(), "small.png", PNG).status_code == 302


def test_the_upload_form_states_the_accepted_types_and_the_limit(client, login_as):
    login_as("author")
    html = page(client.get("/admin/media/upload/"))
    assert "Accepted types: JPG, JPEG, PNG, GIF, WEBP, PDF. Up to 10 MB per file." in html
    assert 'accept=".jpg,.jpeg,.png,.gif,.webp,.pdf"' in html
    assert "Up to 10 MB per file." in page(client.get("/admin/media/"))


@BOTH
def test_an_existing_file_is_never_overwritten(client, login_as, csrf, media):
    login_as("editor")
    media.write("photo.png", PNG + b"original")
    upload(client, csrf(), "photo.png", PNG + b"second")
    assert media.read("photo.png") == PNG + b"original"
    assert media.read("photo-1.png") == PNG + b"second"
    assert "Successfully saved file: photo-1.png" in page(client.get("/admin/media/"))


@BOTH
def test_a_folder_of_that_name_is_not_replaced_either(client, login_as, csrf, media):
    media.mkdir("photo.png")
    login_as("editor")
    upload(client, csrf(), "photo.png", PNG)
    assert media.is_dir("photo.png")
    assert media.read("photo-1.png") == PNG


@pytest.mark.parametrize("backend", ["s3"])
def test_a_name_taken_after_the_listing_is_not_replaced(client, login_as, csrf, media, monkeypatch):
    # Another instance stores photo.png between the listing and the put: the conditional
    # put (If-None-Match: *) answers 412 and the next free name is taken.
    from backoffice.media.s3 import S3MediaStorage

    media.write("photo.png", PNG + b"theirs")
    monkeypatch.setattr(S3MediaStorage, "_names", lambda self, prefix, start: set())
    login_as("editor")
    upload(client, csrf(), "photo.png", PNG + b"ours")
    assert media.read("photo.png") == PNG + b"theirs"
    assert media.read("photo-1.png") == PNG + b"ours"


@BOTH
def test_large_files_are_streamed_in_and_out(app, client, login_as, csrf, media):
    # Over the S3 backend's part size: a multipart upload, one part in memory at a time.
    big = PNG + os.urandom(9 * 1024 * 1024)
    login_as("editor")
    # Encoded in memory: the test client would spool it to a file that it never closes.
    boundary, body = encode_multipart(
        {"upload": FileStorage(io.BytesIO(big), "big.png"), "csrf_token": csrf()}
    )
    response = client.post(
        "/admin/media/upload/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    assert media.read("big.png") == big
    with client.get("/media/big.png") as response:
        assert response.is_streamed
        assert response.data == big


@BOTH
def test_the_storage_reads_an_upload_a_part_at_a_time(app, media, tmp_path):
    from backoffice.media.s3 import PART_BYTES

    class Recorder(io.FileIO):
        largest = 0

        def read(self, size: int = -1) -> bytes:
            data = super().read(size)
            Recorder.largest = max(Recorder.largest, len(data))
            return data

    source = tmp_path / "big.png"
    source.write_bytes(PNG + bytes(3 * PART_BYTES))
    with Recorder(source) as body:
        name = storage_of(app).put_new("", "big", "png", body, source.stat().st_size, "image/png")
    assert name == "big.png"
    assert media.read("big.png") == source.read_bytes()
    assert 0 < Recorder.largest <= PART_BYTES


@both(
    "sent, stored",
    [("../../evil.png", "evil.png"), ("a/b/photo.png", "photo.png"),
     ("фото.png", "upload.png"), (".hidden.png", "hidden.png"), ("my photo.PNG", "my_photo.png")],
    on_s3=[("../../evil.png", "evil.png"), ("фото.png", "upload.png")],
)  # fmt: skip
def test_uploaded_names_are_made_safe(client, login_as, csrf, media, sent, stored):
    login_as("editor")
    upload(client, csrf(), sent, PNG)
    assert media.names() == [stored]


@BOTH
def test_uploads_go_into_a_subfolder(client, login_as, csrf, media):
    media.mkdir("sub")
    login_as("author")
    response = upload(client, csrf(), "a.png", PNG, folder="sub")
    assert response.location == "/admin/media/b/sub"
    assert media.read("sub/a.png") == PNG


# --- rename and new folders -----------------------------------------------------------------


@BOTH
def test_an_editor_renames_a_file_within_its_type(client, login_as, csrf, media):
    media.write("a.png", PNG)
    login_as("editor")
    client.post(
        "/admin/media/rename/", data={"path": "a.png", "name": "b.png", "csrf_token": csrf()}
    )
    assert media.names() == ["b.png"]
    assert media.read("b.png") == PNG


@both(
    "new_name, message",
    [("a.html", "A file keeps its type"), ("a.pdf", "A file keeps its type"),
     ("taken.png", "already exists"), ("../b.png", "Use only Latin letters"),
     (".htaccess", "Use only Latin letters"), ("sub/b.png", "Use only Latin letters")],
    on_s3=[("a.pdf", "A file keeps its type"), ("taken.png", "already exists"),
           ("sub/b.png", "Use only Latin letters")],
)  # fmt: skip
def test_renaming_to_a_wrong_name_is_refused(client, login_as, csrf, media, new_name, message):
    media.write("a.png", PNG)
    media.write("taken.png", PNG + b"taken")
    login_as("editor")
    response = client.post(
        "/admin/media/rename/",
        data={"path": "a.png", "name": new_name, "csrf_token": csrf()},
        follow_redirects=True,
    )
    assert message in page(response)
    assert media.names() == ["a.png", "taken.png"]
    assert media.read("taken.png") == PNG + b"taken"


@pytest.mark.parametrize("backend", ["s3"])
def test_a_rename_onto_a_name_taken_meanwhile_replaces_nothing(
    client, login_as, csrf, media, monkeypatch
):
    # taken.png appears after the checks: the copy is completed conditionally and fails.
    from backoffice.media.s3 import S3MediaStorage

    media.write("a.png", PNG)
    media.write("taken.png", PNG + b"taken")
    real = S3MediaStorage.path_exists
    monkeypatch.setattr(
        S3MediaStorage, "path_exists", lambda self, key: key != "taken.png" and real(self, key)
    )
    login_as("editor")
    response = client.post(
        "/admin/media/rename/",
        data={"path": "a.png", "name": "taken.png", "csrf_token": csrf()},
        follow_redirects=True,
    )
    assert "already exists" in page(response)
    assert media.snapshot() == {
        f"{media.bucket}/a.png": PNG,  # type: ignore[attr-defined]
        f"{media.bucket}/taken.png": PNG + b"taken",  # type: ignore[attr-defined]
    }


@BOTH
def test_an_editor_renames_and_deletes_a_folder(client, login_as, csrf, media):
    media.mkdir("old")
    media.write("old/a.png", PNG)
    media.write("old/deeper/b.pdf", PDF)
    login_as("editor")
    client.post("/admin/media/rename/", data={"path": "old", "name": "new", "csrf_token": csrf()})
    assert media.names() == ["new"]
    assert media.read("new/a.png") == PNG
    assert media.read("new/deeper/b.pdf") == PDF
    client.post("/admin/media/delete/", data={"path": "new", "csrf_token": csrf()})
    assert media.snapshot() == {}


def test_deleting_a_symlinked_folder_removes_only_the_link(client, login_as, csrf, uploads):
    (uploads / "real").mkdir()
    (uploads / "real" / "a.png").write_bytes(PNG)
    (uploads / "alias").symlink_to(uploads / "real", target_is_directory=True)
    login_as("editor")
    client.post("/admin/media/delete/", data={"path": "alias", "csrf_token": csrf()})
    assert not (uploads / "alias").exists()
    assert (uploads / "real" / "a.png").read_bytes() == PNG


@BOTH
def test_an_editor_creates_a_folder(client, login_as, csrf, media):
    login_as("editor")
    response = client.post(
        "/admin/media/mkdir/", data={"name": "summer_2024", "csrf_token": csrf()}
    )
    assert response.status_code == 302
    assert media.is_dir("summer_2024")
    assert "summer_2024" in page(client.get("/admin/media/"))  # listed while empty
    assert client.get("/admin/media/b/summer_2024").status_code == 200


@BOTH
def test_a_folder_is_never_created_over_an_entry(client, login_as, csrf, media):
    media.write("taken", PNG)
    media.mkdir("sub")
    login_as("editor")
    for name in ("taken", "sub"):
        response = client.post("/admin/media/mkdir/", data={"name": name, "csrf_token": csrf()})
        assert "already exists" in page(response)
    assert media.read("taken") == PNG and media.names() == ["sub", "taken"]


@both("name", ["..", "../x", ".hidden", "a/b", "a\\b", "ünïcode", ""], on_s3=["..", "a/b"])
def test_hostile_folder_names_are_refused(client, login_as, csrf, media, outside, name):
    login_as("editor")
    before = everything(media, outside)
    response = client.post("/admin/media/mkdir/", data={"name": name, "csrf_token": csrf()})
    assert response.status_code == 200
    assert "Failed to create directory" in page(response)
    assert everything(media, outside) == before


# --- roles ---------------------------------------------------------------------------------


@both("role", ["admin", "editor"], on_s3=["editor"])
def test_editors_and_admins_upload_and_delete(client, login_as, csrf, media, role):
    login_as(role)
    upload(client, csrf(), "a.png", PNG)
    upload(client, csrf(), "b.png", PNG)
    assert media.names() == ["a.png", "b.png"]
    response = client.post("/admin/media/delete/", data={"path": "a.png", "csrf_token": csrf()})
    assert response.status_code == 302
    response = client.post(
        "/admin/media/action/", data={"action": "delete", "rowid": "b.png", "csrf_token": csrf()}
    )
    assert response.status_code == 302
    assert media.snapshot() == {}


@BOTH
def test_a_folder_is_not_deleted_as_a_file(client, login_as, csrf, media):
    media.write("sub/a.png", PNG)
    login_as("editor")
    response = client.post(
        "/admin/media/action/",
        data={"action": "delete", "rowid": "sub", "csrf_token": csrf()},
        follow_redirects=True,
    )
    assert "Folders are deleted with their own delete button." in page(response)
    assert media.read("sub/a.png") == PNG


@BOTH
def test_an_author_lists_downloads_and_uploads(client, login_as, csrf, media):
    login_as("author")
    assert upload(client, csrf(), "a.png", PNG).status_code == 302
    html = page(client.get("/admin/media/"))
    assert "a.png" in html and "Upload File" in html
    assert "Create Directory" not in html
    assert "/admin/media/rename/" not in html and "/admin/media/delete/" not in html
    with client.get("/admin/media/download/a.png") as response:
        assert response.data == PNG


AUTHOR_REFUSED = [
    ("post", "/admin/media/delete/", {"path": "a.png"}),
    ("post", "/admin/media/action/", {"action": "delete", "rowid": "a.png"}),
    ("post", "/admin/media/rename/", {"path": "a.png", "name": "b.png"}),
    ("get", "/admin/media/rename/?path=a.png", {}),
    ("post", "/admin/media/mkdir/", {"name": "new"}),
    ("get", "/admin/media/mkdir/", {}),
    ("post", "/admin/media/delete/", {"path": "sub"}),
]


@both("method, url, data", AUTHOR_REFUSED, on_s3=[AUTHOR_REFUSED[i] for i in (0, 2, 4, 6)])
def test_an_author_cannot_delete_rename_or_create_folders_even_by_url(
    client, login_as, csrf, media, method, url, data
):
    media.write("a.png", PNG)
    media.mkdir("sub")
    before = media.snapshot()
    login_as("author")
    response = getattr(client, method)(url, data={**data, "csrf_token": csrf()})
    assert response.status_code == 403
    assert media.snapshot() == before


@both("role", ["admin", "editor", "author"], on_s3=["editor"])
def test_nobody_edits_file_contents(client, login_as, csrf, media, role):
    media.write("a.png", PNG)
    login_as(role)
    assert client.get("/admin/media/edit/?path=a.png").status_code == 403
    response = client.post(
        "/admin/media/edit/?path=a.png", data={"content": "<script>", "csrf_token": csrf()}
    )
    assert response.status_code == 403
    assert media.read("a.png") == PNG


@pytest.mark.parametrize(
    "url", ["/admin/media/", "/admin/media/upload/", "/admin/media/download/a.png"]
)
def test_a_translator_cannot_open_the_media_library(client, login_as, uploads, url):
    (uploads / "a.png").write_bytes(PNG)
    login_as("translator")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/admin/media/", "/admin/media/upload/", "/admin/media/download/a.png"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, uploads, url):
    (uploads / "a.png").write_bytes(PNG)
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_an_upload_without_a_csrf_token_is_refused(client, login_as, uploads):
    login_as("editor")
    response = upload(client, None, "a.png", PNG)
    assert response.status_code == 400
    assert "The form has expired" in page(response)
    assert snapshot(uploads) == {}


def test_a_delete_without_a_csrf_token_is_refused(client, login_as, uploads):
    (uploads / "a.png").write_bytes(PNG)
    login_as("editor")
    response = client.post("/admin/media/delete/", data={"path": "a.png"})
    assert response.status_code == 400
    assert (uploads / "a.png").exists()


# --- downloads and the public route -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "mimetype", "csp"),
    [("a.png", PNG, "image/png", "default-src 'none'; sandbox"),
     ("a.jpg", JPEG, "image/jpeg", "default-src 'none'; sandbox"),
     ("a.pdf", PDF, "application/pdf", "default-src 'none'")],
)  # fmt: skip
@BOTH
def test_public_media_are_served_inert(client, media, name, content, mimetype, csp):
    media.write(f"sub/{name}", content)
    with client.get(f"/media/sub/{name}") as response:
        assert response.status_code == 200
        assert response.data == content
        assert response.mimetype == mimetype
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == csp


@BOTH
def test_public_media_answer_a_revalidation_with_not_modified(client, media):
    media.write("a.png", PNG)
    with client.get("/media/a.png") as response:
        etag = response.headers["ETag"]
        assert response.last_modified is not None
    with client.get("/media/a.png", headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304
        assert response.data == b""
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/missing.png").status_code == 404


@both(
    "name",
    ["page.html", "logo.svg", "app.js", "notes.txt", ".upload-x.part"],
    on_s3=["page.html", "logo.svg"],
)
def test_public_media_serve_nothing_but_accepted_types(client, media, name):
    media.write(name, HTML)
    assert client.get(f"/media/{name}").status_code == 404


def test_public_media_follow_no_symlink_outside(client, outside):
    assert client.get("/media/outside.png").status_code == 404
    assert client.get("/media/outside-dir/secret.png").status_code == 404


@BOTH
def test_admin_downloads_of_other_files_are_attachments(client, login_as, media):
    media.write("legacy.html", HTML)  # put there by hand, before the rules
    login_as("editor")
    with client.get("/admin/media/download/legacy.html") as response:
        assert response.mimetype == "application/octet-stream"
        assert response.headers["Content-Disposition"] == "attachment; filename=legacy.html"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == HTML


# --- the post editor's JSON endpoints ---------------------------------------------------------


@BOTH
def test_the_image_list_has_images_only_newest_first(client, login_as, media):
    media.mkdir("sub")
    media.write("paper.pdf", PDF)
    media.write(".x.png", PNG)
    for age, name in [(3, "old.gif"), (2, "sub/mid.jpg"), (1, "new.png")]:  # oldest first
        media.write(name, PNG, age=age)
    login_as("author")
    response = client.get("/admin/media/images.json")
    assert response.status_code == 200
    assert response.get_json() == {
        "images": [
            {"name": "new.png", "url": "/media/new.png"},
            {"name": "mid.jpg", "url": "/media/sub/mid.jpg"},
            {"name": "old.gif", "url": "/media/old.gif"},
        ]
    }


@BOTH
def test_the_image_list_leaves_out_what_lies_outside(client, login_as, outside):
    login_as("editor")
    assert client.get("/admin/media/images.json").get_json() == {"images": []}


def test_the_image_list_is_capped(client, login_as, uploads):
    for number in range(205):
        (uploads / f"img{number}.png").write_bytes(PNG)
    login_as("editor")
    assert len(client.get("/admin/media/images.json").get_json()["images"]) == 200


@BOTH
def test_the_editor_uploads_an_image(client, login_as, csrf, media):
    login_as("author")
    response = editor_upload(client, csrf(), "pasted.png", PNG)
    assert response.status_code == 200
    assert response.get_json() == {"url": "/media/pasted.png"}
    assert media.read("pasted.png") == PNG
    with client.get("/media/pasted.png") as served:
        assert served.data == PNG
    response = editor_upload(client, csrf(), "pasted.png", PNG + b"again")
    assert response.get_json() == {"url": "/media/pasted-1.png"}
    assert media.read("pasted.png") == PNG


@both(
    "name, content, message",
    [("paper.pdf", PDF, "not an accepted file type"), ("page.png", HTML, "is not a PNG file"),
     ("logo.svg", SVG, "not an accepted file type")],
    on_s3=[("page.png", HTML, "is not a PNG file")],
)  # fmt: skip
def test_the_editor_upload_refuses_with_a_message(
    client, login_as, csrf, media, name, content, message
):
    login_as("editor")
    response = editor_upload(client, csrf(), name, content)
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    assert media.snapshot() == {}


def test_the_editor_upload_without_a_file_is_refused(client, login_as, csrf, uploads):
    login_as("editor")
    response = client.post("/admin/media/editor-upload", headers={"X-CSRFToken": csrf()})
    assert response.status_code == 400
    assert response.get_json() == {"error": {"message": "Choose a file to upload."}}


@BOTH
def test_the_editor_upload_over_the_limit_is_refused(app, client, login_as, csrf, media):
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = 2048
    login_as("editor")
    response = editor_upload(client, csrf(), "big.png", PNG + bytes(4096))
    assert response.status_code == 400
    assert "larger than the limit of 2 kB" in response.get_json()["error"]["message"]
    assert media.snapshot() == {}


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_the_editor_upload_needs_the_csrf_header(client, login_as, uploads, token):
    login_as("editor")
    response = editor_upload(client, token, "a.png", PNG)
    assert response.status_code == 400
    assert "The form has expired" in response.get_json()["error"]["message"]
    assert snapshot(uploads) == {}


@pytest.mark.parametrize(
    ("role", "status"), [("translator", 403), ("nobody", 403), ("anonymous", 401)]
)
@pytest.mark.parametrize("endpoint", ["images", "upload"])
def test_the_editor_endpoints_follow_the_roles_table(
    client, login_as, csrf, uploads, role, status, endpoint
):
    if role != "anonymous":
        login_as(role)
    if endpoint == "images":
        response = client.get("/admin/media/images.json")
    else:
        response = editor_upload(client, csrf(), "a.png", PNG)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    assert snapshot(uploads) == {}


# --- several instances ------------------------------------------------------------------------


def test_two_instances_share_the_library_in_one_bucket(tmp_path, s3_media_config):
    # Two app instances with their own disks (and one database): what one stores, the other
    # serves and offers, and neither replaces the other's file of the same name.
    from backoffice.domain.accounts import create_user
    from backoffice.extensions import db

    database = f"sqlite:///{tmp_path / 'shared.db'}"
    instances = [
        create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database,
            UPLOADS_DIR=str(tmp_path / name),
            **s3_media_config,
        )
        for name in ("a", "b")
    ]
    with instances[0].app_context():
        db.create_all()
        create_user(db.session, "edna", "instance password", ["editor"])
        db.session.commit()
    a, b = (instance.test_client() for instance in instances)
    b_anonymous = instances[1].test_client()
    for client in (a, b):
        token = extract_csrf(page(client.get("/login")))
        login = {"username": "edna", "password": "instance password", "csrf_token": token}
        assert client.post("/login", data=login).status_code == 302

    def token(client) -> str:
        return extract_csrf(page(client.get("/admin/media/upload/")))

    assert editor_upload(a, token(a), "photo.png", PNG + b"A").get_json() == {
        "url": "/media/photo.png"
    }
    with b_anonymous.get("/media/photo.png") as served:
        assert served.data == PNG + b"A"
    assert b.get("/admin/media/images.json").get_json()["images"] == [
        {"name": "photo.png", "url": "/media/photo.png"}
    ]
    assert editor_upload(b, token(b), "photo.png", PNG + b"B").get_json() == {
        "url": "/media/photo-1.png"
    }
    with a.get("/media/photo.png") as mine, a.get("/media/photo-1.png") as theirs:
        assert (mine.data, theirs.data) == (PNG + b"A", PNG + b"B")
    for instance in instances:
        with instance.app_context():
            db.engine.dispose()


# --- configuration ----------------------------------------------------------------------------


def test_the_uploads_folder_is_created(tmp_path):
    folder = tmp_path / "new" / "uploads"
    create_app("testing", UPLOADS_DIR=str(folder))
    assert folder.is_dir()


@pytest.mark.parametrize(
    "folder", [ROOT / "static", ROOT / "static" / "uploads", ROOT / "backoffice", ROOT, ROOT.parent]
)
def test_the_uploads_folder_may_not_expose_the_code(folder):
    with pytest.raises(RuntimeError, match="UPLOADS_DIR"):
        create_app("testing", UPLOADS_DIR=str(folder))


@pytest.mark.parametrize("limit", ["ten", "0", "-5"])
def test_a_bad_size_limit_stops_the_app(tmp_path, limit):
    with pytest.raises(RuntimeError, match="MEDIA_MAX_UPLOAD_BYTES"):
        create_app("testing", UPLOADS_DIR=str(tmp_path), MEDIA_MAX_UPLOAD_BYTES=limit)


def test_the_request_size_limit_grows_with_the_upload_limit(tmp_path):
    app = create_app("testing", UPLOADS_DIR=str(tmp_path), MEDIA_MAX_UPLOAD_BYTES="50000000")
    assert app.config["MEDIA_MAX_UPLOAD_BYTES"] == 50_000_000
    assert app.config["MAX_CONTENT_LENGTH"] > 50_000_000


def test_the_s3_storage_opens_the_configured_bucket(tmp_path, s3_media_config):
    app = create_app("testing", UPLOADS_DIR=str(tmp_path / "unused"), **s3_media_config)
    assert type(storage_of(app)).__name__ == "S3MediaStorage"
    assert not (tmp_path / "unused").exists()  # the local folder is not used at all


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE='ftp' is unknown"),
        ({"MEDIA_S3_BUCKET": ""}, "needs MEDIA_S3_BUCKET"),
        ({"MEDIA_S3_BUCKET": "no-such-bucket"}, "MEDIA_S3_BUCKET='no-such-bucket' does not exist"),
        ({"MEDIA_S3_BUCKET": "Not A Bucket!"}, "MEDIA_S3_BUCKET='Not A Bucket!' is not a valid"),
        ({"MEDIA_S3_ENDPOINT_URL": "not a url"}, "MEDIA_S3_ENDPOINT_URL='not a url' is not a"),
        ({"MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:{port}"}, "cannot be reached"),
    ],
)
def test_a_bad_s3_setting_stops_the_app_with_one_line_naming_it(
    tmp_path, s3_media_config, settings, named
):
    settings = {name: value.format(port=_free_port()) for name, value in settings.items()}
    started = time.monotonic()
    with pytest.raises(RuntimeError) as refused:
        create_app("testing", UPLOADS_DIR=str(tmp_path), **{**s3_media_config, **settings})
    message = str(refused.value)
    assert message.startswith("Refusing to start: ") and "\n" not in message
    assert named in message
    if "ENDPOINT" in named or "reached" in named:
        assert "MEDIA_S3_ENDPOINT_URL" in message
    assert time.monotonic() - started < 10
