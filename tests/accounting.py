"""Checks shared by the reader tests (imported as ``tests.accounting``)."""

from __future__ import annotations


def accounted(table, validated) -> None:
    """Every row read is valid, quarantined or rejected by the reader: once, and none lost."""
    assert len(validated.valid) + len(validated.quarantine) == len(table.frame)
    assert len(validated.valid) + len(validated.quarantine) + len(table.rejected) == table.n_read
    valid_rows = set(validated.valid["source_row"])
    quarantined = set(validated.quarantine["source_row"])
    rejected = set(table.rejected.index)
    assert not (valid_rows & quarantined) and not (valid_rows & rejected) and not (quarantined & rejected)
    assert valid_rows | quarantined | rejected == set(table.frame.index) | rejected


def reasons(validated) -> dict[int, str]:
    """Quarantine reasons by source row."""
    return dict(zip(validated.quarantine["source_row"], validated.quarantine["reason"]))
