"""Encryption at rest of SECRET inputs: round trip, another key refused, the key file."""

import os
import stat
from pathlib import Path

import pytest

from tiercel.model.secrets import ENCRYPTED_TYPE, is_encrypted
from tiercel.storage.secrets import KEY_FILE, SecretCipher, SecretKeyError, key_in


def test_a_value_round_trips_and_is_not_stored_in_clear() -> None:
    cipher = SecretCipher(SecretCipher.new_key())
    sealed = cipher.encrypt("hünter2")
    assert is_encrypted(sealed) and sealed["type"] == ENCRYPTED_TYPE
    assert "hünter2" not in sealed["value"]
    assert cipher.encrypt("hünter2") != sealed  # a fresh IV each time
    assert cipher.decrypt(sealed) == "hünter2"


def test_another_key_or_a_bad_value_is_a_clear_error() -> None:
    sealed = SecretCipher(SecretCipher.new_key()).encrypt("x")
    other = SecretCipher(SecretCipher.new_key())
    with pytest.raises(SecretKeyError, match="another secret key"):
        other.decrypt(sealed)
    with pytest.raises(SecretKeyError, match="not an encrypted secret"):
        other.decrypt("plain")
    with pytest.raises(SecretKeyError, match="44 characters"):
        SecretCipher("too-short")


def test_the_key_file_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    key = key_in(folder)
    path = folder / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_in(folder) == key
    SecretCipher(key).decrypt(SecretCipher(key).encrypt("same key"))


def test_a_broken_key_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("not a key\n")
    os.chmod(path, 0o600)
    with pytest.raises(SecretKeyError, match=str(path)):
        key_in(tmp_path)
