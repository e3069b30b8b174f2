"""No class of the runtime grows past 250 lines: the runtime is composed of small parts, and a
class that keeps growing is a part that wants splitting (issue 12)."""

import ast
from pathlib import Path

import tiercel.runtime

LIMIT = 250


def _classes(source: str) -> list[tuple[str, int, int]]:
    """Every class of a module (nested ones too): its name, first line and line count."""
    return [
        (node.name, node.lineno, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
    ]


def test_no_runtime_class_exceeds_the_limit() -> None:
    root = Path(tiercel.runtime.__file__).parent
    modules = sorted(root.rglob("*.py"))
    assert modules, "the runtime package has no module"
    too_long = [
        f"{path.relative_to(root)}:{line} {name} has {size} lines"
        for path in modules
        for name, line, size in _classes(path.read_text(encoding="utf-8"))
        if size > LIMIT
    ]
    assert too_long == [], f"runtime classes over {LIMIT} lines: {too_long}"


def test_the_measure_counts_a_class_from_its_line_to_its_last() -> None:
    source = "class Big:\n" + "    x = 1\n" * (LIMIT + 1) + "\n\nclass Small:\n    pass\n"
    sizes = {name: size for name, _, size in _classes(source)}
    assert sizes == {"Big": LIMIT + 2, "Small": 2}
