"""Errors raised by the carnet package.

Every error carries a French message meant for the user: it names the file,
the line when known, and the reason.
"""

from __future__ import annotations


class CarnetError(Exception):
    """Base class: a user-facing error with a French message."""


class SourceMissingError(CarnetError):
    """A source folder or file is absent."""


class SourceFormatError(CarnetError):
    """A source file exists but its content is not what the reader expects.

    Parameters
    ----------
    path : str
        File (or ``archive.zip:member``) that failed.
    reason : str
        French explanation.
    line : int, optional
        1-based line number in the file, when known.
    """

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}, ligne {line}" if line is not None else self.path
        super().__init__(f"Fichier {where} : {reason}")


class ConfigError(CarnetError):
    """A territory pack configuration is invalid."""


class UnknownKeyError(CarnetError, KeyError):
    """A registry lookup with an unknown key; the message lists the valid keys."""

    def __init__(self, kind: str, key: str, valid):
        self.kind, self.key = kind, key
        self.valid = sorted(valid)
        super().__init__(
            f"{kind} inconnu : {key!r}. Valeurs possibles : {', '.join(self.valid)}"
        )

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def lookup(registry: dict, key: str, kind: str):
    """Return ``registry[key]`` or raise :class:`UnknownKeyError` listing valid keys."""
    try:
        return registry[key]
    except KeyError:
        raise UnknownKeyError(kind, key, registry.keys()) from None


class ProjetError(CarnetError):
    """Base error of the projects registry and of the accounts (message in French).

    Defined in the core so that :mod:`carnet.auth` raises it without importing the
    registry; :mod:`carnet.projets.errors` re-exports it with the registry's errors.
    """


class PermissionDenied(ProjetError):
    """The current role may not perform that action."""
