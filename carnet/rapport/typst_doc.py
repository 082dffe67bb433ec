"""The Typst document of the PDF carnet, compiled with the ``typst`` wheel (no network).

Escaping: no data string is ever spliced into Typst markup. The content travels as one JSON
document through ``sys_inputs`` and the Typst source reads it with ``json(bytes(...))`` and
shows every field as a ``str`` (text, never markup, code, math, label or reference).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from carnet.errors import CarnetError, lookup

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)

#: Kinds of block a section holds (``type`` of each of its ``blocs``); drawn by ``bloc`` below.
BLOCS = ("texte", "intertitre", "liste", "note", "chiffres", "tableau", "image")

#: The Typst source: a fixed template; data only through ``sys.inputs.carnet``, images only
#: as files of the build folder named by :func:`compile_pdf` (never by data).
TEMPLATE = r"""
#let data = json(bytes(sys.inputs.carnet))
#set document(title: data.titre)
#set page(paper: "a4", margin: (x: 2cm, top: 2cm, bottom: 2.2cm),
  footer: context [#set text(size: 8pt, fill: luma(60)); #data.genere_le #h(1fr)
    Page #counter(page).display() / #counter(page).final().first()])
#set text(font: "DejaVu Sans", size: 9.5pt, lang: "fr")
#set par(justify: false, leading: 0.6em)
#set heading(numbering: "1.")
#show heading.where(level: 1): it => block(below: 1em, sticky: true, text(size: 16pt, it))
#show heading.where(level: 2): it => block(above: 1.2em, below: 0.6em, sticky: true, text(size: 11.5pt, it))
#set table(stroke: 0.4pt + luma(150), inset: 4pt)
#show table: set text(size: 8.5pt)
#show figure.caption: set text(size: 8pt)

#let bloc(b) = {
  if b.type == "texte" { par(b.texte) }
  else if b.type == "intertitre" { heading(level: 2, b.texte) }
  else if b.type == "liste" { list(..b.items) }
  else if b.type == "note" { block(text(size: 8pt, fill: luma(60), b.texte)) }
  else if b.type == "chiffres" {
    table(columns: (auto, auto, auto, auto), align: (left, right, right, left),
      table.header(..b.entetes.map(h => strong(h))),
      ..b.lignes.map(l => (l.libelle, l.valeur, l.reference, l.source)).flatten())
  }
  else if b.type == "tableau" {
    set text(size: if b.entetes.len() > 5 { 7.5pt } else { 8.5pt })
    table(columns: b.entetes.len(), table.header(..b.entetes.map(h => strong(h))), ..b.lignes.flatten())
  }
  else if b.type == "image" {
    figure(image(b.fichier, width: b.largeur * 1%), caption: b.legende, gap: 0.6em)
  }
}

#align(center + horizon)[
  #text(size: 11pt, fill: luma(60), data.surtitre)
  #v(0.6em)
  #text(size: 26pt, weight: "bold", data.titre)
  #v(1em)
  #text(size: 12pt, data.sous_titre)
  #v(2em)
  #text(size: 9pt, fill: luma(60), data.mention)
]
#pagebreak()
#outline(title: "Sommaire", depth: 1)
#for s in data.sections [
  #pagebreak(weak: true)
  #heading(level: 1, s.titre)
  #for p in s.at("paragraphes", default: ()) [
    #par(p)
  ]
  #for b in s.at("blocs", default: ()) [
    #bloc(b)
  ]
]
"""

#: Names of the files a build may hold (images written by us, never named by data).
_FILE_NAME = re.compile(r"[a-z0-9_-]{1,64}\.(png|svg)")
_DEFAULTS = {"surtitre": "", "mention": ""}


def content_json(content: dict) -> str:
    """The content as the JSON the template reads (strings kept as they are)."""
    return json.dumps({**_DEFAULTS, **content}, ensure_ascii=False)


def check_blocks(content: dict, files: dict[str, bytes]) -> None:
    """Refuse an unknown block kind or an image that is not among ``files`` (French message)."""
    for s in content.get("sections", []):
        for b in s.get("blocs", []):
            lookup({k: k for k in BLOCS}, b.get("type"), "Bloc du carnet PDF")
            if b["type"] == "image" and b.get("fichier") not in files:
                raise CarnetError(f"Carnet PDF : image « {b.get('fichier')} » absente de la "
                                  f"section « {s.get('titre')} ».")


def compile_pdf(content: dict, output: Path | str | None = None, *,
                files: dict[str, bytes] | None = None) -> bytes:
    """Compile ``content`` to PDF bytes; written to ``output`` when given.

    Parameters
    ----------
    content : dict
        ``titre``, ``sous_titre``, ``genere_le`` (footer), optional ``surtitre`` and
        ``mention`` (cover), ``sections``: a list of ``{titre, paragraphes}`` or
        ``{titre, blocs}``, each block one of :data:`BLOCS` (see :data:`TEMPLATE`).
    output : path, optional
        Where to write the PDF (prefer :func:`carnet.paths.write_atomic` on the bytes).
    files : dict, optional
        Images of the build (name → bytes), named ``[a-z0-9_-]+.png``; the template reads
        them from a temporary folder that is Typst's root (nothing else is reachable).
    """
    import tempfile

    import typst

    files = files or {}
    for name in files:
        if not _FILE_NAME.fullmatch(name):
            raise CarnetError(f"Carnet PDF : nom de fichier refusé : {name!r}.")
    check_blocks(content, files)
    with tempfile.TemporaryDirectory(prefix="carnet-rapport-") as tmp:
        root = Path(tmp)
        for name, data in files.items():
            (root / name).write_bytes(data)
        main = root / "carnet.typ"
        main.write_text(TEMPLATE, encoding="utf-8")
        pdf = typst.compile(str(main), root=str(root), font_paths=list(FONT_DIRS),
                            sys_inputs={"carnet": content_json(content)})
    if output is not None:
        Path(output).write_bytes(pdf)
    return pdf
