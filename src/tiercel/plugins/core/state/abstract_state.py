"""The properties and the state store the deprecated ``state`` tasks share (not a plugin).

Since Kestra 0.18 a state is a KV pair of the flow's namespace, holding a JSON object. Its key
is ``<flow slug>_states_tasks-states_<name>``, without the flow part when the state is shared by
the namespace, plus ``_<hash of taskrun.value>`` inside a loop (Kestra's ``StateStore``). The
same keys are used here, so a state written by one engine is read by the other.
"""

import json
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text

TASKS_STATES = "tasks-states"
"""The state name Kestra gives the states of these tasks."""


class AbstractState(RunnableTask):
    """A state file of the flow, optionally shared by the namespace."""

    name: Text = Field(default="default", description="The name of the state file.")
    namespace: Property[bool] = Field(
        default=False, description="Share the state with every flow of the namespace."
    )
    taskrun_value: Property[bool] = Field(
        default=True, description="Keep a separate state per `taskrun.value` in loops."
    )

    def state_name(self, ctx: RunContext) -> str:
        """The rendered ``name``."""
        return str(ctx.render(self.name))

    def state_key(self, ctx: RunContext) -> str:
        """The KV key of this task's state."""
        key = f"states_{TASKS_STATES}_{self.state_name(ctx)}"
        if not ctx.render_as(self.namespace, bool):
            key = f"{ctx.render('{{ flow.id | slugify }}')}_{key}"
        if ctx.render_as(self.taskrun_value, bool):
            value = (ctx.variables.get("taskrun") or {}).get("value")
            if value is not None:
                key = f"{key}_{murmur3_128_hex(str(value))}"
        return key

    def read_state(self, ctx: RunContext) -> dict[str, Any] | None:
        """The state's data, or None when there is no state."""
        stored = ctx.kv(_flow_namespace(ctx)).get(self.state_key(ctx))
        if stored is None:
            return None
        data = json.loads(stored) if isinstance(stored, str | bytes) else stored
        if not isinstance(data, Mapping):
            raise TaskFailure(f"State '{self.state_name(ctx)}' does not hold a JSON object")
        return dict(data)

    def merge_state(self, ctx: RunContext, data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Merge ``data`` into the state and store it; return the key and the merged data."""
        merged = merge(self.read_state(ctx) or {}, data)
        key = self.state_key(ctx)
        text = json.dumps(merged, ensure_ascii=False, separators=(",", ":"), default=str)
        ctx.kv(_flow_namespace(ctx)).set(key, text)
        return key, merged

    def delete_state(self, ctx: RunContext) -> bool:
        """Delete the state; tell whether there was one."""
        return ctx.kv(_flow_namespace(ctx)).delete(self.state_key(ctx))


def merge(current: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Kestra's ``MapUtils.merge``: maps merge recursively, lists are joined without adding
    items already there, a null keeps the old value, anything else replaces it."""
    result = dict(current)
    for key, new in update.items():
        old = result.get(key)
        if new is None:
            continue
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            result[key] = merge(old, new)
        elif isinstance(old, list) and isinstance(new, list):
            result[key] = old + [item for item in new if item not in old]
        else:
            result[key] = new
    return result


def _flow_namespace(ctx: RunContext) -> str:
    return str(ctx.variables["flow"]["namespace"])


_MASK = (1 << 64) - 1
_C1 = 0x87C37B91114253D5
_C2 = 0x4CF5AD432745937F


def murmur3_128_hex(text: str) -> str:
    """Guava's ``Hashing.murmur3_128().hashString(text, UTF_8).toString()`` (seed 0).

    MurmurHash3 x64 128-bit; Guava prints the two 64-bit halves as little-endian bytes in hex.
    """
    data = text.encode("utf-8")
    h1 = h2 = 0
    full = len(data) - len(data) % 16
    for offset in range(0, full, 16):
        k1 = int.from_bytes(data[offset : offset + 8], "little")
        k2 = int.from_bytes(data[offset + 8 : offset + 16], "little")
        h1 ^= _mix_k1(k1)
        h1 = (_rotl(h1, 27) + h2) & _MASK
        h1 = (h1 * 5 + 0x52DCE729) & _MASK
        h2 ^= _mix_k2(k2)
        h2 = (_rotl(h2, 31) + h1) & _MASK
        h2 = (h2 * 5 + 0x38495AB5) & _MASK
    tail = data[full:]
    if len(tail) > 8:
        h2 ^= _mix_k2(int.from_bytes(tail[8:], "little"))
    if tail:
        h1 ^= _mix_k1(int.from_bytes(tail[:8], "little"))
    h1 ^= len(data)
    h2 ^= len(data)
    h1 = (h1 + h2) & _MASK
    h2 = (h2 + h1) & _MASK
    h1 = _fmix(h1)
    h2 = _fmix(h2)
    h1 = (h1 + h2) & _MASK
    h2 = (h2 + h1) & _MASK
    return (h1.to_bytes(8, "little") + h2.to_bytes(8, "little")).hex()


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def _mix_k1(k1: int) -> int:
    return (_rotl((k1 * _C1) & _MASK, 31) * _C2) & _MASK


def _mix_k2(k2: int) -> int:
    return (_rotl((k2 * _C2) & _MASK, 33) * _C1) & _MASK


def _fmix(value: int) -> int:
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & _MASK
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & _MASK
    return value ^ (value >> 33)
