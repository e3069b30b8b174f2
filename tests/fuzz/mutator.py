"""A seeded mutator: hostile variants of flows and of HTTP requests, the same on every run.

No generator library: each mutation is a small function of a ``random.Random`` with a fixed
seed, so a failure names the case number that reproduces it.
"""

import copy
import json
import random
from pathlib import Path
from typing import Any, TypeVar

import yaml

SEED = 20261207

T = TypeVar("T")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SEED_FLOWS = [
    """\
id: inputs_and_outputs
namespace: company.team
labels:
  team: data
inputs:
  - id: name
    type: STRING
    defaults: world
  - id: count
    type: INT
    defaults: 3
  - id: when
    type: DATETIME
    required: false
  - id: choice
    type: SELECT
    values: [a, b]
    defaults: a
variables:
  greeting: "hello {{ inputs.name }}"
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "{{ vars.greeting }} x{{ inputs.count }}"
  - id: ret
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.count * 2 }}"
outputs:
  - id: doubled
    type: STRING
    value: "{{ outputs.ret.value }}"
""",
    """\
id: control
namespace: company.team
tasks:
  - id: parallel
    type: io.kestra.plugin.core.flow.Parallel
    concurrent: 2
    tasks:
      - id: a
        type: io.kestra.plugin.core.log.Log
        message: a
      - id: b
        type: io.kestra.plugin.core.log.Log
        message: b
  - id: switch
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ outputs.a is defined }}"
    cases:
      "true":
        - id: yes
          type: io.kestra.plugin.core.log.Log
          message: yes
    defaults:
      - id: no
        type: io.kestra.plugin.core.log.Log
        message: no
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2, 3]
    concurrencyLimit: 1
    tasks:
      - id: item
        type: io.kestra.plugin.core.log.Log
        message: "{{ taskrun.value }}"
errors:
  - id: failed
    type: io.kestra.plugin.core.log.Log
    level: ERROR
    message: failed
""",
    """\
id: triggered
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.shell.Commands
    timeout: PT1M
    retry:
      type: constant
      interval: PT1S
      maxAttempts: 2
    commands:
      - echo hi
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: abc
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
  - id: after
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [SUCCESS]
concurrency:
  limit: 1
  behavior: QUEUE
""",
    """\
id: dag
namespace: company.team.sub
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: first
          type: io.kestra.plugin.core.debug.Return
          format: one
      - task:
          id: second
          type: io.kestra.plugin.core.debug.Return
          format: "{{ outputs.first.value }}"
        dependsOn: [first]
  - id: pause
    type: io.kestra.plugin.core.flow.Pause
    delay: PT1S
  - id: kv
    type: io.kestra.plugin.core.kv.Set
    key: k
    value: "{{ outputs.second.value }}"
""",
]

HOSTILE_SCALARS: list[Any] = [
    "9" * 4301,
    "-" + "9" * 5000,
    "1e999999",
    ".nan",
    "-.inf",
    "0x" + "f" * 5000,
    "{{",
    "{{ }}",
    "{{ outputs. }}",
    "{{ 1 / 0 }}",
    "{{ inputs.x | nope }}",
    "{% for %}",
    "x" * 70_000,
    "\x00",
    "\ud800",
    "é" * 300,
    "../../etc/passwd",
    "io.kestra.plugin.core.log." + "L" * 60_000,
    "io.kestra.plugin.core.flow.Branch",
    "P" + "9" * 400 + "D",
    "PT-1S",
    "* * * * * * * *",
    "",
    None,
    True,
    -1,
    0,
    2**63,
    -(2**63) - 1,
    1.5,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
    {"type": "io.kestra.plugin.core.log.Log"},
    {"{{": "}}"},
]

HOSTILE_TEXT = [
    "\t",
    "\x00",
    "\ufeff",
    "&a [1]",
    "*a",
    "*undefined",
    "<<: *a",
    "!!python/object:os.system ls",
    "!!binary AAAA",
    "!!int abc",
    "!!float x",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "? [a, b]\n: c",
    "{a: 1, a: 2}",
    "[" * 300,
    "{" * 300,
    "- " * 300,
    "9" * 5000,
    "1e999999",
    "'unterminated",
    '"unterminated',
    "|\n  block",
    ">-",
    "%YAML 1.1",
    "---",
    "...",
    "---\nid: second\nnamespace: x\ntasks: []",
    "\r\n",
    "\u2028",
    "\U0001f680" * 100,
    "{{ " * 50,
    "key: " + "v" * 20_000,
]


def _choice(rng: random.Random, items: list[T]) -> T:
    return items[rng.randrange(len(items))]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a node of a YAML tree (mapping keys and list indexes)."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _tree_mutation(rng: random.Random, data: Any) -> None:
    """Change one to three nodes of a parsed flow, in place."""
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(data) if p]
        if not paths:
            return
        path = _choice(rng, paths)
        parent = _get(data, path[:-1])
        last = path[-1]
        action = rng.randrange(6)
        if action == 0:  # a hostile value
            parent[last] = copy.deepcopy(_choice(rng, HOSTILE_SCALARS))
        elif action == 1:  # drop the node
            del parent[last]
        elif action == 2:  # a node of the wrong shape
            current = parent[last]
            parent[last] = [current] if not isinstance(current, list) else {"x": current}
        elif action == 3 and isinstance(parent, dict):  # an unknown or duplicate key
            key = _choice(rng, ["typ", "tasks", "id", "{{ x }}", "x" * 500, "type"])
            parent[key] = copy.deepcopy(parent[last])
        elif action == 4 and isinstance(parent, list):  # duplicate an item (ids clash)
            parent.append(copy.deepcopy(parent[last]))
        else:  # nest the value deeply
            value = parent[last]
            for _ in range(rng.choice([5, 50, 250])):
                value = [value] if rng.random() < 0.5 else {"k": value}
            parent[last] = value


def _dump(data: Any) -> str | None:
    try:
        text: str = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, RecursionError, UnicodeError):
        return None  # the dumper's own limits (a lone surrogate...)
    return text


def _text_mutation(rng: random.Random, source: str) -> str:
    """Insert, delete, duplicate or flip at the character and line level."""
    lines = source.splitlines()
    for _ in range(rng.randint(1, 4)):
        action = rng.randrange(7)
        index = rng.randrange(len(lines)) if lines else 0
        if action == 0 and lines:  # a hostile token at the end of a line
            lines[index] = lines[index] + " " + _choice(rng, HOSTILE_TEXT)
        elif action == 1 and lines:  # a value replaced by a hostile token
            head, sep, _ = lines[index].partition(": ")
            if sep:
                lines[index] = f"{head}: {_choice(rng, HOSTILE_TEXT)}"
        elif action == 2 and lines:
            del lines[index]
        elif action == 3 and lines:
            lines.insert(index, lines[index])
        elif action == 4 and lines:  # indentation broken
            lines[index] = " " * rng.randint(0, 7) + lines[index].lstrip()
        elif action == 5:  # truncated
            text = "\n".join(lines)
            lines = text[: rng.randrange(len(text) + 1)].splitlines()
        else:  # random characters, control ones included
            text = "\n".join(lines)
            at = rng.randrange(len(text) + 1)
            noise = "".join(chr(rng.choice([rng.randrange(32), rng.randrange(32, 0x3000)]))
                            for _ in range(rng.randint(1, 8)))  # fmt: skip
            lines = (text[:at] + noise + text[at:]).splitlines()
    return "\n".join(lines) + "\n"


def seed_flows() -> list[str]:
    """The flows mutated: the seeds above and the repository's examples."""
    return SEED_FLOWS + [path.read_text() for path in sorted(EXAMPLES.glob("*.yaml"))]


def mutated_flows(count: int, seed: int = SEED) -> list[str]:
    """``count`` mutated flows, the same ones for the same seed: a tree mutation (parsed
    once, dumped with libyaml), a text mutation, or both."""
    rng = random.Random(seed)
    sources = seed_flows()
    trees = [yaml.load(source, Loader=yaml.CSafeLoader) for source in sources]
    flows = []
    for _ in range(count):
        index = rng.randrange(len(sources))
        source: str | None = None
        kind = rng.randrange(3)
        if kind != 1:
            tree = copy.deepcopy(trees[index])
            _tree_mutation(rng, tree)
            source = _dump(tree)
        if source is None or kind != 0:
            source = _text_mutation(rng, source or sources[index])
        flows.append(source)
    return flows


# Requests

HOSTILE_SEGMENTS = [
    "x" * 300,
    "é" * 200,
    "%00",
    "a%00b",
    "%0D%0AX-Injected:%201",
    "%C4%80",
    "%ED%A0%80",
    "%FF%FE",
    "..",
    "%2E%2E%2F%2E%2E",
    "9" * 5000,
    "-1",
    "0",
    "1" + "0" * 18,
    "{{ 7 * 7 }}",
    "' OR 1=1 --",
    "%25",
    "%",
    "a b",
    "*",
    "company.team",
    "company..team",
    ".",
]

HOSTILE_QUERY_VALUES = [
    "",
    "-1",
    "0",
    "9" * 5000,
    "1" + "0" * 18,
    "1e999999",
    "NaN",
    "true",
    "maybe",
    "2026-13-45T99:99:99",
    "9999-12-31T23:59:59Z",
    "\x00",
    "é" * 100,
    "x" * 20_000,
    "a:b",
    ":",
    "timestamp:sideways",
    "SUCCESS",
    "NOT_A_STATE",
    "{{ 1 }}",
    "%",
    "_",
]

JSON_BODIES: list[bytes] = [
    b"[" * 100_000,
    b"{" * 50_000,
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b"[1e999999]",
    b'{"n": ' + b"9" * 5000 + b"}",
    b'{"s": "\\ud800"}',
    b'{"s": "\\udfff\\ud800"}',
    b'{"a": 1',
    b"null",
    b"42",
    b'"text"',
    b"[]",
    b"{}",
    b'{"keys": ["a", 1, null]}',
    b'{"taskRunId": "x", "state": "SUCCESS"}',
    b'{"executionsId": ["nope"], "executionLabels": [{"key": "a", "value": "b"}]}',
    b'[{"key": "", "value": "x"}]',
    b'{"name": {"deep": [1, 2, {"x": null}]}}',
    b"\xff\xfe\x00",
    b"\x00" * 100,
]

MODEL_BODIES: list[bytes] = [
    # Shaped like the body models (labels, task run state, triggers), with hostile values.
    b'[{"key": "a", "value": "\\ud800"}]',
    b'[{"key": "a", "value": ' + b"9" * 5000 + b"}]",
    b'{"executionsId": ["\\ud800"], "executionLabels": [{"key": "a", "value": "b"}]}',
    b'{"taskRunId": "\\udfff", "state": "SUCCESS"}',
    b'{"taskRunId": "x", "state": "NOT_A_STATE"}',
    b'{"namespace": "fuzz.team", "flowId": "ok", "triggerId": "hook", "backfill": '
    b'{"start": "2026-01-01T00:00:00Z", "inputs": {"n": "\\ud800"}}}',
    b'{"namespace": "fuzz.team", "flowId": "ok", "triggerId": "hook", "backfill": '
    b'{"start": "9999-99-99"}}',
    b'{"triggers": [{"namespace": "a", "flowId": "b", "triggerId": "c"}], "disabled": NaN}',
    b'{"triggers": [], "disabled": true}',
]

CONTENT_TYPES = [
    "application/json",
    "application/x-yaml",
    "text/plain",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/json; charset=latin-1",
    "",
    "*/*",
    'application/json; boundary="',
]

BROKEN_MULTIPART = [
    b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--x--\r\n',
    b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--\r\n",
    b'--x\r\nContent-Disposition: form-data; name="f"; filename="../../x"\r\n\r\nv\r\n',
    b"--x\r\n\r\n",
    b"garbage without boundary",
    b'--x\r\nContent-Disposition: form-data; name="' + b"n" * 5000 + b'"\r\n\r\nv\r\n--x--\r\n',
]


def yaml_bodies(rng: random.Random) -> bytes:
    """A flow body: mutated, or one of the hostile texts."""
    if rng.random() < 0.7:
        return mutated_flows(1, rng.randrange(1 << 30))[0].encode("utf-8", "surrogatepass")
    return _choice(rng, HOSTILE_TEXT).encode("utf-8", "surrogatepass")


def random_body(rng: random.Random) -> tuple[bytes, str | None]:
    """A body and the Content-Type it is sent with (None: no header)."""
    kind = rng.randrange(5)
    if kind == 0:
        return _choice(rng, JSON_BODIES), _choice(rng, ["application/json", None])
    if kind == 1:
        return yaml_bodies(rng), _choice(rng, ["application/x-yaml", "text/plain"])
    if kind == 2:
        return _choice(rng, BROKEN_MULTIPART), _choice(rng, CONTENT_TYPES[3:6])
    if kind == 3:
        return rng.randbytes(rng.randint(0, 3000)), _choice(rng, CONTENT_TYPES) or None
    value = json.dumps({"k": _choice(rng, HOSTILE_QUERY_VALUES)}).encode()
    return value, _choice(rng, CONTENT_TYPES) or None


def choice(rng: random.Random, items: list[T]) -> T:
    """One of ``items``."""
    return _choice(rng, items)
