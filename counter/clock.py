"""Times as officers type them and as the database stores them.

All times are local wall-clock times without a zone: the counter, its
appointments and its printed forms all live in one place.
"""

from datetime import date, datetime, time

from counter.errors import CounterError

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def parse_time(text: str, what: str = "thời gian") -> datetime:
    """`YYYY-MM-DD HH:MM` (ISO 8601 with a T is accepted too)."""
    return _parse(text, _FORMATS, what, "YYYY-MM-DD HH:MM")


def parse_date(text: str, what: str = "ngày") -> date:
    """`YYYY-MM-DD`, or `dd/mm/yyyy` as Vietnamese documents write it."""
    return _parse(text, ("%Y-%m-%d", "%d/%m/%Y"), what, "YYYY-MM-DD").date()


def _parse(text: str, formats: tuple[str, ...], what: str, shape: str) -> datetime:
    value = (text or "").strip()
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise CounterError(
        f"Sai định dạng {what}: «{value}». Hãy nhập theo dạng {shape}.",
        f"malformed value {value!r}, expected {shape}",
    )


def parse_clock(text: str, what: str = "giờ") -> time:
    value = (text or "").strip()
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise CounterError(
            f"Sai định dạng {what}: «{value}». Hãy nhập theo dạng HH:MM.",
            f"malformed clock time {value!r}, expected HH:MM",
        ) from None


def iso(moment: datetime | None) -> str | None:
    """The stored and exported form: ISO 8601 to the second."""
    return moment.isoformat(timespec="seconds") if moment else None


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
