"""Checksums of downloaded files (Kestra's ``ChecksumService``), shared by the local and the
remote downloads (not a plugin)."""

import hashlib
from enum import StrEnum
from typing import BinaryIO

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import LogLevel, TaskFailure


class Algorithm(StrEnum):
    """The digest a download computes."""

    MD5 = "MD5"
    SHA_1 = "SHA_1"
    SHA_256 = "SHA_256"
    SHA_512 = "SHA_512"


_HASHES = {
    Algorithm.MD5: "md5",
    Algorithm.SHA_1: "sha1",
    Algorithm.SHA_256: "sha256",
    Algorithm.SHA_512: "sha512",
}


def checksum(
    env: Env, data: BinaryIO, algorithm: Algorithm, expected: str | None, name: str
) -> str:
    """The hex digest of ``data`` (read to its end).

    Raises:
        TaskFailure: ``expected`` is given and differs (case aside).
    """
    if algorithm in (Algorithm.MD5, Algorithm.SHA_1):
        env.log(
            LogLevel.WARN,
            f"Checksum algorithm '{algorithm.value}' is deprecated and considered weak; use "
            "SHA_256 or stronger for integrity verification.",
        )
    digest = hashlib.new(_HASHES[algorithm])
    while chunk := data.read(1024 * 1024):
        digest.update(chunk)
    value = digest.hexdigest()
    if expected is not None and value != expected.strip().lower():
        raise TaskFailure(
            f"Checksum mismatch for '{name}' ({algorithm.value}): expected "
            f"{expected.strip().lower()}, computed {value}"
        )
    return value
