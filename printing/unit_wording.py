"""Correcting the wording of the printed forms without a release (forms.md).

A unit may replace any line of a form, and its title, with its own text: the
correction is a unit setting (form_wording), so every later print uses it. The
lines and their defaults are those of the unit's form set; a correction made
under the other set is kept, and printed again when it fits the line it
replaces (printing/wording.py). A
corrected line keeps the fields the printed line is filled with ({unit},
{number}, …), and a line of several parts (header lines, table columns) keeps as
many parts, written separated by " | ".
"""

import re
import unicodedata
from dataclasses import dataclass

from counter import unit
from counter.errors import CounterError
from counter.session import Session
from printing import wording as printed
from printing.forms import FORM_LABELS
from printing.forms import WORDINGS as FORMS

SEPARATOR = " | "
# Ordinary white space, not the non-breaking spaces the forms use to hold words apart.
_SPACES = re.compile(r"[^\S\u00a0]+")
# A "|" standing alone between spaces separates the parts of a line; "a|b" is one part.
_PARTS = re.compile(r"(?<!\S)\|(?!\S)")


@dataclass(frozen=True)
class Line:
    """One line of a form as `wording list` shows it; several parts are joined by " | "."""

    key: str
    default: str
    override: str | None

    @property
    def effective(self) -> str:
        return self.default if self.override is None else self.override

    @property
    def fields(self) -> list[str]:
        return sorted(printed.placeholders(self.default))


def lines(session: Session, form: str) -> list[Line]:
    """Every line of `form` under the unit's form set: its default, the unit's correction if it fits
    that line, and what is printed."""
    defaults = _defaults(session, form)
    stored = session.settings.form_wording.get(form, {})
    return [Line(key, _text(default), _text(stored[key]) if printed.fits(default, stored.get(key)) else None)
            for key, default in defaults.items()]


def set_line(session: Session, form: str, key: str, text: str) -> Line:
    """Print `text` for line `key` of `form` from now on; CounterError if it cannot replace the line."""
    session.require_unit()
    default = _default(session, form, key)
    value = _checked(form, key, default, text)
    corrections = _corrections(session)
    if value == default:
        corrections.get(form, {}).pop(key, None)
    else:
        corrections.setdefault(form, {})[key] = list(value) if isinstance(value, tuple) else value
    unit.configure(session, form_wording=corrections)
    return next(line for line in lines(session, form) if line.key == key)


def reset(session: Session, form: str, key: str | None = None) -> list[str]:
    """Print the default again for line `key` of `form`, or for all its lines; the keys reset.
    A correction kept from the other form set, of a line this set does not have, resets too."""
    session.require_unit()
    if key is None or key in session.settings.form_wording.get(form, {}):
        _defaults(session, form)
    else:
        _default(session, form, key)
    corrections = _corrections(session)
    stored = corrections.get(form, {})
    removed = [k for k in stored if key is None or k == key]
    if not removed:
        return []
    for k in removed:
        del stored[k]
    unit.configure(session, form_wording=corrections)
    return removed


def _defaults(session: Session, form: str) -> dict:
    if form not in FORMS:
        raise CounterError(f"Không có biểu mẫu «{form}»; chọn một trong: {', '.join(FORMS)}.",
                           f"unknown form {form!r}")
    return printed.lines(session.settings, form, FORMS[form])


def _default(session: Session, form: str, key: str) -> str | tuple[str, ...]:
    defaults = _defaults(session, form)
    if key not in defaults:
        raise CounterError(f"{FORM_LABELS[form]} không có dòng «{key}»; xem các dòng bằng «wording list {form}».",
                           f"form {form} has no line {key!r}")
    return defaults[key]


def _checked(form: str, key: str, default: str | tuple[str, ...], text: str) -> str | tuple[str, ...]:
    """`text` as the line to store: NFC, one space between words, as many parts as the default,
    each part filled with the same fields as the default's."""
    clean = _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip(" ")
    parts = [part.strip(" ") for part in _PARTS.split(clean)] if isinstance(default, tuple) else [clean]
    olds = default if isinstance(default, tuple) else (default,)
    where = f"Dòng «{key}» của {FORM_LABELS[form]}"
    if len(parts) != len(olds):
        raise CounterError(
            f"{where} có {len(olds)} phần, ngăn cách bằng «{SEPARATOR}»; câu chữ mới có {len(parts)} phần.",
            f"line {key!r} has {len(olds)} parts separated by {SEPARATOR!r}, got {len(parts)}",
        )
    for number, (old, new) in enumerate(zip(olds, parts, strict=False), start=1):
        part = where + (f" (phần {number})" if len(olds) > 1 else "")
        if not new.strip():
            raise CounterError(f"{part} không được để trống.", f"line {key!r} is empty")
        try:
            used = printed.placeholders(new)
        except ValueError:
            raise CounterError(
                f"{part} có dấu ngoặc nhọn không hợp lệ; muốn in dấu {{ hoặc }} hãy viết {{{{ hoặc }}}}.",
                f"line {key!r} has unbalanced braces",
            ) from None
        needed = printed.placeholders(old)
        if used - needed:
            allowed = ", ".join(sorted(needed)) or "không có chỗ điền nào"
            raise CounterError(
                f"{part} không có chỗ điền {', '.join(sorted(used - needed))}; dùng được: {allowed}.",
                f"line {key!r} has no field {', '.join(sorted(used - needed))}",
            )
        if needed - used:
            raise CounterError(f"{part} phải giữ chỗ điền {', '.join(sorted(needed - used))}.",
                               f"line {key!r} must keep {', '.join(sorted(needed - used))}")
    return tuple(parts) if isinstance(default, tuple) else parts[0]


def _corrections(session: Session) -> dict:
    """A copy of the unit's corrections to change: the cached settings stay as they are."""
    return {form: dict(stored) for form, stored in session.settings.form_wording.items()}


def _text(value) -> str:
    return SEPARATOR.join(value) if isinstance(value, (list, tuple)) else value
