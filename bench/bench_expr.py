"""Micro-benchmarks for tiercel.expr: run ``python bench/bench_expr.py``.

Prints microseconds per operation for a cached render of a typical expression (the target is
under 20 µs), a cold compile, a filter-heavy expression and a for loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import tiercel.expr as expr

CONTEXT = {
    "inputs": {"name": "world", "items": list(range(20)), "when": "2024-01-16T10:00:00Z"},
    "flow": {"id": "hello", "namespace": "company.team"},
    "outputs": {"extract": {"rows": [{"id": i, "name": f"row {i}"} for i in range(10)]}},
}

TYPICAL = "Hello {{ inputs.name | upper }} from {{ flow.namespace }}"
FILTER_HEAVY = (
    "{{ inputs.name | title | replace({'W': 'V'}) | abbreviate(10) }}-"
    "{{ inputs.when | date('yyyy-MM-dd', timeZone='Europe/Paris') }}-"
    "{{ outputs.extract.rows | length }}-{{ flow.namespace | slugify | sha256 | slice(0, 8) }}"
)
CONDITION = "inputs.items | length > 3"
LOOP = "{% for row in outputs.extract.rows %}{{ loop.index }}:{{ row.name | upper }},{% endfor %}"


def per_call(function: Callable[[], object], repeat: int) -> float:
    """Mean microseconds per call over ``repeat`` calls (after one warm-up call)."""
    function()
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat * 1e6


def cold_compile() -> None:
    expr.clear_cache()
    expr.compile_template(TYPICAL)


def main() -> None:
    runs: list[tuple[str, Callable[[], object], int]] = [
        ("cached render, typical expression", lambda: expr.render(TYPICAL, CONTEXT), 100_000),
        ("cold compile, typical expression", cold_compile, 2_000),
        ("cached render, filter-heavy", lambda: expr.render(FILTER_HEAVY, CONTEXT), 20_000),
        ("cached render, 10-row for loop", lambda: expr.render(LOOP, CONTEXT), 20_000),
        (
            "evaluate, 'inputs.items | length > 3'",
            lambda: expr.evaluate(CONDITION, CONTEXT),
            100_000,
        ),
        ("render, plain text (no braces)", lambda: expr.render("no template", CONTEXT), 100_000),
    ]
    for label, function, repeat in runs:
        print(f"{label:<40} {per_call(function, repeat):9.2f} µs  ({repeat} runs)")


if __name__ == "__main__":
    main()
