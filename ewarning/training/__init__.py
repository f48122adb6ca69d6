"""Training: the scenario library, trainee exercises with a reveal, and handover notes.

- :mod:`~ewarning.training.scenarios`: scenarios in ``geodata/scenarios/<name>/`` (a file set and its
  ``scenario.json``), loaded into :class:`ewarning.views.Layers` as files are imported; trainers save a
  period of the store as a new scenario;
- :mod:`~ewarning.training.exercises`: an :class:`Exercise` (scenario, decision point, questions), a
  trainee's :class:`Answer` and :func:`reveal` (hits, misses and lead time against the engine's picks and
  the incidents that followed), saved and exported for the debrief;
- :mod:`~ewarning.training.handover`: handover notes for an area and a date, as escaped HTML;
- :mod:`~ewarning.training.synthetic`: the seeded generator of the synthetic scenarios shipped.

The replay itself is a view (:func:`ewarning.views.replay_picture`): the permission checks (``replay``, a
trainee stopped at the decision point) are made there, where the picture is built.

Examples
--------
>>> from ewarning.training import list_scenarios
>>> "alindao" in list_scenarios()
True
"""

from __future__ import annotations

from .exercises import ACTIONS, Answer, Exercise, Pick, Reveal, reveal
from .scenarios import Scenario, list_scenarios, load_layers, load_scenario, save_scenario

__all__ = ["ACTIONS", "Answer", "Exercise", "Pick", "Reveal", "Scenario", "list_scenarios", "load_layers",
           "load_scenario", "reveal", "save_scenario"]
