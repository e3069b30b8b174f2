"""``io.kestra.plugin.git.PushNamespaceFiles``: commit a namespace's files to a branch and
push them."""

import fnmatch
from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.git.cloning import clone_branch
from tiercel.plugins.git.repository import GitProperties, apply_config, open_git
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.git.PushNamespaceFiles")
class PushNamespaceFiles(GitProperties, RunnableTask):
    """Commit the files of a namespace under `gitDirectory` of a branch and push them; files
    gone from the namespace are removed from Git (`delete`), and `dryRun` only reports."""

    branch: Text = Field(default="main", description="The branch to push to (created if new).")
    namespace: Text = Field(
        default="{{ flow.namespace }}", description="The namespace whose files are pushed."
    )
    git_directory: Text = Field(
        default="_files", description="The directory of the repository receiving the files."
    )
    files: Property[list[Text]] | Text | None = Field(
        default=None, description="Globs of the namespace files to push (all by default)."
    )
    commit_message: Text | None = Field(
        default=None, description="The commit message (`Add files from <namespace> namespace`)."
    )
    dry_run: Property[bool] = Field(
        default=False, description="Only write the diff file: no commit, no push."
    )
    author_email: Text | None = Field(default=None, description="The commit author's email.")
    author_name: Text | None = Field(
        default=None, description="The commit author's name (`username` by default)."
    )
    delete: Property[bool] = Field(
        default=True, description="Remove from Git the files no longer in the namespace."
    )
    error_on_missing: Property[bool] = Field(
        default=False, description="Fail when no namespace file matches."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``commitId`` and ``commitURL`` (when pushed) and ``files``: an Ion file with one
        row per file changed (``file``, ``additions``, ``deletions``, ``changes``)."""
        from tiercel.plugins.git.pushing import commit_and_push, write_files

        namespace = str(ctx.render(self.namespace))
        globs = _globs(ctx, self.files)
        store = ctx.namespace_files(namespace)
        paths = store.paths(include=globs or ())
        if not paths and ctx.render_as(self.error_on_missing, bool):
            raise TaskFailure(f"No namespace file of '{namespace}' matches {globs or ['**']}")
        if not paths:
            ctx.logger.info("No content to push - skipping Git operations.")
            return {"files": ctx.files.put("diff.ion", b"")}
        branch = str(ctx.render(self.branch))
        directory = _relative(str(ctx.render(self.git_directory)))
        with open_git(ctx, self) as git:
            repo = ctx.working_dir() / "repository"
            clone_branch(git, branch, repo, create=True)
            apply_config(git, self, repo)
            target = repo / directory
            write_files(target, {path: store.read(path) for path in paths})
            if ctx.render_as(self.delete, bool):
                _delete_outdated(target, set(paths), globs)
            message = (
                str(ctx.render(self.commit_message))
                if self.commit_message is not None
                else f"Add files from {namespace} namespace"
            )
            return commit_and_push(
                git, self, repo, branch, directory, message, ctx.render_as(self.dry_run, bool)
            )


def _globs(ctx: RunContext, value: Any) -> list[str]:
    if value is None:
        return []
    rendered = ctx.render(value)
    if isinstance(rendered, str):
        import json

        try:
            parsed = json.loads(rendered)
        except ValueError:
            return [rendered]
        return [str(item) for item in parsed] if isinstance(parsed, list) else [rendered]
    return [str(item) for item in rendered]


def _relative(directory: str) -> str:
    clean = directory.strip("/")
    if ".." in Path(clean).parts:
        raise TaskFailure("gitDirectory: must stay inside the repository")
    return clean


def _delete_outdated(target: Path, kept: set[str], globs: list[str]) -> None:
    if not target.is_dir():
        return
    for path in sorted(target.rglob("*")):
        if not path.is_file() or ".git" in path.relative_to(target).parts:
            continue
        relative = path.relative_to(target).as_posix()
        if relative in kept or relative == ".kestraignore":
            continue
        if globs and not any(fnmatch.fnmatch(relative, glob) for glob in globs):
            continue
        path.unlink()
