"""The README's server examples do what it says, against a live server deploying examples/."""

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import LiveServer, start_live

from tiercel.wiring.server import ServerConfig

ROOT = Path(__file__).resolve().parents[2]


def server_section_commands() -> list[str]:
    """The shell lines of the README's first ``sh`` block under "## Server"."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Server\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    text = block.group(1).replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in text.splitlines() if line.strip()]


def curl(client: httpx.Client, base: str, command: str) -> httpx.Response:
    """Run a ``curl`` line of the README with the client: -X, -H, -F and -d only."""
    words = shlex.split(command)
    assert words[0] == "curl"
    method, url, headers = "GET", "", {}
    files: dict[str, tuple[None, str]] = {}
    body: str | None = None
    rest = iter(words[1:])
    for word in rest:
        if word == "-X":
            method = next(rest)
        elif word == "-H":
            name, _, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-F":
            name, _, value = next(rest).partition("=")
            files[name] = (None, value)
        elif word == "-d":
            body = next(rest)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            method = method if method != "GET" else "POST"
        else:
            url = word
    assert url.startswith("localhost:8080/"), url
    target = base + url.removeprefix("localhost:8080")
    return client.request(method, target, headers=headers, files=files or None, content=body)


@pytest.fixture
def examples_server(tmp_path: Path) -> Iterator[LiveServer]:
    commands = server_section_commands()
    assert commands[0].startswith("tiercel server local --flows examples/")
    config = ServerConfig(data_dir=tmp_path / "data", threads=2, flows_dir=ROOT / "examples")
    yield from start_live(config)


def test_the_readme_server_examples_answer_as_written(examples_server: LiveServer) -> None:
    live = examples_server
    answers = [curl(live.client, live.url, c) for c in server_section_commands()[1:]]
    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    run, hook, search = (a.json() for a in answers)
    assert run["state"]["current"] == "SUCCESS"
    assert run["inputs"] == {"name": "ada"}
    assert hook["inputs"] == {"name": "grace"}
    ended = live.wait_ended(hook["id"])
    assert ended["state"]["current"] == "SUCCESS"
    assert {e["id"] for e in search["results"]} >= {run["id"], hook["id"]}
    logs = live.client.get(f"/api/v1/main/logs/{hook['id']}").json()
    assert any(line["message"] == "Hello, grace!" for line in logs)
