"""``io.kestra.plugin.git.Push`` (deprecated in Kestra 1.0): replace a branch's content with
the task's files, flows and namespace files, and push it."""

import json
import shutil
from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.git.cloning import clone_branch
from tiercel.plugins.git.push_flows import REVISION
from tiercel.plugins.git.repository import Git, GitProperties, apply_config, open_git
from tiercel.sdk import KestraModel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class FlowFiles(KestraModel):
    """Which flows to push."""

    enabled: Property[bool] = Field(default=True, description="Push the namespace's flows.")
    child_namespaces: Property[bool] = Field(
        default=True, description="Include the flows of the namespaces under it."
    )
    git_directory: Text = Field(default="_flows", description="Where the flows go.")


class NamespaceFilesOption(KestraModel):
    """Which namespace files to push."""

    enabled: Property[bool] = Field(default=True, description="Push the namespace's files.")
    include: Property[list[Text]] | None = Field(default=None, description="Globs to include.")
    exclude: Property[list[Text]] | None = Field(default=None, description="Globs to exclude.")


class Author(KestraModel):
    """The commit's author."""

    name: Text | None = None
    email: Text | None = None


@plugin("io.kestra.plugin.git.Push", deprecated=True)
class Push(GitProperties, RunnableTask):
    """Replace a branch's content with input files, the namespace's flows (as
    `<namespace>.<id>.yml`) and namespace files, commit and push; use `PushFlows` and
    `PushNamespaceFiles` instead."""

    url: Text | None = Field(  # type: ignore[assignment]  # optional here only
        default=None,
        description="The repository to clone and push to; when absent, the clone already in "
        "`directory` (an earlier Clone task of a WorkingDirectory) is pushed to its origin.",
    )
    directory: Text | None = Field(default=None, description="Where to clone, in the workdir.")
    branch: Text = Field(description="The branch to push to (created if new).")
    commit_message: Text = Field(description="The commit message.")
    namespace_files: NamespaceFilesOption | None = Field(
        default=None, description="Namespace files to add."
    )
    flows: FlowFiles = Field(default_factory=FlowFiles, description="Flows to add.")
    input_files: dict[str, Text] | Text | None = Field(
        default=None, description="Files to add: path to content (or its JSON)."
    )
    add_files_pattern: Property[list[Text]] = Field(
        default=["."], description="What `git add` adds."
    )
    author: Author | None = Field(default=None, description="The commit author.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``commitId``: the commit pushed (none when nothing changed)."""
        from tiercel.plugins.git.pushing import write_files

        branch = str(ctx.render(self.branch))
        root = ctx.working_dir().resolve()
        repo = (root / str(ctx.render(self.directory))).resolve() if self.directory else root
        if repo != root and root not in repo.parents:
            raise TaskFailure("directory: must stay inside the working directory")
        with open_git(ctx, self) as git:
            if self.url is None:
                self._use_clone(git, repo, branch)
            else:
                scratch = root / ".push-clone"
                clone_branch(git, branch, scratch, create=True)
                # The clone goes where the task's files are, over what is already there.
                repo.mkdir(parents=True, exist_ok=True)
                (scratch / ".git").rename(repo / ".git")
                shutil.rmtree(scratch)
                apply_config(git, self, repo)
                # Kestra's Push replaces the branch's content: everything tracked goes first.
                git.run(
                    ["rm", "-r", "-q", "--cached", "--ignore-unmatch", "."], repo, action="git rm"
                )
            write_files(repo, self._inputs(ctx))
            if self.namespace_files is not None and ctx.render_as(
                self.namespace_files.enabled, bool
            ):
                write_files(repo, self._namespace_files(ctx, self.namespace_files))
            if ctx.render_as(self.flows.enabled, bool):
                write_files(repo / str(ctx.render(self.flows.git_directory)), self._flows(ctx))
            patterns = [str(p) for p in ctx.render(self.add_files_pattern)]
            git.run(["add", "-A", "--", *patterns], repo, action="git add")
            if not git.run(["diff", "--cached", "--name-only"], repo, action="git diff").strip():
                ctx.logger.info("No changes to commit. Skipping push.")
                return {}
            args = ["commit", "-q", "-m", str(ctx.render(self.commit_message))]
            if self.author is not None and self.author.name and self.author.email:
                name, email = ctx.render(self.author.name), ctx.render(self.author.email)
                args += ["--author", f"{name} <{email}>"]
            git.run(args, repo, action="git commit")
            ctx.logger.info(f"Pushing to {git.shown_url}/tree/{branch}")
            git.run(["push", "origin", f"HEAD:refs/heads/{branch}"], repo,
                    action=f"git push to '{git.shown_url}'")  # fmt: skip
            return {
                "commitId": git.run(["rev-parse", "HEAD"], repo, action="git rev-parse").strip()
            }

    @staticmethod
    def _use_clone(git: Git, repo: Path, branch: str) -> None:
        """Push the clone at ``repo`` as it is, on ``branch`` (created from its HEAD if new)."""
        if not (repo / ".git").exists():
            raise TaskFailure(
                "url: required, unless `directory` (or the working directory) holds a clone "
                "made by an earlier task"
            )
        git.url = git.run(
            ["config", "--default", "", "--get", "remote.origin.url"], repo, action="git config"
        ).strip()
        current = git.run(["branch", "--show-current"], repo, action="git branch").strip()
        if current != branch:
            git.run(["checkout", "-q", "-B", branch], repo, action=f"git checkout of '{branch}'")

    def _inputs(self, ctx: RunContext) -> dict[str, bytes]:
        if self.input_files is None:
            return {}
        rendered = ctx.render(self.input_files)
        if isinstance(rendered, str):
            try:
                rendered = json.loads(rendered)
            except ValueError:
                raise TaskFailure("inputFiles: must map paths to contents") from None
        if not isinstance(rendered, dict):
            raise TaskFailure("inputFiles: must map paths to contents")
        return {str(path): str(content).encode() for path, content in rendered.items()}

    def _namespace_files(self, ctx: RunContext, option: NamespaceFilesOption) -> dict[str, bytes]:
        store = ctx.namespace_files()
        include = [str(p) for p in ctx.render(option.include)] if option.include else []
        exclude = [str(p) for p in ctx.render(option.exclude)] if option.exclude else []
        return {path: store.read(path) for path in store.paths(include, exclude)}

    def _flows(self, ctx: RunContext) -> dict[str, bytes]:
        flow = ctx.variables.get("flow") or {}
        namespace = str(flow.get("namespace"))
        children = ctx.render_as(self.flows.child_namespaces, bool)
        return {
            f"{ns}.{flow_id}.yml": REVISION.sub("", source).encode()
            for ns, flow_id, source in ctx.flows().sources(namespace, children=children)
        }
