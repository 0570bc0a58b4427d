"""Aggregates for a unit's figures over a period, each from an indexed range."""

import sqlite_utils


def received(db: sqlite_utils.Database, start: str, end: str) -> dict:
    row = db.execute(
        "SELECT count(*), coalesce(sum(digitized), 0), coalesce(sum(channel = 'online'), 0),"
        " coalesce(sum(channel = 'postal' OR return_channel = 'postal'), 0), coalesce(sum(reused), 0)"
        " FROM dossiers WHERE received_at >= ? AND received_at < ?",
        [start, end],
    ).fetchone()
    return dict(zip(("received", "digitized", "online", "postal", "reused"), row))


def resolved(db: sqlite_utils.Database, start: str, end: str) -> dict:
    row = db.execute(
        "SELECT count(*),"
        " coalesce(sum(result_at <= due_at AND substr(result_at, 1, 10) < substr(due_at, 1, 10)), 0),"
        " coalesce(sum(result_at <= due_at AND substr(result_at, 1, 10) = substr(due_at, 1, 10)), 0),"
        " coalesce(sum(result_at > due_at), 0),"
        " coalesce(sum(result_at > due_at AND apology_at IS NOT NULL), 0),"
        " coalesce(sum(result_digitized), 0)"
        " FROM dossiers WHERE result_at >= ? AND result_at < ?",
        [start, end],
    ).fetchone()
    return dict(zip(("resolved", "early", "on_time", "late", "late_apologized", "result_digitized"), row))


def returned(db: sqlite_utils.Database, start: str, end: str) -> dict:
    row = db.execute(
        "SELECT count(*), coalesce(sum(rating = 'very-satisfied'), 0), coalesce(sum(rating = 'satisfied'), 0),"
        " coalesce(sum(rating = 'unsatisfied'), 0)"
        " FROM dossiers WHERE returned_at >= ? AND returned_at < ?",
        [start, end],
    ).fetchone()
    return dict(zip(("returned", "very_satisfied", "satisfied", "unsatisfied"), row))


def open_at(db: sqlite_utils.Database, moment: str) -> dict:
    """Dossiers received before `moment` without a result by then, and those of them past due."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(due_at < :m AND status <> 'waiting_supplement'), 0) FROM dossiers"
        " WHERE received_at < :m AND (result_at IS NULL OR result_at >= :m)",
        {"m": moment},
    ).fetchone()
    return dict(zip(("in_progress", "overdue"), row))
