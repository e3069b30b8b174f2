"""Masking known secret values and their common forms; encrypted values shown as ``******``."""

import base64
import json
from urllib.parse import quote, quote_plus

from tiercel.model.secrets import ENCRYPTED_TYPE, MASK, Masker, masked_encrypted, variants

SECRET = 'Pa55 w/rd"\\é'


def test_each_common_form_of_a_secret_is_masked() -> None:
    masker = Masker([SECRET])
    raw = SECRET.encode()
    forms = [
        SECRET,
        SECRET.upper(),
        SECRET.lower(),
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode(),
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
    ]
    for form in forms:
        assert masker.mask(f"before {form} after") == f"before {MASK} after", form


def test_a_multi_line_secret_is_masked_whole_and_line_by_line() -> None:
    key = "-----BEGIN KEY-----\nMIIEowIBAAKCAQEA1\nabcdefghijklmnop\n-----END KEY-----"
    masker = Masker([key])
    assert masker.mask(f"key: {key}") == f"key: {MASK}"
    assert masker.mask("MIIEowIBAAKCAQEA1") == MASK


def test_short_values_are_not_masked_and_longer_forms_win() -> None:
    assert variants("abc") == set()
    masker = Masker(["abc", "abcd", "abcdefgh"])
    assert masker.mask("abc abcd abcdefgh") == f"abc {MASK} {MASK}"
    assert not Masker([""])


def test_mask_value_walks_maps_and_lists_and_keeps_other_types() -> None:
    masker = Masker(["topsecret"])
    value = {"a": ["x topsecret", 3, None, {"topsecret": True}], "b": 1.5}
    assert masker.mask_value(value) == {"a": [f"x {MASK}", 3, None, {MASK: True}], "b": 1.5}
    assert Masker().mask_value(value) is value


def test_with_secrets_adds_only_new_values() -> None:
    base = Masker(["first-secret"])
    assert base.with_secrets(["first-secret", ""]) is base
    both = base.with_secrets(["second-secret"])
    assert both.mask("first-secret second-secret") == f"{MASK} {MASK}"
    assert base.mask("second-secret") == "second-secret"


def test_encrypted_maps_show_as_the_mask() -> None:
    sealed = {"type": ENCRYPTED_TYPE, "value": "gAAAA..."}
    tree = {
        "pw": sealed,
        "nested": {"list": [sealed, "kept"]},
        "other": {"type": "x", "value": "y"},
    }
    assert masked_encrypted(tree) == {
        "pw": MASK,
        "nested": {"list": [MASK, "kept"]},
        "other": {"type": "x", "value": "y"},
    }


def test_finds_tells_whether_mask_would_change_a_text() -> None:
    masker = Masker(["hunter2-secret"])
    texts = ("x hunter2-secret y", "HUNTER2-SECRET", "aHVudGVyMi1zZWNyZXQ=", "nothing", "")
    for text in texts:
        assert masker.finds(text) is (masker.mask(text) != text), text
    assert not Masker().finds("hunter2-secret")
