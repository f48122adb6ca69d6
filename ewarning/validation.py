"""Row checks shared by every layer, vectorised so 100,000 rows take a second.

A :class:`RowChecker` walks a raw table once per column, turning values into
typed columns and recording, per row, every reason the row cannot be stored.
Rows with at least one reason go to quarantine with all of them joined, so a
user fixes a row once instead of meeting its problems one import at a time.

Every count and measure of every layer (casualties, population, head counts,
engagements) is read by one parser, :func:`read_numbers`: numbers as people
write them (``18,000``, ``18 000``, ``1.500,5``), never silently changed: a
value with two readings is quarantined with both named.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .vocab import lookup_table, normalise_code

#: Reasons are prefixed with the column they concern, e.g. ``lat: ...``.
QUARANTINE_COLUMNS = ["layer", "source", "source_row", "reason", "raw"]


@dataclass
class Validated:
    """The outcome of validating one raw table.

    Attributes
    ----------
    layer : str
    valid : geopandas.GeoDataFrame
        Rows that passed, typed, in EPSG:4326. ``source_row`` is kept.
    quarantine : pandas.DataFrame
        Rows that failed: ``layer, source, source_row, reason, raw`` where
        ``raw`` is the row as read (JSON), identities already pseudonymised.
    n_read : int
        Rows read; always ``len(valid) + len(quarantine)``.
    notes : list of str
    """

    layer: str
    valid: gpd.GeoDataFrame
    quarantine: pd.DataFrame
    n_read: int
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every row is accounted for: the invariant the importer relies on.
        if len(self.valid) + len(self.quarantine) != self.n_read:
            raise AssertionError(
                f"{self.layer}: {len(self.valid)} valid + {len(self.quarantine)} quarantined != {self.n_read} read"
            )


def empty_result(layer: str, columns: list[str], notes: list[str] | None = None) -> Validated:
    """The valid, empty outcome of a table with no rows."""
    valid = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns + ["source_row"]},
                             geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    return Validated(layer, valid, empty_quarantine(), n_read=0, notes=list(notes or []))


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "source_row" else object) for c in QUARANTINE_COLUMNS})


class RowChecker:
    """Accumulates typed columns and per-row problems for one raw table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw values in canonical column names; the index is the source row.
    now : pandas.Timestamp
        Reference for "in the future" checks (UTC).
    locale : str, optional
        The mission's locale (``fr``, ``fr_CF``, ``en``...): its decimal
        separator settles a number such as ``18.000`` that the file itself
        leaves ambiguous (:func:`read_numbers`).
    number_columns : sequence of str, optional
        The columns of counts and measures the layer reads; their values (and
        decimal commas in ``lat``/``lon``) tell which decimal separator the
        file uses.

    Examples
    --------
    >>> raw = pd.DataFrame({"severity": ["3", "x", None]}, index=[1, 2, 3])
    >>> rc = RowChecker(raw, now=pd.Timestamp("2024-01-01", tz="UTC"))
    >>> rc.integer("severity", low=1, high=5).tolist()
    [3.0, nan, nan]
    >>> rc.reasons().to_dict()
    {2: "severity: 'x' is not a whole number"}
    """

    def __init__(self, frame: pd.DataFrame, now: pd.Timestamp, locale: str | None = None,
                 number_columns=()):
        self.raw = frame
        self.now = now
        self.locale = locale
        self.number_columns = tuple(number_columns)
        #: What the user should know about how values were read (thousands separators, ...).
        self.notes: list[str] = []
        self._problems: list[pd.Series] = []
        self._columns: dict[str, pd.Series] = {}
        self._style: NumberStyle | None = None
        self._order: DateOrder | None = None

    # -- bookkeeping -------------------------------------------------------
    def fail(self, mask, message) -> None:
        """Record ``message`` for the rows where ``mask`` is true.

        ``message`` is a string, a Series of per-row strings, or a function
        of the failing rows' index returning either (so per-row messages
        are only built for the rows that fail).
        """
        # Comparisons with missing values give NA: a missing value fails no range check.
        mask = pd.Series(pd.array(mask, dtype="boolean"), index=self.raw.index).fillna(False).astype(bool)
        if not mask.any():
            return
        failing = self.raw.index[mask.to_numpy()]
        if callable(message):
            message = message(failing)
        if isinstance(message, pd.Series):
            picked = message.reindex(failing).astype(object)
            self._problems.append(picked.where(picked.notna(), "invalid value").map(str))
        else:
            self._problems.append(pd.Series(message, index=failing))

    def reasons(self) -> pd.Series:
        """One string per failing row: its problems joined with '; '."""
        if not self._problems:
            return pd.Series(dtype=str)
        return pd.concat(self._problems).groupby(level=0, sort=True).agg("; ".join)

    def column(self, name: str) -> pd.Series:
        """The raw column as stripped strings, missing values as NA (cached)."""
        if name not in self._columns:
            self._columns[name] = self._clean(name)
        return self._columns[name]

    def _clean(self, name: str) -> pd.Series:
        if name not in self.raw.columns:
            return pd.Series(pd.NA, index=self.raw.index, dtype="string")
        col = self.raw[name]
        if col.dtype != object and str(col.dtype) not in ("string", "str"):
            # Numbers read by a binary reader (Excel, GeoPackage): keep as text.
            col = col.astype("string")
        col = col.astype("string").str.strip()
        return col.mask(col.isin(["", "nan", "NaN", "None", "NULL", "null", "NA", "N/A", "<NA>", "NaT"]))

    # -- typed columns -----------------------------------------------------
    def text(self, name: str, max_length: int = 10_000) -> pd.Series:
        col = self.column(name)
        too_long = col.str.len().fillna(0) > max_length
        self.fail(too_long, f"{name}: longer than {max_length:,} characters")
        return col

    def required(self, name: str, what: str | None = None) -> pd.Series:
        col = self.column(name)
        self.fail(col.isna(), f"{name}: missing{(' ' + what) if what else ''}")
        return col

    def number_style(self) -> "NumberStyle":
        """The file's decimal separator, from its own values and the mission's locale (computed once)."""
        if self._style is None:
            self._style = number_style(self, self.number_columns, self.locale)
        return self._style

    def _numbers(self, name: str, counts: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
        """``(raw text, values, ambiguous)`` read by :func:`read_numbers`; ambiguity and notes recorded."""
        raw = self.column(name)
        typed = _typed_numbers(self.raw, name)
        text = raw.where(typed.isna()) if typed is not None else raw
        reading = read_numbers(text, self.number_style, counts=counts)
        values = reading.values if typed is None else reading.values.fillna(typed)
        if reading.ambiguous.any():
            self.fail(reading.ambiguous, lambda i: f"{name}: '" + raw[i] + "' is ambiguous ("
                      + reading.readings[i] + "?); write the number without a thousands separator")
        self._note_grouped(name, raw, values, reading, counts)
        return raw, values.astype("float64"), reading.ambiguous

    def _note_grouped(self, name: str, raw: pd.Series, values: pd.Series, reading: "NumberReading",
                      counts: bool) -> None:
        n = int(reading.grouped.sum())
        if not n:
            return
        first = reading.grouped.idxmax()
        note = (f"{name}: {n} value(s) were written with thousands separators and read as "
                f"{'whole numbers' if counts else 'numbers'} "
                f"(e.g. '{raw[first]}' as {_show(values[first])})")
        if reading.dot_grouped.any() and self._style is not None and self._style.why:
            note += f"; '.' was read as a thousands separator because {self._style.why}"
        self.notes.append(note)

    def number(self, name: str, low: float | None = None, high: float | None = None) -> pd.Series:
        """A measure: decimals allowed, thousands separators read as :func:`read_numbers` says."""
        raw, values, ambiguous = self._numbers(name, counts=False)
        bad = raw.notna() & values.isna() & ~ambiguous
        self.fail(bad, lambda i: f"{name}: '" + raw[i] + "' is not a number")
        if low is not None:
            self.fail(values < low, lambda i: f"{name}: " + values[i].astype(str) + f" is below {low:g}")
        if high is not None:
            self.fail(values > high, lambda i: f"{name}: " + values[i].astype(str) + f" is above {high:g}")
        return values

    def integer(self, name: str, low: float | None = None, high: float | None = None) -> pd.Series:
        """A count: a whole number, with thousands separators read as :func:`read_numbers` says."""
        raw, values, ambiguous = self._numbers(name, counts=True)
        # Beyond 2**53 a float no longer holds every whole number: no count is that large.
        bad = raw.notna() & ~ambiguous & (
            values.isna() | (values.fillna(0) % 1 != 0) | (values.abs() > 2**53))
        self.fail(bad, lambda i: f"{name}: '" + raw[i] + "' is not a whole number")
        values = values.mask(bad)

        def shown(i):
            return f"{name}: " + values[i].map(lambda v: f"{v:.0f}")

        if low is not None:
            self.fail(values < low, lambda i: shown(i) + f" is below {low:g}")
        if high is not None:
            self.fail(values > high, lambda i: shown(i) + f" is above {high:g}")
        return values

    def flag(self, name: str) -> pd.Series:
        """Yes/no column: 1/0, true/false, yes/no, oui/non, or a count (>0 = yes)."""
        raw = self.column(name)
        low = raw.str.lower()
        truthy = low.isin(["1", "true", "yes", "y", "oui", "x"])
        falsy = low.isin(["0", "false", "no", "n", "non"])
        as_num = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & ~truthy & ~falsy & as_num.isna()
        self.fail(bad, lambda i: f"{name}: '" + raw[i] + "' is not yes/no")
        return (truthy | (as_num.fillna(0) > 0)).astype(bool)

    def choice(self, name: str, codes: dict[str, str], synonyms: dict[str, str] | None = None,
               default: str | None = None) -> pd.Series:
        raw = self.column(name)
        table = lookup_table(codes, synonyms)
        uniques = raw.dropna().unique()
        mapping = {u: table.get(normalise_code(u)) for u in uniques}
        coded = raw.astype(object).map(mapping).astype(object)
        unknown = raw.notna() & coded.isna()
        allowed = ", ".join(codes)
        self.fail(unknown, lambda i: f"{name}: unknown value '" + raw[i] + f"' (expected one of: {allowed})")
        if default is None:
            self.fail(raw.isna(), f"{name}: missing")
        else:
            coded = coded.where(raw.notna(), default)
        return coded.astype(object)

    @property
    def date_order(self) -> "DateOrder":
        """Whether the table writes its numeric dates day-first or month-first (computed once)."""
        if self._order is None:
            self._order = date_order(self, TIME_COLUMNS, self.locale)
        return self._order

    def timestamp(self, name: str, required: bool = False, allow_future: bool = False) -> pd.Series:
        """Parse times to UTC. Naive times are taken as UTC; a bare date is midnight.

        A numeric date whose day and month could be swapped (``03/04/2018``) is
        read in the table's order (:func:`date_order`: the file's own
        unambiguous dates, else the mission's locale); when neither says, it is
        quarantined as ambiguous, never guessed.
        """
        raw = self.column(name)
        order = self.date_order
        parsed = parse_times(raw, dayfirst=order.order != "mdy")
        ambiguous = ambiguous_dates(raw)
        if order.order is None:
            parsed = parsed.where(~ambiguous)
            self.fail(ambiguous, lambda i: f"{name}: '" + raw[i] + "' is ambiguous (day or month first?); "
                      "write it as YYYY-MM-DD")
        elif ambiguous.any():
            note = f"dates read {'day' if order.order == 'dmy' else 'month'}-first: {order.why}"
            if note not in self.notes:
                self.notes.append(note)
        unparsed = raw.notna() & parsed.isna() & ~(ambiguous & (order.order is None))
        self.fail(unparsed, lambda i: f"{name}: '" + raw[i] + "' is not a date")
        if required:
            self.fail(raw.isna(), f"{name}: missing")
        if not allow_future:
            future = parsed > self.now
            self.fail(future, lambda i: f"{name}: " + parsed[i].dt.strftime("%Y-%m-%d %H:%M") + " is in the future")
        return parsed

    def coordinates(self, bbox: tuple[float, float, float, float] | None = None) -> tuple[pd.Series, pd.Series]:
        """Latitude and longitude, with the checks analysts meet in real files.

        Catches missing or non-numeric values, 0/0 ("null island", what many
        phones write when they have no fix), out-of-range values, and swapped
        columns: either lat outside +-90 while lon would fit, or, given a
        mission ``bbox`` (min_lon, min_lat, max_lon, max_lat), a point that
        falls outside it but inside once swapped.
        """
        lat_raw, lon_raw = self.column("lat"), self.column("lon")
        # Coordinates are never grouped in thousands: a comma or a point is the decimal separator.
        lat = read_numbers(lat_raw, None).values
        lon = read_numbers(lon_raw, None).values
        self.fail(lat_raw.isna() | lon_raw.isna(), "lat/lon: missing coordinates")
        self.fail(lat_raw.notna() & lat.isna(), lambda i: "lat: '" + lat_raw[i] + "' is not a number")
        self.fail(lon_raw.notna() & lon.isna(), lambda i: "lon: '" + lon_raw[i] + "' is not a number")
        null_island = (lat == 0) & (lon == 0)
        self.fail(null_island, "lat/lon: 0/0 is not a location (device had no fix?)")

        def pair(i):
            return "(lat " + lat[i].astype(str) + ", lon " + lon[i].astype(str) + ")"

        swapped = (lat.abs() > 90) & (lat.abs() <= 180) & (lon.abs() <= 90)
        self.fail(swapped, lambda i: "lat/lon: latitude and longitude look swapped " + pair(i))
        lat_bad = (lat.abs() > 90) & ~swapped
        lon_bad = lon.abs() > 180
        self.fail(lat_bad, lambda i: "lat: " + lat[i].astype(str) + " is outside [-90, 90]")
        self.fail(lon_bad, lambda i: "lon: " + lon[i].astype(str) + " is outside [-180, 180]")
        if bbox is not None:
            x0, y0, x1, y1 = bbox
            inside = lon.between(x0, x1) & lat.between(y0, y1)
            inside_swapped = lat.between(x0, x1) & lon.between(y0, y1)
            checked = lat.notna() & lon.notna() & ~null_island & ~swapped & ~lat_bad & ~lon_bad
            self.fail(checked & ~inside & inside_swapped,
                      lambda i: "lat/lon: latitude and longitude look swapped " + pair(i))
            self.fail(checked & ~inside & ~inside_swapped,
                      lambda i: "lat/lon: " + pair(i) + f" is outside the mission area {bbox}")
        return lat.astype("float64"), lon.astype("float64")

    def identifiers(self, name: str, generated: pd.Series, existing: set[str] | None = None) -> pd.Series:
        """Ids: given ones kept, missing ones replaced by ``generated``.

        A repeated id inside the file quarantines every later copy, naming the
        row of the first; an id already in the store is refused as a re-import.
        """
        given = self.column(name)
        ids = given.fillna(generated).astype(str)
        dup = ids.duplicated(keep="first")
        if dup.any():
            first_row = pd.Series(ids.index, index=ids.index).groupby(ids.values).transform("first").astype(str)
            self.fail(dup & given.notna(),
                      lambda i: f"{name}: duplicate id '" + ids[i] + "' (first on row " + first_row[i] + ")")
            self.fail(dup & given.isna(), lambda i: "row: repeats row " + first_row[i] + " exactly")
        if existing:
            already = ids.isin(existing) & ~dup
            self.fail(already, lambda i: f"{name}: id '" + ids[i] + "' is already in the store")
        return ids

    # -- result --------------------------------------------------------------
    def split(self, layer: str, source: str, typed: pd.DataFrame, geometry,
              columns: list[str], redact_raw: dict[str, pd.Series] | None = None) -> Validated:
        """Divide typed rows into valid (GeoDataFrame) and quarantined."""
        reasons = self.reasons()
        bad = typed.index.isin(reasons.index)
        valid = gpd.GeoDataFrame(typed.loc[~bad, columns], geometry=gpd.GeoSeries(geometry, index=typed.index)[~bad],
                                 crs="EPSG:4326")
        valid.insert(len(columns), "source_row", valid.index.astype("int64"))
        valid = valid.reset_index(drop=True)
        quarantine = quarantine_rows(layer, source, self.raw.loc[bad], reasons, redact_raw)
        return Validated(layer, valid, quarantine, n_read=len(typed), notes=list(self.notes))


def quarantine_rows(layer: str, source: str, raw: pd.DataFrame, reasons: pd.Series,
                    redact: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Quarantine records for ``raw`` rows, raw values kept as JSON for repair."""
    if raw.empty:
        return empty_quarantine()
    raw = raw.copy()
    for col, replacement in (redact or {}).items():
        if col in raw.columns:
            raw[col] = replacement.reindex(raw.index)
    if "geometry" in raw.columns:
        raw["geometry"] = raw["geometry"].map(lambda g: None if g is None else getattr(g, "wkt", str(g)))
    records = raw.astype(object).where(raw.notna(), None).to_dict(orient="records")
    return pd.DataFrame({
        "layer": layer,
        "source": source,
        "source_row": raw.index.astype("int64"),
        "reason": reasons.reindex(raw.index).fillna("unreadable row").to_numpy(),
        "raw": [json.dumps(r, default=str, ensure_ascii=False) for r in records],
    })


# -- numbers as people write them ---------------------------------------------------------------------------

#: Languages whose decimal separator is a comma; their thousands separator is a point or a space.
DECIMAL_COMMA_LANGUAGES = frozenset({"fr", "de", "es", "pt", "it", "nl", "ru", "uk", "pl", "cs", "ro", "tr", "id",
                                     "sv", "da", "nb", "nn", "no", "fi"})
#: Characters that group digits by thousands besides ',' and '.': space, no-break space (Excel and Word in
#: French), narrow no-break space (LibreOffice, the French typographic rule), thin space, apostrophes (Swiss).
GROUP_SPACES = " \u00a0\u202f\u2009'\u2019"
_SP = re.escape(GROUP_SPACES)
_SPACE_GROUPED = re.compile(rf"\d{{1,3}}(?:[{_SP}]\d{{3}})+(?:[.,]\d+)?")
_DOT_THEN_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+")        # 1.500,25
_COMMA_THEN_DOT = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+")        # 1,500.25
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3}){2,}")            # 1,500,000
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")             # 1.500.000
_ONE_COMMA_GROUP = r"[1-9]\d{0,2},\d{3}"                        # 18,000: thousands, or 18 with a decimal comma
_ONE_DOT_GROUP = r"[1-9]\d{0,2}\.\d{3}"                         # 18.000: 18 with a decimal point, or thousands
_DECIMAL_COMMA = r"\d*,\d+"
_DECIMAL_POINT = r"\d*\.\d+"
_SIGN = re.compile(r"^([+\-\u2212]?)(.*)$", re.S)
#: Values that may need more than a plain reading: a separator inside, or a point before exactly three digits.
_NEEDS_LOOK = rf"[,{_SP}\s]|^[+\-\u2212]?[1-9]\d{{0,2}}\.\d{{3}}$"


@dataclass(frozen=True)
class NumberStyle:
    """Which decimal separators a file uses, from its own values and the mission's locale.

    Attributes
    ----------
    comma, point : bool
        A decimal comma (``4,79``) / a decimal point (``2.5``) is in use.
    why : str
        Why the comma is taken as the decimal separator (so a point
        separates thousands), in words for the import notes.
    """

    comma: bool = False
    point: bool = False
    why: str = ""


@dataclass
class NumberReading:
    """What :func:`read_numbers` made of a column: values and, per row, how they were read."""

    values: pd.Series        # float, NaN where missing, not a number, or ambiguous
    ambiguous: pd.Series     # bool: two readings possible, none chosen
    grouped: pd.Series       # bool: written with thousands separators
    dot_grouped: pd.Series   # bool: a single '.' read as a thousands separator because of the file's style
    readings: pd.Series      # str: the two readings of an ambiguous value ("18 or 18000")


def _show(value: float) -> str:
    if value == value and abs(value) < 1e15 and float(value).is_integer():
        return str(int(value))
    return format(float(value), ".15g")


def _read_one(text: str, style, counts: bool) -> tuple[float, str, str]:
    """One value: ``(number, kind, readings)``; kind is plain, grouped, dot_style, ambiguous or bad."""
    sign, body = _SIGN.match(text).groups()
    neg = -1.0 if sign in ("-", "\u2212") else 1.0

    def num(t: str) -> float:
        try:
            return neg * float(t)
        except ValueError:
            return float("nan")

    if _SPACE_GROUPED.fullmatch(body):
        return num(re.sub(f"[{_SP}]", "", body).replace(",", ".")), "grouped", ""
    if _DOT_THEN_COMMA.fullmatch(body):
        return num(body.replace(".", "").replace(",", ".")), "grouped", ""
    if _COMMA_THEN_DOT.fullmatch(body) or _COMMA_GROUPS.fullmatch(body):
        return num(body.replace(",", "")), "grouped", ""
    if _DOT_GROUPS.fullmatch(body):
        return num(body.replace(".", "")), "grouped", ""
    as_decimal, as_thousands = num(body.replace(",", ".")), num(body.replace(",", "").replace(".", ""))
    both = f"{_show(as_decimal)} or {_show(as_thousands)}"
    if re.fullmatch(_ONE_COMMA_GROUP, body):
        return (float("nan"), "ambiguous", both) if style().comma else (as_thousands, "grouped", "")
    if re.fullmatch(_ONE_DOT_GROUP, body):
        st = style()
        if st.point and not counts and not st.comma:
            return as_decimal, "plain", ""
        if st.comma and not st.point:
            return as_thousands, "dot_style", ""
        return float("nan"), "ambiguous", both
    if re.fullmatch(_DECIMAL_COMMA, body):
        return as_decimal, "plain", ""
    return float("nan"), "bad", ""


def read_numbers(text: pd.Series, style=None, counts: bool = True) -> NumberReading:
    """Numbers as people write them, never silently changed.

    Accepted: plain numbers (``18000``, ``2.5``, ``1e3``); thousands separated
    by commas (``18,000``, ``1,500,000``), spaces, no-break or narrow no-break
    spaces or apostrophes (``18 000``), points (``1.500.000``, and ``18.000``
    when the file writes decimal commas or the mission's locale does); a
    decimal comma where it cannot be a thousands separator (``4,5``,
    ``0,500``, ``1 500,25``, ``1.500,25``). A value with two readings
    (``18.000`` in a file that gives no decimal comma and under no such
    locale; ``1,500`` in a file or locale that writes decimal commas) is
    *ambiguous*: no number, and the caller quarantines the row.

    Parameters
    ----------
    text : pandas.Series of str (NA = missing)
    style : NumberStyle, callable returning one, or None
        The file's decimal separators (a callable is asked only when a value
        needs it). ``None``: no thousands separators at all, a comma or a
        point is the decimal separator (coordinates).
    counts : bool
        For measures (``counts=False``) ``2.125`` is a decimal when the file
        writes decimal points; for counts it stays ambiguous.

    Examples
    --------
    >>> t = pd.Series(["18,000", "18 000", "4,5", "18.000", "7"])
    >>> r = read_numbers(t, NumberStyle())
    >>> r.values.tolist()[:3], bool(r.values.isna()[3]), r.readings[3], float(r.values[4])
    ([18000.0, 18000.0, 4.5], True, '18 or 18000', 7.0)
    >>> read_numbers(pd.Series(["18.000"]), NumberStyle(comma=True)).values.tolist()
    [18000.0]
    """
    idx = text.index
    false = pd.Series(False, index=idx)
    if style is None:
        values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype("float64")
        return NumberReading(values, false, false.copy(), false.copy(), pd.Series("", index=idx, dtype=object))
    get_style = style if callable(style) else (lambda: style)
    present = text.dropna()
    values = pd.Series(np.nan, index=idx, dtype="float64")
    kind = pd.Series("plain", index=idx, dtype=object)
    readings = pd.Series("", index=idx, dtype=object)
    look = present.str.contains(_NEEDS_LOOK, regex=True).astype(bool)
    simple = present[~look]
    if len(simple):
        values.loc[simple.index] = pd.to_numeric(simple, errors="coerce").astype("float64")
    looked = present[look]
    if len(looked):
        read = {u: _read_one(u, get_style, counts) for u in looked.unique()}
        values.loc[looked.index] = looked.map(lambda u: read[u][0]).astype("float64")
        kind.loc[looked.index] = looked.map(lambda u: read[u][1])
        readings.loc[looked.index] = looked.map(lambda u: read[u][2])
    ambiguous = kind.eq("ambiguous")
    return NumberReading(values, ambiguous, kind.isin(["grouped", "dot_style"]), kind.eq("dot_style"), readings)


def _text_values(rc: "RowChecker", name: str) -> pd.Series:
    col = rc.column(name)
    typed = _typed_numbers(rc.raw, name)
    return col if typed is None else col.where(typed.isna())


def number_style(rc: "RowChecker", columns, locale: str | None = None) -> NumberStyle:
    """The decimal separators a table uses: its own numbers first, then the mission's ``locale``.

    Evidence of a decimal comma: a comma that cannot group thousands in a
    count or measure column (``4,5``, ``0,500``, ``1.500,25``), or any comma in
    ``lat``/``lon`` (coordinates are never grouped). Evidence of a decimal
    point: the same with points, in count or measure columns only (devices
    write coordinates with points whatever the user's locale, so a point
    there says nothing about how people wrote the counts).
    """
    comma = point = False
    why = ""

    def bodies(name: str) -> pd.Series:
        u = pd.Series(_text_values(rc, name).dropna().unique(), dtype=object).astype(str)
        return u.str.replace(r"^[+\-\u2212]", "", regex=True)

    for name in [c for c in columns if c not in ("lat", "lon")] + ["lat", "lon"]:
        if name not in rc.raw.columns:
            continue
        b = bodies(name)
        if b.empty:
            continue
        if name in ("lat", "lon"):
            has_comma = b.str.fullmatch(r"\d{1,3},\d+")
            has_point = pd.Series(False, index=b.index)
        else:
            spaced = b.str.fullmatch(_SPACE_GROUPED.pattern)
            has_comma = ((b.str.fullmatch(_DECIMAL_COMMA) & ~b.str.fullmatch(_ONE_COMMA_GROUP))
                         | b.str.fullmatch(_DOT_THEN_COMMA.pattern) | (spaced & b.str.contains(",", regex=False)))
            has_point = ((b.str.fullmatch(_DECIMAL_POINT) & ~b.str.fullmatch(_ONE_DOT_GROUP))
                         | b.str.fullmatch(_COMMA_THEN_DOT.pattern) | (spaced & b.str.contains(".", regex=False)))
        if has_comma.any() and not comma:
            comma = True
            why = f"the file writes decimal commas (e.g. '{b[has_comma].iloc[0]}' in {name})"
        point |= bool(has_point.any())
    if locale:
        language = re.split(r"[_\-.@]", str(locale).strip())[0].lower()
        if language in DECIMAL_COMMA_LANGUAGES:
            if not comma:
                why = f"the mission's locale is '{locale}'"
            comma = True
        else:
            point = True
    return NumberStyle(comma=comma, point=point, why=why if comma else "")


def _typed_numbers(frame: pd.DataFrame, name: str) -> pd.Series | None:
    """Values a binary reader (Excel, GeoPackage) gave as numbers, as floats (NaN elsewhere); None if none."""
    if name not in frame.columns:
        return None
    col = frame[name]
    if pd.api.types.is_bool_dtype(col):
        return None
    if pd.api.types.is_numeric_dtype(col):
        return pd.to_numeric(col, errors="coerce").astype("float64")
    if col.dtype != object:
        return None
    typed = col.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                    and not isinstance(v, (bool, np.bool_)))
    if not typed.any():
        return None
    return pd.to_numeric(col.where(typed), errors="coerce").astype("float64")


_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"


def parse_times(raw: pd.Series, dayfirst: bool = True) -> pd.Series:
    """Parse a column of date/time strings to UTC timestamps (NaT if unparseable).

    ISO 8601 is parsed fast; anything else is tried day-first (``15/11/2018``,
    the usage in francophone missions), then month-first; ``dayfirst=False``
    tries month-first first (a table known to write ``11/15/2018``).
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    present = raw.dropna()
    if present.empty:
        return out
    iso = present.str.match(_ISO).astype(bool)
    if iso.any():
        out.loc[iso[iso].index] = _plausible(pd.to_datetime(present[iso], format="ISO8601", utc=True,
                                                            errors="coerce"))
    rest = present[~iso]
    if not rest.empty:
        parsed = {value: _parse_one(value, dayfirst) for value in rest.unique()}
        out.loc[rest.index] = _plausible(pd.to_datetime(rest.astype(object).map(parsed), utc=True,
                                                        errors="coerce"))
    return out


#: Columns holding times, in every layer: their numeric dates decide a table's date order together.
TIME_COLUMNS = ("reported_at", "occurred_at", "opened", "closed", "start", "end", "time")
_NUMERIC_DATE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?!\d)"
#: Locales that write month first (``11/15/2018``); every other locale given writes day first.
MONTH_FIRST_LOCALES = frozenset({"en_us", "en-us", "us"})


@dataclass(frozen=True)
class DateOrder:
    """How a table writes numeric dates: ``order`` is ``"dmy"``, ``"mdy"`` or ``None`` (nothing says), and why."""

    order: str | None
    why: str = ""


def _day_month(raw: pd.Series) -> pd.DataFrame:
    """The first two numbers of each numeric date (``03/04/2018`` -> 3, 4); NaN elsewhere."""
    text = raw.dropna().astype(str)
    parts = text.str.extract(_NUMERIC_DATE)
    return pd.DataFrame({"a": pd.to_numeric(parts[0], errors="coerce"), "b": pd.to_numeric(parts[1], errors="coerce")},
                        index=text.index)


def ambiguous_dates(raw: pd.Series) -> pd.Series:
    """Numeric dates whose day and month could be swapped: both 12 or less and different.

    >>> ambiguous_dates(pd.Series(["03/04/2018", "15/11/2018", "05/05/2018", "2018-04-03", None])).tolist()
    [True, False, False, False, False]
    """
    dm = _day_month(raw)
    out = pd.Series(False, index=raw.index, dtype=bool)
    hit = (dm["a"] <= 12) & (dm["b"] <= 12) & (dm["a"] != dm["b"])
    out.loc[hit[hit].index] = True
    return out


def date_order(rc: "RowChecker", columns, locale: str | None = None) -> DateOrder:
    """Whether a table writes numeric dates day-first or month-first.

    The table's own dates decide first: a ``15/11/2018`` anywhere in its time
    columns makes it day-first, a ``11/15/2018`` month-first (both: nothing is
    decided, and each ambiguous date is quarantined). Otherwise the mission's
    locale decides (``en_US`` month-first, any other day-first); without one,
    nothing is decided.

    >>> rc = RowChecker(pd.DataFrame({"occurred_at": ["03/04/2018", "15/11/2018"]}), pd.Timestamp.now(tz="UTC"))
    >>> date_order(rc, ["occurred_at"])
    DateOrder(order='dmy', why="the file writes day-first dates (e.g. '15/11/2018' in occurred_at)")
    """
    day_first = month_first = None
    for name in columns:
        if name not in rc.raw.columns:
            continue
        raw = rc.column(name)
        dm = _day_month(raw)
        if day_first is None and ((dm["a"] > 12) & (dm["b"] <= 12)).any():
            day_first = (raw[((dm["a"] > 12) & (dm["b"] <= 12)).reindex(raw.index, fill_value=False)].iloc[0], name)
        if month_first is None and ((dm["b"] > 12) & (dm["a"] <= 12)).any():
            month_first = (raw[((dm["b"] > 12) & (dm["a"] <= 12)).reindex(raw.index, fill_value=False)].iloc[0],
                           name)
    if day_first and month_first:
        return DateOrder(None, f"the file writes both day-first ('{day_first[0]}') and month-first "
                               f"('{month_first[0]}') dates")
    if day_first:
        return DateOrder("dmy", f"the file writes day-first dates (e.g. '{day_first[0]}' in {day_first[1]})")
    if month_first:
        return DateOrder("mdy", f"the file writes month-first dates (e.g. '{month_first[0]}' in {month_first[1]})")
    if locale:
        key = str(locale).strip().split(".")[0].lower()
        if key in MONTH_FIRST_LOCALES:
            return DateOrder("mdy", f"the mission's locale is '{locale}'")
        return DateOrder("dmy", f"the mission's locale is '{locale}'")
    return DateOrder(None)


def _plausible(parsed: pd.Series) -> pd.Series:
    """Years 1900-2200 only (anything else is a typo), in nanosecond precision."""
    ok = parsed.notna() & parsed.dt.year.between(1900, 2200)
    return parsed.where(ok).astype("datetime64[ns, UTC]")


def _parse_one(value: str, first: bool = True):
    for dayfirst in (first, not first):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # dateutil's guesses about formats, not the user's problem
                ts = pd.to_datetime(value, dayfirst=dayfirst, utc=True)
        except Exception:  # noqa: BLE001 - dateutil and pandas raise many kinds on junk; junk is unparseable
            continue
        if not pd.isna(ts) and 1900 <= ts.year <= 2200:
            return ts.as_unit("ns")
    return pd.NaT
