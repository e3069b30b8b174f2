"""Property groups the local and the remote file tasks share, with Kestra's names and
defaults (not a plugin)."""

import re
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import sources
from tiercel.plugins.fs.checksum import Algorithm
from tiercel.sdk import KestraModel, LogLevel, Property, TaskFailure, Text

DEFAULT_MAX_FILES = 25


class Action(StrEnum):
    """What ``Downloads`` and the triggers do with the files once they are stored."""

    MOVE = "MOVE"
    DELETE = "DELETE"
    NONE = "NONE"


class On(StrEnum):
    """Which changes fire a trigger that keeps its files (Kestra's
    ``StatefulTriggerInterface.On``)."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    CREATE_OR_UPDATE = "CREATE_OR_UPDATE"


class Sort(StrEnum):
    """The order of a listing before ``maxFiles`` cuts it."""

    NONE = "NONE"
    LAST_MODIFIED_ASC = "LAST_MODIFIED_ASC"
    LAST_MODIFIED_DESC = "LAST_MODIFIED_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


def limited(env: Env, items: list[Any], limit: int) -> list[Any]:
    """At most ``limit`` items, with Kestra's warning when some are left out."""
    if len(items) > limit:
        env.log(LogLevel.WARN, f"Too many files to process ({len(items)}), limiting to {limit}")
        return items[:limit]
    return items


def compiled(pattern: str | None, prop: str = "regExp") -> re.Pattern[str] | None:
    """A regular expression property, compiled (None when unset), or a clear failure."""
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise TaskFailure(f"Invalid regex pattern in '{prop}': {pattern} - {exc}") from None


class ChecksumProperties(KestraModel):
    """The checksum of a ``Download``."""

    validate_checksum: Property[bool] = Field(
        default=False,
        description="Fail, storing nothing, when the checksum is not `checksumExpected`.",
    )
    checksum_expected: Text | None = Field(
        default=None, description="The expected checksum (hex, any case)."
    )
    checksum_algorithm: Property[Algorithm] = Field(
        default=Algorithm.SHA_256, description="The algorithm of `checksum`."
    )

    def checksum_check(self, env: Env) -> tuple[Algorithm, str | None]:
        """The algorithm, and the checksum to compare with when ``validateChecksum`` is on."""
        algorithm = env.value(self.checksum_algorithm, Algorithm)
        if not env.value(self.validate_checksum, bool):
            return algorithm, None
        expected = env.optional(self.checksum_expected, str)
        if expected is None:
            raise TaskFailure("'checksumExpected' is required when 'validateChecksum' is true")
        return algorithm, expected


class UploadsProperties(KestraModel):
    """The files of an ``Uploads`` and where they go."""

    from_: Any = Field(
        alias="from",
        description="kestra:// URIs: one, a list, a map of file names to URIs, or a JSON "
        "string of either.",
    )
    to: Text = Field(description="Destination directory.")
    reg_exp: Text | None = Field(
        default=None, description="Only source URIs fully matching this regular expression."
    )
    max_files: Property[int] = Field(default=DEFAULT_MAX_FILES, description="Upload at most this.")
    overwrite: Property[bool] = Field(
        default=True, description="Replace existing files (fail when false)."
    )

    def targets(self, env: Env) -> list[tuple[str, str]]:
        """(file name, kestra:// URI) of each file to upload, filtered and limited."""
        found = list(sources(env.render(self.from_)).items())
        pattern = compiled(env.optional(self.reg_exp, str))
        if pattern is not None:
            total = len(found)
            found = [(name, uri) for name, uri in found if pattern.fullmatch(uri)]
            env.log(LogLevel.DEBUG, f"Matched {len(found)} of {total} files")
        return limited(env, found, env.value(self.max_files, int))


class ListingProperties(KestraModel):
    """Which files of a directory a ``List``, ``Downloads`` or trigger takes."""

    from_: Text = Field(alias="from", description="The directory to list.")
    reg_exp: Text | None = Field(
        default=None, description="Only files whose whole path matches this regular expression."
    )
    recursive: Property[bool] = Field(default=False, description="Include subdirectories.")
    max_files: Property[int] = Field(
        default=DEFAULT_MAX_FILES, description="Take at most this many files."
    )


class SortedListingProperties(ListingProperties):
    """A listing with an order."""

    sort: Property[Sort] = Field(
        default=Sort.NONE, description="The order before `maxFiles` applies (NONE: as listed)."
    )


class ActionProperties(KestraModel):
    """What happens to files once stored."""

    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the files once stored (NONE: keep)."
    )
    move_directory: Text | None = Field(
        default=None, description="Where `action: MOVE` puts the files."
    )

    def chosen_action(self, env: Env) -> tuple[Action, str | None]:
        """The action, and the rendered ``moveDirectory`` (required by MOVE)."""
        action = env.value(self.action, Action)
        target = env.optional(self.move_directory, str)
        if action is Action.MOVE and target is None:
            raise TaskFailure("moveDirectory must be specified when action is MOVE")
        return action, target
