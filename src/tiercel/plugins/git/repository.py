"""Running the ``git`` binary for a task (not a plugin): credentials, errors, the shared
properties."""

import os
import shlex
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.sdk import KestraModel, Property, RunContext, TaskFailure, Text
from tiercel.sdk.credentials import masked_url

INSTALL = "apt-get install git"
_ASKPASS = """#!/bin/sh
case "$1" in
  *[Uu]sername*) printf '%s' "$TIERCEL_GIT_USERNAME" ;;
  *[Pp]assphrase*) printf '%s' "$TIERCEL_GIT_PASSPHRASE" ;;
  *) printf '%s' "$TIERCEL_GIT_PASSWORD" ;;
esac
"""


class GitProperties(KestraModel):
    """Kestra's ``AbstractGitTask``: the repository and how to authenticate."""

    url: Text = Field(description="The repository: HTTP(S), SSH or a local path/`file://`.")
    username: Text | None = Field(default=None, description="The HTTP user (a secret).")
    password: Text | None = Field(
        default=None, description="The HTTP password or personal access token (a secret)."
    )
    private_key: Text | None = Field(
        default=None, description="A PEM or OpenSSH private key for SSH URLs (a secret)."
    )
    passphrase: Text | None = Field(default=None, description="The private key's passphrase.")
    trusted_ca_pem_path: Text | None = Field(
        default=None, description="A CA bundle to trust for HTTPS (`http.sslCAInfo`)."
    )
    no_proxy: Property[bool] | None = Field(
        default=None, description="Ignore the proxy settings of the environment."
    )
    connect_timeout: Property[int] = Field(
        default=10000, description="HTTP connect timeout in milliseconds."
    )
    read_timeout: Property[int] = Field(
        default=60000,
        description="HTTP read timeout in milliseconds (a transfer slower than "
        "1 byte/s for this long is stopped).",
    )
    git_config: Property[dict[str, Any]] | None = Field(
        default=None, description="git config keys to set in the clone (`core.autocrlf`...)."
    )
    clone_submodules: Property[bool] | None = Field(
        default=None, description="Also clone the submodules."
    )


@dataclass
class Git:
    """git commands with a task's credentials, run in ``cwd``."""

    ctx: RunContext
    url: str
    env: dict[str, str]
    secrets: list[str]
    config: list[str] = field(default_factory=list)

    def run(self, args: Sequence[str], cwd: Path, *, action: str) -> str:
        """Run ``git args`` in ``cwd``; its standard output.

        Raises:
            TaskFailure: git failed: ``action`` and git's last error line, secrets masked.
        """
        binary = shutil.which("git")
        if binary is None:
            raise TaskFailure(f"The git tasks need the git binary: {INSTALL}")
        command = [binary, *self.config, *args]
        try:
            done = subprocess.run(
                command, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=3600
            )
        except subprocess.TimeoutExpired:
            raise TaskFailure(f"{action} took more than an hour") from None
        if done.returncode != 0:
            raise TaskFailure(f"{action} failed: {self.mask(_last_error(done.stderr))}")
        return done.stdout

    def mask(self, text: str) -> str:
        """``text`` with every secret of the task hidden."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "******")
        return text

    @property
    def shown_url(self) -> str:
        """The repository URL as messages show it."""
        return masked_url(self.mask(self.url))


@contextmanager
def open_git(ctx: RunContext, props: GitProperties) -> Iterator[Git]:
    """The git runner of a task: its rendered URL, and its credentials in the environment
    and in files of a private directory removed afterwards."""
    home = Path(tempfile.mkdtemp(prefix="tiercel-git-"))
    try:
        yield _git(ctx, props, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _git(ctx: RunContext, props: GitProperties, home: Path) -> Git:
    # Only Push may go without a URL (it then pushes the clone it finds to its origin).
    url = str(ctx.render(props.url)) if props.url is not None else ""
    secrets: list[str] = []
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "SSH_ASKPASS", "TIERCEL_GIT_"))
    }
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Kestra",
        GIT_AUTHOR_EMAIL="kestra@localhost",
        GIT_COMMITTER_NAME="Kestra",
        GIT_COMMITTER_EMAIL="kestra@localhost",
    )
    env["HOME"] = str(home)
    askpass = home / "askpass.sh"
    askpass.write_text(_ASKPASS)
    askpass.chmod(stat.S_IRWXU)
    for name, value in (
        ("USERNAME", props.username),
        ("PASSWORD", props.password),
        ("PASSPHRASE", props.passphrase),
    ):
        if value is not None:
            rendered = str(ctx.render(value))
            env[f"TIERCEL_GIT_{name}"] = rendered
            if name != "USERNAME":
                secrets.append(rendered)
    # Git asks the helper for the user and the password (both secrets, as Kestra marks them),
    # so neither is in the URL, on a command line or in a message.
    env["GIT_ASKPASS"] = str(askpass)
    config: list[str] = ["-c", "credential.helper="]
    if props.private_key is not None:
        key = str(ctx.render(props.private_key))
        secrets.append(key)
        key_file = home / "id_key"
        key_file.write_text(key if key.endswith("\n") else key + "\n")
        key_file.chmod(stat.S_IRUSR | stat.S_IWUSR)
        ssh = [
            "ssh", "-i", str(key_file), "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=accept-new",
            "-o", f"UserKnownHostsFile={home / 'known_hosts'}", "-o", "BatchMode=no",
        ]  # fmt: skip
        env["GIT_SSH_COMMAND"] = shlex.join(ssh)
        env["SSH_ASKPASS"] = str(askpass)
        env["SSH_ASKPASS_REQUIRE"] = "force"
        env["DISPLAY"] = env.get("DISPLAY", ":0")
    if props.trusted_ca_pem_path is not None:
        config += ["-c", f"http.sslCAInfo={ctx.render(props.trusted_ca_pem_path)}"]
    if props.no_proxy is not None and ctx.render_as(props.no_proxy, bool):
        config += ["-c", "http.proxy="]
    read_seconds = max(1, ctx.render_as(props.read_timeout, int) // 1000)
    config += ["-c", "http.lowSpeedLimit=1", "-c", f"http.lowSpeedTime={read_seconds}"]
    return Git(ctx, url, env, secrets, config)


def apply_config(git: Git, props: GitProperties, repo: Path) -> None:
    """Set the task's ``gitConfig`` in the clone at ``repo``."""
    if props.git_config is None:
        return
    values = git.ctx.render(props.git_config)
    if not isinstance(values, Mapping):
        raise TaskFailure("gitConfig: must map git config keys to values")
    for key, value in values.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        git.run(["config", str(key), text], repo, action=f"git config {key}")


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        # A refused push ("[rejected]" when the branch moved, "[remote rejected]" when a hook
        # declined): say which ref and why.
        if "rejected]" in line:
            kind, _, rest = line.partition("]")
            return f"{kind.strip(' ![')}: {rest.strip()}"
    for line in reversed(lines):
        if line.startswith(("fatal:", "error:", "remote:")):
            return line
    return lines[-1] if lines else "no message"
