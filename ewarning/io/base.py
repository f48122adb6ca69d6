"""What every reader returns: raw tables in the project's canonical column names.

Readers only *read*: they map a source format's columns onto the canonical
names of a layer (see ``ewarning.alerts.COLUMNS`` and friends) and keep values
as they came (strings, numbers, or shapely geometries). Typing, checking and
quarantining is the validators' job, so every format gets exactly the same
checks and the same error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: Layers a reader may produce. ``patrol_points`` are route points
#: (patrol_id, seq, time, lat, lon) that the patrol validator turns into lines.
LAYERS = ("alerts", "sites", "presence", "patrols", "patrol_points", "engagements")


class ReadError(ValueError):
    """A whole file cannot be read; the import refuses it and stores nothing.

    ``columns`` lists the columns found, when the file had some
    (:class:`ewarning.io.mapping.Column`), so the refusal can say what each was read as.
    """

    def __init__(self, message: str = "", columns: list | None = None) -> None:
        super().__init__(message)
        self.columns = list(columns or [])


@dataclass
class RawTable:
    """One table read from a file, before validation.

    Attributes
    ----------
    layer : str
        One of :data:`LAYERS`.
    frame : pandas.DataFrame
        Canonical column names; values as read. The index is the row's
        position in the source (1-based data row, header excluded) so that
        quarantine reasons point the user to the line to fix. A ``geometry``
        column of shapely objects in EPSG:4326 may be present (lines for
        patrols read from GeoJSON/GPX/KML).
    source : str
        File name (no directory), for messages and the import log.
    format : str
        The format that read it (``own``, ``acled``, ``ucdp``, ``hxl``,
        ``kobo``, ``gpx``, ``kml``, ``excel``, ``geojson``, ``gpkg``).
    notes : list of str
        Things the user should know about how the file was read, such as an
        estimated report time or ignored columns.
    rejected : pandas.DataFrame
        Rows the reader itself could not interpret (for example an undecodable
        line). Index = source row, columns ``reason`` and ``raw``. They go to
        quarantine with the reason; they are never dropped.
    columns : list of ewarning.io.mapping.Column
        Every column found in the source and what it was read as, and why
        (:func:`ewarning.io.mapping.map_columns`). Readers that map columns
        with :func:`ewarning.io.own.canonical_columns` get it filled in from
        the frame; empty when a reader maps a fixed format itself.
    """

    layer: str
    frame: pd.DataFrame
    source: str
    format: str
    notes: list[str] = field(default_factory=list)
    rejected: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"reason": pd.Series(dtype=str), "raw": pd.Series(dtype=str)})
    )
    columns: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"unknown layer {self.layer!r}; expected one of {', '.join(LAYERS)}")
        if not self.columns:
            # canonical_columns() leaves what it did on the frame; the columns still in it are described
            found = self.frame.attrs.get("columns") or []
            names = set(map(str, self.frame.columns))
            self.columns = [c for c in found if c.action == "ignored" or c.name in names]
        # kept here, not on the frame: pandas would copy it along with every column the validator takes
        self.frame.attrs.pop("columns", None)

    @property
    def n_read(self) -> int:
        """Rows read from the source, including those the reader rejected."""
        return len(self.frame) + len(self.rejected)
