"""Validation and normalisation of project records; every message is in French."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from carnet.formatting import fmt_int
from carnet.projets.constants import (
    ANNEE_MAX,
    ANNEE_MIN,
    to_code,
    vocabs,
)
from carnet.projets.fields import EDITABLE_FIELDS, TEXT_LIMITS, nom
from carnet.projets.territory import TerritoryContext
from carnet.text import insee_code

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Invisible characters that can disguise text: bidi embeddings, overrides and isolates
#: (U+202E turns "gpj.exe" into "exe.jpg" on screen), direction marks, zero-width
#: space/word joiner and stray byte-order marks. ZWJ/ZWNJ stay (emoji, some scripts)
#: except in identifiers (see :func:`clean_ref`).
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f€]|EUR", re.IGNORECASE)

def is_blank(value: Any) -> bool:
    """True for None, NaN, empty or whitespace-only strings."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(value, str) and not value.strip()


def clean_text(value: Any, limit: int | None = None) -> str | None:
    """Strip, drop control and invisible characters, NFC-normalise a text value.

    Parameters
    ----------
    value : object
        Any value (None/NaN/blank give None).
    limit : int, optional
        For messages only: cut the text to ``limit`` characters and end it with "…".
        Stored values are never cut (see :data:`TEXT_LIMITS`).

    Returns
    -------
    str or None
    """
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", _CONTROL.sub("", str(value)))).strip()
    if not text:
        return None
    if limit is not None and len(text) > limit:
        return text[: max(limit - 1, 1)].rstrip() + "…"
    return text


def clean_ref(value: Any) -> str | None:
    """An identifier as stored: :func:`clean_text` without any format character (Cf)."""
    text = clean_text(value)
    if text is None:
        return None
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip() or None


def ref_key(ref: str | None) -> str | None:
    """Comparison key of an identifier: ``A-1``, ``a-1`` and ``A\u200b-1`` are the same."""
    text = clean_ref(ref)
    return unicodedata.normalize("NFKC", text).casefold() if text else None


def _too_long(name: str, text: str | None) -> str | None:
    limit = TEXT_LIMITS.get(name)
    if text is None or limit is None or len(text) <= limit:
        return None
    return (f"{nom(name)} : {fmt_int(len(text))} caractères, au-delà de "
            f"la limite de {fmt_int(limit)}")


def parse_number(value: Any) -> float | None:
    """Parse a French or English number: ``"1 234 567,89 €"``, ``"1234.5"``, ``12``.

    Returns
    -------
    float or None
        None when blank.

    Raises
    ------
    ValueError
        When the text is not a number.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _NUMBER_JUNK.sub("", str(value))
        if "," in text and "." in text:
            # "1.234,5" (French thousands) or "1,234.5" (English thousands)
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def whole_euros(value: Any) -> int | None:
    """An amount in whole euros, rounded half up (1 200 000,50 € → 1 200 001), None if blank.

    The national schema of projects wants integers (``budgetPrevisionnel``).
    """
    from decimal import ROUND_HALF_UP, Decimal

    if is_blank(value):
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_year(value: Any) -> int | None:
    """Parse a year (``2014``, ``"2014"``, ``2014.0``); None if blank; ValueError if bad."""
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueError(value)
    return int(number)


#: Normalise an INSEE code: ``59122``, ``"59122.0"``, ``" 2001"`` → ``"02001"``
#: (:func:`carnet.text.insee_code`).
normalize_commune_code = insee_code


def _bool(value: Any) -> bool:
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "vrai", "oui", "yes", "x"}


def clean_projet(
    raw: dict,
    ctx: TerritoryContext | None = None,
    *,
    locate_at_commune: bool = True,
) -> tuple[dict, list[str]]:
    """Validate and normalise one project record.

    Parameters
    ----------
    raw : dict
        Field → value, values as typed by a user or read from a file (strings,
        numbers, labels or codes). ``x``/``y``/``crs`` may replace ``lon``/``lat``.
    ctx : TerritoryContext, optional
        When given: commune codes must exist, points must fall inside the territory
        (the contract territory's if ``territoire`` is set), ``territoire`` must be one
        of the pack's, and ``pack`` defaults to the context's.
    locate_at_commune : bool
        Place a project with a commune but no coordinates at the commune's centre.

    Returns
    -------
    tuple
        ``(clean, errors)``: the normalised record (editable fields only) and a list
        of French messages (empty when valid).
    """
    errors: list[str] = []
    out: dict[str, Any] = {}

    out["titre"] = clean_text(raw.get("titre"))
    if not out["titre"]:
        errors.append("titre manquant")
    for name in ("ref", "description", "enjeu", "maitre_ouvrage", "partenaires", "source"):
        out[name] = clean_ref(raw.get(name)) if name == "ref" else clean_text(raw.get(name))
    for name in ("ref", "titre", "description", "enjeu", "maitre_ouvrage", "partenaires",
                 "source"):
        problem = _too_long(name, out[name])
        if problem:
            errors.append(problem)

    pack_id = ctx.pack_id if ctx is not None else None
    for name, vocab in vocabs(pack_id).items():
        value = raw.get(name)
        if is_blank(value):  # "non renseigné(e)"; catégorie defaults to "autre"
            out[name] = "autre" if name == "categorie" else None
            continue
        code = to_code(name, value, pack_id)
        if code is None:
            from carnet.projets.orientations import orientations

            choices = (", ".join(vocab.values()) if name != "orientation"
                       else orientations(pack_id).expected())
            label = nom(name)
            errors.append(f"{label} inconnu(e) « {clean_text(value, 80)} » (attendu : {choices})")
        out[name] = code

    pack = clean_text(raw.get("pack")) or (ctx.pack_id if ctx else None)
    if not pack:
        errors.append("pack manquant")
    elif _too_long("pack", pack):
        errors.append(_too_long("pack", pack))
    elif ctx is not None and pack != ctx.pack_id:
        errors.append(f"pack « {clean_text(pack, 80)} » différent de « {ctx.pack_id} »")
    out["pack"] = pack

    territoire = clean_text(raw.get("territoire"))
    if territoire and _too_long("territoire", territoire):
        errors.append(_too_long("territoire", territoire))
    elif territoire and ctx is not None and territoire not in ctx.territoires:
        errors.append(f"contrat de territoire inconnu « {clean_text(territoire, 80)} »")
    out["territoire"] = territoire

    commune = normalize_commune_code(raw.get("commune"))
    commune_row = None
    if commune is not None:
        if ctx is not None:
            commune_row = ctx.by_code.get(commune)
            if commune_row is None:
                errors.append(f"code commune inconnu « {commune} » dans le territoire")
            elif territoire and commune_row.get("territoire") not in (None, territoire):
                errors.append(
                    f"la commune {commune} ({commune_row.get('nom')}) n'appartient pas "
                    f"au contrat « {territoire} »"
                )
        elif not re.fullmatch(r"\d[\dAB]\d{3}", commune):
            errors.append(f"code commune invalide « {commune} » (5 caractères INSEE)")
    out["commune"] = commune

    lon, lat = _coordinates(raw, errors)
    locate_at_commune = locate_at_commune and raw.get("localiser_commune", True) is not False
    if lon is None and commune_row is not None and locate_at_commune:
        centre = ctx.commune_centre(commune) if ctx else None
        if centre:
            lon, lat = centre
    if lon is not None and ctx is not None and not ctx.contains(lon, lat, territoire):
        where = (f"du contrat « {territoire} »" if territoire
                 else f"du territoire « {ctx.pack_id} »")
        errors.append(f"point ({lon:.5f}, {lat:.5f}) hors {where}")
    out["lon"], out["lat"] = lon, lat

    for name in ("cout_total", "participation_cd"):
        label = nom(name)
        try:
            value = parse_number(raw.get(name))
        except (ValueError, TypeError):
            errors.append(f"{label} illisible « {clean_text(raw.get(name), 40)} »")
            value = None
        if value is not None and value < 0:
            errors.append(f"{label} négatif(ve)")
        if value is not None and value >= 1e13:
            errors.append(f"{label} invraisemblable ({value:.0f} €)")
        out[name] = round(value, 2) if value is not None else None
    if (out["cout_total"] is not None and out["participation_cd"] is not None
            and out["participation_cd"] > out["cout_total"]):
        errors.append("la participation du Département dépasse le coût total")

    for name in ("annee_debut", "annee_fin"):
        label = nom(name)
        try:
            year = parse_year(raw.get(name))
        except (ValueError, TypeError):
            errors.append(f"{label} illisible « {clean_text(raw.get(name), 20)} »")
            year = None
        if year is not None and not ANNEE_MIN <= year <= ANNEE_MAX:
            errors.append(f"{label} hors de la plage {ANNEE_MIN}–{ANNEE_MAX} ({year})")
        out[name] = year
    if out["annee_debut"] and out["annee_fin"] and out["annee_fin"] < out["annee_debut"]:
        errors.append("l'année de fin précède l'année de début")

    out["illustratif"] = _bool(raw.get("illustratif"))
    return {k: out.get(k) for k in EDITABLE_FIELDS}, errors


#: Distance (m) above which lon/lat and x/y given on the same row are said to disagree.
COORD_DISAGREEMENT_M = 100.0


def _coordinates(raw: dict, errors: list[str]) -> tuple[float | None, float | None]:
    """Read lon/lat (WGS84) or x/y (+ crs) from a raw record.

    lon/lat win when both pairs are filled; the row is rejected when the two pairs point
    more than :data:`COORD_DISAGREEMENT_M` apart (one of them is wrong, we cannot tell which).
    """
    pairs = [("lon", "lat", "EPSG:4326"), ("x", "y", clean_text(raw.get("crs")))]
    found = []
    for kx, ky, crs in pairs:
        vx, vy = raw.get(kx), raw.get(ky)
        if is_blank(vx) and is_blank(vy):
            continue
        point = _pair(kx, ky, vx, vy, crs, errors)
        if point is None:
            return None, None
        found.append(point)
    if not found:
        return None, None
    if len(found) == 2:
        gap = _distance_m(found[0], found[1])
        if gap > COORD_DISAGREEMENT_M:
            errors.append(
                f"lon/lat ({found[0][0]:.5f}, {found[0][1]:.5f}) et x/y "
                f"({found[1][0]:.5f}, {found[1][1]:.5f} une fois convertis) désignent des "
                f"points distants de {gap / 1000:.1f} km".replace(".", ",", 1)
                + " : gardez une seule paire de coordonnées")
            return None, None
    return found[0]


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


def _pair(kx: str, ky: str, vx: Any, vy: Any, crs: str | None,
          errors: list[str]) -> tuple[float, float] | None:
    from carnet.projets.errors import ProjetError
    from carnet.projets.territory import to_wgs84

    if is_blank(vx) or is_blank(vy):
        errors.append(f"coordonnée incomplète ({kx} et {ky} sont requis ensemble)")
        return None
    try:
        x, y = parse_number(vx), parse_number(vy)
    except (ValueError, TypeError):
        errors.append(f"coordonnées illisibles « {clean_text(vx, 40)} », "
                      f"« {clean_text(vy, 40)} »")
        return None
    if kx == "lon" and not (-180 <= x <= 180 and -90 <= y <= 90):
        errors.append(f"coordonnées hors des bornes WGS84 ({x}, {y})")
        return None
    try:
        return to_wgs84(x, y, crs)
    except ProjetError as exc:
        errors.append(str(exc))
    except Exception:  # noqa: BLE001 - pyproj raises various types, in English
        errors.append(f"système de coordonnées « {clean_text(crs, 40)} » inconnu pour x/y")
    return None
