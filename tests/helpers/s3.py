"""The suite's S3-compatible server for the media library (the ``s3_endpoint`` fixture)."""

from __future__ import annotations

from functools import cache
from typing import Any

#: Fake credentials and region for the test server; real ones are never sent anywhere.
S3_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@cache
def s3_client(endpoint: str) -> Any:
    """A boto3 client for the test server, with the fake credentials (one per endpoint: a
    client costs tens of milliseconds to make)."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_ENVIRONMENT["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"],
        region_name=S3_ENVIRONMENT["AWS_DEFAULT_REGION"],
    )


def empty_buckets(client: Any, bucket: str) -> None:
    """Make ``bucket`` exist and hold nothing: its objects and unfinished uploads go, and so do
    the buckets a test made beside it (named ``<bucket>-…``)."""
    names = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    for name in names:
        if name == bucket or name.startswith(f"{bucket}-"):
            _empty(client, name)
            if name != bucket:
                client.delete_bucket(Bucket=name)
    if bucket not in names:
        client.create_bucket(Bucket=bucket)


def _empty(client: Any, bucket: str) -> None:
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    for upload in uploads:
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
