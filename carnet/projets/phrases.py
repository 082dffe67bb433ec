"""Lists inside the importer's French messages (a leaf: the reader and the report share it)."""

from __future__ import annotations


def quote_list(items, limit: int = 10) -> str:
    """``« a », « b » et 3 autre(s)``: the first ``limit`` items, in French quotes."""
    items = [str(i) for i in items]
    shown = ", ".join(f"« {i} »" for i in items[:limit])
    return shown + (f" et {len(items) - limit} autre(s)" if len(items) > limit else "")


def number_list(numbers, limit: int = 10) -> str:
    """``2, 5, 9 et 3 autre(s)``: the first ``limit`` numbers (lines, features)."""
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" et {len(numbers) - limit} autre(s)" if len(numbers) > limit else "")
