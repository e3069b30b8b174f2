"""The environment a task's process starts from."""

from tiercel.runtime.environment import task_environment

SERVER = {
    "PATH": "/usr/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "LC_TIME": "fr_FR.UTF-8",
    "TZ": "UTC",
    "TIERCEL_DATABASE_URL": "postgresql://u:p@db/t",
    "SECRET_KEY": "c2VjcmV0",
    "ENV_REGION": "eu",
    "AWS_REGION": "eu-west-1",
    "AWS_SECRET_ACCESS_KEY": "aws-secret",
    "OTHER": "other",
    "DATABASE_URL": "postgresql://u:p@db/t",
}


def test_only_the_base_names_pass_by_default() -> None:
    assert task_environment(SERVER) == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "LC_TIME": "fr_FR.UTF-8",
        "TZ": "UTC",
    }


def test_allowed_names_and_globs_pass_but_never_settings_secrets_or_hidden_values() -> None:
    chosen = task_environment(
        SERVER,
        ["AWS_*", "OTHER", "TIERCEL_*", "SECRET_KEY", "ENV_REGION", "DATABASE_URL"],
        hidden_prefixes=("TIERCEL_", "SECRET_", "ENV_"),
        hidden_values=["postgresql://u:p@db/t"],
    )
    assert set(chosen) == {
        "PATH", "HOME", "LANG", "LC_TIME", "TZ", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "OTHER",
    }  # fmt: skip


def test_a_missing_path_gets_the_default_one() -> None:
    assert task_environment({})["PATH"]
