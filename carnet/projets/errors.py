"""Errors of the projects registry; messages are in French (shown to users)."""

from __future__ import annotations

from typing import Any

# The base error and the permission error live in the core (carnet.auth raises them).
from carnet.errors import PermissionDenied, ProjetError  # noqa: F401


class ValidationError(ProjetError):
    """A project's data is invalid.

    Parameters
    ----------
    errors : list of str
        French messages, one per problem.
    """

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("Projet invalide : " + " ; ".join(self.errors))


class NotFoundError(ProjetError):
    """No project with that id."""


class DeletedError(NotFoundError):
    """The project was (soft-)deleted; ``projet`` is the stored record (who, when).

    Parameters
    ----------
    projet : dict
        The deleted project as stored (``deleted_by``, ``deleted_at``).
    message : str
        French message.
    """

    def __init__(self, projet: dict, message: str):
        self.projet = projet
        super().__init__(message)


class ImportRejected(ProjetError):
    """A file cannot be imported (unreadable, unsafe, or rows rejected)."""

    def __init__(self, message: str, report: Any = None):
        self.report = report
        super().__init__(message)


class ConflictError(ProjetError):
    """Optimistic-locking conflict: someone saved the project in the meantime.

    Parameters
    ----------
    mine : dict
        The values the user tried to save (full record as it would have been).
    theirs : dict
        The record currently stored (newer version).
    """

    def __init__(self, mine: dict, theirs: dict):
        self.mine = mine
        self.theirs = theirs
        who = theirs.get("updated_by") or "un autre utilisateur"
        from carnet.formatting import fmt_datetime

        when = fmt_datetime(theirs.get("updated_at"), missing="?", naive_utc=True)
        super().__init__(
            f"Conflit : le projet n°{theirs.get('id')} a été modifié par {who} ({when}, "
            f"version {theirs.get('version')}) pendant votre saisie. Rien n'a été écrasé : "
            "comparez votre version et la version enregistrée, puis enregistrez à nouveau."
        )

    def differences(self) -> list[dict]:
        """Fields whose values differ between the two versions.

        Returns
        -------
        list of dict
            ``{"champ", "votre_version", "version_enregistree"}`` per differing field.
        """
        skip = {"version", "updated_at", "updated_by", "created_at", "created_by"}
        out = []
        for key in sorted(set(self.mine) | set(self.theirs)):
            if key in skip:
                continue
            a, b = self.mine.get(key), self.theirs.get(key)
            if a != b:
                out.append({"champ": key, "votre_version": a, "version_enregistree": b})
        return out
