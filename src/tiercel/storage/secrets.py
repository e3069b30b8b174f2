"""Encryption at rest of ``SECRET`` inputs: Fernet (AES-128-CBC with an HMAC-SHA256 tag) under
a key from the configuration, or one generated on first start in the data directory."""

import os
import time
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from tiercel.model.secrets import ENCRYPTED_TYPE, is_encrypted

KEY_FILE = "secret.key"
"""The key's file in the data directory of ``server local`` and ``flow test``."""


class SecretKeyError(ValueError):
    """A key cannot be used, or a value cannot be decrypted with it."""


class SecretCipher:
    """Encrypts and decrypts secret values with one key.

    Args:
        key: A Fernet key: 32 bytes in URL-safe base64 (``SecretCipher.new_key()`` makes one).

    Raises:
        SecretKeyError: the key is not a Fernet key.
    """

    def __init__(self, key: str | bytes) -> None:
        try:
            self._fernet = Fernet(key.strip())
        except (ValueError, TypeError):
            raise SecretKeyError(
                "the secret key must be 32 bytes in URL-safe base64 (44 characters), "
                "as `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'` prints"
            ) from None

    @staticmethod
    def new_key() -> str:
        """A fresh random key."""
        return Fernet.generate_key().decode()

    def encrypt(self, text: str) -> dict[str, str]:
        """``text`` encrypted, as the map an execution stores."""
        token = self._fernet.encrypt(text.encode("utf-8", errors="surrogatepass"))
        return {"type": ENCRYPTED_TYPE, "value": token.decode()}

    def decrypt(self, value: Any) -> str:
        """The clear text of an encrypted map.

        Raises:
            SecretKeyError: ``value`` is not an encrypted map, or another key encrypted it.
        """
        if not is_encrypted(value):
            raise SecretKeyError("the value is not an encrypted secret")
        try:
            clear = self._fernet.decrypt(str(value["value"]).encode())
        except InvalidToken:
            raise SecretKeyError(
                "the value cannot be decrypted: it was encrypted with another secret key"
            ) from None
        return clear.decode("utf-8", errors="surrogatepass")


def key_in(folder: Path) -> str:
    """The key kept in ``folder``, created (readable by its owner only) on first use.

    Raises:
        SecretKeyError: the file holds no valid key.
        OSError: the file cannot be read or written.
    """
    path = folder / KEY_FILE
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once agree on one key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii", errors="replace").strip()
        if not key:  # another process is writing it: its key is the one to use
            key = _wait_for_key(path)
    else:
        key = SecretCipher.new_key()
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(key + "\n")
    try:
        SecretCipher(key)
    except SecretKeyError as exc:
        raise SecretKeyError(f"{path}: {exc}") from None
    return key


def _wait_for_key(path: Path) -> str:
    for _ in range(100):
        time.sleep(0.01)
        key = path.read_text(encoding="ascii", errors="replace").strip()
        if key:
            return key
    return ""
