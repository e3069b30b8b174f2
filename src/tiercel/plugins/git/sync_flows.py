"""``io.kestra.plugin.git.SyncFlows``: deploy the flows of a directory of a branch."""

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from tiercel.plugins.git.cloning import clone_branch
from tiercel.plugins.git.push_flows import REVISION
from tiercel.plugins.git.repository import GitProperties, apply_config, open_git
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin
from tiercel.sdk.ion import dumps

_NAMESPACE = re.compile(r"(?m)^namespace:\s*(.*)$")


@plugin("io.kestra.plugin.git.SyncFlows")
class SyncFlows(GitProperties, RunnableTask):
    """Deploy the flows under `gitDirectory` of a branch into `targetNamespace` (sub-folders
    into child namespaces); `delete` also removes the flows Git does not have."""

    branch: Text = Field(default="main", description="The branch to read.")
    target_namespace: Text = Field(description="The namespace the flows are deployed to.")
    git_directory: Text = Field(default="_flows", description="The repository's flow folder.")
    include_child_namespaces: Property[bool] = Field(
        default=False, description="Deploy sub-folders into child namespaces."
    )
    delete: Property[bool] = Field(
        default=False, description="Delete the flows of the namespace that are not in Git."
    )
    dry_run: Property[bool] = Field(default=False, description="Only write the diff file.")
    ignore_invalid_flows: Property[bool] = Field(
        default=False, description="Skip, with a warning, the flows that are not valid."
    )
    fail_on_missing_directory: Property[bool] = Field(
        default=True, description="Fail when `gitDirectory` is not in the branch."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``flows``: an Ion file with one row per flow (``gitPath``, ``syncState``: ADDED,
        UPDATED, UNCHANGED or DELETED, ``flowId``, ``namespace``, ``revision``). The flow
        running the task is never deleted."""
        target = str(ctx.render(self.target_namespace))
        directory = str(ctx.render(self.git_directory)).strip("/")
        branch = str(ctx.render(self.branch))
        children = ctx.render_as(self.include_child_namespaces, bool)
        dry_run = ctx.render_as(self.dry_run, bool)
        ignore_invalid = ctx.render_as(self.ignore_invalid_flows, bool)
        store = ctx.flows()
        current = {(ns, fid): text for ns, fid, text in store.sources(target, children=children)}
        rows: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        with open_git(ctx, self) as git:
            repo = ctx.working_dir() / "repository"
            clone_branch(git, branch, repo, create=False)
            apply_config(git, self, repo)
            folder = repo / directory
            if not folder.is_dir():
                if ctx.render_as(self.fail_on_missing_directory, bool):
                    raise TaskFailure(
                        f"The directory '{directory}' was not found in the git repository. "
                        f"Verify if the path exists in the specified branch '{branch}'."
                    )
                return {"flows": ctx.files.put("diff.ion", b"")}
            for path in _flow_files(folder, children):
                relative = path.relative_to(folder)
                namespace = ".".join([target, *relative.parts[:-1]])
                text = _NAMESPACE.sub(f"namespace: {namespace}", path.read_text(), count=1)
                flow_id = _flow_id(text)
                if flow_id is None:
                    if ignore_invalid:
                        ctx.logger.warn(f"Skipping '{directory}/{relative}': not a flow")
                        continue
                    raise TaskFailure(f"'{directory}/{relative}' is not a flow (no id)")
                key = (namespace, flow_id)
                seen.add(key)
                before = current.get(key)
                state = "ADDED" if before is None else "UPDATED"
                if before is not None and _same(before, text):
                    state = "UNCHANGED"
                revision = None
                if state != "UNCHANGED" and not dry_run:
                    try:
                        _, _, revision = store.deploy(text)
                    except TaskFailure as failure:
                        if not ignore_invalid:
                            raise TaskFailure(f"'{directory}/{relative}': {failure}") from None
                        ctx.logger.warn(f"Skipping invalid flow '{directory}/{relative}'")
                        continue
                rows.append(
                    _row(f"{directory}/{relative.as_posix()}", state, namespace, flow_id, revision)
                )
        if ctx.render_as(self.delete, bool):
            running = _running(ctx)
            for key in sorted(set(current) - seen):
                if key == running:
                    continue
                if not dry_run:
                    store.delete(*key)
                rows.append(_row(None, "DELETED", key[0], key[1], None))
        rows.sort(key=lambda row: (row.get("gitPath") is not None, row.get("gitPath") or ""))
        text = "".join(f"{dumps(row)}\n" for row in rows)
        return {"flows": ctx.files.put("diff.ion", text.encode())}


def _flow_files(folder: Path, children: bool) -> list[Path]:
    found = folder.rglob("*") if children else folder.glob("*")
    return sorted(
        path
        for path in found
        if path.is_file()
        and path.suffix in (".yml", ".yaml")
        and ".git" not in path.relative_to(folder).parts
    )


def _flow_id(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    flow_id = data.get("id") if isinstance(data, dict) else None
    return str(flow_id) if flow_id else None


def _same(stored: str, text: str) -> bool:
    def normal(value: str) -> str:
        return REVISION.sub("", value).replace("\r\n", "\n").strip()

    return normal(stored) == normal(text)


def _running(ctx: RunContext) -> tuple[str, str] | None:
    flow = ctx.variables.get("flow")
    if isinstance(flow, dict):
        return str(flow.get("namespace")), str(flow.get("id"))
    return None


def _row(
    git_path: str | None, state: str, namespace: str, flow_id: str, revision: int | None
) -> dict[str, Any]:
    row: dict[str, Any] = {"syncState": state, "flowId": flow_id, "namespace": namespace}
    if git_path is not None:
        row["gitPath"] = git_path
    if revision is not None:
        row["revision"] = revision
    return row
