"""Stories (récits): one spec per territoire, three renderings (presenter, HTML, PDF).

Public API (see ``carnet/recits/model.py`` for the shapes):

- ``recit(pack, territoire) -> Recit``: the declared story, else the default one;
- ``diapositives(pack, recit, *, contrat=None, projets=None, contributions=None,
  today=None) -> list[Diapositive]``: the resolved slides.
"""

from carnet.recits.resolve import diapositives
from carnet.recits.spec import default_recit, recit

__all__ = ["default_recit", "diapositives", "recit"]
