"""The carnet's heritage (issue #10 §4): « Histoire et patrimoine », « Culture »,
« Environnement et paysage » for each territoire.

- :mod:`carnet.carnets.sections`: what the pack's layers say (monuments, musées, gares,
  parcs naturels régionaux), as lists and short generated sentences;
- :mod:`carnet.carnets.texts`: the editable Markdown text of each section (seed file
  ``data/territoires/<pack>/carnets/<territoire>.md``), its citation rule and its safe
  rendering;
- :mod:`carnet.carnets.store`: the texts edited in the app (table ``carnet_texte``, with
  audit and optimistic locking).
"""

from carnet.carnets.sections import SECTIONS

__all__ = ["SECTIONS"]
