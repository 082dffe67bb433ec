"""The editable text of a carnet's sections: seed file, citation rule, safe rendering.

Seed file
---------
``data/territoires/<pack>/carnets/<territoire>.md`` (UTF-8), one ``## <titre>`` heading per
section, with the titles of :data:`carnet.carnets.sections.SECTIONS`::

    # Carnet du Cambrésis                  (optional title, not shown)

    ## Histoire et patrimoine

    ## Culture

    Le plan d'actions compte le musée de la Dentelle … [source : Département du Nord, …]

    ## Environnement et paysage

A section left empty is shown as « Aucun texte sourcé pour cette section ». The file is
the seed: once an editor saves a section in the app, the database row
(:mod:`carnet.carnets.store`) is the text shown.

Citation rule
-------------
Every *statement* — a paragraph or a list item — carries at least one citation
``[source : …]`` (``[source: …]`` too, any case), anywhere in it; the text inside names the
document (title, date, the sentence it comes from) or is the id of a source of
``carnet/data/sources.toml`` (``[source : culture-musees-de-france]``), shown as that
source's producer, title and vintage. Headings need none. An uncited statement is refused
when an editor saves, and flagged (not shown as a fact) when a seed file has one.

Markdown allowed
----------------
A deliberate subset: headings ``###`` and ``####`` (shown one level below the section),
paragraphs, bulleted (``-``, ``*``) and numbered (``1.``) lists, emphasis ``*…*`` /
``_…_`` and strong ``**…**``. Everything else — links, images, HTML, code, tables, block
quotes, Streamlit's ``:red[…]`` and ``:material/…:``, ``$…$`` — is shown as the characters
typed: the text between the markers goes through :func:`carnet.text.md`, which escapes
every punctuation mark, so only the markers we emit are Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from carnet.carnets.sections import SECTIONS
from carnet.errors import CarnetError
from carnet.paths import PACKS_DIR
from carnet.text import md

EMPTY = "Aucun texte sourcé pour cette section"
#: Longest text of a section (characters): a carnet's section, not a book.
MAX_CHARS = 20_000
#: Largest seed file read (bytes).
MAX_FILE_BYTES = 200_000

CITATION = re.compile(r"\[\s*source\s*:\s*([^\[\]]*)\]", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
#: Strong, then emphasis with ``*`` or ``_``: the opening marker not inside a word and
#: followed by a non-space, the closing one preceded by a non-space and not inside a word
#: (``7*7`` is no emphasis).
_EMPHASIS = re.compile(r"(?<![\w*])\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?![\w*])"
                       r"|(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"
                       r"|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")


class CarnetTextError(CarnetError):
    """A carnet's text cannot be read or saved (French message: file or section, line, reason)."""


@dataclass(frozen=True)
class Block:
    """One block of a section's text.

    ``kind``: ``heading``, ``paragraph`` or ``item`` (a list item; ``ordered`` for ``1.``).
    ``text`` is the block's raw text without its citations; ``citations`` their contents;
    ``line`` the 1-based line of the block in the section's text.
    """

    kind: str
    text: str
    line: int
    citations: tuple[str, ...] = ()
    ordered: bool = False
    level: int = 0

    @property
    def cited(self) -> bool:
        return self.kind == "heading" or any(c.strip() for c in self.citations)


def _strip_citations(text: str) -> tuple[str, tuple[str, ...]]:
    cites = tuple(" ".join(m.group(1).split()) for m in CITATION.finditer(text))
    body = " ".join(CITATION.sub(" ", text).split())
    return body, cites


def parse_blocks(text: str) -> list[Block]:
    """The blocks of a section's text (see the module docstring for the subset)."""
    blocks: list[Block] = []
    para: list[str] = []
    start = 0

    def flush():
        nonlocal para
        if para:
            body, cites = _strip_citations(" ".join(para))
            blocks.append(Block("paragraph", body, start, cites))
        para = []

    item: list[str] | None = None
    item_start, item_ordered = 0, False

    def flush_item():
        nonlocal item
        if item is not None:
            body, cites = _strip_citations(" ".join(item))
            blocks.append(Block("item", body, item_start, cites, ordered=item_ordered))
        item = None

    for i, raw in enumerate(str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.rstrip()
        if not line.strip():
            flush()
            flush_item()
            continue
        h = _HEADING.match(line)
        m = _ITEM.match(line)
        if h:
            flush()
            flush_item()
            body, cites = _strip_citations(h.group(2))
            blocks.append(Block("heading", body, i, cites, level=len(h.group(1))))
        elif m:
            flush()
            flush_item()
            item, item_start = [m.group(1)], i
            item_ordered = line.lstrip()[0] not in "-*+"
        elif item is not None:
            item.append(line.strip())  # continuation of the list item
        else:
            if not para:
                start = i
            para.append(line.strip())
    flush()
    flush_item()
    return blocks


def problems(text: str, where: str = "le texte", line_offset: int = 0) -> list[str]:
    """French messages for every statement of ``text`` without a citation, and other faults.

    Parameters
    ----------
    text : str
        A section's text.
    where : str
        How the messages name the text (« fichier cambresis.md », « la section Culture »).
    line_offset : int
        Added to line numbers (the section's place in its file).
    """
    out = []
    if len(text) > MAX_CHARS:
        out.append(f"{where} : {len(text)} caractères, au plus {MAX_CHARS} par section.")
    for b in parse_blocks(text):
        line = b.line + line_offset
        if b.kind == "heading" and b.level < 3:
            out.append(f"{where}, ligne {line} : titre de niveau {b.level} (« {b.text[:60]} ») ; "
                       "dans une section, seuls les titres ### et #### sont admis.")
        elif not b.cited:
            what = "élément de liste" if b.kind == "item" else "paragraphe"
            empty = [c for c in b.citations if not c.strip()]
            why = ("citation vide [source : ]" if empty
                   else "sans citation [source : …]")
            out.append(f"{where}, ligne {line} : {what} {why} (« {_start(b.text)} »).")
    return out


def _start(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def check(text: str, where: str = "le texte") -> str:
    """``text`` cleaned of trailing blanks if it may be saved; raise :class:`CarnetTextError` if not."""
    if not isinstance(text, str):
        raise CarnetTextError(f"{where} : le texte doit être une chaîne de caractères.")
    if "\x00" in text:
        raise CarnetTextError(f"{where} : caractère nul refusé.")
    clean = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
                      .split("\n")).strip("\n")
    errs = problems(clean, where)
    if errs:
        raise CarnetTextError("Texte refusé, rien n'a été enregistré : " + " ; ".join(errs))
    return clean


# ----------------------------------------------------------------------------- rendering


def _esc(segment: str) -> str:
    """:func:`md` of a piece of one line, its leading blanks kept as ordinary spaces."""
    body = segment.lstrip()
    return " " * (len(segment) - len(body)) + md(body)


def inline(text: str) -> str:
    """Markdown of one line of ``text`` with only its emphasis kept, everything else escaped
    (:func:`md`); lines are joined first (a statement is one line of Markdown)."""
    text = " ".join(str(text).split())
    out, pos = [], 0
    for m in _EMPHASIS.finditer(text):
        out.append(_esc(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append(f"**{md(m.group(1))}**")
        else:
            out.append(f"*{md(m.group(2) if m.group(2) is not None else m.group(3))}*")
        pos = m.end()
    out.append(_esc(text[pos:]))
    return "".join(out)


def citation_text(citation: str) -> str:
    """A citation as shown: a source id of ``sources.toml`` becomes producer, title and vintage."""
    from carnet.sources import catalogue

    key = citation.strip()
    src = catalogue().get(key)
    if src is None:
        return key
    from carnet.fiches.citations import short_producer

    return f"{short_producer(key)}, {src.titre} · {src.millesime}"


@dataclass(frozen=True)
class Rendered:
    """A section's text made safe: Markdown chunks and the statements set aside."""

    #: Markdown strings to show in order (each safe: only our own markers are Markdown).
    markdown: tuple[str, ...] = ()
    #: French warnings for the uncited statements left out (seed files).
    flagged: tuple[str, ...] = ()
    empty: bool = field(default=True)


def _cites_md(cites: tuple[str, ...]) -> str:
    shown = [md(citation_text(c)) for c in cites if c.strip()]
    return "*Source : " + " ; ".join(shown) + "*" if shown else ""


def render(text: str, where: str = "le texte", line_offset: int = 0) -> Rendered:
    """Safe Markdown of a section's text; uncited statements are left out and flagged."""
    chunks: list[str] = []
    flagged: list[str] = []
    items: list[str] = []
    facts = 0

    def flush_items():
        if items:
            chunks.append("\n".join(items))
            items.clear()

    flagged = problems(text, where, line_offset)
    for b in parse_blocks(text):
        if b.kind == "heading":
            flush_items()
            if b.level >= 3:
                chunks.append(f"{'#' * min(b.level + 1, 6)} {inline(b.text)}")
            continue
        if not b.cited:
            continue
        facts += 1
        cites = _cites_md(b.citations)
        if b.kind == "item":
            marker = "1." if b.ordered else "-"
            if items and not items[-1].startswith(marker):  # another kind of list begins
                flush_items()
            items.append(f"{marker} {inline(b.text)}" + (f" — {cites}" if cites else ""))
        else:
            flush_items()
            chunks.append(inline(b.text) + (f"  \n{cites}" if cites else ""))
    flush_items()
    return Rendered(tuple(chunks), tuple(flagged), empty=facts == 0)


# ----------------------------------------------------------------------------- seed files


def carnets_dir(pack_id: str) -> Path:
    """Folder of a pack's carnet texts."""
    return PACKS_DIR / pack_id / "carnets"


@dataclass(frozen=True)
class SeedFile:
    """A parsed seed file: each section's text and the line its text starts at."""

    path: Path | None
    texts: dict[str, str]
    offsets: dict[str, int]
    problems: tuple[str, ...] = ()


def parse_seed(content: str, name: str) -> SeedFile:
    """Split a seed file's content into sections (by their ``##`` headings)."""
    titles = {t.casefold(): sid for sid, t in SECTIONS.items()}
    texts: dict[str, list[str]] = {}
    offsets: dict[str, int] = {}
    probs: list[str] = []
    current: str | None = None
    for i, raw in enumerate(content.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        h = _HEADING.match(raw.rstrip())
        if h and len(h.group(1)) == 2:
            sid = titles.get(" ".join(h.group(2).split()).casefold())
            if sid is None:
                probs.append(f"Fichier {name}, ligne {i} : section inconnue « {_start(h.group(2))} » "
                             f"(sections : {', '.join(SECTIONS.values())}) ; son texte n'est pas lu.")
                current = "__ignored__"
            elif sid in texts:
                probs.append(f"Fichier {name}, ligne {i} : section « {SECTIONS[sid]} » en double ; "
                             "seule la première est lue.")
                current = "__ignored__"
            else:
                current = sid
                texts[sid] = []
                offsets[sid] = i
            continue
        if current is None:
            if raw.strip() and not (h and len(h.group(1)) == 1):
                probs.append(f"Fichier {name}, ligne {i} : texte avant la première section "
                             "(## …), non lu.")
            continue
        if current != "__ignored__":
            texts[current].append(raw)
    return SeedFile(None, {sid: "\n".join(lines).strip("\n") for sid, lines in texts.items()},
                    offsets, tuple(probs))


def read_seed(pack_id: str, tid: str) -> SeedFile:
    """The seed file of territoire ``tid`` (empty if the pack has none)."""
    path = carnets_dir(pack_id) / f"{tid}.md"
    name = f"{pack_id}/carnets/{tid}.md"
    if not path.is_file():
        return SeedFile(None, {}, {})
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        return SeedFile(path, {}, {}, (f"Fichier {name} : {len(data)} octets, au plus "
                                       f"{MAX_FILE_BYTES} ; non lu.",))
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return SeedFile(path, {}, {}, (f"Fichier {name}, ligne {line} : le fichier n'est pas en "
                                       "UTF-8 ; non lu.",))
    seed = parse_seed(content, name)
    leading = dict(seed.offsets)
    # Lines of a section's text start after its heading and the blank lines stripped.
    for sid, start in seed.offsets.items():
        lines = content.replace("\r\n", "\n").split("\n")[start:]
        skipped = 0
        for raw in lines:
            if raw.strip():
                break
            skipped += 1
        leading[sid] = start + skipped
    return SeedFile(path, seed.texts, leading, seed.problems)
