"""Roles and the permission matrix: who may do what on the desk, in briefings and in training.

Five roles (:data:`ROLES`) and named permissions (:data:`PERMISSIONS`). The
matrix (:data:`MATRIX`) is fixed in code, not in the store, so a change of
rights is reviewed like any other change. :func:`require` is the one check
the engine, the command line and the pages call before an action; it raises
:class:`~ewarning.auth.errors.PermissionDenied` saying who, what, and which
role would allow it.

- ``analyst``: the desk, triage, import, export (free text only when asked);
- ``supervisor``: everything an analyst may do, plus users, mission settings
  and the audit log;
- ``leadership``: briefing views, redacted (no free text, no reporter keys,
  locations coarsened);
- ``trainer``: replay, scenarios and exercises, past the decision point;
- ``trainee``: replay up to the decision point only.

``view_reporter_keys`` belongs to no role: the pseudonymous key of a reporter
is shown or exported by nobody unless the matrix is changed on purpose.

Examples
--------
>>> from ewarning.auth.accounts import User
>>> allows("leadership", "view_free_text"), allows("analyst", "triage")
(False, True)
>>> roles_with("view_audit")
('supervisor',)
>>> require(User("ana", "analyst"), "view_audit", "view the audit log")
Traceback (most recent call last):
...
ewarning.auth.errors.PermissionDenied: ana (analyst) may not view the audit log: it takes the supervisor role
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from ..i18n import N_

from .errors import PermissionDenied

__all__ = ["MATRIX", "PERMISSIONS", "ROLES", "ROLE_DESCRIPTIONS", "Redaction", "allows", "check_role",
           "permissions_of", "redaction_for", "require", "roles_with"]

#: The roles, in the order they are listed to a supervisor.
ROLES = ("analyst", "supervisor", "leadership", "trainer", "trainee")

#: Each role's name as shown (the code stays the identifier in the store and the audit log).
ROLE_LABELS = MappingProxyType({"analyst": N_("analyst"), "supervisor": N_("supervisor"), "leadership": N_("leadership"),
                               "trainer": N_("trainer"), "trainee": N_("trainee")})

ROLE_DESCRIPTIONS = MappingProxyType({
    "analyst": N_("JOC/JMAC analyst: desk, triage, import, export"),
    "supervisor": N_("all analyst rights, plus users, mission settings and the audit log"),
    "leadership": N_("briefing views, redacted: no free text, no reporter keys, coarsened locations"),
    "trainer": N_("replay, scenarios and exercises"),
    "trainee": N_("replay up to the decision point only"),
})

#: Every permission, with what it lets a user do (the words :func:`require` uses when none are given).
PERMISSIONS = MappingProxyType({
    "view_desk": N_("open the analyst desk (situation map, hotspots, alerts, presence)"),
    "triage": N_("triage alerts (verify, discount, link duplicates, correct locations)"),
    "import": N_("import files into the store"),
    "export": N_("export layers and tables (no free text, no reporter keys)"),
    "export_free_text": N_("include the reports' free text in an export"),
    "view_free_text": N_("read the reports' free text"),
    "view_exact_locations": N_("see locations at their stored precision (not coarsened)"),
    "view_reporter_keys": N_("see or export the pseudonymous reporter keys"),
    "view_audit": N_("view and search the audit log"),
    "manage_users": N_("add users, disable them, reset their passwords"),
    "mission_settings": N_("change the mission settings (area, locale)"),
    "view_briefing": N_("open the leadership briefing and its products"),
    "replay": N_("replay a past period day by day"),
    "replay_past_decision_point": N_("replay past an exercise's decision point (reveal what happened)"),
    "exercises": N_("prepare and run training scenarios and exercises"),
})

_ANALYST = frozenset({"view_desk", "triage", "import", "export", "export_free_text", "view_free_text",
                      "view_exact_locations", "view_briefing"})

#: Role -> the permissions it holds. Read-only; a permission no role holds is refused to everyone.
MATRIX = MappingProxyType({
    "analyst": _ANALYST,
    "supervisor": _ANALYST | {"view_audit", "manage_users", "mission_settings"},
    "leadership": frozenset({"view_briefing"}),
    "trainer": frozenset({"replay", "replay_past_decision_point", "exercises", "view_exact_locations"}),
    "trainee": frozenset({"replay", "view_exact_locations"}),
})

assert set(MATRIX) == set(ROLES) and all(p <= set(PERMISSIONS) for p in MATRIX.values())


def check_role(role) -> str:
    """``role`` if it is one of :data:`ROLES` (trimmed, lower case), else :class:`ValueError` naming them.

    >>> check_role(" Analyst ")
    'analyst'
    """
    value = str(role or "").strip().lower()
    if value not in MATRIX:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return value


def _check_permission(permission: str) -> str:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}; expected one of {', '.join(PERMISSIONS)}")
    return permission


def allows(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` (an unknown permission is an error, an unknown role holds none)."""
    return _check_permission(permission) in MATRIX.get(str(role), frozenset())


def roles_with(permission: str) -> tuple[str, ...]:
    """The roles holding ``permission``, in :data:`ROLES` order (empty when no role does)."""
    _check_permission(permission)
    return tuple(r for r in ROLES if permission in MATRIX[r])


def permissions_of(role: str) -> frozenset[str]:
    """Every permission ``role`` holds."""
    return MATRIX[check_role(role)]


def require(user, permission: str, what: str | None = None):
    """Return ``user`` if it may do ``what`` (needing ``permission``), else raise :class:`PermissionDenied`.

    Parameters
    ----------
    user : ewarning.auth.accounts.User or None
        The acting user; ``None`` (nobody signed in) and a disabled user are refused.
    permission : str
        One of :data:`PERMISSIONS`.
    what : str, optional
        The action in words, for the message (default: the permission's description).
    """
    _check_permission(permission)
    what = what or PERMISSIONS[permission]
    allowed = roles_with(permission)
    if not allowed:
        why = "no role allows it"
    elif len(allowed) == 1:
        why = f"it takes the {allowed[0]} role"
    else:
        why = f"it takes one of the roles {', '.join(allowed)}"
    name, role = getattr(user, "name", None), getattr(user, "role", None)
    if user is None:
        message = f"nobody is signed in: sign in to {what} ({why})"
    elif not getattr(user, "active", False):
        message = f"{name} may not {what}: the account is disabled"
    elif permission in MATRIX.get(role, frozenset()):
        return user
    else:
        message = f"{name} ({role}) may not {what}: {why}"
    raise PermissionDenied(message, user=name, role=role, permission=permission, what=what, allowed_roles=allowed)


@dataclass(frozen=True)
class Redaction:
    """What a role may see of a report, for views and exports to apply.

    Attributes
    ----------
    free_text : bool
        The reports' free text may be shown.
    reporter_keys : bool
        The pseudonymous reporter keys may be shown.
    exact_locations : bool
        Locations are shown at their stored precision; ``False``: coarsened.

    Examples
    --------
    >>> redaction_for("leadership")
    Redaction(free_text=False, reporter_keys=False, exact_locations=False)
    """

    free_text: bool
    reporter_keys: bool
    exact_locations: bool


def redaction_for(role: str) -> Redaction:
    """The :class:`Redaction` that applies to ``role``."""
    held = permissions_of(role)
    return Redaction("view_free_text" in held, "view_reporter_keys" in held, "view_exact_locations" in held)
