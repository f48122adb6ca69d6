"""Column mapping: which column of a file is read as which canonical column, and why.

Analysts' files name their columns as they like (``Report ID``, ``Date de
l'incident``, ``Type``, ``Téléphone``). A reader maps them onto the canonical
names of a layer (:data:`TARGETS`) with :func:`map_columns`, in this order:

1. the user's choice (``--map 'Date of incident=occurred_at'``, the Data
   page's mapping step, or the mapping saved for the file's source);
2. the header's name, English or French, case, accents, spaces and
   underscores not mattering (:func:`target_for_name`); a generic name
   (``Type``, ``Nature``) is the category only when most of its values are
   incident categories (synonyms and French words included);
3. the column's values alone: a column of incident categories under any
   name is the category.

Every column found is described by a :class:`Column` (what it was read as
and why), so the import can say what it did with each. Identities are never
mapped into clear: a column whose name or values identify people can only be
the reporter (pseudonymised by :mod:`ewarning.identities`) or ignored.

Pure functions, no Streamlit.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"Report ID": ["R1"], "Date de l'incident": ["2018-11-14"], "Type": ["meurtre"],
...                       "Village": ["Alindao"]})
>>> out, columns = map_columns(frame)
>>> list(out.columns)
['id', 'occurred_at', 'category', 'village']
>>> [(c.header, c.target, c.why) for c in columns][2:]
[('Type', 'category', 'its values: 1 of 1 are incident categories'), ('Village', None, '')]
>>> out, columns = map_columns(frame, {"Village": "ignore", "Type": "text"}, label="--map")
>>> list(out.columns), columns[2].why
(['id', 'occurred_at', 'text'], '--map')
>>> source_key("weekly_2018-11-14.csv"), source_key("weekly_2018-11-21.csv")
('mapping:weekly', 'mapping:weekly')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import identities, vocab

#: A target that reads nothing: the column is left out of the import entirely.
IGNORE = "ignore"

#: The canonical columns a file's column can be read as, per layer (the validators' own columns).
TARGETS: dict[str, tuple[str, ...]] = {
    "alerts": ("id", "reported_at", "occurred_at", "lat", "lon", "category", "severity", "killed", "injured",
               "channel", "verification", "reliability", "credibility", "reporter", "location_precision", "text"),
    "sites": ("site_id", "name", "kind", "lat", "lon", "population", "opened", "closed"),
    "presence": ("base_id", "name", "kind", "lat", "lon", "military", "police", "civilian", "cla", "cla_female",
                 "start", "end"),
    "patrols": ("patrol_id", "unit", "component", "type", "start", "end", "engagements", "cla_present",
                "female_engagement_team"),
    "patrol_points": ("patrol_id", "seq", "time", "lat", "lon"),
}
#: Every target of every layer, in a stable order (alerts first).
ALL_TARGETS: tuple[str, ...] = tuple(dict.fromkeys(t for layer in TARGETS.values() for t in layer))
#: Columns that tell which layer a file is (see :data:`ewarning.io.own.LAYER_MARKERS`).
MARKERS = {"category": "alerts", "site_id": "sites", "base_id": "presence", "patrol_id": "patrols"}

# Words left out when header names are compared ("Date of incident" = "Date de l'incident" = "Date incident").
_STOP = {"of", "the", "de", "du", "des", "la", "le", "les", "l", "d", "a", "en"}

#: Header spellings -> target, English and French, from hotline logs and sitreps (compared folded: :func:`fold`).
SPELLINGS: dict[str, str] = {
    "id": "id report_id id_report report_no report_nr report_number report_ref alert_id id_alerte incident_id "
          "id_incident event_id case_id ref reference ref_rapport reference_rapport n_rapport no_rapport nr_rapport "
          "numero_rapport num_rapport n_alerte no_alerte numero_alerte n_incident no_incident numero_incident",
    "occurred_at": "occurred_at occurred date_occurred date incident_date date_incident date_event event_date "
                   "date_evenement date_fait date_faits date_faits_incident when quand date_time_incident "
                   "incident_datetime date_heure_incident date_heure date_time datetime occurrence_date "
                   "date_occurrence date_survenue survenu_le",
    "reported_at": "reported_at reported date_reported report_date date_report reported_on date_rapport "
                   "date_signalement signale_le date_reception received received_at date_received date_recu "
                   "submission_date date_soumission",
    "category": "category categorie categories incident_type type_incident incident_category categorie_incident "
                "event_type type_evenement nature_incident incident_nature type_violence violence_type",
    "lat": "lat latitude y lat_dd gps_latitude coord_y latitude_dd",
    "lon": "lon lng long longitude x lon_dd long_dd gps_longitude coord_x longitude_dd",
    "killed": "killed fatalities deaths dead tues morts mort deces nb_morts nb_tues nombre_morts nombre_tues "
              "number_killed num_killed killed_count personnes_tuees",
    "injured": "injured wounded injuries blesses blesse nb_blesses nombre_blesses number_injured num_injured "
               "injured_count personnes_blessees",
    "channel": "channel canal reporting_channel canal_signalement moyen_signalement channel_type via medium",
    "severity": "severity gravite severite niveau_gravite severity_level",
    "verification": "verification verification_status statut_verification verified verifie",
    "reliability": "reliability fiabilite source_reliability fiabilite_source",
    "credibility": "credibility credibilite information_credibility credibilite_information",
    "location_precision": "location_precision precision geo_precision precision_geographique "
                          "precision_localisation",
    "text": "text texte description notes narrative summary resume details commentaire commentaires comments "
            "comment observations message recit",
    "reporter": "reporter phone phone_number telephone tel reporter_phone caller caller_phone msisdn mobile "
                "informant name_of_reporter reporter_name reported_by",
    "population": "population",
    "opened": "opened date_ouverture", "closed": "closed date_fermeture",
}
#: Names that are the category only when the values say so (``Type`` of a patrol is its kind of patrol).
GENERIC_CATEGORY_NAMES = {"type", "nature", "genre", "incident", "evenement", "event"}
#: Share of a column's values that must be incident categories: a generic name, or any name at all.
GENERIC_SHARE, CONTENT_SHARE = 0.5, 0.8


@dataclass
class Column:
    """One column found in a file and what became of it.

    Attributes
    ----------
    header : str
        The name as found in the file (trimmed).
    name : str
        Its name in the table handed to the validator.
    target : str or None
        The canonical column it is read as; None when it is not read.
    why : str
        How the target was chosen ("its name", "its values: 9 of 10 are
        incident categories", "--map", "mapping saved from import #3"), or
        why it is not read.
    action : str
        Filled in by the import: ``read``, ``reporter`` (pseudonymised as the
        reporter key), ``dropped`` (identifies people), ``ignored`` (by the
        user's choice) or ``not read``.
    layer : str
        The layer of the table it was found in (filled in by the import).
    """

    header: str
    name: str
    target: str | None
    why: str = ""
    action: str = ""
    layer: str = ""

    @property
    def label(self) -> str:
        """The header as shown: a phone number or e-mail address typed as a header is not repeated."""
        return identities.scrub_text(self.header)[0]

    def describe(self) -> str:
        """One phrase for the import summary: ``'Type' read as category (its values: ...)``."""
        h = f"'{self.label}'"
        if self.action == "reporter":
            return f"{h} pseudonymised as the reporter key"
        if self.action == "dropped":
            return f"{h} dropped: {self.why}"
        if self.action == "ignored":
            return f"{h} ignored ({self.why})"
        if self.action == "read" or (not self.action and self.target):
            return f"{h} read as {self.target}" + (f" ({self.why})" if self.why else "")
        return f"{h} not read" + (f": {self.why}" if self.why else "")


class MappingError(ValueError):
    """A mapping the user wrote cannot be used (a wrong target name, no ``=``)."""


def fold(header: object) -> str:
    """A header folded for comparison: accents, case, punctuation and stop words out.

    >>> fold("Date de l'incident") == fold("DATE_OF_INCIDENT") == fold(" date incident ") == "date_incident"
    True
    >>> fold("N° rapport"), fold("Tués")
    ('n_rapport', 'tues')
    """
    text = unicodedata.normalize("NFKD", str(header))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("º", "o")
    words = re.findall(r"[a-z0-9]+", text)
    kept = [w for w in words if w not in _STOP]
    return "_".join(kept or words)


#: :data:`SPELLINGS` folded: one key per spelling.
NAME_TARGETS: dict[str, str] = {fold(name): target for target, names in SPELLINGS.items() for name in names.split()}


def target_for_name(header: object) -> str | None:
    """The canonical column a header names, from its spelling alone (None if it names none).

    >>> target_for_name("Date du rapport"), target_for_name("Catégorie"), target_for_name("Village")
    ('reported_at', 'category', None)
    """
    key = fold(header)
    if key in NAME_TARGETS:
        return NAME_TARGETS[key]
    if key in GENERIC_CATEGORY_NAMES:
        return "category"
    return None


def targets(layer: str | None = None) -> tuple[str, ...]:
    """Valid targets of ``layer`` (every layer's when None), ``ignore`` last."""
    return (TARGETS[layer] if layer in TARGETS else ALL_TARGETS) + (IGNORE,)


def parse_overrides(items, layer: str | None = None) -> dict[str, str]:
    """``['Date of incident=occurred_at', ...]`` (the ``--map`` options) -> ``{header: target}``.

    Raises
    ------
    MappingError
        For an item without ``=`` or a target that is no column of ``layer``
        (of any layer when None); the message lists the valid targets.

    >>> parse_overrides(["Date of incident = occurred_at", "Village=IGNORE"])
    {'Date of incident': 'occurred_at', 'Village': 'ignore'}
    """
    out: dict[str, str] = {}
    valid = targets(layer)
    for item in items or ():
        header, eq, target = str(item).rpartition("=")
        header, target = header.strip(), target.strip().lower()
        if not eq or not header or not target:
            raise MappingError(f"--map '{item}': write COLUMN=TARGET, e.g. --map 'Date of incident=occurred_at'")
        if target not in valid:
            raise MappingError(f"--map '{item}': unknown column '{target}'; valid"
                               + (f" {layer}" if layer in TARGETS else "") + " columns: " + ", ".join(valid))
        out[header] = target
    return out


def layer_of(overrides: dict[str, str]) -> str | None:
    """The layer that a mapping's targets mark (a column mapped to ``category`` makes alerts), if one."""
    found = {MARKERS[t] for t in overrides.values() if t in MARKERS}
    return found.pop() if len(found) == 1 else None


def source_key(filename: object) -> str | None:
    """The store setting under which a source's mapping is saved: the file stem without dates and digits.

    ``weekly_2018-11-14.csv`` and ``weekly_2018-11-21.csv`` are one source;
    a name that is only a date is none (None).

    >>> source_key("Rapport hebdo 14.11.2018.xlsx"), source_key("2018-11-14.csv")
    ('mapping:rapport_hebdo', None)
    """
    stem = Path(str(filename)).name
    stem = stem[: -len(Path(stem).suffix)] if Path(stem).suffix else stem
    words = [w for w in re.findall(r"[a-z]+", fold(re.sub(r"\d+", " ", stem)).replace("_", " ")) if w]
    return "mapping:" + "_".join(words) if words else None


def category_share(values: pd.Series) -> tuple[int, int]:
    """How many of a column's non-empty values are incident categories (codes, labels, synonyms), of how many."""
    text = values.dropna()
    text = text[text.map(lambda v: isinstance(v, str))].str.strip()
    text = text[text != ""]
    if text.empty:
        return 0, 0
    table = vocab.lookup_table(vocab.CATEGORIES, vocab.CATEGORY_SYNONYMS)
    counts = text.value_counts()
    if len(counts) > 5000:
        counts = counts.head(5000)  # the most frequent spellings say enough
    hits = sum(int(n) for value, n in counts.items() if vocab.normalise_code(value) in table)
    return hits, int(counts.sum())


def _values(frame: pd.DataFrame, i: int) -> pd.Series:
    return frame.iloc[:, i]


def _identity(header: str, values: pd.Series) -> str | None:
    """Why a column identifies people ('its name', 'holds phone numbers'), or None."""
    if identities.identity_rank(header) is not None:
        return "its name"
    if _is_text(values):
        kind = identities.holds_identities(values)
        if kind:
            return f"holds {kind}"
    return None


def _match(header: str, overrides: dict[str, str]) -> str | None:
    """The user's header in ``overrides`` naming this column: spelt exactly, else the same once folded."""
    if header in overrides:
        return header
    folded = fold(header)
    for given in overrides:
        if fold(given) == folded:
            return given
    return None


def map_columns(frame: pd.DataFrame, overrides: dict[str, str] | None = None,
                label: str | dict[str, str] = "your mapping",
                notes: list[str] | None = None) -> tuple[pd.DataFrame, list[Column]]:
    """Rename ``frame``'s columns to canonical names; describe each column found.

    Several columns can claim one canonical name. Exactly one gets it, in this
    order: the user's mapping, a column named exactly so, one whose trimmed,
    lower-cased name is it, a spelling of it (:func:`target_for_name`), its
    values; within each, the leftmost. Every other claimant keeps its
    normalised name (made unique with ``.1``, ``.2``), so no value is lost and
    the identity protection still sees it.

    Parameters
    ----------
    frame : DataFrame
        Columns as read (a ``geometry`` column is left as it is).
    overrides : dict, optional
        ``{header: target}`` chosen by the user; ``ignore`` leaves the column
        out. Headers match exactly or once folded (:func:`fold`).
    label : str or dict
        How the user's choices are named in the description ("--map"), or
        one name per header of ``overrides`` (a saved mapping and the
        user's choices together).
    notes : list of str, optional
        Receives a note per column not read as the name it claimed, per
        user's choice not applied, per header in ``overrides`` not in the file.

    Returns
    -------
    frame : DataFrame
        A new frame (values untouched), ignored columns left out.
    columns : list of Column
        One per column of the input, in order.
    """
    overrides = dict(overrides or {})
    notes = notes if notes is not None else []
    original = [str(c) for c in frame.columns]
    headers = [c.strip() for c in original]
    keys = [c if c == "geometry" else c.strip().lower().replace(" ", "_") for c in original]
    wanted: list[str] = []
    tiers: list[int] = []
    whys: list[str] = []
    used: set[str] = set()
    for i, header in enumerate(headers):
        values = _values(frame, i)
        given = _match(header, overrides) if original[i] != "geometry" else None
        if given is not None:
            used.add(given)
            target = overrides[given]
            why = _identity(header, values) if target not in ("reporter", IGNORE) else None
            if why and not (target == "text" and why != "its name"):
                notes.append(f"mapping: '{header}' not read as {target}: it identifies people ({why}); it can only "
                             "be the reporter (pseudonymised) or ignored")
            else:
                wanted.append(target)
                tiers.append(-1)
                whys.append(label if isinstance(label, str) else label.get(given, "your mapping"))
                continue
        target, tier, why = _propose(original[i], header, keys[i], values)
        wanted.append(target)
        tiers.append(tier)
        whys.append(why)
    for given in overrides:
        if given not in used:
            notes.append(f"mapping: no column '{given}' in this file")
    if not {"lat", "lon", "geometry", "occurred_at", "reported_at"} & set(wanted):
        # Values alone never make a table of reports: a lookup table of categories has no place and no time.
        for i in range(len(wanted)):
            if tiers[i] == 3:
                wanted[i], tiers[i], whys[i] = keys[i], 9, ""

    final: list[str | None] = [None] * len(original)
    winner: dict[str, int] = {}
    for i in sorted(range(len(original)), key=lambda i: (tiers[i], i)):
        if wanted[i] == IGNORE and tiers[i] == -1:
            continue
        if wanted[i] not in winner:
            winner[wanted[i]] = i
            final[i] = wanted[i]
    taken = set(winner)
    columns: list[Column] = []
    for i, name in enumerate(final):
        if wanted[i] == IGNORE and tiers[i] == -1:
            columns.append(Column(headers[i], "", None, whys[i], action="ignored"))
            continue
        if original[i] == "geometry":
            continue  # a reader's geometry, not a column of the file
        if name is None:
            fallback, n = keys[i], 0
            while fallback in taken:
                n += 1
                fallback = f"{keys[i]}.{n}"
            taken.add(fallback)
            final[i] = name = fallback
            other = original[winner[wanted[i]]]
            notes.append(f"column {original[i]!r} not read as {wanted[i]!r}: column {other!r} already is "
                         f"(kept as {fallback!r})")
            whys[i] = f"not read as {wanted[i]}: column '{other.strip()}' already is"
        target = name if name in ALL_TARGETS else None
        columns.append(Column(headers[i], name, target, whys[i] if (target or whys[i].startswith("not ")) else ""))
    keep = [i for i, name in enumerate(final) if name is not None]
    out = frame.iloc[:, keep].copy(deep=False) if len(keep) < len(original) else frame.copy(deep=False)
    out.columns = [final[i] for i in keep]
    return out, columns


def _propose(original: str, header: str, key: str, values: pd.Series) -> tuple[str, int, str]:
    """(wanted name, tier, why) for one column, from its name, then its values."""
    if original == "geometry":
        return "geometry", 0, ""
    not_category = ""
    if fold(header) in GENERIC_CATEGORY_NAMES:  # 'Type': the category if its values are, else what it names
        hits, total = category_share(values)
        if total and hits / total >= GENERIC_SHARE:
            return "category", 2, f"its values: {hits} of {total} are incident categories"
        not_category = f"not category: {hits} of {total} values are incident categories"
    if original in ALL_TARGETS:
        return original, 0, not_category
    if key in ALL_TARGETS:
        return key, 1, not_category or ("its name" if header != key else "")
    named = target_for_name(header)
    identity = identities.identity_rank(header) is not None
    if named is not None and not not_category and (not identity or named == "reporter"):
        kind = identities.holds_identities(values) if named not in ("reporter", "text") and _is_text(values) else None
        if kind:  # 'Report ID' full of phone numbers: the identity protection drops it, it is no id in clear
            return key, 9, f"not {named}: holds {kind}"
        return named, 2, "its name"
    if not identity and not not_category and _is_text(values) and not identities._free_text_name(header):
        hits, total = category_share(values)
        if total and hits / total >= CONTENT_SHARE:
            return "category", 3, f"its values: {hits} of {total} are incident categories"
    return key, 9, not_category


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def describe_found(columns: list[Column]) -> str:
    """The columns of a file that could not be read, for its refusal: ``'Type' (not category: ...)``."""
    parts = []
    for c in columns:
        if c.action == "ignored":
            parts.append(f"'{c.label}' (ignored)")
        elif c.why.startswith("not "):
            parts.append(f"'{c.label}' ({c.why})")
        elif c.target:
            parts.append(f"'{c.label}' ({c.target})")
        else:
            parts.append(f"'{c.label}' (not read)")
    return ", ".join(parts)


def plain(columns: list[Column]) -> dict[str, str]:
    """The mapping to save for a source: ``{header: target}`` where the header is not the target's own name."""
    out = {}
    for c in columns:
        target = IGNORE if c.action == "ignored" else c.target
        if target and c.header != target and c.header.strip().lower() != target:
            out[c.header] = target
    return out


#: Choices of the Data page's mapping step that change nothing: the column stays as the import proposes.
NOT_READ, DROPPED = "(not read)", "(dropped: identifies people)"


def choices(column: Column, layer: str | None = None) -> list[str]:
    """What a column can be mapped to on the Data page, the proposal first (the default).

    An identity column can only be the reporter (pseudonymised) or ignored.

    >>> choices(Column("Reporter phone", "reporter", "reporter", action="reporter"), "alerts")
    ['reporter', 'ignore']
    >>> choices(Column("Nom", "nom", None, action="dropped"), "alerts")
    ['(dropped: identifies people)', 'reporter', 'ignore']
    >>> choices(Column("Village", "village", None, action="not read"), "sites")[:3]
    ['(not read)', 'site_id', 'name']
    """
    if column.action == "reporter":
        return ["reporter", IGNORE]
    if column.action == "dropped":
        return [DROPPED, "reporter", IGNORE]
    first = IGNORE if column.action == "ignored" else column.target if column.action in ("read", "") and \
        column.target else NOT_READ
    return [first] + [t for t in targets(layer) if t != first]


def chosen(columns: list[Column], picks: list[str], layer: str | None = None) -> dict[str, str]:
    """The user's mapping from the Data page: ``{header: target}`` for each pick that is not the proposal.

    >>> cols = [Column("Type", "type", None, action="not read"), Column("Lat", "lat", "lat", action="read")]
    >>> chosen(cols, ["category", "lat"])
    {'Type': 'category'}
    """
    out = {}
    for column, pick in zip(columns, picks):
        options = choices(column, layer)
        if pick != options[0] and pick in options and pick not in (NOT_READ, DROPPED):
            out[column.header] = pick
    return out
