"""``io.kestra.plugin.git.SyncNamespaceFiles``: make a namespace's files those of a
directory of a branch."""

from typing import Any

from pydantic import Field

from tiercel.plugins.git.cloning import clone_branch
from tiercel.plugins.git.repository import GitProperties, apply_config, open_git
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin
from tiercel.sdk.ion import dumps

_IGNORED = {".git", ".gitignore", ".gitkeep"}


@plugin("io.kestra.plugin.git.SyncNamespaceFiles")
class SyncNamespaceFiles(GitProperties, RunnableTask):
    """Import the files under `gitDirectory` of a branch as a namespace's files; `delete`
    also removes the namespace files Git does not have, and `dryRun` only reports."""

    branch: Text = Field(default="main", description="The branch to read.")
    namespace: Text = Field(
        default="{{ flow.namespace }}", description="The namespace receiving the files."
    )
    git_directory: Text = Field(
        default="_files", description="The directory of the repository holding the files."
    )
    delete: Property[bool] = Field(
        default=False, description="Delete the namespace files that are not in Git."
    )
    dry_run: Property[bool] = Field(
        default=False, description="Only write the diff file; change nothing."
    )
    fail_on_missing_directory: Property[bool] = Field(
        default=True, description="Fail when `gitDirectory` is not in the branch."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: an Ion file with one row per file (``gitPath``, ``syncState``:
        ADDED, OVERWRITTEN, UNCHANGED or DELETED, and ``kestraPath``)."""
        namespace = str(ctx.render(self.namespace))
        branch = str(ctx.render(self.branch))
        directory = str(ctx.render(self.git_directory)).strip("/")
        dry_run = ctx.render_as(self.dry_run, bool)
        store = ctx.namespace_files(namespace)
        with open_git(ctx, self) as git:
            repo = ctx.working_dir() / "repository"
            clone_branch(git, branch, repo, create=False)
            apply_config(git, self, repo)
            source = (repo / directory).resolve()
            if repo.resolve() not in (source, *source.parents):
                raise TaskFailure("gitDirectory: must stay inside the repository")
            if not source.exists():
                if ctx.render_as(self.fail_on_missing_directory, bool):
                    raise TaskFailure(
                        f"The directory '{directory}' was not found in the git repository. "
                        f"Verify if the path exists in the specified branch '{branch}'."
                    )
                ctx.logger.info(f"The directory '{directory}' is not in Git: nothing to sync")
                return {"files": ctx.files.put("diff.ion", b"")}
            if not source.is_dir():
                raise TaskFailure(
                    f"The path '{directory}' exists but is a file, not a directory. Sync tasks "
                    "require a directory to process files."
                )
            rows: list[dict[str, Any]] = []
            in_git: set[str] = set()
            for path in sorted(source.rglob("*")):
                relative = path.relative_to(source)
                if not path.is_file() or _IGNORED & set(relative.parts):
                    continue
                name = relative.as_posix()
                in_git.add(name)
                data = path.read_bytes()
                if not store.exists(name):
                    state = "ADDED"
                elif store.read(name) == data:
                    state = "UNCHANGED"
                else:
                    state = "OVERWRITTEN"
                if state != "UNCHANGED" and not dry_run:
                    store.write(name, data)
                rows.append(_row(f"{directory}/{name}", state, name))
        if ctx.render_as(self.delete, bool):
            for name in store.paths():
                if name not in in_git:
                    if not dry_run:
                        store.delete(name)
                    rows.append(_row(None, "DELETED", name))
        rows.sort(key=lambda row: (row.get("gitPath") is not None, row.get("gitPath") or ""))
        text = "".join(f"{dumps(row)}\n" for row in rows)
        return {"files": ctx.files.put("diff.ion", text.encode())}


def _row(git_path: str | None, state: str, name: str) -> dict[str, Any]:
    row: dict[str, Any] = {"syncState": state, "kestraPath": f"/{name}"}
    if git_path is not None:
        row["gitPath"] = git_path
    return row
