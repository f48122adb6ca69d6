"""Re-keying reporter keys under a new secret: what both store backends replace, and how (one rule).

A backend opens its transaction, feeds every row of :data:`PLACES` through
:meth:`Rekeying.row`, writes the rows that changed, counts the audit entries
that quote an old key (:meth:`Rekeying.audit_mentions`, the log is never
rewritten) and appends :meth:`Rekeying.summary` to the audit log.

Examples
--------
>>> r = Rekeying(lambda old: "R-" + old[2:][::-1])
>>> r.row(["R-0123456789ab", "seen by R-0123456789ab twice", None])
['R-ba9876543210', 'seen by R-ba9876543210 twice', None]
>>> r.counts["keys"], r.audit_mentions(["quoted R-0123456789ab", "nothing"])
(1, 1)
"""

from __future__ import annotations

import re

#: A reporter key where it stands alone: ``R-`` and 12 lower-case hex digits.
KEY_TOKEN = re.compile(r"(?<![0-9A-Za-z_-])R-[0-9a-f]{12}(?![0-9A-Za-z_])")
#: (table, columns) where a key may be quoted.
PLACES = (("alerts", ("reporter_key", "text")), ("quarantine", ("raw", "reason")),
          ("alert_edits", ("changes", "note")))


class Rekeying:
    """One re-keying: the same old key always gets the same new one; counts what changed.

    Parameters
    ----------
    rekey : callable
        ``rekey(old_key) -> new_key`` (:mod:`ewarning.rotation`).
    """

    def __init__(self, rekey):
        self._rekey = rekey
        self.mapping: dict[str, str] = {}
        self.counts = {"keys": 0, "alerts": 0, "quarantine": 0, "alert_edits": 0, "audit_mentions": 0}

    def _new(self, match) -> str:
        old = match.group(0)
        if old not in self.mapping:
            self.mapping[old] = self._rekey(old)
            self.counts["keys"] = len(self.mapping)
        return self.mapping[old]

    def row(self, values: list) -> list:
        """The row's values with every key replaced (non-text values as they are)."""
        return [KEY_TOKEN.sub(self._new, v) if isinstance(v, str) else v for v in values]

    def changed(self, table: str) -> None:
        self.counts[table] += 1

    def audit_mentions(self, details) -> int:
        """How many audit details quote an old key (kept: the audit log is append-only)."""
        olds = set(self.mapping)
        self.counts["audit_mentions"] = sum(1 for d in details if isinstance(d, str)
                                            and olds.intersection(KEY_TOKEN.findall(d)))
        return self.counts["audit_mentions"]

    def summary(self) -> str:
        c = self.counts
        return (f"{c['keys']} reporter key(s) re-keyed under a new secret: {c['alerts']} alert(s), "
                f"{c['quarantine']} quarantined row(s), {c['alert_edits']} triage edit(s)")
