"""``io.kestra.plugin.git.Clone``: clone a repository into the working directory."""

from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.git.repository import Git, GitProperties, apply_config, open_git
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.git.Clone")
class Clone(GitProperties, RunnableTask):
    """Clone a Git repository (a branch, a tag or a commit) into the working directory, for
    the tasks of a `WorkingDirectory` to use."""

    directory: Text | None = Field(
        default=None, description="A directory under the working directory to clone into."
    )
    branch: Text | None = Field(default=None, description="The branch to check out.")
    depth: Property[int] = Field(
        default=1, description="How many commits to fetch (ignored with `commit` or `tag`)."
    )
    commit: Text | None = Field(default=None, description="A commit to check out (detached).")
    tag: Text | None = Field(default=None, description="A tag to check out (detached).")
    clone_all_branches: Property[bool] = Field(
        default=True, description="Fetch every branch, not only the one checked out."
    )
    no_tags: Property[bool] = Field(default=False, description="Do not fetch tags.")
    kestra_url: Text | None = Field(
        default=None, description="Accepted for compatibility; Clone does not call the API."
    )
    auth: dict[str, Any] | None = Field(
        default=None, description="Accepted for compatibility; Clone does not call the API."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``directory``: the absolute path of the clone."""
        with open_git(ctx, self) as git:
            return self._clone(ctx, git)

    def _clone(self, ctx: RunContext, git: Git) -> dict[str, Any]:
        root = ctx.working_dir().resolve()
        target = root
        if self.directory is not None:
            target = (root / str(ctx.render(self.directory))).resolve()
            if target != root and root not in target.parents:
                raise TaskFailure("directory: must stay inside the working directory")
        ctx.logger.info(f"Start cloning from '{git.shown_url}'")
        commit = str(ctx.render(self.commit)) if self.commit is not None else None
        tag = str(ctx.render(self.tag)) if self.tag is not None else None
        target.mkdir(parents=True, exist_ok=True)
        if any(target.iterdir()):
            self._into_existing(git, target, commit, tag)
        else:
            args = [*self._clone_args(ctx, commit, tag), git.url, str(target)]
            git.run(args, root, action=f"git clone of '{git.shown_url}'")
        apply_config(git, self, target)
        if commit is not None:
            git.run(["checkout", "--detach", commit], target, action=f"git checkout {commit}")
            ctx.logger.info(f"Checked out commit {commit} (detached HEAD)")
        elif tag is not None:
            git.run(["checkout", "--detach", f"tags/{tag}"], target, action=f"git checkout {tag}")
            ctx.logger.info(f"Checked out tag {tag}")
        return {"directory": str(target)}

    def _clone_args(self, ctx: RunContext, commit: str | None, tag: str | None) -> list[str]:
        args = ["clone"]
        if commit is None and tag is None:
            if self.branch is not None:
                args += ["--branch", str(ctx.render(self.branch))]
            depth = ctx.render_as(self.depth, int)
            if depth > 0:
                args += ["--depth", str(depth)]
                if ctx.render_as(self.clone_all_branches, bool):
                    args.append("--no-single-branch")
        if ctx.render_as(self.no_tags, bool):
            args.append("--no-tags")
        if self.clone_submodules is not None and ctx.render_as(self.clone_submodules, bool):
            args.append("--recurse-submodules")
        return args

    def _into_existing(self, git: Git, target: Path, commit: str | None, tag: str | None) -> None:
        """A directory that already holds files (a WorkingDirectory's inputs): init, fetch
        and check out over them, as Kestra does."""
        git.ctx.logger.info(f"Target directory '{target}' is not empty, using init+fetch")
        git.run(["init", "-q"], target, action="git init")
        git.run(["remote", "add", "origin", git.url], target, action="git remote add")
        fetch = ["fetch", "origin"]
        if commit is None and tag is None:
            depth = git.ctx.render_as(self.depth, int)
            if depth > 0:
                fetch += ["--depth", str(depth)]
        if self.branch is not None and commit is None and tag is None:
            branch = str(git.ctx.render(self.branch))
            fetch.append(f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
            git.run(fetch, target, action=f"git fetch of '{git.shown_url}'")
            git.run(["checkout", "-f", "-B", branch, f"origin/{branch}"], target,
                    action=f"git checkout {branch}")  # fmt: skip
            return
        git.run([*fetch, "--tags"], target, action=f"git fetch of '{git.shown_url}'")
        if commit is None and tag is None:
            git.run(["checkout", "-f", "FETCH_HEAD"], target, action="git checkout")
