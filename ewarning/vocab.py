"""Controlled vocabularies shared by every layer, reader and page.

Each vocabulary maps canonical codes to a human label, plus synonyms that
readers and users commonly write, in English and in French (the working
language of many missions: ``meurtre``, ``enlèvement``, ``réseau d'alerte
communautaire``...). Codes are lower-case snake case and are what the store
holds; labels are what pages and briefings show. Synonyms are matched after
:func:`normalise_code` (case, accents, apostrophes, dashes and spaces do not
matter).
"""

from __future__ import annotations

import re
import unicodedata

from .i18n import N_

CATEGORIES = {
    "killing": N_("Killing"),
    "armed_attack": N_("Armed attack"),
    "abduction": N_("Abduction"),
    "sexual_violence": N_("Sexual violence"),
    "looting": N_("Looting"),
    "arson": N_("Arson"),
    "displacement": N_("Displacement"),
    "armed_group_movement": N_("Armed-group movement"),
    "intercommunal_tension": N_("Intercommunal tension"),
    "threat_or_rumour": N_("Threat or rumour"),
    "checkpoint_extortion": N_("Checkpoint or extortion"),
}

CATEGORY_SYNONYMS = {
    "murder": "killing", "kill": "killing", "killed": "killing", "massacre": "killing",
    "attack": "armed_attack", "armed attack": "armed_attack", "clash": "armed_attack",
    "clashes": "armed_attack", "battle": "armed_attack", "shooting": "armed_attack",
    "kidnapping": "abduction", "kidnap": "abduction",
    "sgbv": "sexual_violence", "crsv": "sexual_violence", "rape": "sexual_violence", "gbv": "sexual_violence",
    "pillage": "looting", "theft": "looting",
    "burning": "arson", "house burning": "arson",
    "idp movement": "displacement", "displaced": "displacement",
    "armed group movement": "armed_group_movement", "ag movement": "armed_group_movement",
    "movement": "armed_group_movement",
    "tension": "intercommunal_tension", "intercommunal": "intercommunal_tension",
    "threat": "threat_or_rumour", "rumour": "threat_or_rumour", "rumor": "threat_or_rumour",
    "threat or rumor": "threat_or_rumour",
    "checkpoint": "checkpoint_extortion", "extortion": "checkpoint_extortion",
    "illegal checkpoint": "checkpoint_extortion",
    # French
    "meurtre": "killing", "assassinat": "killing", "homicide": "killing", "tuerie": "killing",
    "meurtres": "killing", "civils tues": "killing",
    "attaque": "armed_attack", "attaque armee": "armed_attack", "affrontement": "armed_attack",
    "affrontements": "armed_attack", "combats": "armed_attack", "tirs": "armed_attack",
    "enlevement": "abduction", "enlevements": "abduction", "rapt": "abduction", "prise d'otage": "abduction",
    "violence sexuelle": "sexual_violence", "violences sexuelles": "sexual_violence", "viol": "sexual_violence",
    "vbg": "sexual_violence", "vsbg": "sexual_violence", "vslc": "sexual_violence",
    "pillages": "looting", "vol": "looting", "vols": "looting",
    "incendie": "arson", "incendies": "arson", "incendie de maisons": "arson", "maisons incendiees": "arson",
    "deplacement": "displacement", "deplacements": "displacement", "deplacement de population": "displacement",
    "deplaces": "displacement", "mouvement de population": "displacement",
    "mouvement de groupe arme": "armed_group_movement", "mouvement d'hommes armes": "armed_group_movement",
    "mouvement arme": "armed_group_movement", "presence de groupe arme": "armed_group_movement",
    "tension intercommunautaire": "intercommunal_tension", "tensions intercommunautaires": "intercommunal_tension",
    "tensions": "intercommunal_tension", "conflit intercommunautaire": "intercommunal_tension",
    "menace": "threat_or_rumour", "menaces": "threat_or_rumour", "rumeur": "threat_or_rumour",
    "rumeurs": "threat_or_rumour", "menace ou rumeur": "threat_or_rumour",
    "barriere": "checkpoint_extortion", "barriere illegale": "checkpoint_extortion",
    "barrage": "checkpoint_extortion", "extorsion": "checkpoint_extortion", "racket": "checkpoint_extortion",
    "taxation illegale": "checkpoint_extortion",
}

#: Default severity (1 = low, 5 = grave) when a report gives none. Killings,
#: sexual violence and abductions weigh more, as the design requires.
CATEGORY_SEVERITY = {
    "killing": 5, "sexual_violence": 4, "abduction": 4, "armed_attack": 4,
    "arson": 3, "looting": 3, "displacement": 3,
    "armed_group_movement": 2, "intercommunal_tension": 2, "checkpoint_extortion": 2,
    "threat_or_rumour": 1,
}

CHANNELS = {
    "can_call": N_("Community alert network: call"),
    "can_sms": N_("Community alert network: SMS"),
    "hotline": N_("Toll-free hotline"),
    "patrol_report": N_("Patrol report"),
    "joint_protection_team": N_("Joint protection team"),
    "liaison_assistant": N_("Community liaison assistant"),
    "partner_ngo": N_("Partner NGO"),
    # Community alert networks in areas without phone coverage report by HF/VHF radio
    # (DESIGN.md: "phone, SMS, radio, toll-free lines"): a channel of its own, not media.
    "radio": N_("Radio (HF/VHF)"),
    "media": N_("Media"),
    "other": N_("Other"),
    "unknown": N_("Unknown"),
}
CHANNEL_SYNONYMS = {
    "can": "can_call", "call": "can_call", "phone": "can_call", "can call": "can_call",
    "sms": "can_sms", "text": "can_sms", "can sms": "can_sms",
    "toll free": "hotline", "toll-free": "hotline", "hotline call": "hotline",
    "patrol": "patrol_report",
    "jpt": "joint_protection_team", "joint protection": "joint_protection_team",
    "cla": "liaison_assistant", "community liaison assistant": "liaison_assistant",
    "ngo": "partner_ngo", "partner": "partner_ngo",
    "press": "media", "news": "media",
    "hf": "radio", "vhf": "radio", "hf radio": "radio", "vhf radio": "radio", "radio hf": "radio",
    "radio vhf": "radio", "hf vhf": "radio", "radio call": "radio", "phonie": "radio", "radiophonie": "radio",
    "radio news": "media", "radio broadcast": "media", "broadcast": "media",
    # French
    "telephone": "can_call", "appel": "can_call", "appel telephonique": "can_call", "tel": "can_call",
    "reseau d'alerte communautaire": "can_call", "reseau d'alerte": "can_call", "rac": "can_call",
    "texto": "can_sms", "message": "can_sms", "sms rac": "can_sms",
    "ligne verte": "hotline", "numero vert": "hotline", "numero gratuit": "hotline",
    "patrouille": "patrol_report", "rapport de patrouille": "patrol_report",
    "equipe conjointe de protection": "joint_protection_team", "ecp": "joint_protection_team",
    "assistant de liaison communautaire": "liaison_assistant", "alc": "liaison_assistant",
    "ong": "partner_ngo", "ong partenaire": "partner_ngo",
    "presse": "media", "medias": "media", "journal": "media", "radio locale": "media",
    "autre": "other", "inconnu": "unknown",
}

VERIFICATION = {"unverified": N_("Unverified"), "verified": N_("Verified"), "discounted": N_("Discounted")}
VERIFICATION_SYNONYMS = {"confirmed": "verified", "false": "discounted", "rejected": "discounted", "new": "unverified",
                         "pending": "unverified", "verifie": "verified", "confirme": "verified",
                         "non verifie": "unverified", "en attente": "unverified", "rejete": "discounted",
                         "infirme": "discounted", "faux": "discounted"}

#: Admiralty code: reliability of the source (A-F) and credibility of the
#: information (1-6). F and 6 mean "cannot be judged", the honest default.
RELIABILITY = {c: c for c in "ABCDEF"}
CREDIBILITY = {c: c for c in "123456"}

#: Location precision and the radius (metres) within which the event lies.
PRECISION_RADIUS_M = {"exact": 500.0, "village": 5_000.0, "district": 25_000.0, "province": 100_000.0}
PRECISION = {"exact": N_("Exact"), "village": N_("Village"), "district": N_("District"), "province": N_("Province")}
PRECISION_SYNONYMS = {"gps": "exact", "point": "exact", "town": "village", "locality": "village",
                      "admin2": "district", "prefecture": "province", "admin1": "province", "region": "province",
                      # French
                      "exacte": "exact", "precise": "exact", "ville": "village", "localite": "village",
                      "quartier": "village", "sous prefecture": "district", "commune": "district"}

SITE_KINDS = {
    "idp_camp": N_("IDP camp"),
    "poc_site": N_("Protection-of-civilians site"),
    "refugee_camp": N_("Refugee camp"),
    "host_community": N_("Host community"),
}
SITE_KIND_SYNONYMS = {"idp": "idp_camp", "camp": "idp_camp", "idp site": "idp_camp", "poc": "poc_site",
                      "refugees": "refugee_camp", "host": "host_community",
                      # French
                      "site de deplaces": "idp_camp", "camp de deplaces": "idp_camp", "site pdi": "idp_camp",
                      "pdi": "idp_camp", "site": "idp_camp", "site poc": "poc_site",
                      "site de protection des civils": "poc_site", "camp de refugies": "refugee_camp",
                      "refugies": "refugee_camp", "famille d'accueil": "host_community",
                      "familles d'accueil": "host_community", "communaute d'accueil": "host_community"}

BASE_KINDS = {
    "mission_hq": N_("Mission HQ"),
    "sector_hq": N_("Sector HQ"),
    "company_base": N_("Company operating base"),
    "temporary_base": N_("Temporary operating base"),
    "field_office": N_("Field office"),
    "police_post": N_("Police post"),
    "other": N_("Other"),
}
BASE_KIND_SYNONYMS = {"hq": "mission_hq", "cob": "company_base", "tob": "temporary_base",
                      "company operating base": "company_base", "temporary operating base": "temporary_base",
                      "office": "field_office", "police": "police_post", "fpu base": "police_post",
                      # French
                      "qg": "mission_hq", "qg de la mission": "mission_hq", "quartier general": "mission_hq",
                      "qg de secteur": "sector_hq", "base operationnelle de compagnie": "company_base",
                      "base operationnelle temporaire": "temporary_base", "bot": "temporary_base",
                      "bureau": "field_office", "bureau de terrain": "field_office",
                      "poste de police": "police_post", "autre": "other"}

#: The store's layers as a sentence names them.
LAYERS = {"alerts": N_("alerts"), "sites": N_("sites"), "presence": N_("presence"), "patrols": N_("patrols"),
          "patrol_points": N_("patrol route points"), "engagements": N_("engagements")}

#: Components of a multidimensional presence. ``cla`` (community liaison
#: assistants) are civilians too, but the design tracks them on their own
#: because their absence was decisive at Alindao.
COMPONENTS = {"military": N_("Military"), "police": N_("Police"), "civilian": N_("Civilian"), "cla": N_("Liaison assistants")}

PATROL_COMPONENTS = {"military": N_("Military"), "police": N_("Police"), "civilian": N_("Civilian"),
                     "integrated": N_("Integrated"), "unknown": N_("Unknown")}
PATROL_TYPES = {"dismounted": N_("Dismounted"), "vehicle": N_("Vehicle"), "integrated": N_("Integrated"),
                "air": N_("Air"), "riverine": N_("Riverine"), "unknown": N_("Unknown")}
PATROL_TYPE_SYNONYMS = {"foot": "dismounted", "mounted": "vehicle", "motorised": "vehicle", "motorized": "vehicle",
                        "helicopter": "air", "boat": "riverine", "joint": "integrated",
                        # French
                        "a pied": "dismounted", "pedestre": "dismounted", "debarquee": "dismounted",
                        "motorisee": "vehicle", "vehicule": "vehicle", "aerienne": "air", "helicoptere": "air",
                        "fluviale": "riverine", "bateau": "riverine", "conjointe": "integrated",
                        "integree": "integrated", "inconnu": "unknown"}
PATROL_COMPONENT_SYNONYMS = {"force": "military", "unpol": "police", "fpu": "police", "joint": "integrated",
                             # French
                             "militaire": "military", "civile": "civilian", "civil": "civilian",
                             "conjointe": "integrated", "integree": "integrated", "inconnu": "unknown"}


#: Kinds of community engagement in the engagement log (:mod:`ewarning.engagement`).
ENGAGEMENT_ACTIVITIES = {"community_meeting": N_("Community meeting"), "local_protection_committee":
                         N_("Local protection committee"), "joint_protection_team": N_("Joint protection team mission"),
                         "cla_contact": N_("Liaison-assistant contact"), "female_engagement_team":
                         N_("Female engagement team contact"), "other": N_("Other engagement")}
ENGAGEMENT_ACTIVITY_SYNONYMS = {"meeting": "community_meeting", "community engagement": "community_meeting",
                                "town hall": "community_meeting", "lpc": "local_protection_committee",
                                "protection committee": "local_protection_committee",
                                "cpl": "local_protection_committee",
                                "jpt": "joint_protection_team", "joint protection team": "joint_protection_team",
                                "cla": "cla_contact", "liaison assistant": "cla_contact", "cla call": "cla_contact",
                                "fet": "female_engagement_team", "female engagement": "female_engagement_team",
                                # French
                                "reunion communautaire": "community_meeting", "reunion": "community_meeting",
                                "comite local de protection": "local_protection_committee",
                                "equipe conjointe de protection": "joint_protection_team",
                                "ecp": "joint_protection_team",
                                "assistant de liaison communautaire": "cla_contact", "alc": "cla_contact",
                                "equipe d engagement feminin": "female_engagement_team", "autre": "other"}
#: Who engaged: the components and the civilian sections that the seed report finds working in silos.
ENGAGEMENT_COMPONENTS = {"military": N_("Military"), "police": N_("Police"), "civil_affairs": N_("Civil affairs"),
                         "human_rights": N_("Human rights"), "child_protection": N_("Child protection"),
                         "cla": N_("Liaison assistants"), "civilian": N_("Civilian (other)"), "integrated": N_("Integrated")}
ENGAGEMENT_COMPONENT_SYNONYMS = {"force": "military", "unpol": "police", "fpu": "police", "ipo": "police",
                                 "civil affairs": "civil_affairs", "ca": "civil_affairs", "cad": "civil_affairs",
                                 "hrd": "human_rights", "human rights division": "human_rights",
                                 "cpu": "child_protection", "child protection unit": "child_protection",
                                 "liaison assistants": "cla", "community liaison assistant": "cla",
                                 "joint": "integrated",
                                 # French
                                 "militaire": "military", "affaires civiles": "civil_affairs",
                                 "droits de l homme": "human_rights", "protection de l enfance": "child_protection",
                                 "alc": "cla", "civil": "civilian", "civile": "civilian", "conjointe": "integrated",
                                 "integree": "integrated"}

def normalise_code(value: object) -> str:
    """Lower-case, accent-free, single-spaced form used to match synonyms.

    >>> normalise_code("  Armed-Group  Movement ")
    'armed group movement'
    >>> normalise_code("Réseau d’alerte") == normalise_code("reseau d'alerte") == 'reseau d alerte'
    True
    """
    # Typographic apostrophes (what word processors type) count as the plain one; both as a space.
    value = re.sub("[\u2019\u2018\u02bc`\u00b4]", "'", str(value))
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-/']+", " ", text.strip().lower()).strip()


def lookup_table(codes: dict[str, str], synonyms: dict[str, str] | None = None) -> dict[str, str]:
    """Map every accepted spelling (code, label, synonym) to its code."""
    table: dict[str, str] = {}
    for code, label in codes.items():
        table[normalise_code(code)] = code
        table[normalise_code(label)] = code
    for word, code in (synonyms or {}).items():
        table[normalise_code(word)] = code
    return table
