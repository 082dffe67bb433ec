"""Colours and sizes of the Présentation page (no streamlit here: the tests read them).

Sizes follow the window as the HTML diaporama's do (:mod:`carnet.recits.diaporama`): the
unit ``--u`` is ``max(16 px, min(1,8 vw ; 2,6 vh))``, 28,08 px at 1920×1080 (body text) and
18,4 px at 1024×768; titles are 1,75 × that (49 px / 32 px). Every text colour is listed
in :data:`TEXT_PAIRS` with the background it is drawn on; :func:`contrast` is the WCAG 2
contrast ratio, and each pair's is at least 4,5:1 (``tests/app/test_page_presentation.py``).
"""

from __future__ import annotations

#: The palette (hex): text, secondary text, accent (part label, figure rule), page, card,
#: bottom bar, its buttons, a disabled button, the progress bar's track and fill.
INK = "#1a1a1a"
MUTED = "#444444"
ACCENT = "#00558a"
PAGE = "#ffffff"
CARD = "#f2f5f7"
BAR = "#1f2a33"
BAR_TEXT = "#ffffff"
BUTTON = "#ffffff"
BUTTON_TEXT = BAR
DISABLED = "#c9cfd4"
DISABLED_TEXT = "#4a4f55"
TRACK = "#4a5863"
FILL = "#ffd166"

#: (what, text colour, background colour) of every text the page draws.
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("texte", INK, PAGE),
    ("texte secondaire (sources, notes)", MUTED, PAGE),
    ("partie (COMPRENDRE…)", ACCENT, PAGE),
    ("chiffre sur sa carte", INK, CARD),
    ("référence et source d'un chiffre", MUTED, CARD),
    ("barre du bas (titre, compteur)", BAR_TEXT, BAR),
    ("bouton", BUTTON_TEXT, BUTTON),
    ("bouton désactivé", DISABLED_TEXT, DISABLED),
)

#: The unit of every size, in CSS (body text); titles are 1,75 u.
UNIT_CSS = "max(16px, min(1.8vw, 2.6vh))"
TITLE_SCALE = 1.75


def unit_px(width: float, height: float) -> float:
    """``--u`` in pixels for a window of ``width`` × ``height`` (as the CSS computes it)."""
    return max(16.0, min(0.018 * width, 0.026 * height))


def map_height(width: float | None, height: float | None) -> int:
    """The slide map's height in pixels for that window (what is left under the title and
    above the sources and the bottom bar); 520 when the window is not known yet."""
    if not width or not height:
        return 520
    u = unit_px(width, height)
    return int(max(260, min(1200, height - 9.5 * u - 60)))


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


CSS = """
:root { --u: UNIT; --ink: INK; --muted: MUTED; --accent: ACCENT; --card: CARD; --bar: BAR; }
/* Full screen: no Streamlit chrome, no sidebar (the way out is Échap or « Quitter »). */
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], .stApp footer:not(.carnet-diapo footer), section[data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarCollapseButton"] { display: none !important; }
[data-testid="stAppViewContainer"], [data-testid="stMain"], .stApp { background: PAGE !important; }
[data-testid="stMainBlockContainer"] { max-width: none !important;
  padding: calc(var(--u) * .7) calc(var(--u) * 1.4) calc(var(--u) * 3.2) !important; }
.st-key-diapo { gap: calc(var(--u) * .45) !important; }
.carnet-diapo { font-size: var(--u); line-height: 1.35; color: var(--ink); }
.carnet-diapo header { margin: 0; }
.carnet-diapo .partie { margin: 0; font-size: calc(var(--u) * .8); font-weight: 700;
  letter-spacing: .12em; color: var(--accent); line-height: 1.3; }
.carnet-diapo h2 { margin: .05em 0 0 !important; padding: 0 !important; color: var(--ink);
  font-size: calc(var(--u) * TITLE) !important; line-height: 1.12 !important; font-weight: 700 !important; }
.carnet-diapo p { margin: 0 0 .6em; max-width: 40em; font-size: var(--u); color: var(--ink); }
.carnet-diapo .points { margin: 0 0 .6em; padding-left: 1.2em; }
.carnet-diapo .points li { margin-bottom: .3em; font-size: var(--u); }
.carnet-diapo .chiffres { display: flex; flex-wrap: wrap; gap: calc(var(--u) * .5); margin: 0 0 .6em;
  padding: 0; list-style: none; }
.carnet-diapo .chiffre { background: var(--card); border-left: 6px solid var(--accent);
  padding: .35em .6em .4em; min-width: 11em; flex: 1 1 11em; margin: 0; font-size: var(--u);
  color: var(--ink); }
.carnet-diapo .chiffre .valeur { display: block; font-size: calc(var(--u) * 1.45); font-weight: 700;
  line-height: 1.1; overflow-wrap: break-word; }  /* « 175,6 hab./km² » whole */
.carnet-diapo .chiffre .libelle { display: block; font-size: var(--u); }
.carnet-diapo .chiffre .reference, .carnet-diapo .chiffre .source { display: block;
  font-size: calc(var(--u) * .72); color: var(--muted); }
.carnet-diapo table.tableau { border-collapse: collapse; font-size: calc(var(--u) * .8); }
.carnet-diapo table.tableau th, .carnet-diapo table.tableau td { border-bottom: 1px solid #d0d4d8;
  padding: .2em .6em; text-align: left; color: var(--ink); }
.carnet-diapo table.tableau th { background: var(--card); }
.carnet-diapo table.tableau td.nombre { text-align: right; white-space: nowrap; }
.carnet-diapo footer { font-size: calc(var(--u) * .62); color: var(--muted);
  border-top: 1px solid #d0d4d8; padding-top: .3em; }
.carnet-diapo footer p { margin: 0; max-width: none; font-size: calc(var(--u) * .62); color: var(--muted); }
/* The bottom bar: previous, title, progress, next, download, quit. */
.st-key-diapo_barre { position: fixed !important; left: 0; right: 0; bottom: 0; z-index: 999990;
  background: var(--bar); min-height: calc(var(--u) * 2.4); padding: calc(var(--u) * .3) calc(var(--u) * .8);
  display: flex; align-items: center; }
.st-key-diapo_barre [data-testid="stHorizontalBlock"] { align-items: center; gap: calc(var(--u) * .6); }
.st-key-diapo_barre, .st-key-diapo_barre p, .st-key-diapo_barre span { color: BAR_TEXT; }
.st-key-diapo_barre .carnet-barre { font-size: calc(var(--u) * .75); display: flex; align-items: center;
  gap: calc(var(--u) * .7); color: BAR_TEXT; }
.st-key-diapo_barre .carnet-barre .titre { flex: 1 1 auto; min-width: 0; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; }
.st-key-diapo_barre .carnet-barre .compteur { white-space: nowrap; font-weight: 700;
  font-variant-numeric: tabular-nums; }
.st-key-diapo_barre .progression { flex: 0 0 30%; height: .5em; background: TRACK; border-radius: .25em;
  overflow: hidden; }
.st-key-diapo_barre .progression > div { height: 100%; background: FILL; }
.st-key-diapo_barre button, .st-key-diapo_barre a[data-testid="stPageLink-NavLink"] {
  background: BUTTON !important; color: BUTTON_TEXT !important; border: 0 !important;
  min-height: 0 !important; padding: .2em .7em !important; border-radius: 4px; }
.st-key-diapo_barre button p, .st-key-diapo_barre a[data-testid="stPageLink-NavLink"] p,
.st-key-diapo_barre a[data-testid="stPageLink-NavLink"] span {
  font-size: calc(var(--u) * .7) !important; font-weight: 700; color: BUTTON_TEXT !important;
  white-space: nowrap; }
.st-key-diapo_barre button:disabled { background: DISABLED !important; color: DISABLED_TEXT !important; }
.st-key-diapo_barre button:disabled p { color: DISABLED_TEXT !important; }
.st-key-diapo_barre button:focus-visible, .st-key-diapo_barre a:focus-visible {
  outline: 3px solid FILL !important; outline-offset: 2px; }
.st-key-diapo_barre [data-testid="stPageLink"] { margin: 0; }
.st-key-diapo_clavier_boite { position: absolute !important; width: 0; height: 0; overflow: hidden; }
"""
for _name, _value in (("UNIT", UNIT_CSS), ("TITLE", str(TITLE_SCALE)), ("INK", INK), ("MUTED", MUTED),
                      ("ACCENT", ACCENT), ("CARD", CARD), ("BAR_TEXT", BAR_TEXT), ("BAR", BAR),
                      ("PAGE", PAGE), ("TRACK", TRACK), ("FILL", FILL), ("BUTTON_TEXT", BUTTON_TEXT),
                      ("BUTTON", BUTTON), ("DISABLED_TEXT", DISABLED_TEXT), ("DISABLED", DISABLED)):
    CSS = CSS.replace(_name, _value)
