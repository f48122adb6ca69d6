"""A deterministic, SYNTHETIC demo mission: the Alindao pattern, reproducible from a seed.

The scenario is a made-up peacekeeping mission in the Central African
Republic from 1 June to 15 December 2018. Town names and their positions are
real (approximate); every report, base, patrol, site population and phone
number is invented. It is *modelled on the pattern* of Alindao (November
2018, see the IPI report's Box 4), not on real reports:

* four of the five main hotspots (Bambari, Kaga-Bandoro, Bria, Bangassou)
  have military, police, civilian staff and liaison assistants within about
  20 km; Alindao has only a military company base, whose liaison assistant
  was never deployed, until a liaison assistant and a civilian surge team
  arrive on 20 November;
* alerts within 25 km of Alindao rise in the three weeks before 15 November
  (armed-group movements and threats, then killings and abductions) and end
  in an attack on the IDP site at the Catholic mission (112 killed);
* the Alindao company patrols in vehicles only, rarely engages anyone, and
  stops going near the IDP site in the last three weeks;
* elsewhere: steady activity with a dry-season rise, near-duplicate reports
  of one incident through two channels, a burst of near-identical rumours
  from one phone in a quiet place, and a quiet place with one loud day.

Tables are *raw* and canonical: strings exactly as a user's CSV would hold
them (ISO 8601 UTC times, codes from :mod:`ewarning.vocab`), so they go
through the same readers and validators as real data. Reporter phone numbers
are obviously fake (``+236 70 00 xx xx``).

Examples
--------
>>> tables = generate(seed=2018)
>>> sorted(tables)
['alerts', 'patrol_points', 'patrols', 'presence', 'sites']
>>> tables["sites"].set_index("site_id").loc[ALINDAO_SITE_ID, "population"]
'18000'

Regenerate the shipped files with ``python -m ewarning.scenario geodata/demo``
(and the basemap with ``--basemap geodata/basemap``).
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

import numpy as np
import pandas as pd

from .config import GEODATA, SHARED_DATA

#: The public-domain Natural Earth 1:110m countries the basemap is cut from.
NATURALEARTH = SHARED_DATA / "naturalearth" / "naturalearth_lowres.shp"

PERIOD_START = pd.Timestamp("2018-06-01", tz="UTC")
PERIOD_END = pd.Timestamp("2018-12-16", tz="UTC")  # exclusive: the period ends on 15 December
ALINDAO_ATTACK = pd.Timestamp("2018-11-15", tz="UTC")
#: When alerts near Alindao start to rise (three weeks before the attack).
ALINDAO_ESCALATION_START = ALINDAO_ATTACK - pd.Timedelta(days=21)
#: When the Alindao company stops patrolling near the IDP site.
ALINDAO_PATROL_AVOIDANCE_START = pd.Timestamp("2018-10-25", tz="UTC")
#: When a liaison assistant and a civilian surge team reach Alindao.
ALINDAO_SURGE = pd.Timestamp("2018-11-20", tz="UTC")
ALINDAO_SITE_ID = "S-ALD-01"
ALINDAO_SITE = (5.0365, 21.2170)  # (lat, lon): the Catholic mission site
ALINDAO_BASE_ID = "B-ALD-COB"
ALINDAO_KILLED = 112
#: (min_lon, min_lat, max_lon, max_lat) around the Central African Republic.
MISSION_BBOX = (14.4, 2.2, 27.5, 11.2)
HOTSPOT_TOWNS = ("Bambari", "Kaga-Bandoro", "Bria", "Bangassou", "Alindao")
#: A quiet place with one loud day (many reports, no trend).
LOUD_DAY_TOWN, LOUD_DAY = "Sibut", pd.Timestamp("2018-10-03", tz="UTC")
#: A burst of near-identical rumours from one phone in a quiet place.
RUMOUR_TOWN, RUMOUR_START = "Bossembélé", pd.Timestamp("2018-09-04", tz="UTC")
RUMOUR_REPORTER = "+236 70 00 99 01"
LAYERS = ("alerts", "sites", "presence", "patrols", "patrol_points")

#: Real towns, approximate positions (lat, lon), and their role in the demo.
TOWNS = {
    "Bangui": (4.3612, 18.5550, "capital"),
    "Bambari": (5.7679, 20.6757, "hotspot"),
    "Kaga-Bandoro": (6.9896, 19.1874, "hotspot"),
    "Bria": (6.5423, 21.9863, "hotspot"),
    "Bangassou": (4.7413, 22.8184, "hotspot"),
    "Alindao": (5.0403, 21.2133, "hotspot"),
    "Berbérati": (4.2612, 15.7922, "town"),
    "Bouar": (5.9340, 15.5960, "town"),
    "Bossangoa": (6.4926, 17.4552, "town"),
    "Ndélé": (8.4109, 20.6473, "town"),
    "Birao": (10.2849, 22.7882, "town"),
    "Paoua": (7.2430, 16.4400, "town"),
    "Bocaranga": (6.9833, 15.6333, "town"),
    "Bozoum": (6.3172, 16.3783, "town"),
    "Batangafo": (7.3009, 18.2870, "town"),
    "Kabo": (7.6994, 18.6292, "town"),
    "Sibut": (5.7186, 19.0741, "town"),
    "Bossembélé": (5.2670, 17.6536, "town"),
    "Damara": (4.9600, 18.7000, "town"),
    "Mbaïki": (3.8678, 17.9892, "town"),
    "Nola": (3.5239, 16.0449, "town"),
    "Carnot": (4.9408, 15.8779, "town"),
    "Bouca": (6.5079, 18.2767, "town"),
    "Dékoa": (6.3167, 19.0833, "town"),
    "Mbrès": (6.6667, 19.8000, "town"),
    "Grimari": (5.7303, 20.0527, "town"),
    "Kouango": (4.9983, 19.9733, "town"),
    "Ippy": (6.2500, 21.2167, "town"),
    "Bakouma": (5.6983, 22.7836, "town"),
    "Rafaï": (4.9516, 23.9283, "town"),
    "Zémio": (5.0314, 25.1361, "town"),
    "Obo": (5.3998, 26.4869, "town"),
    "Mobaye": (4.3195, 21.1858, "town"),
    "Kembé": (4.6000, 21.8800, "town"),
    "Ouadda": (8.0777, 22.4007, "town"),
    "Yalinga": (6.5167, 23.2667, "town"),
}

#: Synthetic sectors: (name, HQ town). Their boundaries are a Voronoi split.
SECTORS = (("Sector West", "Bouar"), ("Sector Centre", "Kaga-Bandoro"),
           ("Sector East", "Bambari"), ("Sector Bangui", "Bangui"))

_NEIGHBOURS = ("CAF", "TCD", "SDN", "SSD", "COD", "COG", "CMR")

# ---------------------------------------------------------------------------
# Bases and presence. One row per base period:
# (base_id, name, kind, town, north_km, east_km, military, police, civilian, cla, cla_female, start, end)
# ---------------------------------------------------------------------------
_PRESENCE = [
    ("B-BGI-HQ", "Bangui mission HQ", "mission_hq", "Bangui", 1.5, 0.8, 1200, 180, 520, 4, 2, "2014-09-15", ""),
    ("B-BGI-PK5", "Bangui PK5 police post", "police_post", "Bangui", -1.8, -2.6, 0, 140, 0, 0, 0, "2015-03-01", ""),
    ("B-BGI-PP2", "Bangui Boy-Rabe police post", "police_post", "Bangui", 3.9, -1.2, 0, 35, 0, 0, 0, "2016-01-10", ""),
    ("B-BOU-SHQ", "Bouar sector HQ (West)", "sector_hq", "Bouar", 1.2, 1.5, 780, 0, 14, 2, 0, "2014-10-01", ""),
    ("B-BOU-PP", "Bouar police post", "police_post", "Bouar", -0.6, 0.2, 0, 30, 0, 0, 0, "2016-05-01", ""),
    ("B-BER-COB", "Berbérati company base", "company_base", "Berbérati", 1.8, -1.1, 160, 0, 0, 2, 1, "2015-02-01", ""),
    ("B-BER-FO", "Berbérati field office", "field_office", "Berbérati", 0.3, 0.4, 0, 12, 18, 0, 0, "2015-02-01", ""),
    ("B-PAO-COB", "Paoua company base", "company_base", "Paoua", -1.4, 1.9, 180, 0, 0, 2, 0, "2017-01-15", ""),
    ("B-BOC-TOB", "Bocaranga temporary base", "temporary_base", "Bocaranga", 0.9, -1.3, 80, 0, 0, 0, 0, "2018-03-01", ""),
    ("B-BSG-COB", "Bossangoa company base", "company_base", "Bossangoa", 1.1, 2.2, 180, 0, 8, 2, 1, "2014-11-01", ""),
    ("B-BSG-PP", "Bossangoa police post", "police_post", "Bossangoa", -0.4, 0.5, 0, 35, 0, 0, 0, "2016-02-01", "2018-09-30"),
    ("B-KGB-SHQ", "Kaga-Bandoro sector HQ (Centre)", "sector_hq", "Kaga-Bandoro", 2.1, -1.7, 760, 0, 0, 2, 0, "2014-10-01", "2018-08-15"),
    ("B-KGB-SHQ", "Kaga-Bandoro sector HQ (Centre)", "sector_hq", "Kaga-Bandoro", 2.1, -1.7, 720, 0, 0, 2, 1, "2018-08-15", ""),
    ("B-KGB-FO", "Kaga-Bandoro field office", "field_office", "Kaga-Bandoro", 0.4, 0.6, 0, 0, 32, 2, 1, "2015-01-15", ""),
    ("B-KGB-PP", "Kaga-Bandoro FPU base", "police_post", "Kaga-Bandoro", -0.9, 1.1, 0, 140, 0, 0, 0, "2016-10-20", ""),
    ("B-BTF-COB", "Batangafo company base", "company_base", "Batangafo", 1.0, -1.5, 210, 0, 4, 2, 0, "2015-06-01", ""),
    ("B-KBO-TOB", "Kabo temporary base", "temporary_base", "Kabo", -0.8, 0.9, 70, 0, 0, 0, 0, "2017-06-01", ""),
    ("B-NDL-COB", "Ndélé company base", "company_base", "Ndélé", 1.6, 1.4, 190, 30, 10, 2, 1, "2015-04-01", ""),
    ("B-SIB-TOB", "Sibut temporary base", "temporary_base", "Sibut", 1.2, -0.9, 60, 0, 0, 0, 0, "2017-11-01", ""),
    ("B-BMB-SHQ", "Bambari sector HQ (East)", "sector_hq", "Bambari", 2.4, -2.0, 880, 0, 0, 2, 1, "2014-10-01", ""),
    ("B-BMB-FO", "Bambari field office", "field_office", "Bambari", 0.2, 0.5, 0, 0, 38, 2, 0, "2014-12-01", "2018-10-01"),
    ("B-BMB-FO", "Bambari field office", "field_office", "Bambari", 0.2, 0.5, 0, 0, 45, 3, 1, "2018-10-01", ""),
    ("B-BMB-PP", "Bambari FPU base", "police_post", "Bambari", -1.1, 1.3, 0, 140, 0, 0, 0, "2017-02-15", ""),
    ("B-IPY-TOB", "Ippy temporary base", "temporary_base", "Ippy", 0.7, 0.8, 80, 0, 0, 0, 0, "2018-08-20", ""),
    ("B-BRI-COB", "Bria company base", "company_base", "Bria", 2.6, 1.2, 400, 0, 0, 2, 0, "2015-03-01", "2018-09-01"),
    ("B-BRI-COB", "Bria company base", "company_base", "Bria", 2.6, 1.2, 400, 0, 0, 3, 1, "2018-09-01", ""),
    ("B-BRI-FO", "Bria field office", "field_office", "Bria", 0.3, -0.4, 0, 0, 24, 0, 0, "2015-05-01", ""),
    ("B-BRI-PP", "Bria police post", "police_post", "Bria", -0.8, -0.9, 0, 120, 0, 0, 0, "2017-06-01", ""),
    ("B-BGS-COB", "Bangassou company base", "company_base", "Bangassou", 1.9, -1.6, 200, 0, 0, 2, 1, "2017-05-20", "2018-07-10"),
    ("B-BGS-COB", "Bangassou company base", "company_base", "Bangassou", 1.9, -1.6, 320, 0, 0, 2, 1, "2018-07-10", ""),
    ("B-BGS-FO", "Bangassou field office", "field_office", "Bangassou", 0.6, 0.3, 0, 0, 15, 0, 0, "2017-06-01", ""),
    ("B-BGS-PP", "Bangassou police post", "police_post", "Bangassou", -0.2, 0.9, 0, 35, 0, 0, 0, "2017-08-01", ""),
    ("B-ALD-COB", "Alindao company base", "company_base", "Alindao", 2.2, -2.2, 150, 0, 0, 0, 0, "2017-06-01", "2018-11-20"),
    ("B-ALD-COB", "Alindao company base", "company_base", "Alindao", 2.2, -2.2, 230, 0, 0, 2, 1, "2018-11-20", ""),
    ("B-ALD-SURGE", "Alindao civilian surge team", "field_office", "Alindao", 0.5, 0.1, 0, 0, 7, 0, 0, "2018-11-20", ""),
    ("B-KMB-TOB", "Kembé temporary base", "temporary_base", "Kembé", 0.8, -0.7, 60, 0, 0, 0, 0, "2017-09-01", ""),
    ("B-ZEM-TOB", "Zémio temporary base", "temporary_base", "Zémio", 1.2, -1.0, 100, 0, 0, 2, 0, "2017-07-01", "2018-10-15"),
    ("B-OBO-COB", "Obo company base", "company_base", "Obo", 1.3, 0.9, 150, 0, 3, 2, 0, "2016-06-01", ""),
    ("B-BIR-COB", "Birao company base", "company_base", "Birao", 1.7, -1.4, 250, 20, 8, 2, 1, "2015-01-10", ""),
]

# ---------------------------------------------------------------------------
# IDP sites: (site_id, name, kind, town, north_km, east_km, population, opened, closed)
# ---------------------------------------------------------------------------
_SITES = [
    ("S-BGI-01", "Bangui Lazaristes site", "idp_camp", "Bangui", -2.0, -3.5, 5200, "2016-09-01", ""),
    ("S-BGI-02", "Bangui Don Bosco site", "idp_camp", "Bangui", -3.2, 1.0, 3900, "2014-01-10", ""),
    ("S-BGI-03", "Bangui PK5 host families", "host_community", "Bangui", -1.5, -2.0, 6500, "2017-05-01", ""),
    ("S-BMB-01", "Bambari Élevage site", "idp_camp", "Bambari", 1.3, 2.0, 9800, "2017-02-01", ""),
    ("S-BMB-02", "Bambari Aviation site", "idp_camp", "Bambari", 2.8, -0.8, 7400, "2014-06-01", ""),
    ("S-BMB-03", "Bambari Sangaris site", "idp_camp", "Bambari", -1.9, 1.1, 3100, "2015-01-15", ""),
    ("S-BMB-04", "Pladama-Ouaka refugee camp", "refugee_camp", "Bambari", 6.5, -6.0, 1900, "2015-10-01", ""),
    ("S-BMB-05", "Bambari Bornou host families", "host_community", "Bambari", -0.4, -1.2, 4200, "2018-05-01", ""),
    ("S-KGB-01", "Kaga-Bandoro base protection site", "poc_site", "Kaga-Bandoro", 2.5, -1.2, 16500, "2016-10-13", ""),
    ("S-KGB-02", "Kaga-Bandoro Évêché site", "idp_camp", "Kaga-Bandoro", 0.2, 0.9, 7800, "2016-10-13", ""),
    ("S-KGB-03", "Kaga-Bandoro Lycée site", "idp_camp", "Kaga-Bandoro", -0.7, -0.6, 4100, "2017-03-01", ""),
    ("S-KGB-04", "Kaga-Bandoro Mbrès road host families", "host_community", "Kaga-Bandoro", -5.0, 9.0, 2500, "2018-01-15", ""),
    ("S-BRI-01", "Bria PK3 site", "poc_site", "Bria", 3.1, 0.8, 38000, "2017-05-15", ""),
    ("S-BRI-02", "Bria Borno host families", "host_community", "Bria", -0.5, -0.7, 4600, "2017-06-01", ""),
    ("S-BRI-03", "Bria Mission catholique site", "idp_camp", "Bria", 0.6, 0.3, 2200, "2017-06-10", "2018-09-15"),
    ("S-BGS-01", "Bangassou Petit séminaire site", "idp_camp", "Bangassou", 0.8, -0.5, 1900, "2017-05-15", ""),
    ("S-BGS-02", "Bangassou Cathédrale host families", "host_community", "Bangassou", 0.3, 0.4, 3300, "2017-05-15", ""),
    ("S-BGS-03", "Bangassou Tokoyo site", "idp_camp", "Bangassou", -0.8, 2.0, 2600, "2017-05-20", ""),
    (ALINDAO_SITE_ID, "Alindao Catholic mission site", "idp_camp", "Alindao", -0.42, 0.41, 18000, "2017-05-12", ""),
    ("S-ALD-02", "Alindao PK3 displaced (after the attack)", "host_community", "Alindao", 3.0, 2.6, 6000, "2018-11-16", ""),
    ("S-BTF-01", "Batangafo hospital site", "idp_camp", "Batangafo", 0.4, 0.7, 14500, "2017-08-01", ""),
    ("S-BTF-02", "Batangafo Lycée site", "idp_camp", "Batangafo", -0.8, -0.3, 9800, "2017-08-01", ""),
    ("S-BTF-03", "Batangafo Kabo road host families", "host_community", "Batangafo", 6.0, 3.0, 2400, "2018-02-01", ""),
    ("S-KBO-01", "Kabo Église site", "idp_camp", "Kabo", 0.5, 0.2, 3800, "2017-04-01", ""),
    ("S-NDL-01", "Ndélé Mission site", "idp_camp", "Ndélé", -0.6, 0.4, 2100, "2017-03-15", ""),
    ("S-PAO-01", "Paoua Bethanie site", "idp_camp", "Paoua", 0.5, -0.6, 6100, "2018-01-05", "2018-10-31"),
    ("S-PAO-02", "Paoua host families", "host_community", "Paoua", -1.0, 0.7, 8700, "2018-01-05", ""),
    ("S-BOC-01", "Bocaranga Mission site", "idp_camp", "Bocaranga", -0.4, 0.5, 2800, "2018-02-01", ""),
    ("S-BSG-01", "Bossangoa Lycée site", "idp_camp", "Bossangoa", 0.6, -0.9, 1200, "2014-09-01", "2018-08-31"),
    ("S-BOU-01", "Bouar host families", "host_community", "Bouar", -1.0, -1.1, 1500, "2017-09-01", ""),
    ("S-BER-01", "Berbérati Saint-Anne site", "idp_camp", "Berbérati", 0.3, -0.3, 900, "2016-01-01", ""),
    ("S-ZEM-01", "Zémio refugee camp", "refugee_camp", "Zémio", 2.0, 1.5, 2800, "2016-05-01", ""),
    ("S-ZEM-02", "Zémio Mission catholique site", "idp_camp", "Zémio", -0.3, 0.4, 6200, "2017-07-01", ""),
    ("S-OBO-01", "Obo refugee site", "refugee_camp", "Obo", -1.5, 1.2, 1600, "2015-03-01", ""),
    ("S-OBO-02", "Obo host families", "host_community", "Obo", 0.4, -0.6, 1400, "2017-10-01", ""),
    ("S-BIR-01", "Birao aérodrome site", "idp_camp", "Birao", 1.0, 1.5, 1100, "2017-01-01", ""),
    ("S-IPY-01", "Ippy Mission site", "idp_camp", "Ippy", 0.3, -0.5, 2700, "2017-11-01", ""),
    ("S-KMB-01", "Kembé host families", "host_community", "Kembé", -0.3, 0.5, 2300, "2017-07-15", ""),
    ("S-MOB-01", "Mobaye Église site", "idp_camp", "Mobaye", 0.6, 0.3, 1700, "2017-08-01", ""),
    ("S-RAF-01", "Rafaï host families", "host_community", "Rafaï", 0.2, 0.4, 1300, "2017-06-01", ""),
    ("S-DEK-01", "Dékoa host families", "host_community", "Dékoa", -0.4, 0.4, 1800, "2018-04-01", ""),
    ("S-MBR-01", "Mbrès Mission site", "idp_camp", "Mbrès", 0.4, 0.2, 2200, "2018-03-15", ""),
    ("S-GRI-01", "Grimari host families", "host_community", "Grimari", 0.3, -0.4, 1600, "2017-10-01", ""),
]

# ---------------------------------------------------------------------------
# Alert areas: town -> (profile, daily rate, radius_km). Rates are the
# expected reports per day before seasonal variation.
# ---------------------------------------------------------------------------
_AREAS = {
    "Bambari": ("hotspot", 2.3, 30), "Kaga-Bandoro": ("hotspot", 2.2, 30), "Bria": ("hotspot", 2.1, 30),
    "Bangassou": ("hotspot", 1.8, 28), "Alindao": ("quiet", 0.32, 22), "Bangui": ("urban", 2.0, 12),
    "Batangafo": ("rural", 0.8, 25), "Kabo": ("rural", 0.3, 20), "Ndélé": ("rural", 0.6, 25),
    "Bocaranga": ("rural", 0.55, 25), "Paoua": ("rural", 0.6, 25), "Bossangoa": ("rural", 0.35, 20),
    "Bouar": ("rural", 0.3, 20), "Berbérati": ("rural", 0.25, 20), "Birao": ("rural", 0.3, 25),
    "Zémio": ("rural", 0.45, 22), "Obo": ("rural", 0.3, 20), "Ippy": ("rural", 0.45, 22),
    "Grimari": ("rural", 0.3, 20), "Kembé": ("rural", 0.35, 20), "Mobaye": ("rural", 0.2, 15),
    "Bakouma": ("rural", 0.2, 20), "Rafaï": ("rural", 0.2, 18), "Bouca": ("rural", 0.2, 20),
    "Dékoa": ("rural", 0.3, 20), "Mbrès": ("rural", 0.3, 22), "Ouadda": ("quiet", 0.15, 20),
    "Yalinga": ("quiet", 0.1, 20), "Kouango": ("quiet", 0.1, 20), "Sibut": ("quiet", 0.07, 15),
    "Bossembélé": ("quiet", 0.06, 15), "Damara": ("quiet", 0.1, 15), "Mbaïki": ("quiet", 0.1, 15),
    "Nola": ("quiet", 0.08, 15), "Carnot": ("quiet", 0.1, 15), "Bozoum": ("rural", 0.25, 20),
}

_CATEGORY_ORDER = ("killing", "armed_attack", "abduction", "sexual_violence", "looting", "arson",
                   "displacement", "armed_group_movement", "intercommunal_tension", "threat_or_rumour",
                   "checkpoint_extortion")
_CATEGORY_MIX = {
    "hotspot": (7, 11, 6, 5, 10, 6, 7, 16, 9, 15, 8),
    "urban": (4, 8, 3, 6, 16, 3, 3, 7, 14, 22, 14),
    "rural": (5, 7, 5, 4, 12, 5, 6, 18, 12, 14, 12),
    "quiet": (2, 3, 2, 3, 12, 3, 3, 12, 15, 30, 15),
}
_CHANNEL_ORDER = ("can_call", "can_sms", "hotline", "patrol_report", "joint_protection_team",
                  "liaison_assistant", "partner_ngo", "media", "other", "unknown")
_CHANNEL_WEIGHT = (30, 14, 10, 14, 4, 12, 9, 5, 1.5, 1.5)
#: Reporting delay per channel: (median minutes, log-normal sigma).
_CHANNEL_LAG = {"can_call": (45, 1.0), "can_sms": (30, 1.0), "hotline": (90, 1.0),
                "patrol_report": (14 * 60, 0.8), "joint_protection_team": (3 * 1440, 0.6),
                "liaison_assistant": (6 * 60, 0.9), "partner_ngo": (1.2 * 1440, 0.8),
                "media": (2 * 1440, 0.7), "other": (1440, 1.0), "unknown": (12 * 60, 1.2)}
_RELIABILITY = {
    "patrol_report": ("ABCF", (10, 60, 25, 5)), "joint_protection_team": ("ABC", (30, 60, 10)),
    "liaison_assistant": ("ABC", (10, 50, 40)), "can_call": ("BCDF", (20, 50, 20, 10)),
    "can_sms": ("CDEF", (40, 30, 10, 20)), "hotline": ("CDEF", (30, 30, 10, 30)),
    "partner_ngo": ("ABC", (10, 60, 30)), "media": ("CDF", (50, 30, 20)),
    "other": ("DF", (30, 70)), "unknown": ("DF", (30, 70)),
}
_CREDIBILITY = {
    "patrol_report": ("1236", (20, 50, 25, 5)), "joint_protection_team": ("123", (30, 50, 20)),
    "liaison_assistant": ("123", (15, 40, 45)), "can_call": ("2346", (20, 50, 20, 10)),
    "can_sms": ("3456", (40, 30, 10, 20)), "hotline": ("3456", (30, 30, 10, 30)),
    "partner_ngo": ("123", (20, 50, 30)), "media": ("346", (50, 30, 20)),
    "other": ("46", (30, 70)), "unknown": ("46", (30, 70)),
}
_PRECISION = {  # exact, village, district
    "patrol_report": (90, 10, 0), "joint_protection_team": (90, 10, 0), "liaison_assistant": (75, 25, 0),
    "can_call": (65, 28, 7), "can_sms": (55, 35, 10), "hotline": (40, 40, 20), "partner_ngo": (60, 30, 10),
    "media": (10, 50, 40), "other": (0, 50, 50), "unknown": (0, 50, 50),
}
_P_VERIFIED = {"patrol_report": 0.55, "joint_protection_team": 0.8, "liaison_assistant": 0.5, "can_call": 0.35,
               "can_sms": 0.25, "hotline": 0.25, "partner_ngo": 0.5, "media": 0.3, "other": 0.2, "unknown": 0.1}
_DEFAULT_SEVERITY = {"killing": 5, "sexual_violence": 4, "abduction": 4, "armed_attack": 4, "arson": 3,
                     "looting": 3, "displacement": 3, "armed_group_movement": 2, "intercommunal_tension": 2,
                     "checkpoint_extortion": 2, "threat_or_rumour": 1}


# ===========================================================================
# Public API
# ===========================================================================

def generate(seed: int = 2018) -> dict[str, pd.DataFrame]:
    """The five raw tables of the demo scenario, identical for identical seeds.

    Parameters
    ----------
    seed : int
        Seeds one :class:`numpy.random.Generator` per layer, so a change in
        one layer's generator never shifts another layer's draws.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``alerts``, ``sites``, ``presence``, ``patrols``, ``patrol_points``:
        every value a string, as in the shipped CSV files.
    """
    inside = _Outline.load()
    presence = _presence_table()
    sites = _sites_table()
    patrols, points = _Patrols(np.random.default_rng([seed, 3]), inside).generate()
    alerts = _Alerts(np.random.default_rng([seed, 1]), inside, presence).generate()
    return {"alerts": alerts, "sites": sites, "presence": presence, "patrols": patrols, "patrol_points": points}


def write(outdir: str | Path, seed: int = 2018) -> list[Path]:
    """Write the scenario as CSV files plus three patrols as GPX tracks.

    Returns the paths written: ``alerts.csv``, ``sites.csv``, ``presence.csv``,
    ``patrols.csv``, ``patrol_points.csv`` and ``tracks/<patrol_id>.gpx``.
    """
    outdir = Path(outdir)
    (outdir / "tracks").mkdir(parents=True, exist_ok=True)
    tables = generate(seed)
    written = []
    for layer in LAYERS:
        path = outdir / f"{layer}.csv"
        _write_csv(tables[layer], path)
        written.append(path)
    for patrol_id in _gpx_patrols(tables["patrols"]):
        path = outdir / "tracks" / f"{patrol_id}.gpx"
        meta = tables["patrols"].set_index("patrol_id").loc[patrol_id]
        pts = tables["patrol_points"][tables["patrol_points"]["patrol_id"] == patrol_id]
        path.write_text(_gpx(patrol_id, meta, pts), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def write_basemap(outdir: str | Path, naturalearth: str | Path = NATURALEARTH) -> list[Path]:
    """Write the offline basemap: countries, synthetic sectors and towns (GeoJSON).

    ``countries.geojson`` holds the Central African Republic and its six
    neighbours from Natural Earth 1:110m (public domain), with ``name`` and
    ``iso_a3`` only. ``sectors.geojson`` is a Voronoi split of the CAR outline
    around the sector HQs, labelled synthetic. ``towns.geojson`` holds the
    real towns of :data:`TOWNS` at approximate positions.
    """
    import geopandas as gpd
    import pyogrio
    import shapely
    from shapely.geometry import MultiPoint, Point

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    world = gpd.read_file(naturalearth)
    countries = world[world["iso_a3"].isin(_NEIGHBOURS)][["name", "iso_a3", "geometry"]]
    countries = countries.sort_values("iso_a3").reset_index(drop=True).to_crs("EPSG:4326")
    car = countries.loc[countries["iso_a3"] == "CAF", "geometry"].iloc[0]

    hqs = [Point(TOWNS[town][1], TOWNS[town][0]) for _, town in SECTORS]
    cells = shapely.voronoi_polygons(MultiPoint(hqs), extend_to=car.envelope.buffer(1.0))
    rows = []
    for (name, town), hq in zip(SECTORS, hqs):
        cell = next(c for c in cells.geoms if c.contains(hq))
        rows.append({"sector": name, "hq": town, "synthetic": True,
                     "note": "SYNTHETIC demo sector (Voronoi of sector HQs), not a real mission boundary",
                     "geometry": cell.intersection(car)})
    sectors = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")

    towns = gpd.GeoDataFrame(
        {"name": list(TOWNS), "role": [v[2] for v in TOWNS.values()]},
        geometry=[Point(lon, lat) for lat, lon, _ in TOWNS.values()], crs="EPSG:4326")

    written = []
    for name, frame in (("countries", countries), ("sectors", sectors), ("towns", towns)):
        path = outdir / f"{name}.geojson"
        if path.exists():
            path.unlink()
        pyogrio.write_dataframe(frame, path, driver="GeoJSON",
                                layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": 4})
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m ewarning.scenario OUTDIR [--seed N] [--basemap DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m ewarning.scenario",
                                     description="Write the synthetic demo scenario (CSV + GPX).")
    parser.add_argument("outdir", help="folder for the demo files, e.g. geodata/demo")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--basemap", help="also write the basemap GeoJSON files to this folder")
    parser.add_argument("--naturalearth", default=str(NATURALEARTH),
                        help="Natural Earth 1:110m countries file the basemap is cut from")
    args = parser.parse_args(argv)
    if args.basemap:
        for path in write_basemap(args.basemap, args.naturalearth):
            print(path)
    for path in write(args.outdir, args.seed):
        print(path)
    return 0


# ===========================================================================
# Geometry helpers (flat-earth offsets are fine at tens of kilometres)
# ===========================================================================

_KM_PER_DEG_LAT = 110.574


def _km_per_deg_lon(lat: float) -> float:
    return 111.320 * math.cos(math.radians(lat))


def _offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    return lat + north_km / _KM_PER_DEG_LAT, lon + east_km / _km_per_deg_lon(lat)


def _move(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    return _offset(lat, lon, km * math.cos(b), km * math.sin(b))


def _distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), vectorised."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    north = (lat2 - lat1) * _KM_PER_DEG_LAT
    east = (lon2 - lon1) * _km_per_deg_lon((lat1 + lat2) / 2)
    return math.degrees(math.atan2(east, north)) % 360


def _town(name: str) -> tuple[float, float]:
    lat, lon, _ = TOWNS[name]
    return lat, lon


def _place(town: str, north_km: float, east_km: float) -> tuple[float, float]:
    return _offset(*_town(town), north_km, east_km)


class _Outline:
    """The CAR outline from the shipped basemap, shrunk by a safety margin.

    Generated points must lie inside the country, and stay inside after
    rounding, so they are drawn inside the outline minus ``margin_deg``.
    """

    def __init__(self, polygon, margin_deg: float = 0.02):
        import shapely
        self.polygon = polygon
        self.inner = polygon.buffer(-margin_deg)
        shapely.prepare(self.inner)

    @classmethod
    def load(cls, basemap: Path | None = None) -> "_Outline":
        import geopandas as gpd
        path = Path(basemap or GEODATA / "basemap") / "countries.geojson"
        if not path.exists():
            raise FileNotFoundError(f"{path}: missing; run write_basemap() first "
                                    "(python -m ewarning.scenario geodata/demo --basemap geodata/basemap)")
        countries = gpd.read_file(path)
        return cls(countries.loc[countries["iso_a3"] == "CAF", "geometry"].iloc[0])

    def __call__(self, lat, lon):
        import shapely
        return shapely.contains_xy(self.inner, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


# ===========================================================================
# Static layers: presence and sites
# ===========================================================================

def _presence_table() -> pd.DataFrame:
    rows = []
    for (base_id, name, kind, town, dn, de, mil, pol, civ, cla, claf, start, end) in _PRESENCE:
        lat, lon = _place(town, dn, de)
        rows.append({"base_id": base_id, "name": name, "kind": kind, "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                     "military": str(mil), "police": str(pol), "civilian": str(civ), "cla": str(cla),
                     "cla_female": str(claf), "start": start, "end": end})
    return pd.DataFrame(rows, dtype=object)


def _sites_table() -> pd.DataFrame:
    rows = []
    for (site_id, name, kind, town, dn, de, pop, opened, closed) in _SITES:
        lat, lon = _place(town, dn, de)
        if site_id == ALINDAO_SITE_ID:
            lat, lon = ALINDAO_SITE
        rows.append({"site_id": site_id, "name": name, "kind": kind, "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                     "population": str(pop), "opened": opened, "closed": closed})
    return pd.DataFrame(rows, dtype=object)


class _Coverage:
    """Head counts per component of the bases near a point on a date."""

    def __init__(self, presence: pd.DataFrame):
        self.lat = presence["lat"].astype(float).to_numpy()
        self.lon = presence["lon"].astype(float).to_numpy()
        start = pd.to_datetime(presence["start"], utc=True)
        end = pd.to_datetime(presence["end"].where(presence["end"] != ""), utc=True)
        end = end.fillna(pd.Timestamp("2262-01-01", tz="UTC"))
        self.start = start.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        self.end = end.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        self.counts = {c: presence[c].astype(int).to_numpy() for c in ("military", "police", "civilian", "cla")}

    def __call__(self, lat: float, lon: float, when: pd.Timestamp, km: float) -> dict[str, int]:
        t = np.datetime64(when.tz_convert("UTC").tz_localize(None).as_unit("ns"))
        rows = (self.start <= t) & (self.end > t) & (_distance_km(lat, lon, self.lat, self.lon) <= km)
        return {c: int(v[rows].sum()) for c, v in self.counts.items()}


# ===========================================================================
# Patrols
# ===========================================================================

# (base_id, unit, n_patrols, weights of (dismounted, vehicle, integrated), component)
_PATROL_PLAN = [
    ("B-BMB-SHQ", "BATT-1 HQ Coy", 26, (45, 40, 15), "military"),
    ("B-BMB-PP", "FPU-2 Bambari", 7, (50, 50, 0), "police"),
    ("B-KGB-SHQ", "BATT-2 A Coy", 24, (40, 45, 15), "military"),
    ("B-KGB-PP", "FPU-1 Kaga-Bandoro", 6, (50, 50, 0), "police"),
    ("B-BRI-COB", "BATT-3 B Coy", 24, (45, 40, 15), "military"),
    ("B-BRI-PP", "FPU-3 Bria", 5, (60, 40, 0), "police"),
    ("B-BGS-COB", "BATT-4 A Coy", 20, (40, 45, 15), "military"),
    ("B-BGI-HQ", "BATT-6 Bangui", 10, (30, 70, 0), "military"),
    ("B-BGI-PK5", "FPU-4 Bangui", 8, (60, 40, 0), "police"),
    ("B-BTF-COB", "BATT-2 C Coy", 8, (40, 60, 0), "military"),
    ("B-PAO-COB", "BATT-7 B Coy", 6, (40, 60, 0), "military"),
    ("B-NDL-COB", "BATT-3 D Coy", 5, (30, 70, 0), "military"),
    ("B-BSG-COB", "BATT-7 C Coy", 4, (40, 60, 0), "military"),
    ("B-ZEM-TOB", "BATT-4 C Coy", 4, (30, 70, 0), "military"),
    ("B-BIR-COB", "BATT-8 A Coy", 4, (30, 70, 0), "military"),
]
#: Joint protection teams: civilian-led, vehicle, with liaison assistants.
_JPT_PLAN = [("B-BMB-FO", "JPT Bambari", 3), ("B-KGB-FO", "JPT Kaga-Bandoro", 2), ("B-BRI-FO", "JPT Bria", 2),
             ("B-BGS-FO", "JPT Bangassou", 2)]
#: Helicopter reconnaissance: (base_id, town flown to).
_AIR_PLAN = [("B-BMB-SHQ", "Alindao"), ("B-BMB-SHQ", "Bria"), ("B-KGB-SHQ", "Batangafo"),
             ("B-BGI-HQ", "Bossembélé"), ("B-BMB-SHQ", "Ippy")]
_ALINDAO_UNIT = "BATT-5 C Coy"
_SPEED_KMH = {"dismounted": 3.5, "vehicle": 22.0, "integrated": 9.0, "air": 160.0}
_STEP_MIN = {"dismounted": 12, "vehicle": 12, "integrated": 12, "air": 5}
_OUT_KM = {"dismounted": (1.5, 4.5), "vehicle": (10.0, 32.0), "integrated": (3.0, 9.0)}


class _Patrols:
    """Patrol metadata and route points for every base that patrols."""

    def __init__(self, rng: np.random.Generator, inside: _Outline):
        self.rng = rng
        self.inside = inside
        self.bases = {row[0]: _place(row[3], row[4], row[5]) for row in _PRESENCE}
        self.base_start, self.base_end = {}, {}
        for row in _PRESENCE:  # a base's first start and last end ("" = still there)
            self.base_start[row[0]] = min(row[11], self.base_start.get(row[0], row[11]))
            self.base_end[row[0]] = row[12]
        self.meta: list[dict] = []
        self.points: list[dict] = []

    def generate(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        specs = []
        for base_id, unit, n, weights, component in _PATROL_PLAN:
            for day in self._days(base_id, n):
                kind = _PATROL_TYPES[self._pick(weights)]
                specs.append(self._spec(base_id, unit, component if kind != "integrated" else "integrated",
                                        kind, day))
        for base_id, unit, n in _JPT_PLAN:
            for day in self._days(base_id, n):
                spec = self._spec(base_id, unit, "civilian", "vehicle", day)
                spec.update(engagements=int(self.rng.integers(5, 13)), cla=True, fet=False)
                specs.append(spec)
        days = self._days("B-BMB-SHQ", len(_AIR_PLAN))
        for (base_id, town), day in zip(_AIR_PLAN, days):
            spec = self._spec(base_id, "Air unit (utility helicopter)", "military", "air", day)
            spec.update(waypoints=[_town(town)], engagements=0, cla=False, fet=False)
            specs.append(spec)
        specs.extend(self._alindao_specs())
        specs.sort(key=lambda s: (s["start"], s["base_id"], s["unit"]))
        for number, spec in enumerate(specs, start=1):
            self._route(f"PTL-18-{number:04d}", spec)
        meta = pd.DataFrame(self.meta, dtype=object)
        points = pd.DataFrame(self.points, dtype=object)
        return meta, points

    # -- schedules -----------------------------------------------------------
    def _days(self, base_id: str, n: int) -> list[pd.Timestamp]:
        first = max(PERIOD_START, pd.Timestamp(self.base_start[base_id], tz="UTC"))
        last = PERIOD_END - pd.Timedelta(days=1)
        if self.base_end[base_id]:
            last = min(last, pd.Timestamp(self.base_end[base_id], tz="UTC") - pd.Timedelta(days=1))
        span = (last - first).days + 1
        picked = np.sort(self.rng.choice(span, size=min(n, span), replace=False))
        return [first + pd.Timedelta(days=int(d)) for d in picked]

    def _pick(self, weights) -> int:
        p = np.asarray(weights, dtype=float)
        return int(self.rng.choice(len(p), p=p / p.sum()))

    def _spec(self, base_id: str, unit: str, component: str, kind: str, day: pd.Timestamp) -> dict:
        rng = self.rng
        # Patrols leave between 06:00 and 10:00 local time (UTC+1).
        start = day + pd.Timedelta(minutes=int(rng.integers(5 * 60, 9 * 60)))
        if kind == "dismounted":
            engagements = int(rng.poisson(3.0))
            cla, fet = bool(rng.random() < 0.55), bool(rng.random() < 0.15)
        elif kind == "integrated":
            engagements = int(rng.poisson(4.0))
            cla, fet = bool(rng.random() < 0.7), bool(rng.random() < 0.2)
        else:
            engagements = int(rng.poisson(0.6))
            cla, fet = bool(rng.random() < 0.2), False
        if component == "police":
            cla = fet = False
        if kind == "integrated":
            unit = f"{unit} / FPU"
        lo, hi = _OUT_KM.get(kind, (5.0, 10.0))
        n_wp = 1 if kind == "dismounted" else int(rng.integers(1, 3))
        waypoints = []
        lat0, lon0 = self.bases[base_id]
        bearing = rng.uniform(0, 360)
        for _ in range(n_wp):
            waypoints.append(self._point_towards(lat0, lon0, rng.uniform(lo, hi), bearing))
            bearing += rng.uniform(-70, 70)
        return {"base_id": base_id, "unit": unit, "component": component, "type": kind, "start": start,
                "engagements": engagements, "cla": cla, "fet": fet, "waypoints": waypoints, "avoid": None}

    def _point_towards(self, lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
        for _ in range(50):
            p = _move(lat, lon, km, bearing)
            if self.inside(*p):
                return p
            bearing += 37.0
            km *= 0.9
        return lat, lon

    def _alindao_specs(self) -> list[dict]:
        """The Alindao company: vehicle-only, hardly any engagement, then away from the site."""
        rng = self.rng
        base = "B-ALD-COB"
        specs = []
        day = PERIOD_START + pd.Timedelta(days=int(rng.integers(0, 4)))
        while day < PERIOD_END:
            start = day + pd.Timedelta(minutes=int(rng.integers(6 * 60, 9 * 60)))
            spec = {"base_id": base, "unit": _ALINDAO_UNIT, "component": "military", "type": "vehicle",
                    "start": start, "engagements": int(rng.random() < 0.08), "cla": False, "fet": False,
                    "avoid": None}
            lat0, lon0 = self.bases[base]
            if day < ALINDAO_PATROL_AVOIDANCE_START:
                if rng.random() < 0.65:  # through town, past the site, out along a road
                    far = self._point_towards(*ALINDAO_SITE, rng.uniform(8, 20), rng.choice([90.0, 150.0, 200.0]))
                    spec["waypoints"] = [ALINDAO_SITE, far]
                else:
                    spec["waypoints"] = [self._point_towards(lat0, lon0, rng.uniform(10, 25), rng.uniform(280, 360))]
                gap = rng.uniform(3, 8)
            elif day < ALINDAO_ATTACK:  # last weeks: north and west only, never near the site
                spec["waypoints"] = [self._point_towards(lat0, lon0, rng.uniform(6, 18), rng.uniform(275, 355))]
                spec["avoid"] = (ALINDAO_SITE, 2.5)
                gap = rng.uniform(3, 6)
            elif day < ALINDAO_SURGE:  # response after the attack
                spec["waypoints"] = [ALINDAO_SITE]
                gap = rng.uniform(1, 3)
            else:  # with a liaison assistant: dismounted, engaging
                kind = "dismounted" if rng.random() < 0.7 else "integrated"
                spec.update(type=kind, engagements=int(rng.integers(3, 9)), cla=True, fet=bool(rng.random() < 0.3),
                            component="military" if kind == "dismounted" else "integrated",
                            unit=_ALINDAO_UNIT if kind == "dismounted" else _ALINDAO_UNIT + " / UNPOL",
                            waypoints=[self._point_towards(*ALINDAO_SITE, rng.uniform(0.5, 2.5), rng.uniform(0, 360))])
                if kind == "dismounted":
                    spec["start_at_site"] = True
                gap = rng.uniform(1.5, 3.5)
            specs.append(spec)
            day = day + pd.Timedelta(days=int(round(gap)))
        return specs

    # -- routes --------------------------------------------------------------
    def _route(self, patrol_id: str, spec: dict) -> None:
        rng = self.rng
        kind = spec["type"]
        speed, step_min = _SPEED_KMH[kind], _STEP_MIN[kind]
        home = self.bases[spec["base_id"]]
        lat, lon = home
        if spec.get("start_at_site"):  # dropped near the site by vehicle, then on foot
            lat, lon = _move(*ALINDAO_SITE, 0.8, rng.uniform(0, 360))
            home = (lat, lon)
        t = spec["start"]
        pts = [(lat, lon, t)]
        noise = 8.0 if kind == "air" else 25.0
        for target in [*spec["waypoints"], home]:
            for _ in range(400):
                step = speed * step_min / 60.0 * rng.uniform(0.6, 1.15)
                t = t + pd.Timedelta(seconds=int(step_min * 60 + rng.integers(-90, 91)))
                if _distance_km(lat, lon, *target) <= step:
                    if target is home:
                        lat, lon = home
                    else:
                        lat, lon = _move(*target, rng.uniform(0.05, 0.3), rng.uniform(0, 360))
                    pts.append((lat, lon, t))
                    break
                lat, lon = self._step(lat, lon, step, _bearing(lat, lon, *target) + rng.normal(0, noise),
                                      spec["avoid"])
                pts.append((lat, lon, t))
        for seq, (plat, plon, pt) in enumerate(pts, start=1):
            self.points.append({"patrol_id": patrol_id, "seq": str(seq), "time": _iso(pt),
                                "lat": f"{plat:.5f}", "lon": f"{plon:.5f}"})
        self.meta.append({"patrol_id": patrol_id, "unit": spec["unit"], "component": spec["component"],
                          "type": kind, "start": _iso(pts[0][2]), "end": _iso(pts[-1][2]),
                          "engagements": str(spec["engagements"]), "cla_present": "yes" if spec["cla"] else "no",
                          "female_engagement_team": "yes" if spec["fet"] else "no"})

    def _step(self, lat: float, lon: float, km: float, bearing: float, avoid) -> tuple[float, float]:
        """One step on ``bearing``, turning aside if it would leave the country or enter ``avoid``."""
        for turn in (0, 30, -30, 60, -60, 90, -90, 135, -135, 180):
            p = _move(lat, lon, km, bearing + turn)
            if not self.inside(*p):
                continue
            if avoid is not None and _distance_km(*p, *avoid[0]) < avoid[1]:
                continue
            return p
        return lat, lon


_PATROL_TYPES = ("dismounted", "vehicle", "integrated")


# ===========================================================================
# Alerts
# ===========================================================================

_DIRS_EN = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
_DIRS_FR = ("nord", "nord-est", "est", "sud-est", "sud", "sud-ouest", "ouest", "nord-ouest")
_WHO_EN = ("armed men", "armed group elements", "men in military fatigues", "a self-defence militia",
           "armed herders", "unidentified gunmen", "armed men on motorbikes")
_WHO_FR = ("des hommes armés", "des éléments d'un groupe armé", "des hommes en tenue militaire",
           "une milice d'autodéfense", "des éleveurs armés", "des inconnus armés", "des hommes armés à moto")

_TEXT = {
    "killing": (
        ("{n} civilian(s) killed by {who} {where}.", "Body of a farmer found {where}; witnesses blame {who}.",
         "{n} killed {where} in an attack by {who} on the road to the fields."),
        ("{n} civil(s) tué(s) par {who} {where}.", "Corps d'un cultivateur retrouvé {where}, les témoins accusent {who}.",
         "{n} personne(s) tuée(s) {where} par {who} sur la route des champs."),
    ),
    "armed_attack": (
        ("Attack by {who} {where}; gunfire heard, {inj} injured.", "Shooting {where} between {who} and locals.",
         "{who} attacked a village {where}; {inj} wounded taken to the health post."),
        ("Attaque de {who} {where}, tirs entendus, {inj} blessé(s).", "Coups de feu {where} entre {who} et la population.",
         "Village attaqué {where} par {who}; {inj} blessé(s) évacué(s) au centre de santé."),
    ),
    "abduction": (
        ("{k} people abducted by {who} {where}.", "Two traders taken by {who} {where}; ransom demanded."),
        ("{k} personnes enlevées par {who} {where}.", "Deux commerçants enlevés par {who} {where}, rançon exigée."),
    ),
    "sexual_violence": (
        ("Case of sexual violence reported {where}; survivor referred to a health partner.",
         "Women attacked while collecting firewood {where}; referred for care."),
        ("Cas de violence sexuelle signalé {where}; survivante orientée vers un partenaire de santé.",
         "Femmes agressées en allant chercher du bois {where}; prises en charge par un partenaire."),
    ),
    "looting": (
        ("Shops and houses looted by {who} {where}.", "Cattle and goods taken by {who} {where}."),
        ("Pillage de boutiques et de maisons par {who} {where}.", "Bétail et biens emportés par {who} {where}."),
    ),
    "arson": (
        ("Houses burned {where} by {who}.", "About {k} huts set on fire {where}."),
        ("Maisons incendiées {where} par {who}.", "Environ {k} cases brûlées {where}."),
    ),
    "displacement": (
        ("About {fam} households fleeing {where} towards {town}.", "Families leaving villages {where} for the bush."),
        ("Environ {fam} ménages fuient {where} vers {town}.", "Des familles quittent les villages {where} pour la brousse."),
    ),
    "armed_group_movement": (
        ("About {k} armed men seen moving {where}, heading {dir2}.", "Convoy of armed motorbikes seen {where}."),
        ("Environ {k} hommes armés aperçus {where}, en direction du {dir2fr}.",
         "Convoi de motos avec des hommes armés vu {where}."),
    ),
    "intercommunal_tension": (
        ("Tension between herders and farmers {where} after cattle destroyed crops.",
         "Youths threatening another community {where} after a dispute at the market."),
        ("Tension entre éleveurs et agriculteurs {where} après la destruction de champs.",
         "Des jeunes menacent une autre communauté {where} après une dispute au marché."),
    ),
    "threat_or_rumour": (
        ("Rumour of an imminent attack on {town}; people are afraid.", "Threats against village chiefs {where}."),
        ("Rumeur d'une attaque imminente sur {town}, la population a peur.", "Menaces contre des chefs de village {where}."),
    ),
    "checkpoint_extortion": (
        ("Illegal checkpoint {where}; travellers forced to pay.", "{who} taxing motorbike drivers {where}."),
        ("Barrière illégale {where}, les usagers doivent payer {fee} FCFA.", "Motos-taxis rançonnées par {who} {where}."),
    ),
}
#: Latitude north of which the community alert network reports by HF radio (no phone coverage).
RADIO_NORTH_OF = 8.0

_PREFIX = {"patrol_report": ("PATROL: ", "Patrouille : "), "joint_protection_team": ("JPT: ", "EPC : "),
           "media": ("Radio: ", "Radio : "), "partner_ngo": ("NGO alert: ", "Alerte ONG : ")}


class _Alerts:
    """Background reports, near-duplicates, bursts and the Alindao pattern."""

    def __init__(self, rng: np.random.Generator, inside: _Outline, presence: pd.DataFrame):
        self.rng = rng
        self.inside = inside
        self._near_bases = _Coverage(presence)
        self.villages = {town: self._villages(town, radius) for town, (_, _, radius) in _AREAS.items()}
        self.phones = self._phone_pools()
        self._coverage_cache: dict[tuple[str, str], dict[str, int]] = {}
        self.rows: list[dict] = []

    def generate(self) -> pd.DataFrame:
        for town, (profile, rate, _) in _AREAS.items():
            self._background(town, profile, rate)
        self._alindao()
        self._rumour_burst()
        self._loud_day()
        return self._table()

    # -- places and people ---------------------------------------------------
    def _villages(self, town: str, radius: float) -> list[tuple[float, float, float]]:
        """Synthetic localities around a town: (lat, lon, weight); the town itself first."""
        rng = self.rng
        lat0, lon0 = _town(town)
        out = [(lat0, lon0, 4.0)]
        while len(out) < 16:
            p = _move(lat0, lon0, rng.uniform(3, radius), rng.uniform(0, 360))
            if self.inside(*p):
                out.append((p[0], p[1], float(rng.uniform(0.3, 1.5))))
        return out

    def _phone_pools(self) -> dict[str, list[str]]:
        numbers = self.rng.permutation(9900)  # 99 xx is kept for scripted reporters
        pools, i = {}, 0
        for town, (profile, _, _) in _AREAS.items():
            n = {"hotspot": 30, "urban": 30, "rural": 10, "quiet": 5}[profile]
            pools[town] = [f"+236 70 00 {k // 100:02d} {k % 100:02d}" for k in numbers[i:i + n]]
            i += n
        return pools

    def _coverage(self, town: str, day: pd.Timestamp) -> dict[str, int]:
        key = (town, day.strftime("%Y-%m-%d"))
        if key not in self._coverage_cache:
            self._coverage_cache[key] = self._near_bases(*_town(town), day, km=25)
        return self._coverage_cache[key]

    def _channel(self, town: str, day: pd.Timestamp, exclude: str | None = None) -> str:
        cov = self._coverage(town, day)
        w = np.array(_CHANNEL_WEIGHT, dtype=float)
        idx = {c: i for i, c in enumerate(_CHANNEL_ORDER)}
        if not cov["cla"]:
            w[idx["liaison_assistant"]] = 0
        if not cov["civilian"]:
            w[idx["joint_protection_team"]] = 0
        if not (cov["military"] or cov["police"]):
            w[idx["patrol_report"]] *= 0.2
        if exclude:
            w[idx[exclude]] = 0
        return _CHANNEL_ORDER[int(self.rng.choice(len(w), p=w / w.sum()))]

    def _where(self, town: str, lat: float, lon: float, french: bool) -> str:
        lat0, lon0 = _town(town)
        km = float(_distance_km(lat0, lon0, lat, lon))
        if km < 2.5:
            return f"à {town}" if french else f"in {town}"
        d = int(((_bearing(lat0, lon0, lat, lon) + 22.5) % 360) // 45)
        if french:
            return f"à {km:.0f} km au {_DIRS_FR[d]} de {town}"
        return f"{km:.0f} km {_DIRS_EN[d]} of {town}"

    def _text(self, category: str, channel: str, town: str, lat: float, lon: float, killed: int, injured: int,
              french: bool | None = None) -> str:
        rng = self.rng
        french = bool(rng.random() < 0.6) if french is None else french
        templates = _TEXT[category][1 if french else 0]
        template = templates[int(rng.integers(len(templates)))]
        d2 = int(rng.integers(8))
        text = template.format(n=max(killed, 1), inj=injured, k=int(rng.integers(3, 30)), fam=int(rng.integers(10, 200)),
                               who=(_WHO_FR if french else _WHO_EN)[int(rng.integers(7))], town=town,
                               where=self._where(town, lat, lon, french), dir2=_DIRS_EN[d2], dir2fr=_DIRS_FR[d2],
                               fee=int(rng.integers(1, 10)) * 500)
        text = text[0].upper() + text[1:]
        prefix = _PREFIX.get(channel)
        return (prefix[1 if french else 0] + text) if prefix else text

    def _reporter(self, town: str, channel: str) -> str:
        rng = self.rng
        if channel in ("can_call", "can_sms", "hotline"):
            pool = self.phones[town]
            # A few focal points report most of the time.
            w = 1.0 / np.arange(1, len(pool) + 1)
            number = pool[int(rng.choice(len(pool), p=w / w.sum()))]
            style = rng.random()
            if style < 0.1:
                return number.replace(" ", "")
            if style < 0.15:
                return number.replace(" ", "-").replace("+236-", "+236 ")
            return number
        if channel == "patrol_report":
            return f"Patrol {town}"
        if channel == "liaison_assistant":
            return f"CLA {town} {int(rng.integers(1, 3))}"
        if channel == "joint_protection_team":
            return f"JPT {town}"
        if channel == "partner_ngo":
            return f"NGO partner {int(rng.integers(1, 9)):02d}"
        if channel == "media":
            return "Local radio"
        return ""

    # -- one report ------------------------------------------------------------
    def _point(self, town: str, near: tuple[float, float] | None = None, spread_km: float = 1.2):
        """A point near one of the town's localities (or near ``near``)."""
        rng = self.rng
        if near is None:
            vil = self.villages[town]
            w = np.array([v[2] for v in vil])
            v = vil[int(rng.choice(len(vil), p=w / w.sum()))]
            near = (v[0], v[1])
        for _ in range(20):
            p = _offset(near[0], near[1], rng.normal(0, spread_km), rng.normal(0, spread_km))
            if self.inside(*p):
                return p, near
        return near, near

    def _casualties(self, category: str) -> tuple[int, int]:
        rng = self.rng
        if category == "killing":
            killed = int(rng.geometric(0.5)) if rng.random() > 0.05 else int(rng.integers(5, 16))
            return killed, int(rng.poisson(0.8))
        if category == "armed_attack":
            return int(rng.poisson(0.5)), int(rng.poisson(1.5))
        if category in ("arson", "looting"):
            return 0, int(rng.poisson(0.2))
        return 0, 0

    def _report(self, town: str, occurred: pd.Timestamp, category: str, channel: str | None = None,
                near=None, spread_km: float = 1.2, killed: int | None = None, injured: int | None = None,
                text: str | None = None, reporter: str | None = None, severity: int | None = None,
                lag_minutes: float | None = None, precision: str | None = None,
                verification: str | None = None, occurred_known: bool | None = None) -> dict | None:
        rng = self.rng
        channel = channel or self._channel(town, occurred)
        (lat, lon), anchor = self._point(town, near, spread_km)
        k, i = self._casualties(category)
        killed = k if killed is None else killed
        injured = i if injured is None else injured
        if lag_minutes is None:
            median, sigma = _CHANNEL_LAG[channel]
            lag_minutes = float(median * np.exp(rng.normal(0, sigma)))
        lag_minutes = max(5.0, lag_minutes)
        reported = occurred + pd.Timedelta(minutes=round(lag_minutes))
        if reported >= PERIOD_END:
            return None
        if precision is None:
            precision = ("exact", "village", "district")[int(rng.choice(3, p=np.array(_PRECISION[channel]) / 100))]
        if precision == "village":
            lat, lon = round(anchor[0], 3), round(anchor[1], 3)
        elif precision == "district":
            lat, lon = round(_town(town)[0], 2), round(_town(town)[1], 2)
        if severity is None:
            severity = _DEFAULT_SEVERITY[category] if killed < 5 else 5
            u = rng.random()
            if u < 0.15:
                severity = int(np.clip(severity + rng.choice([-1, 1]), 1, 5))
        sev_text = "" if rng.random() < 0.1 else str(severity)
        if verification is None:
            u = rng.random()
            p_ver = _P_VERIFIED[channel]
            p_disc = 0.2 if category == "threat_or_rumour" else 0.06
            verification = "verified" if u < p_ver else ("discounted" if u < p_ver + p_disc else "unverified")
        rel_letters, rel_w = _RELIABILITY[channel]
        cred_letters, cred_w = _CREDIBILITY[channel]
        reliability = rel_letters[int(rng.choice(len(rel_w), p=np.array(rel_w) / sum(rel_w)))]
        credibility = cred_letters[int(rng.choice(len(cred_w), p=np.array(cred_w) / sum(cred_w)))]
        if occurred_known is None:
            occurred_known = not ((category == "threat_or_rumour" and rng.random() < 0.2)
                                  or (category == "armed_group_movement" and rng.random() < 0.05))
        row = {
            "occurred": occurred if occurred_known else None, "reported": reported, "lat": lat, "lon": lon,
            "category": category, "severity": sev_text, "killed": killed, "injured": injured, "channel": channel,
            "verification": verification, "reliability": reliability, "credibility": credibility,
            "reporter": self._reporter(town, channel) if reporter is None else reporter,
            "location_precision": precision,
            "text": text if text is not None else self._text(category, channel, town, lat, lon, killed, injured),
        }
        self.rows.append(row)
        return row

    def _time_of_day(self, day: pd.Timestamp) -> pd.Timestamp:
        """Mostly daytime and evening local time (UTC+1)."""
        hour_local = float(np.clip(self.rng.normal(14, 4.5), 0, 23.9))
        return day + pd.Timedelta(minutes=int(hour_local * 60) - 60)

    def _incident(self, town: str, day: pd.Timestamp, category: str, **kw) -> None:
        """One incident: a report, sometimes a second one through another channel."""
        occurred = kw.pop("occurred", None) or self._time_of_day(day)
        if occurred < PERIOD_START:
            occurred = PERIOD_START + pd.Timedelta(minutes=int(self.rng.integers(30, 600)))
        first = self._report(town, occurred, category, **kw)
        if first is None:
            return
        p_dup = {5: 0.3, 4: 0.22, 3: 0.1}.get(_DEFAULT_SEVERITY[category], 0.03)
        if self.rng.random() < p_dup:
            channel = self._channel(town, occurred, exclude=first["channel"])
            shift = occurred + pd.Timedelta(minutes=int(self.rng.integers(-40, 41)))
            anchor = (first["lat"], first["lon"]) if first["location_precision"] == "exact" else None
            self._report(town, shift, category, channel=channel, near=anchor, spread_km=0.25,
                         killed=first["killed"], injured=first["injured"])

    # -- the patterns ----------------------------------------------------------
    def _background(self, town: str, profile: str, rate: float) -> None:
        rng = self.rng
        mix = np.array(_CATEGORY_MIX[profile], dtype=float)
        mix /= mix.sum()
        for day in pd.date_range(PERIOD_START, PERIOD_END - pd.Timedelta(days=1), freq="D"):
            doy = day.day_of_year
            season = 1.0 + 0.2 * math.cos(2 * math.pi * (doy - 15) / 365.25)  # dry season peaks in January
            lam = rate * season * rng.gamma(4.0, 0.25)  # over-dispersed day to day
            for _ in range(int(rng.poisson(lam))):
                self._incident(town, day, _CATEGORY_ORDER[int(rng.choice(len(mix), p=mix))])

    def _alindao(self) -> None:
        """Three weeks of rising alerts, the attack, and its aftermath."""
        rng = self.rng
        town = "Alindao"
        phases = [  # (last day before the attack, category weights)
            (-11, {"armed_group_movement": 35, "threat_or_rumour": 30, "intercommunal_tension": 15,
                   "checkpoint_extortion": 10, "looting": 10}),
            (-4, {"armed_group_movement": 20, "threat_or_rumour": 20, "armed_attack": 15, "killing": 15,
                  "abduction": 15, "arson": 5, "displacement": 10}),
            (-1, {"killing": 30, "abduction": 20, "armed_attack": 20, "armed_group_movement": 10,
                  "threat_or_rumour": 10, "displacement": 10}),
        ]
        for d in range(-21, 0):
            day = ALINDAO_ATTACK + pd.Timedelta(days=d)
            weights = next(w for last, w in phases if d <= last)
            cats, w = list(weights), np.array(list(weights.values()), dtype=float)
            lam = 5.5 * ((d + 22) / 21.0) ** 2
            for _ in range(int(rng.poisson(lam))):
                category = cats[int(rng.choice(len(cats), p=w / w.sum()))]
                near = ALINDAO_SITE if rng.random() < 0.3 else None
                self._incident(town, day, category, near=near, spread_km=2.0 if near else 1.2)
        self._scripted_alindao()
        for d in range(0, (PERIOD_END - ALINDAO_ATTACK).days):
            day = ALINDAO_ATTACK + pd.Timedelta(days=d)
            lam = 2.2 * math.exp(-d / 12.0) + 0.5
            for _ in range(int(rng.poisson(lam))):
                category = ("displacement", "threat_or_rumour", "looting", "arson", "armed_group_movement",
                            "intercommunal_tension", "killing")[int(rng.choice(7, p=[.25, .25, .15, .1, .1, .1, .05]))]
                self._incident(town, day, category)

    def _scripted_alindao(self) -> None:
        """Named reports of the last days and of the attack itself."""
        a = ALINDAO_ATTACK
        site = ALINDAO_SITE
        m = pd.Timedelta(minutes=1)
        self._report("Alindao", a - pd.Timedelta(days=3) + 16 * 60 * m, "threat_or_rumour", channel="can_call",
                     near=site, spread_km=0.4, precision="exact", verification="unverified",
                     text="Des hommes armés disent qu'ils vont attaquer le site de la mission catholique. "
                          "Les déplacés ont peur et demandent la protection de la MINUSCA.")
        self._report("Alindao", a - pd.Timedelta(days=2) + 7 * 60 * m, "killing", channel="hotline", near=site,
                     spread_km=3.0, killed=2, injured=0, precision="village", verification="unverified",
                     text="Deux jeunes tués près du quartier Gobolo, à 3 km du site de déplacés. Tension très forte.")
        self._report("Alindao", a - pd.Timedelta(days=1) + 15 * 60 * m, "armed_group_movement",
                     channel="partner_ngo", near=site, spread_km=1.5, precision="exact", verification="verified",
                     text="NGO alert: around 40 armed men gathering at the eastern edge of Alindao, "
                          "1-2 km from the IDP site at the Catholic mission.")
        self._report("Alindao", a - pd.Timedelta(days=1) + 18 * 60 * m, "abduction", channel="can_sms",
                     near=site, spread_km=2.5, precision="village", verification="unverified",
                     text="3 déplacés du site enlevés sur la route des champs, vers Alindao.")
        attack = a + 9 * 60 * m  # about 10:00 local time
        scripted = [
            ("armed_attack", "can_call", 25, 0, 0, "unverified", "exact",
             "Heavy gunfire at the IDP site of the Catholic mission in Alindao; armed men entering the site."),
            ("armed_attack", "patrol_report", 150, 0, 0, "verified", "exact",
             "PATROL: site of the Catholic mission attacked by a large armed group, site on fire, "
             "people fleeing to the bush and towards the base."),
            ("arson", "hotline", 95, 0, 0, "verified", "exact",
             "Le site de déplacés de la mission catholique brûle. Des centaines d'abris incendiés."),
            ("killing", "hotline", 420, 37, 20, "unverified", "exact",
             "Au moins 37 morts au site de la mission catholique d'Alindao, dont des femmes et des enfants."),
            ("killing", "partner_ngo", 1320, 60, 27, "unverified", "village",
             "NGO alert: at least 60 people killed in the attack on the Alindao IDP site; health post destroyed."),
            ("displacement", "partner_ngo", 1500, 0, 0, "verified", "village",
             "NGO alert: about 18,000 displaced people of the Catholic mission site have fled to the bush, "
             "the mosque area and around the base."),
            ("killing", "patrol_report", 1700, ALINDAO_KILLED, 27, "verified", "exact",
             f"PATROL: count with local authorities at the Catholic mission site: {ALINDAO_KILLED} dead, "
             "27 injured evacuated."),
            ("killing", "media", 2000, 60, 0, "unverified", "district",
             "Radio : au moins 60 morts dans l'attaque du camp de déplacés d'Alindao, selon des sources locales."),
        ]
        for category, channel, lag, killed, injured, verification, precision, text in scripted:
            self._report("Alindao", attack, category, channel=channel, near=site, spread_km=0.2, killed=killed,
                         injured=injured, lag_minutes=lag, precision=precision, verification=verification,
                         text=text, severity=5)

    def _rumour_burst(self) -> None:
        """About 30 near-identical SMS rumours from one phone over a day and a half."""
        rng = self.rng
        town = RUMOUR_TOWN
        spot = _place(town, 1.2, -0.8)
        texts = ("Rumeur: des hommes armés vont attaquer {t} ce soir. La population a peur.",
                 "rumeur: des hommes armés vont attaquer {t} ce soir, la population a peur!!",
                 "RUMEUR des hommes armés vont attaquer {t} ce soir la population a peur")
        start = RUMOUR_START + pd.Timedelta(hours=7)
        for j in range(int(rng.integers(28, 34))):
            occurred = start + pd.Timedelta(minutes=int(j * 70 + rng.integers(0, 30)))
            self._report(town, occurred, "threat_or_rumour", channel="can_sms", near=spot, spread_km=0.15,
                         reporter=RUMOUR_REPORTER, lag_minutes=float(rng.uniform(5, 20)), occurred_known=False,
                         precision="exact", verification="discounted" if rng.random() < 0.2 else "unverified",
                         text=texts[int(rng.integers(3))].format(t=town))

    def _loud_day(self) -> None:
        """A quiet town with one day of many reports (a market brawl), then nothing."""
        rng = self.rng
        town = LOUD_DAY_TOWN
        cats = ("intercommunal_tension", "looting", "armed_attack", "displacement", "threat_or_rumour")
        w = np.array([35, 25, 15, 10, 15], dtype=float)
        market = _place(town, -0.6, 0.4)
        for _ in range(int(rng.integers(40, 50))):
            occurred = LOUD_DAY + pd.Timedelta(minutes=int(rng.uniform(9 * 60, 17 * 60)))
            category = cats[int(rng.choice(5, p=w / w.sum()))]
            self._report(town, occurred, category, near=market, spread_km=0.6,
                         killed=int(category == "armed_attack" and rng.random() < 0.2), injured=int(rng.poisson(0.8)),
                         lag_minutes=float(rng.uniform(5, 300)))

    # -- the table -------------------------------------------------------------
    def _table(self) -> pd.DataFrame:
        rows = sorted(self.rows, key=lambda r: (r["reported"], r["lat"], r["lon"], r["category"], r["text"]))
        out = []
        for n, r in enumerate(rows, start=1):
            if r["channel"] == "can_call" and r["lat"] > RADIO_NORTH_OF:
                # Community alert network focal points in the north-east (Vakaga, Haute-Kotto), where phone
                # coverage stops, call in by HF radio: the same people, another channel (no random draw, so
                # the rest of the scenario is unchanged).
                r = {**r, "channel": "radio"}
            out.append({
                "id": f"A-18-{n:05d}", "reported_at": _iso(r["reported"]),
                "occurred_at": _iso(r["occurred"]) if r["occurred"] is not None else "",
                "lat": f"{r['lat']:.5f}", "lon": f"{r['lon']:.5f}", "location_precision": r["location_precision"],
                "category": r["category"], "severity": r["severity"], "killed": str(r["killed"]),
                "injured": str(r["injured"]), "channel": r["channel"], "verification": r["verification"],
                "reliability": r["reliability"], "credibility": r["credibility"], "reporter": r["reporter"],
                "text": r["text"],
            })
        return pd.DataFrame(out, dtype=object)


# ===========================================================================
# Writers
# ===========================================================================

def _iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(frame.columns))
        writer.writerows(frame.astype(str).itertuples(index=False, name=None))


def _gpx_patrols(patrols: pd.DataFrame) -> list[str]:
    """Three patrols shipped also as GPX: an Alindao vehicle patrol of the last
    weeks, a dismounted patrol in Bambari and an integrated patrol."""
    chosen = []
    late = patrols[(patrols["unit"] == _ALINDAO_UNIT) & (patrols["start"] >= _iso(ALINDAO_PATROL_AVOIDANCE_START))
                   & (patrols["start"] < _iso(ALINDAO_ATTACK))]
    chosen.append(late["patrol_id"].iloc[0])
    dismounted = patrols[(patrols["unit"] == "BATT-1 HQ Coy") & (patrols["type"] == "dismounted")]
    chosen.append(dismounted["patrol_id"].iloc[0])
    integrated = patrols[patrols["type"] == "integrated"]
    chosen.append(integrated["patrol_id"].iloc[0])
    return chosen


def _gpx(patrol_id: str, meta: pd.Series, points: pd.DataFrame) -> str:
    """A GPX 1.1 track with one segment and timed track points; ``<desc>`` holds the unit."""
    name = _xml_escape(patrol_id)
    desc = _xml_escape(f"SYNTHETIC demo patrol: {meta['unit']}, {meta['component']}, {meta['type']}, "
                       f"{meta['engagements']} engagement(s)")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<gpx version="1.1" creator="ewarning.scenario (synthetic demo)" '
             'xmlns="http://www.topografix.com/GPX/1/1" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">',
             "  <metadata>", f"    <name>{name}</name>", f"    <desc>{desc}</desc>",
             f"    <time>{meta['start']}</time>", "  </metadata>",
             "  <trk>", f"    <name>{name}</name>", f"    <cmt>{desc}</cmt>",
             f"    <desc>{_xml_escape(meta['unit'])}</desc>",
             f"    <type>{_xml_escape(meta['type'])}</type>", "    <trkseg>"]
    for lat, lon, time in points[["lat", "lon", "time"]].itertuples(index=False, name=None):
        lines.append(f'      <trkpt lat="{lat}" lon="{lon}"><time>{time}</time></trkpt>')
    lines += ["    </trkseg>", "  </trk>", "</gpx>", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
