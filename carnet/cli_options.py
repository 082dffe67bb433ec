"""The command line's pack and territory options, shared by every command.

``--pack`` names a territory pack (default ``$CARNET_PACK``, else ``nord``);
``--territoire`` a contract territory of it. The former spellings (``--territoire
<pack>`` without ``--pack``, ``--contrat``) are read with a French warning on standard
error for a release.
"""

from __future__ import annotations

import argparse
import sys

from carnet.config import DEFAULT_PACK, ENV_PACK, default_pack
from carnet.errors import CarnetError


def _deprecated(old: str, new: str) -> None:
    print(f"Avertissement : {old} est obsolète : utilisez {new}.", file=sys.stderr)


def add_pack_arguments(p: argparse.ArgumentParser, territory: bool) -> None:
    """Add ``--pack`` and ``--territoire`` (plus the deprecated ``--contrat``) to a command.

    Parameters
    ----------
    p : argparse.ArgumentParser
    territory : bool
        Whether the command takes a contract territory. Without one, ``--territoire`` is
        only the deprecated spelling of ``--pack``.
    """
    p.add_argument("--pack", default=None,
                   help=f"pack de territoire (dossier de data/territoires/) ; par défaut "
                        f"${ENV_PACK}, sinon {DEFAULT_PACK}")
    p.add_argument("--territoire", default=None,
                   help="territoire de contrat du pack (ex. cambresis)" if territory
                   else argparse.SUPPRESS)
    if territory:
        p.add_argument("--contrat", default=None, help=argparse.SUPPRESS)
    p.set_defaults(_takes_territory=territory)


def resolve_pack_arguments(args: argparse.Namespace) -> None:
    """Settle ``args.pack`` and ``args.territoire`` (deprecated spellings, with warnings).

    Raises
    ------
    CarnetError
        ``--territoire`` on a command without territories while ``--pack`` is given, or
        ``--territoire`` and ``--contrat`` naming two different territories.
    """
    from carnet.config import available_packs

    territory = getattr(args, "_takes_territory", False)
    contrat = getattr(args, "contrat", None)
    if contrat is not None:
        _deprecated(f"--contrat {contrat}", f"--territoire {contrat}")
    if args.pack is None and args.territoire is not None and (
            args.territoire in available_packs() or not territory):
        _deprecated(f"--territoire {args.territoire}", f"--pack {args.territoire}")
        args.pack, args.territoire = args.territoire, None
    if not territory and args.territoire is not None:
        raise CarnetError(f"--territoire {args.territoire} : cette commande ne prend pas de "
                          "territoire de contrat (le pack se choisit avec --pack).")
    if contrat is not None:
        if args.territoire is not None and args.territoire != contrat:
            raise CarnetError(f"--territoire {args.territoire} et --contrat {contrat} "
                              "désignent deux territoires : gardez --territoire seul.")
        args.territoire = contrat
    if args.pack is None:
        args.pack = default_pack()
