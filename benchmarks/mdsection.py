"""Write one benchmark's section of a shared Markdown results file, keeping the others.

Several scripts report into the same ``.md`` (``bench_projets.py`` and
``bench_projets_browser.py`` into ``bench_projets.md``); each owns the section that starts
with its own ``## `` heading and ends before the next ``## `` heading (or the end of the file).
"""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, heading: str, body: str, *, title: str | None = None) -> str:
    """Replace (or append) the ``## heading`` section of ``path`` with ``body``.

    Parameters
    ----------
    path : pathlib.Path
        The Markdown file (created, with ``# title`` first, when absent).
    heading : str
        The section's heading text, without the ``## `` marker.
    body : str
        The section's text, under its heading.
    title : str, optional
        The file's ``# `` title when the file is created.

    Returns
    -------
    str
        The file's new text.
    """
    old = path.read_text(encoding="utf-8") if path.exists() else (f"# {title}\n" if title else "")
    lines = old.splitlines()
    marker = f"## {heading}"
    section = [marker, "", *body.strip("\n").splitlines(), ""]
    if marker in lines:
        start = lines.index(marker)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        lines[start:end] = section
    else:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", *section]
    text = "\n".join(lines).rstrip("\n") + "\n"
    path.write_text(text, encoding="utf-8")
    return text
