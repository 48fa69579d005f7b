"""The results table."""

from __future__ import annotations

from dataclasses import dataclass

HEADER = "| benchmark | subject | measured | ratio | goal | met |\n|---|---|---|---|---|---|"


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, its ratio to its baseline, and the goal."""

    benchmark: str
    subject: str
    measured: str
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None

    def render(self) -> str:
        """The row as Markdown."""
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        met = {True: "yes", False: "**no**", None: ""}[self.met]
        cells = (self.benchmark, self.subject, self.measured, ratio, self.goal, met)
        return "| " + " | ".join(cells) + " |"


def table(rows: list[Row]) -> str:
    """Every row under the header."""
    return "\n".join([HEADER, *(row.render() for row in rows)])
