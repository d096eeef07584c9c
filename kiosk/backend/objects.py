"""Sealed packets kept by the backend, by their SHA-256: files in its folder, or an S3 bucket.

Only sealed packets come here (encrypted to the backend's key, as the station sent them): never a
plaintext image. A key is the packet's digest, so two ingest processes putting the same packet write
the same bytes under the same key, and a put retried after a crash is harmless. A put finishes (fsync,
or the object store's acknowledgement) before the packet's acceptance is committed: an accepted packet
is always there to read.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.backend.storage import ACCEPTED, REJECTED, object_key
from kiosk.private import FILE_MODE, private_dir


class ObjectMissing(KeyError):
    pass


class FileObjects:
    """The embedded default: `packets/sha256/ab/<digest>` in the backend's folder, owner-only."""

    def __init__(self, root: Path, rejected_root: Path | None = None) -> None:
        self.root = private_dir(root)
        self.rejected_root = Path(rejected_root) if rejected_root else self.root.parent / REJECTED

    def _path(self, digest: str, root: Path | None = None) -> Path:
        return (root or self.root) / "sha256" / digest[:2] / digest

    def put(self, digest: str, blob: bytes) -> None:
        self._put(self._path(digest), digest, blob)

    def put_rejected(self, digest: str, blob: bytes) -> None:
        private_dir(self.rejected_root)
        self._put(self._path(digest, self.rejected_root), digest, blob)

    def get_rejected(self, digest: str) -> bytes:
        try:
            return self._path(digest, self.rejected_root).read_bytes()
        except FileNotFoundError:
            raise ObjectMissing(digest) from None

    def delete_rejected(self, digest: str) -> None:
        self._path(digest, self.rejected_root).unlink(missing_ok=True)

    def _put(self, path: Path, digest: str, blob: bytes) -> None:
        if path.is_file():
            return
        private_dir(path.parent)
        # A name of its own per writer: two processes putting one packet never share a temporary file.
        temporary = path.with_name(f".{digest}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the new name survives a power cut too
        finally:
            os.close(folder)

    def get(self, digest: str) -> bytes:
        try:
            return self._path(digest).read_bytes()
        except FileNotFoundError:
            raise ObjectMissing(digest) from None

    def exists(self, digest: str) -> bool:
        return self._path(digest).is_file()

    def close(self) -> None:
        pass


class S3Objects:
    """`s3://bucket[/prefix][?endpoint=http://host:port&region=…]`: any S3-compatible store.

    Credentials come from the usual places (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an
    instance role); a gateway run without authentication (SeaweedFS on loopback in the tests) gets
    anonymous-looking ones. The bucket is created when missing."""

    def __init__(self, url: str) -> None:
        import boto3
        from botocore.config import Config

        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"an object store is s3://bucket[/prefix], not {url!r}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        endpoint = query.get("endpoint") or os.environ.get("AWS_ENDPOINT_URL")
        has_credentials = bool(os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"))
        extra: dict[str, Any] = {}
        if not has_credentials:
            extra = {"aws_access_key_id": "kiosk", "aws_secret_access_key": "kiosk"}
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=query.get("region", "us-east-1"),
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=3,
                read_timeout=30,
                s3={"addressing_style": "path"},
            ),
            **extra,
        )
        self._ensure_bucket()

    def _ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
            try:
                self.client.create_bucket(Bucket=self.bucket)
            except ClientError as again:  # another ingest process made it first
                if again.response.get("Error", {}).get("Code") not in (
                    "BucketAlreadyOwnedByYou",
                    "BucketAlreadyExists",
                ):
                    raise

    def _key(self, digest: str, area: str = ACCEPTED) -> str:
        key = object_key(digest, area)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, digest: str, blob: bytes) -> None:
        self._put(self._key(digest), blob)

    def put_rejected(self, digest: str, blob: bytes) -> None:
        self._put(self._key(digest, REJECTED), blob)

    def get_rejected(self, digest: str) -> bytes:
        return self._get(self._key(digest, REJECTED), digest)

    def delete_rejected(self, digest: str) -> None:
        # S3 answers a delete of a missing key with success: a purge run again is harmless.
        self.client.delete_object(Bucket=self.bucket, Key=self._key(digest, REJECTED))

    def _put(self, key: str, blob: bytes) -> None:
        # The store checks the bytes it received against their MD5 (Content-MD5) and answers only
        # once they are durable; the SHA-256 in the key is what the backend checks on reading.
        import base64

        md5 = base64.b64encode(hashlib.md5(blob, usedforsecurity=False).digest()).decode("ascii")
        self.client.put_object(Bucket=self.bucket, Key=key, Body=blob, ContentMD5=md5)

    def get(self, digest: str) -> bytes:
        return self._get(self._key(digest), digest)

    def _get(self, key: str, digest: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise ObjectMissing(digest) from None
            raise
        if hashlib.sha256(body).hexdigest() != digest:
            raise ValueError(f"object {digest[:12]}… does not match its digest")
        return bytes(body)

    def exists(self, digest: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(digest))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return False
            raise
        return True

    def close(self) -> None:
        self.client.close()
