"""Validation and normalisation of project records; every message is in French."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from carnet.projets.constants import (
    ANNEE_MAX,
    ANNEE_MIN,
    CONTRATS,
    TEXT_MAX,
    TITRE_MAX,
    VOCABS,
    to_code,
)
from carnet.projets.models import EDITABLE_FIELDS
from carnet.projets.territory import TerritoryContext

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f€]|EUR", re.IGNORECASE)
_FIELD_LABELS = {
    "titre": "titre", "orientation": "orientation", "statut": "statut",
    "categorie": "catégorie", "nature": "nature", "mode": "mode",
}


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


def clean_text(value: Any, limit: int = TEXT_MAX) -> str | None:
    """Strip, drop control characters and NFC-normalise a text value (None if blank)."""
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFC", _CONTROL.sub("", str(value))).strip()
    return text[:limit] if text else None


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


def parse_year(value: Any) -> int | None:
    """Parse a year (``2014``, ``"2014"``, ``2014.0``); None if blank; ValueError if bad."""
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueError(value)
    return int(number)


def normalize_commune_code(value: Any) -> str | None:
    """Normalise an INSEE code: ``59122``, ``"59122.0"``, ``" 2001"`` → ``"02001"``."""
    if is_blank(value):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if text.isdigit() and len(text) < 5:
        text = text.zfill(5)
    return text.upper()


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
        (the contract's if ``contrat`` is set), and ``territoire`` defaults to it.
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

    out["titre"] = clean_text(raw.get("titre"), TITRE_MAX + 1)
    if not out["titre"]:
        errors.append("titre manquant")
    elif len(out["titre"]) > TITRE_MAX:
        errors.append(f"titre trop long (plus de {TITRE_MAX} caractères)")
    for name in ("description", "enjeu", "maitre_ouvrage", "partenaires", "source", "ref"):
        limit = {"enjeu": 300, "maitre_ouvrage": 300, "source": 500, "ref": 64}.get(name, TEXT_MAX)
        out[name] = clean_text(raw.get(name), limit)

    for name, vocab in VOCABS.items():
        value = raw.get(name)
        if is_blank(value):  # "non renseigné(e)"; catégorie defaults to "autre"
            out[name] = "autre" if name == "categorie" else None
            continue
        code = to_code(name, value)
        if code is None:
            choices = ", ".join(vocab.values()) if name != "orientation" else "1, 2 ou 3"
            label = _FIELD_LABELS.get(name, name)
            errors.append(f"{label} inconnu(e) « {clean_text(value, 80)} » (attendu : {choices})")
        out[name] = code

    territoire = clean_text(raw.get("territoire"), 40) or (ctx.territoire if ctx else None)
    if not territoire:
        errors.append("territoire manquant")
    elif ctx is not None and territoire != ctx.territoire:
        errors.append(f"territoire « {territoire} » différent de « {ctx.territoire} »")
    out["territoire"] = territoire

    contrat = clean_text(raw.get("contrat"), 64)
    known = ctx.contrats if ctx is not None else CONTRATS
    if contrat and contrat not in known:
        errors.append(f"contrat de territoire inconnu « {contrat} »")
    out["contrat"] = contrat

    commune = normalize_commune_code(raw.get("commune"))
    commune_row = None
    if commune is not None:
        if ctx is not None:
            commune_row = ctx.by_code.get(commune)
            if commune_row is None:
                errors.append(f"code commune inconnu « {commune} » dans le territoire")
            elif contrat and commune_row.get("territoire") not in (None, contrat):
                errors.append(
                    f"la commune {commune} ({commune_row.get('nom')}) n'appartient pas "
                    f"au contrat « {contrat} »"
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
    if lon is not None and ctx is not None and not ctx.contains(lon, lat, contrat):
        where = f"du contrat « {contrat} »" if contrat else f"du territoire « {ctx.territoire} »"
        errors.append(f"point ({lon:.5f}, {lat:.5f}) hors {where}")
    out["lon"], out["lat"] = lon, lat

    for name, label in (("cout_total", "coût total"), ("participation_cd",
                                                      "participation du Département")):
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

    for name, label in (("annee_debut", "année de début"), ("annee_fin", "année de fin")):
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


def _coordinates(raw: dict, errors: list[str]) -> tuple[float | None, float | None]:
    """Read lon/lat (WGS84) or x/y (+ crs) from a raw record."""
    from carnet.projets.territory import to_wgs84

    pairs = [("lon", "lat", "EPSG:4326"), ("x", "y", clean_text(raw.get("crs"), 20))]
    for kx, ky, crs in pairs:
        vx, vy = raw.get(kx), raw.get(ky)
        if is_blank(vx) and is_blank(vy):
            continue
        if is_blank(vx) or is_blank(vy):
            errors.append(f"coordonnée incomplète ({kx} et {ky} sont requis ensemble)")
            return None, None
        try:
            x, y = parse_number(vx), parse_number(vy)
        except (ValueError, TypeError):
            errors.append(f"coordonnées illisibles « {vx} », « {vy} »")
            return None, None
        if kx == "lon" and not (-180 <= x <= 180 and -90 <= y <= 90):
            errors.append(f"coordonnées hors des bornes WGS84 ({x}, {y})")
            return None, None
        try:
            return to_wgs84(x, y, crs)
        except Exception as exc:  # noqa: BLE001 - pyproj raises various types
            errors.append(str(exc))
            return None, None
    return None, None
