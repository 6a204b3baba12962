"""The media library: Flask-Admin's file view over the media storage, on our rules.

The storage (``backoffice.media.storage``: the local folder or an S3 bucket) works with keys;
every path goes through its resolver (``backoffice.media.paths``), every operation through the
roles table, every upload through ``backoffice.media.files``. Two JSON endpoints serve the post
editor (CKEditor's image list and SimpleUploadAdapter).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import abort, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.fileadmin import BaseFileAdmin
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response
from wtforms import FileField, HiddenField, StringField
from wtforms.validators import InputRequired, ValidationError

from backoffice.admin.base import AdminForm, RoleGated
from backoffice.compat.flask_admin import FileAdminHooks
from backoffice.extensions import csrf, login_manager
from backoffice.media import files
from backoffice.media.storage import MediaStorage
from backoffice.web.errors import CSRF_MESSAGE

#: View method -> the operation it performs in the roles table (``("media", operation)``).
OPERATIONS = {
    "upload": "upload",
    "images_json": "upload",
    "editor_upload": "upload",
    "mkdir": "mkdir",
    "rename": "rename",
    "delete": "delete",
    "edit": "edit",
}
JSON_VIEWS = frozenset({"images_json", "editor_upload"})
#: Views whose ``path`` argument names a folder (a file there is "not found").
FOLDER_VIEWS = frozenset({"index_view", "upload", "mkdir"})
IMAGE_LIST_LIMIT = 200


class MediaUploadForm(AdminForm):
    """The upload form; the file's name and content are checked when it is saved."""

    upload = FileField(_l("File to upload"))

    def __init__(self, *args: Any, admin: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload.description = escape(upload_rules(files.ALLOWED_TYPES))
        self.upload.render_kw = {"accept": ",".join(f".{ext}" for ext in files.ALLOWED_TYPES)}

    def validate_upload(self, field: FileField) -> None:
        data = field.data
        if not isinstance(data, FileStorage) or not data.filename:
            raise ValidationError(_("Choose a file to upload."))
        try:
            files.check_name(data.filename, files.ALLOWED_TYPES)
        except files.MediaError as error:
            raise ValidationError(str(error)) from None


def _plain_name(form: Any, field: StringField) -> None:
    try:
        files.check_new_name(field.data or "")
    except files.MediaError as error:
        raise ValidationError(str(error)) from None


class MediaNameForm(AdminForm):
    """The name form of "rename" and "new folder"."""

    name = StringField(_l("Name"), validators=[InputRequired(), _plain_name])
    path = HiddenField()


def upload_rules(allowed: Any) -> str:
    """The accepted types and size limit, as one translated sentence."""
    return _(
        "Accepted types: %(types)s. Up to %(size)s per file.",
        types=files.describe_types(allowed),
        size=files.human_size(files.max_upload_bytes()),
    )


def _json_error(message: str, status: int = 400) -> tuple[Response, int]:
    # The shape CKEditor's SimpleUploadAdapter shows to the user.
    return jsonify({"error": {"message": message}}), status


class MediaView(RoleGated, FileAdminHooks, BaseFileAdmin):
    """The media library: authors list, download and upload; editors also rename, delete and
    create folders; nobody edits file contents."""

    access_key = "media"
    allowed_extensions = tuple(files.ALLOWED_TYPES)
    editable_extensions = ()
    form_base_class = AdminForm
    list_template = "admin/media/list.html"
    upload_template = "admin/media/form.html"
    mkdir_template = "admin/media/form.html"
    rename_template = "admin/media/form.html"
    column_labels = {"name": _l("Name"), "size": _l("Size"), "date": _l("Modified")}
    column_sortable_list = ("name", "size", "date")

    storage: MediaStorage

    def __init__(self, storage: MediaStorage, **kwargs: Any) -> None:
        super().__init__(storage=storage, **kwargs)
        # This view checks the token itself, to answer the editor in JSON (see editor_upload).
        csrf.exempt(type(self).editor_upload)

    # The buttons follow the roles table; handle_view refuses the same operations by URL.
    @property
    def can_upload(self) -> bool:  # type: ignore[override]
        return self.may("upload")

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.may("delete")

    @property
    def can_delete_dirs(self) -> bool:  # type: ignore[override]
        return self.may("delete")

    @property
    def can_mkdir(self) -> bool:  # type: ignore[override]
        return self.may("mkdir")

    @property
    def can_rename(self) -> bool:  # type: ignore[override]
        return self.may("rename")

    def handle_view(self, name: str, upstream: Callable[[], Any], **kwargs: Any) -> Any:
        if name in JSON_VIEWS and not self.is_accessible():
            if not current_user.is_authenticated:
                return _json_error(str(login_manager.login_message), 401)
            return _json_error(_("You may not upload files."), 403)
        refusal = upstream()
        if refusal is not None:
            return refusal
        if name == "action_view":
            operation = request.form.get("action") or None
        else:
            operation = OPERATIONS.get(name)
        if operation is not None and not self.may(operation):
            if name in JSON_VIEWS:
                return _json_error(_("You may not upload files."), 403)
            abort(403)
        if name in ("rename", "delete") and not request.values.get("path"):
            # Upstream reads os.path.basename(None) here and fails with a server error.
            return redirect(self.get_url(".index_view"))
        if name in FOLDER_VIEWS and kwargs.get("path") is not None:
            folder = self.storage.resolve(kwargs["path"])
            if folder is None or not self.storage.is_dir(folder):
                self._not_found()
        return None

    @staticmethod
    def _not_found() -> None:
        abort(404, description=_("There is no such file or folder in the media library."))

    # --- paths: every operation of FileAdmin normalizes its path here -----------------------
    # The storage's keys stand in for Flask-Admin's paths: the base path is "".

    def get_base_path(self) -> str:
        return ""

    def is_accessible_path(self, path: str) -> bool:
        return not path or self.storage.resolve(path) is not None

    def is_in_folder(self, base_path: str, directory: Any) -> bool:
        # Upstream's string-prefix check, unused since normalize_path is ours: the resolver.
        return self.is_accessible_path(str(directory))

    def normalize_path(self, path: str | None) -> tuple[str, str, str]:
        if path is None:
            return "", "", ""
        key = self.storage.resolve(path)
        if key is None or not self.storage.path_exists(key):
            self._not_found()
        return "", key, key

    # --- forms and uploads ---------------------------------------------------------------

    def get_upload_form(self) -> Any:
        return MediaUploadForm

    def get_name_form(self) -> Any:
        return MediaNameForm

    def save_form_files(self, directory: str, path: str, form: Any) -> None:
        stored = files.save_upload(self.storage, form.upload.data, directory, files.ALLOWED_TYPES)
        # Flask-Admin's success message names form.upload.data.filename: show the stored name.
        form.upload.data.filename = f"{path}/{stored}" if path else stored

    def upload_rules(self) -> str:
        """The accepted types and size limit, for the list page."""
        return upload_rules(files.ALLOWED_TYPES)

    def timestamp_format(self, timestamp: float) -> str:
        if not timestamp:
            return ""
        return format_datetime(datetime.fromtimestamp(timestamp, UTC), "medium")

    # --- views -----------------------------------------------------------------------------

    @expose("/")
    @expose("/b/<path:path>")
    def index_view(self, path: str | None = None) -> Any:
        # FileAdmin sorts by any of its tuple columns; "rel_path" compares None with text (500).
        sort = request.args.get("sort")
        if sort is not None and sort not in self.column_sortable_list:
            return redirect(self.dir_url(".index_view", path))
        return super().index_view(path)

    @expose("/images.json")
    def images_json(self) -> Response:
        """The newest images, for the post editor: ``{"images": [{"name", "url"}, …]}``."""
        images = [
            {
                "name": rel_path.rsplit("/", 1)[-1],
                "url": url_for("media_files.serve", filename=rel_path),
            }
            for rel_path in files.list_images(self.storage, IMAGE_LIST_LIMIT)
        ]
        return jsonify({"images": images})

    @expose("/editor-upload", methods=("POST",))
    def editor_upload(self) -> Any:
        """CKEditor's SimpleUploadAdapter: field ``upload``, token in ``X-CSRFToken``.

        Success: ``{"url": …}``; failure: HTTP 400 with ``{"error": {"message": …}}``.
        """
        try:
            csrf.protect()
            upload = request.files.get("upload")
        except CSRFError:
            return _json_error(str(CSRF_MESSAGE))
        except RequestEntityTooLarge:
            return _json_error(
                _(
                    "The file is larger than the limit of %(limit)s.",
                    limit=files.human_size(files.max_upload_bytes()),
                )
            )
        if upload is None:
            return _json_error(_("Choose a file to upload."))
        try:
            stored = files.save_upload(self.storage, upload, "", files.IMAGE_EXTENSIONS)
        except files.MediaError as error:
            return _json_error(str(error))
        return jsonify({"url": url_for("media_files.serve", filename=stored)})
