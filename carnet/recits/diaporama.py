"""The story as one self-contained HTML diaporama (issue #11 §3): a USB stick, no network.

:func:`diaporama_html` lays out resolved slides (:class:`carnet.recits.model.Diapositive`)
as one HTML document that requests nothing: Leaflet and its styles are inlined **once** for
all the maps (:func:`carnet.maps.standalone.map_parts` / :func:`~carnet.maps.standalone.
library_html`), each map's folium script is wrapped in a function run when its slide is
first shown (Leaflet needs a visible container; ``invalidateSize`` on every showing), charts
are Altair specs turned into SVG offline by vl-convert and inlined as ``data:`` images
(an ``<img>`` SVG runs no script and loads nothing), and the fonts are the system's.

Navigation: the keys of :data:`KEYS` (arrows, PageUp/PageDown as presentation clickers send,
space, Home/End), the two buttons, and the slide number in the URL hash (``#3``: a
permalink per slide; the browser's back button goes back a slide). Arrow keys pressed
inside a focused map move the map (Leaflet stops them), PageUp/PageDown still turn slides,
Escape leaves the map. A progress bar and « 3 / 12 » show where one is. Printing gives one
slide per page (landscape).

Every data string is escaped (:func:`html.escape`) where it is written: titles, texts,
points, figures, sources, notes, table cells and the document title; nothing is a template
(no Jinja here), so ``{{ 7*7 }}`` stays literal. The maps' own strings are escaped by
:mod:`carnet.maps.encoding` as on screen.

Sizes are set for a projector: the body is ``--u`` = min(1,8 vw ; 2,6 vh), 28 px at
1920×1080 and 18 px at 1024×768, titles 1,75 × that (49 px / 32 px); dark text on white
(contrast ≥ 7:1), white on the dark bar.
"""

from __future__ import annotations

import base64
import html
import json
import math
import numbers
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from carnet.recits.model import PARTIES, Diapositive, VueCarte

if TYPE_CHECKING:
    import folium

    from carnet.maps.standalone import MapParts

#: Keys that turn slides: key name (``KeyboardEvent.key``) → step (``"first"``/``"last"``
#: for Home/End). Clickers send PageDown/PageUp (some send the arrows).
KEYS: dict[str, int | str] = {
    "ArrowRight": 1, "ArrowDown": 1, "PageDown": 1, " ": 1, "Enter": 1,
    "ArrowLeft": -1, "ArrowUp": -1, "PageUp": -1, "Backspace": -1,
    "Home": "first", "End": "last",
}
#: Keys a focused map keeps (Leaflet pans and zooms with them); the others turn slides.
MAP_KEYS = ("ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", " ", "Enter", "Home", "End",
            "Backspace")

FONT = ('"Source Sans Pro", "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, '
        '"Liberation Sans", "DejaVu Sans", sans-serif')

CSS = """
:root { --u: max(16px, min(1.8vw, 2.6vh)); --ink: #1a1a1a; --muted: #444; --accent: #00558a;
  --bar: #1f2a33; --line: #d0d4d8; --card: #f2f5f7; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; width: 100%; height: 100%; background: #fff; }
body { font-family: FONT; font-size: var(--u); line-height: 1.35; color: var(--ink);
  overflow: hidden; }
#deck { position: absolute; inset: 0 0 calc(var(--u) * 2.4) 0; }
.slide { position: absolute; inset: 0; visibility: hidden; display: flex; flex-direction: column;
  padding: calc(var(--u) * .9) calc(var(--u) * 1.4) calc(var(--u) * .5); overflow: hidden; }
.slide.active { visibility: visible; }
.slide > header { flex: none; margin-bottom: calc(var(--u) * .5); }
.partie { margin: 0; font-size: calc(var(--u) * .8); font-weight: 700; letter-spacing: .12em;
  color: var(--accent); }
.slide h2 { margin: .1em 0 0; font-size: calc(var(--u) * 1.75); line-height: 1.12;
  font-weight: 700; }
.corps { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column;
  gap: calc(var(--u) * .8); }
.corps.avec-visuel { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 6fr); }
.texte { min-height: 0; overflow: auto; }
.texte p { margin: 0 0 .6em; max-width: 40em; }
.points { margin: 0 0 .6em; padding-left: 1.2em; }
.points li { margin-bottom: .3em; }
.chiffres { display: flex; flex-wrap: wrap; gap: calc(var(--u) * .5); margin: 0 0 .6em;
  padding: 0; list-style: none; }
.chiffre { background: var(--card); border-left: 6px solid var(--accent);
  padding: .35em .6em .4em; min-width: 11em; flex: 1 1 11em; }
.chiffre .valeur { display: block; font-size: calc(var(--u) * 1.45); font-weight: 700;
  line-height: 1.1; overflow-wrap: anywhere; }
.chiffre .libelle { display: block; }
.chiffre .reference, .chiffre .source { display: block; font-size: calc(var(--u) * .72);
  color: var(--muted); }
table.tableau { border-collapse: collapse; font-size: calc(var(--u) * .8); margin: 0 0 .6em; }
table.tableau th, table.tableau td { border-bottom: 1px solid var(--line); padding: .2em .6em;
  text-align: left; vertical-align: top; }
table.tableau th { background: var(--card); }
table.tableau td.nombre { text-align: right; white-space: nowrap; }
.visuel { min-height: 0; display: flex; flex-direction: column; gap: calc(var(--u) * .5); }
.visuel .carte { position: relative; flex: 1 1 auto; min-height: 40vh;
  border: 1px solid var(--line); }
.visuel .carte > .folium-map { position: absolute; inset: 0; width: 100%; height: 100%; }
.visuel .carte .panne { padding: 1em; color: var(--ink); }
.visuel figure { margin: 0; flex: 1 1 auto; min-height: 0; display: flex;
  align-items: center; justify-content: center; }
.visuel figure img { width: 100%; height: 100%; object-fit: contain; }
.slide > footer { flex: none; margin-top: calc(var(--u) * .4); font-size: calc(var(--u) * .62);
  color: var(--muted); border-top: 1px solid var(--line); padding-top: .3em; }
.slide > footer p { margin: 0; }
.commandes { position: fixed; left: 0; right: 0; bottom: 0; height: calc(var(--u) * 2.4);
  background: var(--bar); color: #fff; display: flex; align-items: center;
  gap: calc(var(--u) * .7); padding: 0 calc(var(--u) * .8); font-size: calc(var(--u) * .75); }
.commandes button { font: inherit; font-weight: 700; color: var(--bar); background: #fff;
  border: 0; border-radius: 4px; padding: .25em .8em; cursor: pointer; }
.commandes button:disabled { color: #555; background: #c9cfd4; cursor: default; }
.commandes button:focus-visible { outline: 3px solid #ffd166; outline-offset: 2px; }
.commandes .titre { flex: 1 1 auto; min-width: 0; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; }
.commandes .compteur { white-space: nowrap; font-variant-numeric: tabular-nums; }
.progression { flex: 0 0 22%; height: .5em; background: #4a5863; border-radius: .25em;
  overflow: hidden; }
.progression > div { height: 100%; width: 0; background: #ffd166; }
@media print {
  @page { size: A4 landscape; margin: 1cm; }
  html, body { height: auto; overflow: visible; font-size: 14pt; }
  body { --u: 14pt; }
  #deck { position: static; }
  .slide { position: relative; visibility: visible; height: 18cm; page-break-after: always;
    break-after: page; padding: 0; }
  .commandes { display: none; }
}
""".replace("FONT", FONT)

NOSCRIPT_CSS = ("body { overflow: auto; } #deck { position: static; } "
                ".slide { position: relative; visibility: visible; min-height: 100vh; } "
                ".commandes { display: none; }")

SCRIPT = r"""
(function () {
  "use strict";
  var KEYS = __KEYS__, MAP_KEYS = __MAP_KEYS__;
  var slides = Array.prototype.slice.call(document.querySelectorAll("#deck > .slide"));
  var n = slides.length, current = 0, made = {};
  var makers = window.CarnetDeck.cartes;
  var prev = document.getElementById("precedente"), next = document.getElementById("suivante");
  var counter = document.getElementById("compteur"), bar = document.getElementById("barre");
  var progress = document.getElementById("progression");

  function number(hash) {
    var m = /^#(\d+)$/.exec(hash || "");
    var k = m ? parseInt(m[1], 10) : 1;
    return k >= 1 && k <= n ? k : 1;
  }
  function drawMaps(slide) {
    var boxes = slide.querySelectorAll(".carte[data-carte]");
    for (var i = 0; i < boxes.length; i++) {
      var name = boxes[i].getAttribute("data-carte");
      if (!made[name]) {
        try {
          made[name] = makers[name]();
        } catch (err) {
          made[name] = "panne";
          boxes[i].textContent = "";
          var p = document.createElement("p");
          p.className = "panne";
          p.textContent = "La carte n'a pas pu être dessinée.";
          boxes[i].appendChild(p);
          if (window.console) { console.error(err); }
        }
      }
      if (made[name] && made[name].invalidateSize) { made[name].invalidateSize(); }
    }
  }
  function show(k, fromHash) {
    k = Math.max(1, Math.min(n, k));
    for (var i = 0; i < n; i++) {
      var on = i === k - 1;
      slides[i].classList.toggle("active", on);
      slides[i].setAttribute("aria-hidden", on ? "false" : "true");
    }
    current = k;
    counter.textContent = k + " / " + n;
    bar.style.width = (100 * k / n) + "%";
    progress.setAttribute("aria-valuenow", String(k));
    progress.setAttribute("aria-valuetext", "Diapositive " + k + " sur " + n);
    prev.disabled = k === 1;
    next.disabled = k === n;
    if (!fromHash && location.hash !== "#" + k) { location.hash = "#" + k; }
    drawMaps(slides[k - 1]);
  }
  function step(s) {
    if (s === "first") { show(1); }
    else if (s === "last") { show(n); }
    else { show(current + s); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
    var t = e.target, key = e.key;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var inMap = t && t.closest && t.closest(".leaflet-container");
    if (inMap && key === "Escape") { t.blur(); document.body.focus(); e.preventDefault(); return; }
    if (inMap && MAP_KEYS.indexOf(key) >= 0) { return; }
    if (t && t.tagName === "BUTTON" && (key === " " || key === "Enter")) { return; }
    if (!Object.prototype.hasOwnProperty.call(KEYS, key)) { return; }
    e.preventDefault();
    step(KEYS[key]);
  });
  prev.addEventListener("click", function () { step(-1); });
  next.addEventListener("click", function () { step(1); });
  window.addEventListener("hashchange", function () { show(number(location.hash), true); });
  window.addEventListener("beforeprint", function () {
    for (var i = 0; i < n; i++) { drawMaps(slides[i]); }
  });
  window.CarnetDeck.show = show;
  var first = number(location.hash);
  if (location.hash !== "#" + first && window.history && history.replaceState) {
    history.replaceState(null, "", "#" + first);  // the permalink shown from the start
  }
  show(first, true);
})();
"""


# ---------------------------------------------------------------------------- pieces


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _paragraphs(texte: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", texte or "") if b.strip()]
    return "".join(f"<p>{_e(b)}</p>" for b in blocks)


def _chiffres(slide: Diapositive) -> str:
    if not slide.chiffres:
        return ""
    items = []
    for c in slide.chiffres:
        parts = [f'<span class="valeur">{_e(c.valeur)}</span>',
                 f'<span class="libelle">{_e(c.libelle)}</span>']
        if c.reference:
            who = f"{c.reference_libelle} : " if c.reference_libelle else ""
            parts.append(f'<span class="reference">{_e(who + c.reference)}</span>')
        if c.source:
            parts.append(f'<span class="source">{_e(c.source)}</span>')
        items.append(f'<li class="chiffre">{"".join(parts)}</li>')
    return f'<ul class="chiffres">{"".join(items)}</ul>'


def _cell(value: object) -> tuple[str, bool]:
    """A table cell as text, and whether it is a number (right-aligned, French format)."""
    from carnet.formatting import fmt_number

    if isinstance(value, bool) or value is None:
        return ("" if value is None else ("oui" if value else "non")), False
    if isinstance(value, numbers.Real):
        if math.isnan(float(value)):
            return fmt_number(value), False  # « non publié », never 0
        decimals = 0 if float(value).is_integer() else 1
        return fmt_number(value, decimals), True
    return str(value), False


def _tableau(df) -> str:
    if df is None or len(df.columns) == 0:
        return ""
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in df.columns)
    rows = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            text, num = _cell(v)
            cells.append(f'<td class="nombre">{_e(text)}</td>' if num else f"<td>{_e(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table class="tableau"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def chart_svg(chart) -> str:
    """An Altair chart as SVG, offline (vl-convert; external data refused)."""
    import vl_convert

    spec = chart.to_json() if hasattr(chart, "to_json") else json.dumps(chart)
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def _graphique(slide: Diapositive) -> str:
    if slide.graphique is None:
        return ""
    svg = chart_svg(slide.graphique)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = f"Graphique : {slide.titre}"
    return (f'<figure class="graphique"><img alt="{_e(alt)}" '
            f'src="data:image/svg+xml;base64,{data}"/></figure>')


def _footer(slide: Diapositive, map_notes: Sequence[str]) -> str:
    lines = []
    if slide.sources:
        lines.append(f"<p>Sources : {_e(' ; '.join(slide.sources))}</p>")
    for note in (*slide.notes, *map_notes):
        lines.append(f'<p class="note">{_e(note)}</p>')
    return f"<footer>{''.join(lines)}</footer>" if lines else ""


def header_html(slide: Diapositive) -> str:
    """A slide's header: its part (COMPRENDRE…) and its title, escaped (also the app's
    Présentation page, :mod:`carnet.ui.presentation`)."""
    partie = PARTIES.get(slide.partie, slide.partie)
    return f'<header><p class="partie">{_e(partie)}</p><h2>{_e(slide.titre)}</h2></header>'


def text_html(slide: Diapositive) -> str:
    """A slide's text column: paragraphs, points, figures and table, every string escaped
    (the same fragment in the file and on the app's Présentation page: the same numbers)."""
    return (_paragraphs(slide.texte)
            + ("<ul class=\"points\">" + "".join(f"<li>{_e(p)}</li>" for p in slide.points)
               + "</ul>" if slide.points else "")
            + _chiffres(slide) + _tableau(slide.tableau))


def footer_html(slide: Diapositive, map_notes: Sequence[str] = ()) -> str:
    """A slide's footer: the sources of what it shows, then its notes (escaped)."""
    return _footer(slide, map_notes)


def _slide(slide: Diapositive, position: int, total: int, parts: MapParts | None) -> str:
    visuel = []
    notes = []
    if parts is not None:
        label = f"Carte : {slide.titre}"
        visuel.append(f'<div class="carte" data-carte="{_e(parts.name)}" role="group" '
                      f'aria-label="{_e(label)}">{parts.body}</div>')
        if parts.tiles:
            notes.append("Carte sans fond de carte en ligne (fichier hors ligne).")
    visuel.append(_graphique(slide))
    visuel_html = "".join(v for v in visuel if v)
    texte = text_html(slide)
    cls = "corps avec-visuel" if visuel_html else "corps"
    corps = f'<div class="{cls}"><div class="texte">{texte}</div>'
    if visuel_html:
        corps += f'<div class="visuel">{visuel_html}</div>'
    corps += "</div>"
    label = f"{position} sur {total} : {slide.titre}"
    return (f'<section class="slide" id="diapositive-{position}" data-numero="{position}" '
            f'data-id="{_e(slide.id)}" aria-roledescription="diapositive" '
            f'aria-label="{_e(label)}" aria-hidden="true">'
            f"{header_html(slide)}"
            f"{corps}{_footer(slide, notes)}</section>")


def _deferred(parts: MapParts) -> str:
    """The map's folium script as a function run when its slide is first shown."""
    body = re.sub(r"^\s*<script>|</script>\s*$", "", parts.script.strip())
    name = json.dumps(parts.name)
    return (f"<script>window.CarnetDeck.cartes[{name}] = function () {{\n{body}\n"
            f"return {parts.name};\n}};</script>\n")


def _meta_free(block: str) -> str:
    return re.sub(r"<meta\b[^>]*>", "", block)


# ---------------------------------------------------------------------------- document


def diaporama_html(slides: Sequence[Diapositive], *, titre: str,
                   carte: Callable[[VueCarte], folium.Map | None] | None = None,
                   static_dir: Path | None = None) -> str:
    """Lay out ``slides`` as one self-contained HTML diaporama.

    Parameters
    ----------
    slides : sequence of Diapositive
        The resolved slides, in order (the hash ``#k`` is the k-th).
    titre : str
        The document's title (plain text), also shown in the bottom bar.
    carte : callable, optional
        ``carte(vue) -> folium.Map | None`` draws a slide's :class:`VueCarte`
        (``carnet.recits.cartes.carte`` bound to a pack and a territoire). Without it, or
        when it returns None, the slide has no map.
    static_dir : Path, optional
        The ``static`` folder holding ``vendor/`` (default: the project's).

    Returns
    -------
    str
        The HTML document. It requests nothing: no ``src``/``href`` to a file or server.

    Raises
    ------
    carnet.maps.assets.AssetError
        If Leaflet is not installed (``python -m carnet.maps.assets install``).
    """
    from carnet.maps.standalone import library_html, map_parts

    slides = list(slides)
    total = len(slides)
    maps: list[MapParts | None] = []
    names: set[str] = set()
    for s in slides:
        m = carte(s.carte) if (carte is not None and s.carte is not None) else None
        parts = None
        if m is not None:  # the same map twice (a cache's copies too): distinct ids
            parts = map_parts(m, rename=m.get_name() in names)
            names.add(parts.name)
        maps.append(parts)
    drawn = [p for p in maps if p is not None]
    js = [name for p in drawn for name in p.js]
    css = [name for p in drawn for name in p.css]
    heads = list(dict.fromkeys(_meta_free(h) for p in drawn for h in p.head))
    libraries = library_html(js, css, static_dir) if drawn else ""
    body = "".join(_slide(s, i, total, p) for i, (s, p) in enumerate(zip(slides, maps, strict=True), 1))
    script = (SCRIPT.replace("__KEYS__", json.dumps(KEYS))
              .replace("__MAP_KEYS__", json.dumps(list(MAP_KEYS))))
    bar = (f'<nav class="commandes" aria-label="Navigation du diaporama">'
           f'<button type="button" id="precedente" aria-label="Diapositive précédente">'
           f"◀ Précédente</button>"
           f'<span class="titre">{_e(titre)}</span>'
           f'<div class="progression" id="progression" role="progressbar" aria-label="Progression"'
           f' aria-valuemin="1" aria-valuemax="{max(total, 1)}" aria-valuenow="1">'
           f'<div id="barre"></div></div>'
           f'<span class="compteur" id="compteur" aria-live="polite">1 / {total}</span>'
           f'<button type="button" id="suivante" aria-label="Diapositive suivante">'
           f"Suivante ▶</button></nav>")
    return (
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<title>{_e(titre)}</title>\n"
        f"{libraries}"
        f"{''.join(heads)}\n"
        f"<style>{CSS}</style>\n"
        f"<noscript><style>{NOSCRIPT_CSS}</style></noscript>\n"
        "<script>window.CarnetDeck = {cartes: {}};</script>\n"
        "</head>\n<body>\n"
        f'<main id="deck">{body}</main>\n{bar}\n'
        f"{''.join(_deferred(p) for p in drawn)}"
        f"<script>{script}</script>\n"
        "</body>\n</html>\n"
    )
