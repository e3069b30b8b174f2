"""The role builders: which pieces each role runs in a process, and the roles refused."""

from pathlib import Path

import pytest

from tiercel.ops.ports import EndSignal, StoredEnds
from tiercel.runtime.shared import RemoteRunner
from tiercel.wiring.server import Role, ServerConfig, running_part


def config(tmp_path: Path) -> ServerConfig:
    return ServerConfig(data_dir=tmp_path / "data", threads=2, shutdown_grace_seconds=1)


@pytest.mark.parametrize(
    ("role", "executor", "worker", "scheduler", "app"),
    [
        (Role.LOCAL, True, False, True, True),
        (Role.STANDALONE, True, True, True, True),
        (Role.EXECUTOR, True, False, True, False),
        (Role.WORKER, False, True, False, False),
        (Role.SCHEDULER, False, False, True, False),
        (Role.WEBSERVER, False, False, False, True),
    ],
)
def test_each_role_runs_its_pieces(
    tmp_path: Path, role: Role, executor: bool, worker: bool, scheduler: bool, app: bool
) -> None:
    with running_part(config(tmp_path), [role.value]) as part:
        assert (part.executor is not None, part.worker is not None) == (executor, worker)
        assert (part.scheduler is not None, part.app is not None) == (scheduler, app)
        if executor:
            # The API and the scheduler of this process hand executions to it directly.
            assert part.runner is part.executor and isinstance(part.ends, EndSignal)
        else:
            assert isinstance(part.runner, RemoteRunner) and isinstance(part.ends, StoredEnds)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["local", "worker"], "the role local runs every role: it takes no other"),
        (["standalone", "local"], "runs every role: it takes no other"),
        (["executor", "cook"], "'cook' is not a valid Role"),
    ],
)
def test_roles_that_cannot_run_together_or_do_not_exist(
    tmp_path: Path, roles: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message), running_part(config(tmp_path), roles):
        pass
