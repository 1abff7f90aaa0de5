"""Problems found in content or configuration, reported as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning about a source file; `line` is 1-based, or None for the whole file."""

    path: str
    line: int | None
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        kind = "error" if self.is_error else "warning"
        return f"{where}: {kind}: {self.message}"


@dataclass
class Problems:
    """Collects every problem of a run so that they are reported together."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line, message, True))

    def warning(self, path: str, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line, message, False))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def sorted(self) -> list[Problem]:
        # Sorted by file and line so that the report reads like a compiler's.
        return sorted(self.items, key=lambda p: (p.path, p.line or 0, not p.is_error, p.message))


class BuildFailed(Exception):
    """The build stopped before publishing; `problems` says why."""

    def __init__(self, problems: Problems | list[Problem], summary: str = "build failed") -> None:
        self.problems = problems if isinstance(problems, Problems) else Problems(list(problems))
        super().__init__(summary)

    def __reduce__(self):  # noqa: ANN204 - so that it crosses from a worker process intact
        return (BuildFailed, (self.problems, str(self)))


class OutputError(Exception):
    """The output folder cannot be used (not ours, or a path would escape it)."""
