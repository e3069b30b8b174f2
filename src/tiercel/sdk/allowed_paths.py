"""Kestra's ``allowed-paths`` rule: the local folders tasks and triggers may use."""

import os
from collections.abc import Sequence


def path_allowed(path: str, allowed_paths: Sequence[str]) -> bool:
    """Whether ``path``, once symbolic links and ``..`` are resolved, lies under one of the
    ``allowed_paths`` (resolved the same way). Nothing is allowed when none are configured."""
    target = os.path.realpath(path)
    for prefix in allowed_paths:
        root = os.path.realpath(prefix)
        try:
            if os.path.commonpath([root, target]) == root:
                return True
        except ValueError:  # different drives on Windows
            continue
    return False
