"""Writing, committing and pushing files, and the diff file a push task outputs (not a
plugin)."""

import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tiercel.plugins.git.repository import Git
from tiercel.sdk import TaskFailure
from tiercel.sdk.ion import dumps

_SSH = re.compile(r"^(?:ssh://)?(?:[^@/]+@)?([^:/]+)[:/](.+?)(?:\.git)?/?$")


def write_files(target: Path, contents: Mapping[str, bytes]) -> None:
    """Write each file under ``target``, refusing paths that would leave it."""
    root = target.resolve()
    for relative, data in contents.items():
        path = (target / relative).resolve()
        if root not in path.parents:
            raise TaskFailure(f"'{relative}' would be written outside the git directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def commit_and_push(
    git: Git, props: Any, repo: Path, branch: str, directory: str, message: str, dry_run: bool
) -> dict[str, Any]:
    """Stage ``directory``; then commit and push it to ``branch``, or with ``dry_run`` only
    report. The task's outputs: ``commitId``, ``commitURL`` and the diff file ``files``."""
    ctx = git.ctx
    git.run(["add", "-A", "--", directory or "."], repo, action="git add")
    staged = git.run(["diff", "--cached", "--numstat"], repo, action="git diff")
    if dry_run:
        return {"files": _diff_file(ctx, staged)}
    if not staged.strip():
        ctx.logger.info("No content to push - skipping Git operations.")
        return {"files": _diff_file(ctx, "")}
    author = _author(git, props)
    args = ["commit", "-q", "-m", message]
    if author is not None:
        args += ["--author", author]
    git.run(args, repo, action="git commit")
    git.run(["push", "origin", f"HEAD:refs/heads/{branch}"], repo,
            action=f"git push to '{git.shown_url}'")  # fmt: skip
    commit_id = git.run(["rev-parse", "HEAD"], repo, action="git rev-parse").strip()
    pushed = git.run(["show", "--numstat", "--format=", "HEAD"], repo, action="git show")
    url = commit_url(git.url, commit_id)
    ctx.logger.info(f"Pushed to {url or git.shown_url}")
    return {"commitId": commit_id, "commitURL": url, "files": _diff_file(ctx, pushed)}


def commit_url(url: str, commit_id: str) -> str | None:
    """The web page of a commit on GitHub, GitLab or Bitbucket; None for other hosts."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("http", "https"):
        host, path = parts.hostname or "", parts.path.strip("/").removesuffix(".git")
    else:
        match = _SSH.match(url)
        if match is None:
            return None
        host, path = match.group(1), match.group(2)
    if "github" in host:
        return f"https://{host}/{path}/commit/{commit_id}"
    if "gitlab" in host:
        return f"https://{host}/{path}/-/commit/{commit_id}"
    if "bitbucket" in host:
        return f"https://{host}/{path}/commits/{commit_id}"
    return None


def _author(git: Git, props: Any) -> str | None:
    ctx = git.ctx
    name = props.author_name or props.username
    if name is None or props.author_email is None:
        return None
    return f"{ctx.render(name)} <{ctx.render(props.author_email)}>"


def _diff_file(ctx: Any, numstat: str) -> str:
    rows = []
    for line in numstat.splitlines():
        added, deleted, path = [*line.split("\t", 2), "", "", ""][:3]
        if not path:
            continue
        rows.append(
            {
                "file": path,
                "additions": f"+{added if added != '-' else 0}",
                "deletions": f"-{deleted if deleted != '-' else 0}",
                "changes": "0",
            }
        )
    rows.sort(key=lambda row: row["file"])
    text = "".join(f"{dumps(row)}\n" for row in rows)
    uri: str = ctx.files.put("diff.ion", text.encode())
    return uri
