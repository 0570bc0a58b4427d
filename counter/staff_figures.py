"""Per-officer figures for the unit's evaluation of its staff (TT 01/2018 art. 13-15).

Received and returned count the officer's own events in the period; late
counts the dossiers they received whose result came after the due date (or
that were asked for a supplement after it); ratings are those given at the
returns they handled, the citizen's own and those the officer keyed apart.
"""

from counter.clock import iso
from counter.indicators import Period
from counter.session import Session
from counter.transitions import EventKind
from db import officers as officer_table


def figures(session: Session, period: Period) -> list[dict]:
    session.require("reports")
    rows = officer_table.figures(session.db, iso(period.start), iso(period.end), EventKind.RECEIVED,
                                 EventKind.RETURNED)
    for row in rows:
        rated = row["very_satisfied"] + row["satisfied"] + row["unsatisfied"]
        row["satisfaction_rate"] = round((row["very_satisfied"] + row["satisfied"]) / rated, 4) if rated else None
        # Issue 15: a rating the officer keyed about their own work is reported apart from the citizen's own.
        row["rated_officer"] = rated - row["rated_citizen"]
        satisfied_officer = row["very_satisfied"] + row["satisfied"] - row["satisfied_citizen"]
        row["citizen_satisfaction_rate"] = (round(row["satisfied_citizen"] / row["rated_citizen"], 4)
                                            if row["rated_citizen"] else None)
        row["officer_satisfaction_rate"] = (round(satisfied_officer / row["rated_officer"], 4)
                                            if row["rated_officer"] else None)
    return rows
