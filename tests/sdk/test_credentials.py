"""Credentials stay out of messages."""

import pytest

from tiercel.sdk.credentials import MASK, masked_url, one_line


def test_one_line_masks_secrets_and_joins_lines() -> None:
    error = ValueError("login failed for user\n  admin with password hunter2\n")
    assert (
        one_line(error, ["hunter2", None, ""])
        == f"login failed for user admin with password {MASK}"
    )
    assert one_line(ValueError()) == "ValueError"
    assert one_line("key abc in abcdef", ["abc"], shortest=4) == "key abc in abcdef"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://user:pw@host:6379/0", f"redis://user:{MASK}@host:6379/0"),
        ("https://tok@github.com/a/b.git", "https://tok@github.com/a/b.git"),
        ("https://x:y@h/p?q=1#frag", f"https://x:{MASK}@h/p?q=1"),
        ("http://h:99999999/", MASK),
    ],
)
def test_masked_url(url: str, shown: str) -> None:
    assert masked_url(url) == shown
