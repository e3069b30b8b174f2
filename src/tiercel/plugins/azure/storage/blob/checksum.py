"""Checking a downloaded blob's checksum (Kestra's ``ChecksumValidator``): against the
Content-MD5 Azure stores, or against a digest the flow gives; not a plugin."""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import KestraModel, LogLevel, Property, TaskFailure, Text


class Algorithm(StrEnum):
    """The digest a checksum is."""

    MD5 = "MD5"
    SHA_256 = "SHA_256"


_HASHES = {Algorithm.MD5: "md5", Algorithm.SHA_256: "sha256"}


@dataclass(frozen=True)
class Checksum:
    """What to check, rendered."""

    against_server: bool
    fail_on_missing: bool
    expected: str | None
    algorithm: Algorithm

    @property
    def enabled(self) -> bool:
        """Whether anything is checked."""
        return self.against_server or self.expected is not None

    def digest(self) -> Any:
        """A fresh ``hashlib`` digest of the algorithm."""
        return hashlib.new(_HASHES[self.algorithm])

    def verify(self, env: Env, name: str, actual: Any, server_md5: bytes | None) -> None:
        """Compare the computed ``actual`` digest with the expected one.

        Raises:
            TaskFailure: the checksums differ, the expected one is malformed, or the server
                has none and ``failOnMissingChecksum`` is set.
        """
        if self.expected is not None:
            expected, source = _hex(self.expected, self.algorithm), "expectedChecksum"
        elif self.against_server:
            if self.algorithm is not Algorithm.MD5:
                raise TaskFailure(
                    f"validateChecksum against Azure only supports MD5; got {self.algorithm}. "
                    f"Provide expectedChecksum for {self.algorithm}."
                )
            if not server_md5:
                message = (
                    f"No Content-MD5 stored on server for '{name}'. This is common for block "
                    "blobs uploaded as streams."
                )
                if self.fail_on_missing:
                    env.metric("checksum.validated", 1)
                    raise TaskFailure(message)
                env.log(LogLevel.WARN, f"{message} Skipping checksum validation.")
                return
            expected, source = bytes(server_md5).hex(), "server Content-MD5"
        else:
            return
        computed = actual.hexdigest()
        env.metric("checksum.validated", 1)
        if computed.lower() != expected.lower():
            raise TaskFailure(
                f"Checksum mismatch for '{name}' using {self.algorithm} (source: {source}). "
                f"Expected={expected} actual={computed}"
            )
        env.log(LogLevel.DEBUG, f"Checksum {self.algorithm} verified for '{name}' ({source})")


def _hex(expected: str, algorithm: Algorithm) -> str:
    """A hex digest, given as hex or base64 (Azure's Content-MD5 form)."""
    size = hashlib.new(_HASHES[algorithm]).digest_size
    text = expected.strip()
    if len(text) == size * 2 and all(c in "0123456789abcdefABCDEF" for c in text):
        return text
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) == size:
        return decoded.hex()
    raise TaskFailure(
        f"expectedChecksum '{expected}' is not a valid {algorithm} digest (expected "
        f"{size * 2} hex chars or matching base64)."
    )


class ChecksumChecked(KestraModel):
    """Kestra's ``ChecksumValidatedInterface``: ``validateChecksum`` and
    ``failOnMissingChecksum``."""

    validate_checksum: Property[bool] | None = Field(
        default=None,
        description="Compare the MD5 of each downloaded file with the Content-MD5 Azure "
        "stores (blobs uploaded as streams often have none).",
    )
    fail_on_missing_checksum: Property[bool] | None = Field(
        default=None,
        description="With validateChecksum: fail when the blob has no Content-MD5, instead of "
        "skipping the check with a warning.",
    )

    def checksum(self, env: Env) -> Checksum:
        """What to check, rendered."""
        return Checksum(
            against_server=bool(env.optional(self.validate_checksum, bool)),
            fail_on_missing=bool(env.optional(self.fail_on_missing_checksum, bool)),
            expected=None,
            algorithm=Algorithm.MD5,
        )


class SingleChecksumChecked(ChecksumChecked):
    """Kestra's ``SingleFileChecksumValidatedInterface``: also ``expectedChecksum`` and
    ``checksumAlgorithm``."""

    expected_checksum: Text | None = Field(
        default=None,
        description="The digest the file must have, in hex or base64; it wins over "
        "validateChecksum.",
    )
    checksum_algorithm: Property[Algorithm] | None = Field(
        default=None, description="MD5 (the default) or SHA_256 (with expectedChecksum only)."
    )

    def checksum(self, env: Env) -> Checksum:
        """What to check, rendered."""
        common = super().checksum(env)
        return Checksum(
            against_server=common.against_server,
            fail_on_missing=common.fail_on_missing,
            expected=env.optional(self.expected_checksum, str),
            algorithm=env.optional(self.checksum_algorithm, Algorithm) or Algorithm.MD5,
        )
