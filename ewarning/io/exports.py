"""Shared opening of event-dataset exports (ACLED, UCDP GED): one CSV of known columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .base import ReadError
from .hxl import drop_hashtag_row
from .textfile import read_rows


def read_export(path: Path, encoding: str | None, required: list[str], layer: str | None,
                dataset: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Rows of an export with lower-case headers, an HDX hashtag row dropped, required columns checked."""
    if layer not in (None, "alerts"):
        raise ReadError(f"{path.name}: {dataset} events are alerts, not {layer}")
    frame, rejected, notes = read_rows(path, encoding)
    frame = frame.rename(columns=lambda c: c.strip().lower())
    frame, rejected = drop_hashtag_row(frame, rejected, notes)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReadError(f"{path.name}: not a {dataset} export, columns missing: {', '.join(missing)}")
    return frame, rejected, notes
