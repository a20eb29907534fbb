"""Files in a bucket of an S3-compatible object store (AWS S3, MinIO, SeaweedFS, …).

Settings: S3_BUCKET, S3_ENDPOINT_URL (empty for AWS), S3_REGION, S3_PREFIX (keys go
under it), S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY; without the keys boto3 finds its
own (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, its config files, an instance role).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backoffice.storage.base import Storage, StorageError, StoredFileMissing, check_key, is_hidden

_UNAVAILABLE = "文件存储服务出错，文件未能{}，请稍后重试或联系系统管理员。"
_MISSING = {"404", "NoSuchKey", "NotFound"}
logger = logging.getLogger(__name__)


def _problem(error: Exception, doing: str) -> StorageError:
    """Return the message for a failed call to the store (its details go to the log)."""
    logger.warning("对象存储调用失败：%s", error)
    return StorageError(_UNAVAILABLE.format(doing))


class _Counting:
    """A stream that counts what is read from it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.count = stream, 0

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        self.count += len(block)
        return block


class S3Storage(Storage):
    """Keys as object names (under a prefix) in one bucket."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket = client, bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""

    @classmethod
    def from_config(cls, config: dict) -> S3Storage:
        if not config.get("S3_BUCKET"):
            raise StorageError("已选用对象存储（STORAGE = s3），但未配置存储桶 S3_BUCKET。")
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}),
        )
        return cls(client, config["S3_BUCKET"], config.get("S3_PREFIX") or "")

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _call(self, doing: str, key: str, method: str, **arguments: Any) -> Any:
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **arguments)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise StoredFileMissing(f"文件“{key}”不存在。") from None
            raise _problem(error, doing) from error
        except BotoCoreError as error:
            raise _problem(error, doing) from error

    def put(self, key: str, stream: BinaryIO) -> int:
        counting = _Counting(stream)
        try:
            # upload_fileobj sends big files in parts and aborts the upload when one fails.
            self.client.upload_fileobj(counting, self.bucket, self._name(key))
        except (ClientError, BotoCoreError) as error:
            raise _problem(error, "保存") from error
        return counting.count

    def open(self, key: str) -> BinaryIO:
        return self._call("读取", key, "get_object", Key=self._name(key))["Body"]

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except StoredFileMissing:
            return False
        return True

    def size(self, key: str) -> int:
        return self._call("读取", key, "head_object", Key=self._name(key))["ContentLength"]

    def delete(self, key: str) -> None:
        self._call("删除", key, "delete_object", Key=self._name(key))

    def list(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix):]
                    if not is_hidden(key):
                        yield key
        except (ClientError, BotoCoreError) as error:
            raise _problem(error, "列出") from error

    def move(self, source: str, target: str) -> None:
        # Objects are not renamed: copied within the store (in parts when big), then the
        # temporary one removed.
        self._call("保存", target, "copy", Key=self._name(target),
                   CopySource={"Bucket": self.bucket, "Key": self._name(source)})
        self.delete(source)
