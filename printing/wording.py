"""A form's wording: the lines its module writes, with the unit's corrections laid over them.

forms.md: "Keep wording in small per-form templates so a unit can correct a line without a
release." The corrections are a unit setting (UnitSettings.form_wording, {form: {key: text}})
that printing/unit_wording.py edits. A key names one line of the form: "title", a text, a tuple of
lines (stored as a list), or "key.entry" for one entry of a mapping (receipt copy_kinds.copy).
"""

from string import Formatter

from counter.settings import UnitSettings
from printing.form_sets import TITLES


def lines(form: str, wording: dict) -> dict[str, str | tuple[str, ...]]:
    """Every line of `form` a unit may correct, by key, with its default text."""
    found: dict[str, str | tuple[str, ...]] = {"title": TITLES[form]}
    for key, value in wording.items():
        if isinstance(value, dict):
            found.update({f"{key}.{entry}": text for entry, text in value.items()})
        else:
            found[key] = value
    return found


def placeholders(text: str) -> set[str]:
    """The fields a line is filled with, as written ("{unit}"); ValueError if the braces are broken."""
    return {"{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            for _, name, spec, conversion in Formatter().parse(text) if name is not None}


def fits(default: str | tuple[str, ...], value) -> bool:
    """A correction can replace `default`: as many lines, none empty, each filled with the same fields."""
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or len(value) != len(default):
            return False
        pairs = list(zip(default, value))
    else:
        pairs = [(default, value)]
    try:
        return all(isinstance(new, str) and new and placeholders(new) == placeholders(old) for old, new in pairs)
    except ValueError:
        return False


def effective(settings: UnitSettings, form: str, wording: dict) -> dict:
    """`wording` with its "title" and the unit's corrections for `form`.

    A correction that no longer fits its line (a later release changed the line's fields)
    is passed over: the form prints with the default rather than failing.
    """
    result = {"title": TITLES[form], **wording}
    known = lines(form, wording)
    for key, value in settings.form_wording.get(form, {}).items():
        if key not in known or not fits(known[key], value):
            continue
        head, _, entry = key.partition(".")
        if entry:
            result[head] = {**result[head], entry: value}
        else:
            result[key] = tuple(value) if isinstance(value, list) else value
    return result
