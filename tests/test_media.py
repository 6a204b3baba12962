"""The media library: no path escapes, only checked images and PDFs, the roles table, the editor's
JSON endpoints and the public ``/media/`` route."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from backoffice import ROOT, create_app
from backoffice.media.paths import resolve

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
GIF = b"GIF89a" + bytes(64)
WEBP = b"RIFF\x40\x00\x00\x00WEBPVP8 " + bytes(64)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

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


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.config["UPLOADS_DIR"])


@pytest.fixture
def outside(uploads) -> Path:
    """``<uploads>_backup/secret.txt`` next to the uploads folder, and symlinks to it inside."""
    backup = uploads.parent / f"{uploads.name}_backup"
    backup.mkdir()
    (backup / "secret.txt").write_text("the secret")
    (backup / "secret.png").write_bytes(PNG)
    (uploads / "sub").mkdir()
    (uploads / "outside.png").symlink_to(backup / "secret.png")
    (uploads / "outside-dir").symlink_to(backup, target_is_directory=True)
    return backup


def snapshot(*folders: Path) -> dict[str, bytes | None]:
    """Every entry below ``folders`` (hidden ones too) with its content, symlinks as links."""
    found: dict[str, bytes | None] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            found[str(path)] = (
                path.read_bytes() if path.is_file() and not path.is_symlink() else None
            )
    return found


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
    assert str(outside).startswith(str(uploads))
    assert resolve("../" + outside.name) is None


def test_resolver_accepts_plain_paths_inside(app, uploads, outside):
    (uploads / "sub" / "a.png").write_bytes(PNG)
    (uploads / "inner-link.png").symlink_to(uploads / "sub" / "a.png")
    assert resolve("sub/a.png") == str(uploads / "sub" / "a.png")
    assert resolve("inner-link.png") == str(uploads / "inner-link.png")
    assert resolve("not-yet-there.png") == str(uploads / "not-yet-there.png")


# --- path escapes, operation by operation -------------------------------------------------

# Not found, or (a NUL anywhere in the request) a bad request: either way nothing happens.
REFUSED = (400, 404)


@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("url", ["/admin/media/b/", "/admin/media/download/", "/media/"])
def test_hostile_paths_cannot_be_listed_or_downloaded(client, login_as, outside, url, path):
    login_as("admin")
    response = client.get(url + path, follow_redirects=True)
    assert response.status_code in REFUSED
    assert "the secret" not in page(response)
    assert ">secret.txt<" not in page(response)  # not listed (the URL itself may be echoed)


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_cannot_receive_uploads(client, login_as, csrf, uploads, outside, path):
    login_as("admin")
    before = snapshot(uploads, outside)
    response = upload(client, csrf(), "new.png", PNG, folder=path)
    if response.status_code == 308:  # "//etc/passwd": Werkzeug merges the slashes first
        response = upload(client, csrf(), "new.png", PNG, url=response.location)
    assert response.status_code in REFUSED
    assert snapshot(uploads, outside) == before


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_cannot_receive_folders(client, login_as, csrf, uploads, outside, path):
    login_as("admin")
    before = snapshot(uploads, outside)
    response = client.post(
        f"/admin/media/mkdir/{path}",
        data={"name": "evil", "csrf_token": csrf()},
        follow_redirects=True,
    )
    assert response.status_code in REFUSED
    assert snapshot(uploads, outside) == before


@pytest.mark.parametrize("path", [p.replace("%2f", "/") for p in HOSTILE_PATHS] + [".", ""])
def test_hostile_paths_cannot_be_deleted(client, login_as, csrf, uploads, outside, path):
    login_as("admin")
    before = snapshot(uploads, outside)
    for data in ({"path": path}, {"action": "delete", "rowid": path}):
        url = "/admin/media/delete/" if "path" in data else "/admin/media/action/"
        response = client.post(url, data={**data, "csrf_token": csrf()})
        assert response.status_code in (302, 404)  # "" and "." go back to the list unharmed
        assert snapshot(uploads, outside) == before


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_cannot_be_renamed(client, login_as, csrf, uploads, outside, path):
    login_as("admin")
    before = snapshot(uploads, outside)
    assert client.get("/admin/media/rename/", query_string={"path": path}).status_code == 404
    response = client.post(
        "/admin/media/rename/", data={"path": path, "name": "stolen.png", "csrf_token": csrf()}
    )
    assert response.status_code == 404
    assert snapshot(uploads, outside) == before


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


def test_a_file_is_not_a_folder(client, login_as, uploads):
    (uploads / "a.png").write_bytes(PNG)
    login_as("editor")
    assert client.get("/admin/media/b/a.png").status_code == 404
    assert client.get("/admin/media/upload/a.png").status_code == 404


def test_a_folder_is_not_a_download(client, login_as, uploads):
    (uploads / "sub").mkdir()
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


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", PNG), ("photo.JPG", JPEG), ("photo.jpeg", JPEG), ("anim.gif", GIF),
     ("pic.webp", WEBP), ("paper.pdf", PDF)],
)  # fmt: skip
def test_images_and_pdfs_are_accepted(client, login_as, csrf, uploads, name, content):
    login_as("editor")
    response = upload(client, csrf(), name, content)
    assert response.status_code == 302
    stem, ext = os.path.splitext(name)
    stored = uploads / f"{stem}{ext.lower()}"
    assert stored.read_bytes() == content
    assert "Successfully saved file" in page(client.get("/admin/media/"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
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
)
def test_anything_else_is_refused_and_nothing_is_written(
    client, login_as, csrf, uploads, name, content, message
):
    login_as("editor")
    response = upload(client, csrf(), name, content)
    assert response.status_code == 200  # the form again, with the reason
    assert message in page(response)
    assert snapshot(uploads) == {}


def test_the_final_extension_counts_when_the_content_matches(client, login_as, csrf, uploads):
    login_as("editor")
    upload(client, csrf(), "x.html.png", PNG)
    assert (uploads / "x.html.png").read_bytes() == PNG
    with client.get("/media/x.html.png") as response:
        assert response.mimetype == "image/png"


def test_a_file_over_the_size_limit_is_refused(app, client, login_as, csrf, uploads):
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = 2048
    login_as("editor")
    response = upload(client, csrf(), "big.png", PNG + bytes(2048))
    assert "is larger than the limit of 2 kB" in page(response)
    assert snapshot(uploads) == {}  # no temporary file left either
    assert upload(client, csrf(), "small.png", PNG).status_code == 302


def test_the_upload_form_states_the_accepted_types_and_the_limit(client, login_as):
    login_as("author")
    html = page(client.get("/admin/media/upload/"))
    assert "Accepted types: JPG, JPEG, PNG, GIF, WEBP, PDF. Up to 10 MB per file." in html
    assert 'accept=".jpg,.jpeg,.png,.gif,.webp,.pdf"' in html
    assert "Up to 10 MB per file." in page(client.get("/admin/media/"))


def test_an_existing_file_is_never_overwritten(client, login_as, csrf, uploads):
    login_as("editor")
    (uploads / "photo.png").write_bytes(PNG + b"original")
    upload(client, csrf(), "photo.png", PNG + b"second")
    assert (uploads / "photo.png").read_bytes() == PNG + b"original"
    assert (uploads / "photo-1.png").read_bytes() == PNG + b"second"
    assert "Successfully saved file: photo-1.png" in page(client.get("/admin/media/"))


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("../../evil.png", "evil.png"), ("a/b/photo.png", "photo.png"),
     ("фото.png", "upload.png"), (".hidden.png", "hidden.png"), ("my photo.PNG", "my_photo.png")],
)  # fmt: skip
def test_uploaded_names_are_made_safe(client, login_as, csrf, uploads, sent, stored):
    login_as("editor")
    upload(client, csrf(), sent, PNG)
    assert [p.name for p in uploads.iterdir()] == [stored]


def test_uploads_go_into_a_subfolder(client, login_as, csrf, uploads):
    (uploads / "sub").mkdir()
    login_as("author")
    response = upload(client, csrf(), "a.png", PNG, folder="sub")
    assert response.location == "/admin/media/b/sub"
    assert (uploads / "sub" / "a.png").read_bytes() == PNG


# --- rename and new folders -----------------------------------------------------------------


def test_an_editor_renames_a_file_within_its_type(client, login_as, csrf, uploads):
    (uploads / "a.png").write_bytes(PNG)
    login_as("editor")
    client.post(
        "/admin/media/rename/", data={"path": "a.png", "name": "b.png", "csrf_token": csrf()}
    )
    assert [p.name for p in uploads.iterdir()] == ["b.png"]


@pytest.mark.parametrize(
    ("new_name", "message"),
    [("a.html", "A file keeps its type"), ("a.pdf", "A file keeps its type"),
     ("taken.png", "already exists"), ("../b.png", "Use only Latin letters"),
     (".htaccess", "Use only Latin letters"), ("sub/b.png", "Use only Latin letters")],
)  # fmt: skip
def test_renaming_to_a_wrong_name_is_refused(client, login_as, csrf, uploads, new_name, message):
    (uploads / "a.png").write_bytes(PNG)
    (uploads / "taken.png").write_bytes(PNG + b"taken")
    login_as("editor")
    response = client.post(
        "/admin/media/rename/",
        data={"path": "a.png", "name": new_name, "csrf_token": csrf()},
        follow_redirects=True,
    )
    assert message in page(response)
    assert sorted(p.name for p in uploads.iterdir()) == ["a.png", "taken.png"]
    assert (uploads / "taken.png").read_bytes() == PNG + b"taken"


def test_an_editor_renames_and_deletes_a_folder(client, login_as, csrf, uploads):
    (uploads / "old").mkdir()
    (uploads / "old" / "a.png").write_bytes(PNG)
    login_as("editor")
    client.post("/admin/media/rename/", data={"path": "old", "name": "new", "csrf_token": csrf()})
    assert (uploads / "new" / "a.png").read_bytes() == PNG
    client.post("/admin/media/delete/", data={"path": "new", "csrf_token": csrf()})
    assert snapshot(uploads) == {}


def test_deleting_a_symlinked_folder_removes_only_the_link(client, login_as, csrf, uploads):
    (uploads / "real").mkdir()
    (uploads / "real" / "a.png").write_bytes(PNG)
    (uploads / "alias").symlink_to(uploads / "real", target_is_directory=True)
    login_as("editor")
    client.post("/admin/media/delete/", data={"path": "alias", "csrf_token": csrf()})
    assert not (uploads / "alias").exists()
    assert (uploads / "real" / "a.png").read_bytes() == PNG


def test_an_editor_creates_a_folder(client, login_as, csrf, uploads):
    login_as("editor")
    response = client.post(
        "/admin/media/mkdir/", data={"name": "summer_2024", "csrf_token": csrf()}
    )
    assert response.status_code == 302
    assert (uploads / "summer_2024").is_dir()


@pytest.mark.parametrize("name", ["..", "../x", ".hidden", "a/b", "a\\b", "ünïcode", ""])
def test_hostile_folder_names_are_refused(client, login_as, csrf, uploads, outside, name):
    login_as("editor")
    before = snapshot(uploads, outside)
    response = client.post("/admin/media/mkdir/", data={"name": name, "csrf_token": csrf()})
    assert response.status_code == 200
    assert "Failed to create directory" in page(response)
    assert snapshot(uploads, outside) == before


# --- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_editors_and_admins_upload_and_delete(client, login_as, csrf, uploads, role):
    login_as(role)
    upload(client, csrf(), "a.png", PNG)
    upload(client, csrf(), "b.png", PNG)
    assert sorted(p.name for p in uploads.iterdir()) == ["a.png", "b.png"]
    response = client.post("/admin/media/delete/", data={"path": "a.png", "csrf_token": csrf()})
    assert response.status_code == 302
    response = client.post(
        "/admin/media/action/", data={"action": "delete", "rowid": "b.png", "csrf_token": csrf()}
    )
    assert response.status_code == 302
    assert snapshot(uploads) == {}


def test_an_author_lists_downloads_and_uploads(client, login_as, csrf, uploads):
    login_as("author")
    assert upload(client, csrf(), "a.png", PNG).status_code == 302
    html = page(client.get("/admin/media/"))
    assert "a.png" in html and "Upload File" in html
    assert "Create Directory" not in html
    assert "/admin/media/rename/" not in html and "/admin/media/delete/" not in html
    with client.get("/admin/media/download/a.png") as response:
        assert response.data == PNG


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/admin/media/delete/", {"path": "a.png"}),
        ("post", "/admin/media/action/", {"action": "delete", "rowid": "a.png"}),
        ("post", "/admin/media/rename/", {"path": "a.png", "name": "b.png"}),
        ("get", "/admin/media/rename/?path=a.png", {}),
        ("post", "/admin/media/mkdir/", {"name": "new"}),
        ("get", "/admin/media/mkdir/", {}),
        ("post", "/admin/media/delete/", {"path": "sub"}),
    ],
)
def test_an_author_cannot_delete_rename_or_create_folders_even_by_url(
    client, login_as, csrf, uploads, method, url, data
):
    (uploads / "a.png").write_bytes(PNG)
    (uploads / "sub").mkdir()
    before = snapshot(uploads)
    login_as("author")
    response = getattr(client, method)(url, data={**data, "csrf_token": csrf()})
    assert response.status_code == 403
    assert snapshot(uploads) == before


@pytest.mark.parametrize("role", ["admin", "editor", "author"])
def test_nobody_edits_file_contents(client, login_as, csrf, uploads, role):
    (uploads / "a.png").write_bytes(PNG)
    login_as(role)
    assert client.get("/admin/media/edit/?path=a.png").status_code == 403
    response = client.post(
        "/admin/media/edit/?path=a.png", data={"content": "<script>", "csrf_token": csrf()}
    )
    assert response.status_code == 403
    assert (uploads / "a.png").read_bytes() == PNG


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
def test_public_media_are_served_inert(client, uploads, name, content, mimetype, csp):
    (uploads / "sub").mkdir()
    (uploads / "sub" / name).write_bytes(content)
    with client.get(f"/media/sub/{name}") as response:
        assert response.status_code == 200
        assert response.data == content
        assert response.mimetype == mimetype
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == csp


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "app.js", "notes.txt", ".upload-x.part"])
def test_public_media_serve_nothing_but_accepted_types(client, uploads, name):
    (uploads / name).write_bytes(HTML)
    assert client.get(f"/media/{name}").status_code == 404


def test_public_media_follow_no_symlink_outside(client, outside):
    assert client.get("/media/outside.png").status_code == 404
    assert client.get("/media/outside-dir/secret.png").status_code == 404


def test_admin_downloads_of_other_files_are_attachments(client, login_as, uploads):
    (uploads / "legacy.html").write_bytes(HTML)  # put there by hand, before the rules
    login_as("editor")
    with client.get("/admin/media/download/legacy.html") as response:
        assert response.mimetype == "application/octet-stream"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- the post editor's JSON endpoints ---------------------------------------------------------


def test_the_image_list_has_images_only_newest_first(client, login_as, uploads):
    (uploads / "sub").mkdir()
    for age, name in enumerate(["new.png", "sub/mid.jpg", "old.gif", "paper.pdf", ".x.png"]):
        path = uploads / name
        path.write_bytes(PNG)
        os.utime(path, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))
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


def test_the_image_list_leaves_out_symlinks_outside(client, login_as, outside):
    login_as("editor")
    assert client.get("/admin/media/images.json").get_json() == {"images": []}


def test_the_image_list_is_capped(client, login_as, uploads):
    for number in range(205):
        (uploads / f"img{number}.png").write_bytes(PNG)
    login_as("editor")
    assert len(client.get("/admin/media/images.json").get_json()["images"]) == 200


def test_the_editor_uploads_an_image(client, login_as, csrf, uploads):
    login_as("author")
    response = editor_upload(client, csrf(), "pasted.png", PNG)
    assert response.status_code == 200
    assert response.get_json() == {"url": "/media/pasted.png"}
    assert (uploads / "pasted.png").read_bytes() == PNG
    with client.get("/media/pasted.png") as served:
        assert served.data == PNG


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("paper.pdf", PDF, "not an accepted file type"), ("page.png", HTML, "is not a PNG file"),
     ("logo.svg", SVG, "not an accepted file type")],
)  # fmt: skip
def test_the_editor_upload_refuses_with_a_message(
    client, login_as, csrf, uploads, name, content, message
):
    login_as("editor")
    response = editor_upload(client, csrf(), name, content)
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    assert snapshot(uploads) == {}


def test_the_editor_upload_without_a_file_is_refused(client, login_as, csrf, uploads):
    login_as("editor")
    response = client.post("/admin/media/editor-upload", headers={"X-CSRFToken": csrf()})
    assert response.status_code == 400
    assert response.get_json() == {"error": {"message": "Choose a file to upload."}}


def test_the_editor_upload_over_the_limit_is_refused(app, client, login_as, csrf, uploads):
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = 2048
    login_as("editor")
    response = editor_upload(client, csrf(), "big.png", PNG + bytes(4096))
    assert response.status_code == 400
    assert "larger than the limit of 2 kB" in response.get_json()["error"]["message"]
    assert snapshot(uploads) == {}


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
