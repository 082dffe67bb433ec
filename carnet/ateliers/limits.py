"""What a participant may send, and the spam signals of the moderation queue (pure functions).

Abuse rules (issue #11 §5): plain text only, stored raw (it is escaped wherever it is shown);
no link from an anonymous participant (``http://``, ``www.``, an address such as
``exemple.fr/page``, ``mailto:``, a Markdown link), in the text or the pseudonym; at most
:data:`TEXTE_MAX` characters of text and :data:`PSEUDO_MAX` of pseudonym; per browser
session, a warning from the :data:`AVERTIR_A`-th contribution within an hour and a refusal
beyond :data:`MAX_PAR_HEURE`; an identical repeat (same text once spaces and case are
normalised) in the same atelier is refused.

The queue shows three signals (:func:`signaux`): « très courte » (fewer than
:data:`COURTE_MAX` letters or digits), « répétée » (same letters and digits as another
contribution of the atelier, punctuation and spaces aside) and « rafale » (at least
:data:`RAFALE_N` contributions from one session within :data:`RAFALE_MINUTES` minutes).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

from carnet.errors import CarnetError
from carnet.formatting import fmt_int

TEXTE_MAX = 500
PSEUDO_MAX = 40
TITRE_MAX = 200
#: From this contribution of a session within an hour, the participant is warned.
AVERTIR_A = 5
#: At most this many contributions per session within an hour; the next is refused.
MAX_PAR_HEURE = 10
FENETRE = timedelta(hours=1)
COURTE_MAX = 15
RAFALE_N = 3
RAFALE_MINUTES = 2

SIGNAUX = {"courte": "très courte", "repetee": "répétée", "rafale": "rafale"}

_LINK = re.compile(
    r"(?ix)"
    r"(?:\b(?:https?|ftp|file|javascript|data|mailto|tel|sms):\S)"  # a scheme
    r"|(?:\bwww\s*\.)"                                              # www.
    r"|(?:\]\s*\()"                                                 # Markdown [x](…)
    r"|(?:\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:fr|com|org|net|eu|info|io|be|biz|xyz|ru|"
    r"co|me|ly|gl|gg|tk|top|site|online|app|dev|link|click|gouv\.fr)\b(?:\s*/|\b))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class ContributionRefusee(CarnetError):
    """A contribution that is not recorded; the French message says why and what to do."""


def clean_text(value, *, label: str, maximum: int, required: bool) -> str:
    """The text as stored: Unicode NFC, control characters removed, ends stripped.

    Raises
    ------
    ContributionRefusee
        Empty when required, longer than ``maximum``, or holding a link.
    """
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n").strip()
    if required and not text:
        raise ContributionRefusee(f"{label} : à remplir.")
    if len(text) > maximum:
        raise ContributionRefusee(f"{label} : {fmt_int(len(text))} caractères, au plus "
                                  f"{fmt_int(maximum)}. Raccourcissez-le.")
    if text and has_link(text):
        raise ContributionRefusee(f"{label} : les liens et adresses web ne sont pas acceptés "
                                  "dans une contribution. Décrivez plutôt ce que vous voulez "
                                  "signaler.")
    return text


def has_link(text: str) -> bool:
    """Whether ``text`` holds something a reader could follow (URL, address, e-mail…)."""
    return bool(_LINK.search(text)) or bool(re.search(r"\S@\S+\.\w", text))


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def empreinte(text: str) -> str:
    """Fingerprint of a text for identical repeats: SHA-256 of its case- and space-folded form."""
    return hashlib.sha256(_normalised(text).encode("utf-8")).hexdigest()


def squelette(text: str) -> str:
    """Letters and digits of a text, accents and case removed (near-repeats share it)."""
    folded = unicodedata.normalize("NFKD", _normalised(text))
    return "".join(c for c in folded if c.isalnum())


def session_hash(token: str) -> str:
    """What is stored of a participant's session token: its SHA-256 (hex)."""
    if not token or len(str(token)) < 16:
        raise ValueError("jeton de session trop court")
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def verdict_session(recent: int) -> tuple[bool, str | None]:
    """``(accepted, warning)`` for a session that sent ``recent`` contributions in the hour.

    ``recent`` does not count the one being sent.
    """
    n = recent + 1
    if n > MAX_PAR_HEURE:
        return False, None
    if n >= AVERTIR_A:
        return True, (f"Vous avez envoyé {fmt_int(n)} contributions en moins d'une heure. "
                      f"Au-delà de {fmt_int(MAX_PAR_HEURE)}, les envois seront refusés pendant "
                      "une heure.")
    return True, None


def refus_session(first: datetime) -> str:
    """The French refusal of a session over its limit; ``first``: its oldest send of the hour."""
    from carnet.formatting import fmt_datetime

    when = fmt_datetime(first + FENETRE, naive_utc=True)
    return (f"Contribution refusée : {fmt_int(MAX_PAR_HEURE)} contributions ont déjà été "
            f"envoyées depuis ce navigateur en moins d'une heure. Vous pourrez en envoyer "
            f"d'autres à partir du {when}.")


def signaux(rows: Iterable[dict]) -> dict[int, tuple[str, ...]]:
    """Spam signals of an atelier's contributions, by contribution id.

    Parameters
    ----------
    rows : iterable of dict
        ``id``, ``texte``, ``session_hash``, ``created_at`` of every contribution of the
        atelier (pending, approved and rejected: a repeat of a rejected one is a signal).

    Returns
    -------
    dict
        ``id`` → codes of :data:`SIGNAUX` (in that order), for every id given.
    """
    rows = list(rows)
    skeletons: dict[str, int] = {}
    for r in rows:
        s = squelette(r["texte"])
        skeletons[s] = skeletons.get(s, 0) + 1
    by_session: dict[str, list[datetime]] = {}
    for r in rows:
        by_session.setdefault(r["session_hash"], []).append(_aware(r["created_at"]))
    window = timedelta(minutes=RAFALE_MINUTES)
    out = {}
    for r in rows:
        found = []
        s = squelette(r["texte"])
        if len(s) < COURTE_MAX:
            found.append("courte")
        if s and skeletons[s] > 1:
            found.append("repetee")
        at = _aware(r["created_at"])
        near = [t for t in by_session[r["session_hash"]] if abs(t - at) <= window]
        if len(near) >= RAFALE_N:
            found.append("rafale")
        out[r["id"]] = tuple(found)
    return out


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
