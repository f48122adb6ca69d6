"""Forecast of serious events: a self-exciting point process (Hawkes / ETAS) and the discs it names.

Modules, one concept each:

- :mod:`.kernels`: the time and space triggering kernels and the Gaussian's mass in a disc;
- :mod:`.hawkes`: the model, its EM fit on the history before the as-of time, and a simulator;
- :mod:`.discs`: expected serious events in discs over the horizon and the discs to name;
- :mod:`.method`: the model as a backtest method (``fit(index)``, ``areas(t_end, k)``);
- :mod:`.explain`: the expected events of a disc in words;
- :mod:`.areas`: the product's hotspot areas: fit on the store's alerts as of the picture's day, expected
  events in each area and its explanation.
"""

from .discs import Disc, DiscConfig, DiscForecast, choose_discs, expected_in_disc, sources
from .explain import ExpectedExplanation, amount_words, explain_disc
from .hawkes import Events, FitConfig, HawkesFit, HawkesParams, fit, simulate
from .kernels import DiscMassTable, SpaceKernel, TimeKernel, disc_mass
from .method import HawkesMethod
from .areas import AreaConfig, AreaForecast, expected_in_areas, fit_as_of, model_words

__all__ = ["Disc", "DiscConfig", "DiscForecast", "choose_discs", "expected_in_disc", "sources", "Events",
           "FitConfig", "HawkesFit", "HawkesParams", "fit", "simulate", "DiscMassTable", "SpaceKernel",
           "TimeKernel", "disc_mass", "HawkesMethod", "ExpectedExplanation", "explain_disc", "amount_words",
           "AreaConfig", "AreaForecast", "expected_in_areas", "fit_as_of", "model_words"]
