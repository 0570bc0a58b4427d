"""What a write changed, so each screen decides by itself whether to redraw (Anki's `OpChanges`).

The services note their changes on the Session next to the write
(`Session.note`); a note made inside a write transaction counts only once it
commits, so a refused write reports nothing. The GUI's Runner takes the notes
after each call and hands them to every screen. Changes replicated from
other counters (the unit sync, issue 12) arrive through the same path.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields

KINDS = ("dossiers", "settings", "catalogue", "calendar", "accounts", "exports", "backups", "sync")
_FLAGS = KINDS[1:] + ("everything",)


@dataclass(frozen=True)
class Changes:
    dossiers: frozenset[str] = frozenset()  # the codes of the dossiers written
    settings: bool = False  # the unit's settings, office hours, form wording
    catalogue: bool = False
    calendar: bool = False  # the unit's own holidays and working days
    accounts: bool = False
    exports: bool = False  # an end-of-day export was marked done
    backups: bool = False  # a backup was made in the backups folder
    sync: bool = False  # the unit sync's state (last sync, conflicts)
    everything: bool = False  # another database was put in place (a restore)

    @classmethod
    def none(cls) -> "Changes":
        return cls()

    @classmethod
    def of_dossier(cls, code: str) -> "Changes":
        return cls(dossiers=frozenset((code,)))

    @classmethod
    def merged(cls, many: Iterable["Changes"]) -> "Changes":
        """All of `many` in one (one pass, however many dossiers a call wrote)."""
        many = list(many)
        flags = {kind: any(getattr(c, kind) for c in many) for kind in _FLAGS}
        return cls(dossiers=frozenset().union(*(c.dossiers for c in many)), **flags)

    def __or__(self, other: "Changes") -> "Changes":
        return Changes.merged((self, other))

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches(self, *kinds: str) -> bool:
        """Whether any of `kinds` (names from KINDS) changed; a restore changes them all."""
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kind of change: {', '.join(sorted(unknown))}")
        return self.everything or any(getattr(self, kind) for kind in kinds)

    def touches_dossier(self, code: str) -> bool:
        return self.everything or code in self.dossiers
