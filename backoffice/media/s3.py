"""The media library in an S3-compatible bucket (AWS S3, MinIO, Ceph, …) through boto3.

Built on Flask-Admin's ``S3Storage`` (its client, bucket and listing), with our rules on top
(:class:`backoffice.media.storage.MediaStorage`). Keys are the library's paths; a folder is a
key prefix (``sub/``), kept while empty by a zero-byte marker object ``sub/``, as Flask-Admin
and the S3 consoles make them. Nothing is ever replaced: new objects are written with
``If-None-Match: *``, so a name taken meanwhile answers ``412 PreconditionFailed`` instead.
Settings: ``MEDIA_S3_BUCKET``, ``MEDIA_S3_ENDPOINT_URL`` (none: AWS itself); credentials and
region come from wherever boto3 reads them (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``, its config files, an instance role).
"""

from __future__ import annotations

import logging
import posixpath
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import closing
from typing import IO, Any
from urllib.parse import quote

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    ParamValidationError,
)
from flask import Flask, request
from flask_admin.contrib.fileadmin.s3 import S3Storage
from werkzeug.wrappers import Response

from backoffice.media import files, paths
from backoffice.media.storage import CHUNK, Entry, MediaStorage

log = logging.getLogger(__name__)

#: Uploads larger than this go up in parts of this size (S3's minimum part is 5 MiB).
PART_BYTES = 8 * 1024 * 1024
#: The largest object S3 copies in one request; larger ones are copied in ranges of 1 GiB.
MAX_COPY_BYTES = 5 * 1024**3
COPY_PART_BYTES = 1024**3
_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})
#: A conditional write lost to an object of that name (409: another one is being written).
_TAKEN = frozenset({"412", "PreconditionFailed", "409", "ConditionalRequestConflict"})
_DENIED = frozenset({"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"})

_session_lock = threading.Lock()
_session: boto3.session.Session | None = None


def connect(app: Flask) -> S3MediaStorage:
    """The bucket named by the app's settings, checked: the app refuses to start (one line
    naming the setting) without a bucket, or when the endpoint or the bucket cannot be reached.
    """
    bucket = str(app.config.get("MEDIA_S3_BUCKET") or "").strip()
    endpoint = str(app.config.get("MEDIA_S3_ENDPOINT_URL") or "").strip() or None
    if not bucket:
        raise RuntimeError(
            "Refusing to start: MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET, the name of the bucket "
            "that holds the media library."
        )
    try:
        client = _client(endpoint, connect_timeout=5, read_timeout=30, attempts=3)
        # The start-up check gives up quickly: one attempt, short timeouts.
        probe = _client(endpoint, connect_timeout=3, read_timeout=5, attempts=1)
    except ValueError as error:  # botocore: "Invalid endpoint: …"
        raise RuntimeError(
            f"Refusing to start: MEDIA_S3_ENDPOINT_URL={endpoint!r} is not a usable URL "
            f"({_one_line(error)})."
        ) from None
    _check_bucket(probe, bucket, endpoint)
    return S3MediaStorage(client, bucket)


def _client(
    endpoint: str | None, *, connect_timeout: int, read_timeout: int, attempts: int
) -> BaseClient:
    options: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        "retries": {"mode": "standard", "total_max_attempts": attempts},
    }
    if endpoint:
        # Other stores (MinIO, Ceph, …) rarely have a DNS name per bucket, and not all of them
        # take the checksum trailers boto3 sends to AWS by default.
        options["s3"] = {"addressing_style": "path"}
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    global _session
    with _session_lock:  # one boto3 session per process (they are not thread-safe)
        if _session is None:
            _session = boto3.session.Session()
        return _session.client("s3", endpoint_url=endpoint, config=Config(**options))


def _check_bucket(probe: BaseClient, bucket: str, endpoint: str | None) -> None:
    where = (
        f"MEDIA_S3_ENDPOINT_URL={endpoint}"
        if endpoint
        else "AWS S3 (MEDIA_S3_ENDPOINT_URL is not set)"
    )
    try:
        probe.head_bucket(Bucket=bucket)
    except NoCredentialsError:
        message = (
            f"no credentials for MEDIA_S3_BUCKET={bucket!r}: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY"
        )
    except ParamValidationError:
        message = f"MEDIA_S3_BUCKET={bucket!r} is not a valid bucket name"
    except BotoCoreError as error:
        message = f"{where} cannot be reached ({_one_line(error)})"
    except ClientError as error:
        code = _code(error)
        if code in _NOT_FOUND or code == "NoSuchBucket":
            message = f"MEDIA_S3_BUCKET={bucket!r} does not exist at {where}"
        elif code in _DENIED:
            message = (
                f"{where} refused access to MEDIA_S3_BUCKET={bucket!r} ({code}): check "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            )
        else:
            message = f"MEDIA_S3_BUCKET={bucket!r} at {where} answered {code}"
    else:
        return
    raise RuntimeError(f"Refusing to start: {message}.")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


class S3MediaStorage(MediaStorage, S3Storage):
    """The media library in one bucket; see the module docstring."""

    def __init__(self, s3_client: BaseClient, bucket_name: str) -> None:
        S3Storage.__init__(self, s3_client, bucket_name)

    def _call(self, operation: str, **params: Any) -> Any:
        """One request on the bucket; "not found", "name taken" and every other failure
        (refusals, an unreachable endpoint) come back as OSErrors."""
        try:
            return getattr(self.s3_client, operation)(Bucket=self.bucket_name, **params)
        except ClientError as error:
            code = _code(error)
            if code in _NOT_FOUND:
                raise FileNotFoundError(params.get("Key", "")) from error
            if code in _TAKEN:
                raise FileExistsError(params.get("Key", "")) from error
            raise OSError(f"S3 {operation} failed: {code}") from error
        except BotoCoreError as error:
            raise OSError(f"S3 {operation} failed: {_one_line(error)}") from error

    def _pages(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a listing of the bucket."""
        try:
            paginator = self.s3_client.get_paginator("list_objects_v2")
            yield from paginator.paginate(Bucket=self.bucket_name, **params)
        except ClientError as error:
            raise OSError(f"S3 listing failed: {_code(error)}") from error
        except BotoCoreError as error:
            raise OSError(f"S3 listing failed: {_one_line(error)}") from error

    def _keys_below(self, prefix: str) -> Iterator[str]:
        for page in self._pages(Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    # --- the primitives ---------------------------------------------------------------------

    def resolve(self, relative: str | None) -> str | None:
        return paths.clean_key(relative)

    def is_file(self, key: str) -> bool:
        if not key:
            return False
        try:
            self._call("head_object", Key=key)
        except FileNotFoundError:
            return False
        return True

    def is_dir(self, key: str) -> bool:
        if not key:
            return True
        page = self._call("list_objects_v2", Prefix=f"{key}/", MaxKeys=1)
        return page.get("KeyCount", 0) > 0

    def get_files(self, path: str, directory: str) -> list[Entry]:
        try:
            entries = S3Storage.get_files(self, directory, directory)
        except ValueError as error:  # Flask-Admin wraps the client's errors so
            raise OSError(str(error)) from error
        return [
            (name, key, is_dir, size, float(modified))
            for name, key, is_dir, size, modified in entries
            if name and not name.startswith(".")
        ]

    def iter_files(self) -> Iterator[tuple[str, float]]:
        for page in self._pages():
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):  # folder markers
                    yield item["Key"], item["LastModified"].timestamp()

    def read_head(self, key: str, size: int) -> bytes:
        try:
            answer = self._call("get_object", Key=key, Range=f"bytes=0-{size - 1}")
        except OSError as error:
            cause = error.__cause__
            if isinstance(cause, ClientError) and _code(cause) == "InvalidRange":
                return b""  # an empty object
            raise
        with closing(answer["Body"]) as body:
            return body.read(size)

    def put_new(
        self, folder: str, stem: str, ext: str, body: IO[bytes], size: int, mimetype: str
    ) -> str | None:
        """One listing finds the names taken already; the conditional write catches any
        taken since, and the next candidate is tried."""
        prefix = f"{folder}/" if folder else ""
        taken = self._names(prefix, stem)
        for name in files.candidate_names(stem, ext):
            if name in taken:
                continue
            body.seek(0)
            try:
                self._upload(prefix + name, body, size, mimetype)
            except FileExistsError:
                continue
            return name
        return None

    def _names(self, prefix: str, start: str) -> set[str]:
        """Names of the files and folders in the folder ``prefix`` that begin with ``start``."""
        names: set[str] = set()
        for page in self._pages(Prefix=prefix + start, Delimiter="/"):
            names.update(item["Key"][len(prefix) :] for item in page.get("Contents", []))
            folders = page.get("CommonPrefixes", [])
            names.update(item["Prefix"][len(prefix) : -1] for item in folders)
        return names

    def _upload(self, key: str, body: IO[bytes], size: int, mimetype: str) -> None:
        """Stream ``body`` into a new object ``key``: one conditional put, or for large files
        a multipart upload (one part in memory at a time) completed conditionally."""
        if size <= PART_BYTES:
            self._call(
                "put_object",
                Key=key,
                Body=body,
                ContentLength=size,
                ContentType=mimetype,
                IfNoneMatch="*",
            )
            return
        upload_id = self._call("create_multipart_upload", Key=key, ContentType=mimetype)["UploadId"]
        try:
            parts = []
            number = 0
            while chunk := body.read(PART_BYTES):
                number += 1
                answer = self._call(
                    "upload_part", Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
                )
                parts.append({"ETag": answer["ETag"], "PartNumber": number})
            self._complete(key, upload_id, parts)
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _complete(self, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None:
        self._call(
            "complete_multipart_upload",
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
            IfNoneMatch="*",
        )

    def _abort(self, key: str, upload_id: str) -> None:
        try:
            self._call("abort_multipart_upload", Key=key, UploadId=upload_id)
        except OSError:
            pass  # the bucket's lifecycle rules clean up what is left

    def create_folder(self, key: str) -> None:
        if self.path_exists(key):
            raise FileExistsError(key)
        self._call("put_object", Key=f"{key}/", Body=b"", IfNoneMatch="*")

    def move(self, key: str, target: str) -> None:
        """Copy, then delete the original. A folder's objects are copied one by one; if one
        copy fails, the copies made are removed again and the folder stays as it was."""
        if self.path_exists(target):
            raise FileExistsError(target)
        if self.is_file(key):
            self._copy_new(key, target)
            self._call("delete_object", Key=key)
            return
        sources = list(self._keys_below(f"{key}/"))
        copied: list[str] = []
        try:
            for source in sources:
                self._copy_new(source, target + source[len(key) :])
                copied.append(target + source[len(key) :])
        except BaseException:
            try:
                self._delete_keys(copied)
            except OSError:
                log.exception("could not remove the partial copy of %r at %r", key, target)
            raise
        self._delete_keys(sources)

    def _copy_new(self, source: str, target: str) -> None:
        """A server-side copy that never replaces: S3 stores do not all honour a condition on
        CopyObject, so the copy goes through a multipart upload completed conditionally."""
        head = self._call("head_object", Key=source)
        size = head["ContentLength"]
        extra = {"ContentType": head["ContentType"]} if head.get("ContentType") else {}
        if size == 0:
            self._call("put_object", Key=target, Body=b"", IfNoneMatch="*", **extra)
            return
        upload_id = self._call("create_multipart_upload", Key=target, **extra)["UploadId"]
        try:
            step = size if size <= MAX_COPY_BYTES else COPY_PART_BYTES
            parts = []
            for number, start in enumerate(range(0, size, step), 1):
                ranged = (
                    {"CopySourceRange": f"bytes={start}-{min(start + step, size) - 1}"}
                    if step < size
                    else {}
                )
                answer = self._call(
                    "upload_part_copy",
                    Key=target,
                    UploadId=upload_id,
                    PartNumber=number,
                    CopySource={"Bucket": self.bucket_name, "Key": source},
                    CopySourceIfMatch=head["ETag"],  # the same object from the first part on
                    **ranged,
                )
                parts.append({"ETag": answer["CopyPartResult"]["ETag"], "PartNumber": number})
            self._complete(target, upload_id, parts)
        except BaseException:
            self._abort(target, upload_id)
            raise

    def remove_file(self, key: str) -> None:
        if not self.is_file(key):
            raise IsADirectoryError(key) if self.is_dir(key) else FileNotFoundError(key)
        self._call("delete_object", Key=key)

    def remove_folder(self, key: str) -> None:
        self._delete_keys(self._keys_below(f"{key}/"))  # the marker "key/" is one of them

    def _delete_keys(self, keys: Iterable[str]) -> None:
        batch: list[dict[str, str]] = []
        for key in [*keys, None]:
            if key is not None:
                batch.append({"Key": key})
            if batch and (key is None or len(batch) == 1000):  # S3's limit per request
                answer = self._call("delete_objects", Delete={"Objects": batch, "Quiet": True})
                if answer.get("Errors"):
                    raise OSError(f"S3 could not delete {answer['Errors'][0].get('Key')!r}")
                batch = []

    def send(self, key: str, mimetype: str | None) -> Response:
        """The object's body streamed in chunks as the response (never read whole), with its
        ETag and date, so browsers revalidate instead of fetching it again."""
        conditions: dict[str, Any] = {}
        if request.headers.get("If-None-Match"):
            conditions["IfNoneMatch"] = request.headers["If-None-Match"]
        elif request.if_modified_since is not None:
            conditions["IfModifiedSince"] = request.if_modified_since
        try:
            answer = self.s3_client.get_object(Bucket=self.bucket_name, Key=key, **conditions)
        except ClientError as error:
            code = _code(error)
            if code in ("304", "NotModified"):
                response = Response(status=304)
                etag = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
                if etag.get("etag"):
                    response.set_etag(etag["etag"].strip('"'))
                return response
            if code in _NOT_FOUND:
                raise FileNotFoundError(key) from error
            raise OSError(f"S3 get_object failed: {code}") from error
        except BotoCoreError as error:
            raise OSError(f"S3 get_object failed: {_one_line(error)}") from error
        body = answer["Body"]
        response = Response(
            body.iter_chunks(CHUNK),
            mimetype=mimetype or "application/octet-stream",
            direct_passthrough=True,
        )
        response.call_on_close(body.close)
        response.content_length = answer.get("ContentLength")
        response.last_modified = answer.get("LastModified")
        if answer.get("ETag"):
            response.set_etag(answer["ETag"].strip('"'))
        response.cache_control.no_cache = True
        if mimetype is None:
            response.headers.set("Content-Disposition", "attachment", **_filename(key))
        return response


def _filename(key: str) -> dict[str, str]:
    """``Content-Disposition`` parameters naming the file, as Flask's ``send_file`` writes them."""
    name = posixpath.basename(key)
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": f"UTF-8''{quote(name, safe='!#$&+^`|~')}"}
    return {"filename": name}
