"""Values of an imported file matched to the registry's codes (communes, vocabularies).

Sure matches are applied: a code, a label, a short label, an orientation number, a
unique prefix or a keyword of ``carnet/data/champs_projets.toml`` (``[valeurs]``) for vocabularies; the
INSEE code, the name (case, accents, hyphens, "St"/"Saint", "œ"/"oe", articles) or a
former commune's name or code for communes. Anything less sure is a :class:`Proposal`
(closest names by rapidfuzz, or several candidates): shown in the report, applied only
once the user accepts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from carnet.projets import fields
from carnet.projets.constants import VOCABS, to_code, vocabs
from carnet.projets.fields import norm, value_keywords
from carnet.projets.orientations import orientations
from carnet.projets.validation import is_blank, normalize_commune_code
from carnet.text import INSEE_PATTERN

#: rapidfuzz score (0–100) from which a close spelling is proposed.
FUZZY_CUTOFF = 84
#: Two candidates closer than this are both offered (the user picks).
AMBIGUITY_MARGIN = 3
_ARTICLES = {"le", "la", "les", "l"}
_STOPWORDS = _ARTICLES | {"et", "de", "du", "des", "d", "a", "au", "aux", "en", "pour", "sur",
                          "un", "une", "par", "avec"}
_CODE_IN_TEXT = re.compile(rf"\b({INSEE_PATTERN})\b")
_NUMBERED = re.compile(r"^(?:orientation|axe|o|priorite|n)?\s*(\d)(?:\s|$)")


@dataclass
class Resolution:
    """How one value of the file was understood."""

    code: str | None
    how: str = "exact"  # exact, ancienne, prefixe, mot-cle, approchant, ambigu, inconnu
    note: str | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)
    score: float | None = None

    @property
    def sure(self) -> bool:
        """True when the value can be applied without asking."""
        return self.code is not None and self.how not in ("approchant", "ambigu")


@dataclass
class Proposal:
    """A value the importer could not match for sure: the user decides.

    ``field`` is a project field or ``coordonnees`` (swapped longitude/latitude);
    ``candidates`` are ``(code, label)`` pairs, best first.
    """

    field: str
    value: str
    lines: list[int]
    candidates: list[tuple[str, str]]
    kind: str  # approchant, ambigu, inversion
    score: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.field, self.value)

    def describe(self) -> str:
        """French sentence for the report."""
        lines = ", ".join(str(n) for n in self.lines[:10]) + ("…" if len(self.lines) > 10 else "")
        where = f"ligne{'s' if len(self.lines) > 1 else ''} {lines}"
        if self.kind == "inversion":
            return (f"coordonnées inversées ? Le point tombe hors du territoire, mais dedans "
                    f"une fois longitude et latitude échangées ({where}) : proposition "
                    "d'échanger les deux colonnes.")
        label = FIELD_NAMES.get(self.field, self.field)
        if self.kind == "ambigu":
            options = " ou ".join(f"« {lab} »" for _, lab in self.candidates[:6])
            return f"{label} « {self.value} » ambigu(ë) ({where}) : {options} ? Choisissez."
        return (f"{label} « {self.value} » ({where}) : vouliez-vous dire "
                f"« {self.candidates[0][1]} » ? (proposition à accepter)")


#: Field → its name in a French message (``nom`` in the fields table).
FIELD_NAMES: dict[str, str] = {name: c.nom for name, c in fields.champs().items()}


def _fuzzy(key: str, choices: dict[str, str], labels: dict[str, str]) -> Resolution:
    """Closest keys of ``choices`` (normalised text → code) by rapidfuzz."""
    from rapidfuzz import fuzz, process

    if not key or not choices:
        return Resolution(None, "inconnu")
    hits = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=8,
                           score_cutoff=FUZZY_CUTOFF)
    best: dict[str, float] = {}
    for text, score, _ in hits:
        code = choices[text]
        best[code] = max(best.get(code, 0), score)
    if not best:
        return Resolution(None, "inconnu")
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    close = [(c, labels.get(c, c)) for c, s in ranked if top - s < AMBIGUITY_MARGIN]
    if len(close) > 1:
        return Resolution(None, "ambigu", candidates=close, score=top)
    return Resolution(None, "approchant", candidates=close, score=top)


# -- communes -----------------------------------------------------------------------------
def commune_key(name: Any) -> str:
    """Normalised commune name: ``"St-Pol-sur-Mer"`` → ``"saint pol sur mer"``,
    ``"Cateau-Cambrésis (Le)"`` and ``"LE CATEAU CAMBRESIS"`` → ``"cateau cambresis"``."""
    tokens = norm(name).replace("(", " ").replace(")", " ").split()
    out = []
    for t in tokens:
        t = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}.get(t, t)
        if t in _ARTICLES:
            continue
        out.append(t)
    return " ".join(out)


class CommuneIndex:
    """Communes of a territory by normalised name, with former communes."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.names: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}
        for code, row in ctx.by_code.items():
            nom = str(row.get("nom") or code)
            self.labels[code] = f"{nom} ({code})"
            self.names.setdefault(commune_key(nom), set()).add(code)
        self.former_codes: dict[str, tuple[str, str]] = {}
        self.former_names: dict[str, set[tuple[str, str]]] = {}
        for old, info in (getattr(ctx, "former_communes", None) or {}).items():
            new = str(info.get("commune"))
            if new not in ctx.by_code or old in ctx.by_code:
                continue
            nom = str(info.get("nom") or old)
            self.former_codes[str(old)] = (new, nom)
            self.former_names.setdefault(commune_key(nom), set()).add((new, nom))

    def _label(self, code: str) -> str:
        return self.labels.get(code, code)

    def _former_note(self, old_label: str, new: str) -> str:
        return (f"ancienne commune {old_label} rattachée à {self._label(new)}")

    def exact(self, value: Any) -> str | None:
        """Code for a value that is surely a commune of the territory (no proposal)."""
        res = self.resolve(value, fuzzy=False)
        return res.code if res.sure else None

    def resolve(self, value: Any, fuzzy: bool = True) -> Resolution:
        """Understand a commune cell: code, name, "Nom (code)", former commune."""
        if is_blank(value):
            return Resolution(None, "inconnu")
        text = str(value).strip()
        code = normalize_commune_code(text)
        if code is None or not re.fullmatch(r"\d[\dAB]\d{3}", code):
            m = _CODE_IN_TEXT.search(text)
            code = m.group(1) if m else None
        if code is not None:
            if code in self.ctx.by_code:
                return Resolution(code)
            if code in self.former_codes:
                new, nom = self.former_codes[code]
                return Resolution(new, "ancienne", note=self._former_note(f"{nom} ({code})", new))
            if re.fullmatch(r"\d[\dAB]\d{3}", text):
                return Resolution(None, "inconnu")
        key = commune_key(text)
        codes = self.names.get(key)
        if codes and len(codes) == 1:
            return Resolution(next(iter(codes)))
        if codes:
            return Resolution(None, "ambigu",
                              candidates=[(c, self._label(c)) for c in sorted(codes)])
        former = self.former_names.get(key)
        if former:
            if len(former) == 1:
                new, nom = next(iter(former))
                return Resolution(new, "ancienne", note=self._former_note(nom, new))
            return Resolution(None, "ambigu", candidates=[(n, self._label(n))
                                                          for n, _ in sorted(former)])
        if not fuzzy or not key:
            return Resolution(None, "inconnu")
        prefixed = sorted({c for k, cs in self.names.items() if k.startswith(key + " ")
                           for c in cs})
        if len(prefixed) == 1:
            return Resolution(None, "approchant", candidates=[(prefixed[0],
                                                              self._label(prefixed[0]))])
        if 1 < len(prefixed) <= 8:
            return Resolution(None, "ambigu",
                              candidates=[(c, self._label(c)) for c in prefixed])
        choices = {k: next(iter(cs)) for k, cs in self.names.items() if len(cs) == 1}
        for k, pairs in self.former_names.items():
            if len(pairs) == 1:
                choices.setdefault(k, next(iter(pairs))[0])
        return _fuzzy(key, choices, self.labels)


def commune_index(ctx) -> CommuneIndex:
    """The (cached) commune index of a territory context."""
    cache = ctx.__dict__.setdefault("_carnet_indexes", {})
    if "communes" not in cache:
        cache["communes"] = CommuneIndex(ctx)
    return cache["communes"]


# -- vocabularies -------------------------------------------------------------------------
class VocabIndex:
    """One vocabulary (orientation, statut…, or the contracts of the territory)."""

    def __init__(self, fname: str, vocab: dict[str, str], short: dict[str, str] | None = None,
                 keywords: dict[str, list[str]] | None = None, numbered: bool = False,
                 pack_id: str | None = None):
        self.field = fname
        self.vocab = vocab
        self.pack_id = pack_id
        self.labels = {c: (short or {}).get(c, lab) for c, lab in vocab.items()}
        self.numbered = numbered
        self.texts: dict[str, str] = {}
        for code, label in vocab.items():
            for t in (code, label, (short or {}).get(code)):
                if t:
                    self.texts.setdefault(norm(t), code)
                    self.texts.setdefault(norm(str(t).replace("_", " ")), code)
        self.keywords = {c: [norm(k) for k in ks] for c, ks in (keywords or {}).items()}

    def resolve(self, value: Any) -> Resolution:
        if is_blank(value):
            return Resolution(None, "inconnu")
        if self.field in VOCABS or self.field == "orientation":
            code = to_code(self.field, value, self.pack_id)
            if code is not None:
                return Resolution(code)
        key = norm(value).replace("(", " ").replace(")", " ")
        key = " ".join(key.split())
        if key in self.texts:
            return Resolution(self.texts[key])
        if self.numbered:
            m = _NUMBERED.match(key)
            numbers = orientations(self.pack_id).numbers
            if m and m.group(1) in numbers:
                return Resolution(numbers[m.group(1)], "numero")
        if len(key) >= 3:
            pref = {c for t, c in self.texts.items() if t.startswith(key)}
            if len(pref) == 1:
                return Resolution(pref.pop(), "prefixe")
        words = f" {key} "
        found = {c: [k for k in ks if f" {k} " in words] for c, ks in self.keywords.items()}
        hits = {c for c, ks in found.items() if ks}
        if len(hits) == 1:
            code = hits.pop()
            # a keyword lost in a longer phrase ("terminé peut-être") is only proposed
            covered = {t for k in found[code] for t in k.split()}
            content = [t for t in key.split() if t not in _STOPWORDS]
            if sum(t in covered for t in content) * 2 >= len(content):
                return Resolution(code, "mot-cle")
            return Resolution(None, "approchant", candidates=[(code, self.labels[code])])
        if len(hits) > 1:
            return Resolution(None, "ambigu",
                              candidates=[(c, self.labels[c]) for c in self.vocab if c in hits])
        choices = dict(self.texts)
        for c, ks in self.keywords.items():
            for k in ks:
                if len(k) >= 5:
                    choices.setdefault(k, c)
        return _fuzzy(key, choices, self.labels)


def vocab_index(fname: str, ctx=None) -> VocabIndex:
    """Matcher of a vocabulary field (``territoire``: the territories of ``ctx``'s pack)."""
    if fname == "territoire":
        cache = ctx.__dict__.setdefault("_carnet_indexes", {}) if ctx is not None else {}
        if "territoire" not in cache:
            cache["territoire"] = VocabIndex("territoire", dict(ctx.territoires if ctx else {}))
        return cache["territoire"]
    pack_id = ctx.pack_id if ctx is not None else None
    return _vocab_cached(fname, tuple(sorted((c, tuple(k)) for c, k in
                                             value_keywords(fname).items())), pack_id)


_VOCAB_CACHE: dict = {}


def _vocab_cached(fname: str, keywords: tuple, pack_id: str | None = None) -> VocabIndex:
    from carnet.config import default_pack

    pack_id = pack_id or default_pack()
    key = (fname, keywords, pack_id)
    if key not in _VOCAB_CACHE:
        vocab = vocabs(pack_id)[fname]
        # keywords of values the pack does not have (another pack's orientations) are moot
        kws = {c: list(k) for c, k in keywords if c in vocab}
        _VOCAB_CACHE[key] = VocabIndex(
            fname, vocab, orientations(pack_id).short if fname == "orientation" else None,
            kws, numbered=fname == "orientation", pack_id=pack_id)
    return _VOCAB_CACHE[key]


def accepted_values(vocab_field: str, ctx=None) -> list[tuple[str, str, str]]:
    """Accepted values of a field, for the page: ``(code, label, keywords)``."""
    if vocab_field == "territoire":
        return [(c, n, "") for c, n in (ctx.territoires if ctx else {}).items()]
    kws = value_keywords(vocab_field)
    pack_id = ctx.pack_id if ctx is not None else None
    out = []
    by_code = {o.code: o for o in orientations(pack_id)}
    for code, label in vocabs(pack_id)[vocab_field].items():
        extra = []
        if vocab_field == "orientation":
            extra.append(str(by_code[code].numero))
            extra.append(by_code[code].libelle_court)
        extra += [k for k in kws.get(code, []) if norm(k) != norm(label)]
        out.append((code, label, ", ".join(extra)))
    return out
