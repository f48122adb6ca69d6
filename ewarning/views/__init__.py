"""Views: what a screen, a command or a briefing shows, as of ``T``, for one acting user.

One :class:`Picture` (:func:`picture`) holds what the mission knew at the
as-of time under the analyst's filters, built only from the as-of view
(:func:`ewarning.asof.as_of`); every view is a pure function of it:

- :func:`situation`: the situation map's layers, hotspots drawn and header counts;
- :func:`hotspot_list` and :func:`dossier`: the ranked table and one hotspot's
  dossier (headline, explanation, the reports behind the score, the weekly
  chart, sites, bases and patrols near it);
- :func:`presence_picture`: bases and components at ``T``, presence around each hotspot;
- :func:`site_watch`: the vulnerability watch of IDP sites;
- :func:`replay_days` and :func:`replay_picture`: the training replay's day cursor and picture
  (permission ``replay``; a trainee stops at an exercise's decision point);
- :func:`briefing`: the leadership briefing (:class:`Briefing`: every figure of the Briefing page and of its
  PDF, slides and HTML, redacted by default);
- :func:`shown_alerts` and :func:`triage_queue`: the alerts under the filters and the
  triage queue, as of ``T``, without scoring (:func:`known` is the as-of view itself).

Pages, commands and benchmarks call these and hold no analytics; a figure
shown in two places comes from one view. Nothing here knows of Streamlit.
"""

from .alerts import TriageQueue, alerts_export, same_reporter_words, shown_alerts, triage_queue
from .dossier import Dossier, HotspotList, dossier, hotspot_list
from .picture import Layers, Picture, known, picture, pictures
from .presence import PresencePicture, presence_picture
from .replay import check_replay_day, replay_days, replay_engine, replay_picture
from .situation import MAP_TOP, Situation, situation
from .watch import SiteWatch, site_watch, site_watch_at
from .briefing import Briefing, briefing
from ..hotspots.explain import explanation_in

__all__ = ["explanation_in", "Layers", "Picture", "known", "picture", "pictures", "alerts_export", "same_reporter_words", "shown_alerts", "TriageQueue", "triage_queue", "Situation", "situation", "MAP_TOP", "HotspotList",
           "hotspot_list", "Dossier", "dossier", "PresencePicture", "presence_picture", "SiteWatch", "site_watch", "site_watch_at",
           "replay_days", "replay_picture", "replay_engine", "check_replay_day", "Briefing", "briefing"]
