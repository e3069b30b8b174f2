"""What is wrong with a flow, and where."""

from dataclasses import dataclass

PathPart = str | int
Path = tuple[PathPart, ...]


def format_path(path: Path) -> str:
    """Render a path inside a flow as ``tasks[1].tasks[0].type``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule a flow breaks, at a path inside the flow."""

    path: Path
    message: str

    def under(self, prefix: Path) -> "Violation":
        """Return the same violation with its path placed under ``prefix``."""
        return Violation(prefix + self.path, self.message)


@dataclass(frozen=True, slots=True)
class Problem:
    """An error a person can act on: the file, line and column, the path and the message."""

    source: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
