"""The suite runs from a clone of the repository alone: without Kestra's corpus its tests are
skipped with one line naming what is missing, except under CI, where that fails."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A corpus module, and one whose corpus test is a single function among others.
MODULES = ["tests/compat/test_validation_corpus.py", "tests/ops/test_executions.py"]


def collect(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--co", *MODULES],
        cwd=ROOT,
        env={**environment, "TIERCEL_KESTRA_COMPAT": str(tmp_path / "nowhere")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_without_the_corpus_its_tests_are_skipped_naming_the_missing_file(tmp_path: Path) -> None:
    done = collect(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    missing = f"{tmp_path / 'nowhere' / 'catalog.json'} is missing"
    loud = [line for line in done.stdout.splitlines() if line.startswith("Kestra corpus tests")]
    assert loud == [f"Kestra corpus tests skipped: {missing} (set $TIERCEL_KESTRA_COMPAT "
                    "to a kestra-compat folder)"]  # fmt: skip
    assert "test_kestras_restart_last_failed_case" in done.stdout  # collected, skipped when run


def test_under_ci_a_missing_corpus_fails(tmp_path: Path) -> None:
    done = collect(tmp_path, CI="true")
    assert done.returncode != 0
    assert "Kestra corpus tests cannot run under CI" in done.stdout
