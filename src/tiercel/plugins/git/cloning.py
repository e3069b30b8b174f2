"""Cloning a branch, the first step of every git task (not a plugin)."""

from pathlib import Path

from tiercel.plugins.git.repository import Git


def branch_exists(git: Git, branch: str, cwd: Path) -> bool:
    """Whether the remote has ``branch``."""
    heads = git.run(
        ["ls-remote", "--heads", git.url, f"refs/heads/{branch}"],
        cwd,
        action=f"git ls-remote of '{git.shown_url}'",
    )
    return bool(heads.strip())


def clone_branch(git: Git, branch: str, target: Path, *, create: bool) -> bool:
    """A shallow clone of ``branch`` into ``target``; when the remote lacks it and ``create``
    is true, a clone of the default branch with ``branch`` created from it. Tells whether the
    branch existed.
    """
    exists = branch_exists(git, branch, target.parent)
    action = f"git clone of '{git.shown_url}'"
    if exists:
        git.run(["clone", "--depth", "1", "--branch", branch, git.url, str(target)],
                target.parent, action=action)  # fmt: skip
        return True
    if not create:
        raise_missing(git, branch)
    git.run(["clone", "--depth", "1", git.url, str(target)], target.parent, action=action)
    git.ctx.logger.info(f"Branch {branch} does not exist, creating it")
    git.run(["checkout", "-b", branch], target, action=f"git checkout -b {branch}")
    return False


def raise_missing(git: Git, branch: str) -> None:
    """Fail for a branch the remote does not have."""
    from tiercel.sdk import TaskFailure

    raise TaskFailure(f"Branch '{branch}' does not exist in '{git.shown_url}'")
