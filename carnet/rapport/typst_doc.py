"""The Typst document of the PDF carnet, compiled with the ``typst`` wheel (no network).

Escaping: no data string is ever spliced into Typst markup. The content travels as one JSON
document through ``sys_inputs`` and the Typst source reads it with ``json(bytes(...))`` and
shows every field as a ``str`` (text, never markup, code, math, label or reference).
"""

from __future__ import annotations

import json
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)

#: The Typst source: a fixed template; data only through ``sys.inputs.carnet``.
TEMPLATE = r"""
#let data = json(bytes(sys.inputs.carnet))
#set document(title: data.titre)
#set page(paper: "a4", margin: 2cm,
  footer: context [#set text(size: 8pt); #data.genere_le #h(1fr)
    Page #counter(page).display() / #counter(page).final().first()])
#set text(font: "DejaVu Sans", size: 10pt, lang: "fr")
#align(center + horizon)[
  #text(size: 24pt, weight: "bold", data.titre)
  #v(1em)
  #text(size: 12pt, data.sous_titre)
]
#pagebreak()
#outline(title: "Sommaire")
#for s in data.sections [
  #pagebreak(weak: true)
  #heading(level: 1, s.titre)
  #for p in s.paragraphes [
    #par(p)
  ]
]
"""


def content_json(content: dict) -> str:
    """The content as the JSON the template reads (strings kept as they are)."""
    return json.dumps(content, ensure_ascii=False)


def compile_pdf(content: dict, output: Path | str | None = None) -> bytes:
    """Compile ``content`` (``titre``, ``sous_titre``, ``genere_le``, ``sections``: a list of
    ``{titre, paragraphes}``) to PDF bytes; written to ``output`` when given."""
    import typst

    pdf = typst.compile(TEMPLATE.encode("utf-8"), font_paths=list(FONT_DIRS),
                        sys_inputs={"carnet": content_json(content)})
    if output is not None:
        Path(output).write_bytes(pdf)
    return pdf
