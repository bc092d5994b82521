"""Presets: the three built in, and the ones an assistant saves for next time.

Saved presets live in the database beside the rounds they were made for, as JSON,
under the key "matching.preset.<name>". A saved preset cannot take a built-in's name.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.matching.criteria import ALLOWED, PRESETS, Criterion, Settings, check_sizes
from spleis_tui.core.models import Setting, database
from spleis_tui.core.text import clean_text, fold
from spleis_tui.i18n import _

PREFIX = "matching.preset."


def _key(name: str) -> str:
    return PREFIX + fold(name)


def _clean(name: str) -> str:
    name = clean_text(name)[0]
    if not name or len(name) > 40:
        raise ValidationError("preset", _("A preset needs a name of 1 to 40 characters."))
    if fold(name) in PRESETS:
        raise ValidationError(
            "preset", _("{name} is a built-in preset; choose another name.").format(name=name)
        )
    return name


def to_json(name: str, settings: Settings) -> str:
    data = asdict(settings)
    data["name"] = name
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> tuple[str, Settings]:
    data = json.loads(text)
    criteria = {
        name: Criterion(str(c["mode"]), float(c["weight"]))
        for name, c in data["criteria"].items()
        if name in ALLOWED and c.get("mode") in ALLOWED[name]
    }
    size, low, high = check_sizes(int(data["size"]), int(data["min_size"]), int(data["max_size"]))
    settings = Settings(
        criteria=criteria,
        size=size,
        min_size=low,
        max_size=high,
        size_weight=float(data.get("size_weight", 0.5)),
    )
    return str(data["name"]), settings


def save_preset(name: str, settings: Settings) -> str:
    """Save (or replace) a preset of one's own; returns the name as stored."""
    name = _clean(name)
    value = to_json(name, settings)
    with database.atomic():
        if Setting.update(value=value).where(Setting.key == _key(name)).execute() == 0:
            Setting.create(key=_key(name), value=value)
    return name


def saved_presets() -> dict[str, Settings]:
    """Saved presets by name, in alphabetical order; unreadable ones are skipped."""
    found = {}
    for (value,) in Setting.select(Setting.value).where(Setting.key.startswith(PREFIX)).tuples():
        try:
            name, settings = from_json(value)
        except (ValueError, KeyError, TypeError, ValidationError):
            continue
        found[name] = settings
    return dict(sorted(found.items(), key=lambda item: fold(item[0])))


def find_preset(name: str) -> Settings:
    """A built-in preset or a saved one, by name (case-insensitive)."""
    key = fold(name.strip())
    if key in PRESETS:
        return PRESETS[key]
    for saved, settings in saved_presets().items():
        if fold(saved) == key:
            return settings
    names = [*PRESETS, *saved_presets()]
    raise NotFound(
        _("There is no preset called {name} (there are: {names}).").format(
            name=name, names=", ".join(names)
        )
    )


def delete_preset(name: str) -> None:
    if Setting.delete().where(Setting.key == _key(name)).execute() == 0:
        raise NotFound(_("There is no saved preset called {name}.").format(name=name))
