"""``io.kestra.plugin.git.PushFlows``: commit a namespace's flows to a branch and push them."""

import fnmatch
import re
from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.git.cloning import clone_branch
from tiercel.plugins.git.repository import GitProperties, apply_config, open_git
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin

REVISION = re.compile(r"(?m)^revision:\s*\d+\n?")


@plugin("io.kestra.plugin.git.PushFlows")
class PushFlows(GitProperties, RunnableTask):
    """Commit the flows of a namespace as `<gitDirectory>/<flowId>.yml` (child namespaces in
    sub-folders) and push them; flows gone from Tiercel are removed from Git (`delete`)."""

    branch: Text = Field(default="main", description="The branch to push to (created if new).")
    git_directory: Text = Field(default="_flows", description="The repository's flow folder.")
    source_namespace: Text = Field(
        default="{{ flow.namespace }}", description="The namespace whose flows are pushed."
    )
    target_namespace: Text | None = Field(
        default=None, description="Rewrite the flows' `namespace` to this one in Git."
    )
    flows: Property[list[Text]] | Text | None = Field(
        default=None, description="Globs of the flow ids to push (all by default)."
    )
    include_child_namespaces: Property[bool] = Field(
        default=False, description="Also push the flows of the namespaces under it."
    )
    commit_message: Text | None = Field(
        default=None, description="The commit message (`Add flows from <namespace> namespace`)."
    )
    dry_run: Property[bool] = Field(default=False, description="Only write the diff file.")
    author_email: Text | None = Field(default=None, description="The commit author's email.")
    author_name: Text | None = Field(
        default=None, description="The commit author's name (`username` by default)."
    )
    delete: Property[bool] = Field(
        default=True, description="Remove from Git the flows no longer in the namespace."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``commitId`` and ``commitURL`` (when pushed) and ``flows``: an Ion file with one row
        per file changed (``file``, ``additions``, ``deletions``, ``changes``)."""
        from tiercel.plugins.git.push_namespace_files import _globs
        from tiercel.plugins.git.pushing import commit_and_push, write_files

        source = str(ctx.render(self.source_namespace))
        target = str(ctx.render(self.target_namespace)) if self.target_namespace else source
        globs = _globs(ctx, self.flows)
        children = ctx.render_as(self.include_child_namespaces, bool)
        contents: dict[str, bytes] = {}
        for namespace, flow_id, text in ctx.flows().sources(source, children=children):
            if globs and not any(fnmatch.fnmatch(flow_id, glob) for glob in globs):
                continue
            folder = namespace[len(source) + 1 :].replace(".", "/") if namespace != source else ""
            name = f"{folder}/{flow_id}.yml" if folder else f"{flow_id}.yml"
            rewritten = re.sub(
                rf"(?m)^namespace:\s*{re.escape(source)}", f"namespace: {target}", text, count=1
            )
            contents[name] = REVISION.sub("", rewritten).encode()
        directory = str(ctx.render(self.git_directory)).strip("/")
        if ".." in Path(directory).parts:
            raise TaskFailure("gitDirectory: must stay inside the repository")
        branch = str(ctx.render(self.branch))
        with open_git(ctx, self) as git:
            repo = ctx.working_dir() / "repository"
            clone_branch(git, branch, repo, create=True)
            apply_config(git, self, repo)
            folder_path = repo / directory
            write_files(folder_path, contents)
            if ctx.render_as(self.delete, bool) and folder_path.is_dir():
                for path in folder_path.rglob("*"):
                    relative = path.relative_to(folder_path).as_posix()
                    if path.suffix not in (".yml", ".yaml") or relative in contents:
                        continue
                    if globs and not any(fnmatch.fnmatch(path.stem, glob) for glob in globs):
                        continue
                    if children or "/" not in relative:
                        path.unlink()
            message = (
                str(ctx.render(self.commit_message))
                if self.commit_message is not None
                else f"Add flows from {source} namespace"
            )
            pushed = commit_and_push(
                git, self, repo, branch, directory, message, ctx.render_as(self.dry_run, bool)
            )
        pushed["flows"] = pushed.pop("files")
        return pushed
