"""A form's wording: the lines its module writes for the unit's form set, with the unit's
corrections laid over them.

forms.md: "Keep wording in small per-form templates so a unit can correct a line without a
release." Each form module has `defaults(form_set, counter)`: its lines as the set words them,
the one-stop unit named as the set and the unit's level name it (printing/form_sets.py). The
corrections are a unit setting (UnitSettings.form_wording, {form: {key: text}}) that
printing/unit_wording.py edits. A key names one line of the form: "title", a text, a tuple of
lines (stored as a list), or "key.entry" for one entry of a mapping (receipt copy_kinds.copy).
"""

from collections.abc import Callable
from string import Formatter

from counter.settings import UnitSettings
from printing.form_sets import Counter, counter, title, wording_set

Defaults = Callable[[str, Counter], dict]


def defaults(settings: UnitSettings, form: str, make: Defaults) -> dict:
    """The wording `make` gives for the unit's form set and level, with the set's title."""
    form_set = wording_set(settings.form_set, form)
    return {"title": title(form_set, form), **make(form_set, counter(form_set, settings.level))}


def lines(settings: UnitSettings, form: str, make: Defaults) -> dict[str, str | tuple[str, ...]]:
    """Every line of `form` a unit may correct under its form set, by key, with its default text."""
    found: dict[str, str | tuple[str, ...]] = {}
    for key, value in defaults(settings, form, make).items():
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
        pairs = list(zip(default, value, strict=False))
    else:
        pairs = [(default, value)]
    try:
        return all(isinstance(new, str) and new and placeholders(new) == placeholders(old) for old, new in pairs)
    except ValueError:
        return False


def effective(settings: UnitSettings, form: str, make: Defaults) -> dict:
    """The wording of `form` under the unit's form set, with the unit's corrections.

    A correction that does not fit its line is passed over and the form prints the default
    rather than failing: a later release changed the line's fields, or the correction was made
    under the other form set, whose line has other fields or parts, or no such line at all.
    """
    result = defaults(settings, form, make)
    known = lines(settings, form, make)
    for key, value in settings.form_wording.get(form, {}).items():
        if key not in known or not fits(known[key], value):
            continue
        head, _, entry = key.partition(".")
        if entry:
            result[head] = {**result[head], entry: value}
        else:
            result[key] = tuple(value) if isinstance(value, list) else value
    return result
