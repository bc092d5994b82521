"""Import profiles: a saved mapping (and encoding, delimiter) reused for the next export.

The built-in names say which service made the file; a file from any of them is also
recognised without one (`auto`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.importing.mapping import Mapping
from spleis_tui.core.models import ImportProfile, database
from spleis_tui.core.text import clean_text, fold
from spleis_tui.i18n import _


@dataclass(frozen=True)
class Profile:
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # normalised header -> field
    encoding: str = ""
    delimiter: str = ""
    builtin: bool = False


BUILTIN = {
    "auto": Profile("auto", builtin=True),
    "nettskjema": Profile("nettskjema", delimiter=";", builtin=True),
    "msforms": Profile("msforms", builtin=True),
    "googleforms": Profile("googleforms", delimiter=",", builtin=True),
}


def find_profile(name: str | None) -> Profile | None:
    """The profile called `name`; None for `auto`. Raises NotFound for an unknown name."""
    if not name or fold(name) == "auto":
        return None
    builtin = BUILTIN.get(fold(name))
    if builtin is not None:
        return builtin
    saved = ImportProfile.get_or_none(ImportProfile.name_key == fold(name))
    if saved is None:
        known = ", ".join([*BUILTIN, *(p.name for p in list_profiles() if not p.builtin)])
        raise NotFound(
            _("No import profile is called {name} (known: {known}).").format(name=name, known=known)
        )
    return _from_row(saved)


def _from_row(row: ImportProfile) -> Profile:
    settings = json.loads(row.settings)
    return Profile(
        row.name,
        dict(settings.get("columns", {})),
        settings.get("encoding", ""),
        settings.get("delimiter", ""),
    )


def list_profiles() -> list[Profile]:
    saved = [_from_row(p) for p in ImportProfile.select().order_by(ImportProfile.name_key)]
    return [*BUILTIN.values(), *saved]


def save_profile(
    name: str, mapping: Mapping, *, encoding: str = "", delimiter: str = ""
) -> Profile:
    """Save (or replace) a profile of one's own under `name`."""
    name = clean_text(name)[0]
    if not name:
        raise ValidationError("name", _("Name is required."))
    if len(name) > 100:
        raise ValidationError("name", _("A profile's name is at most 100 characters."))
    if fold(name) in BUILTIN:
        raise ValidationError(
            "name", _("{name} is a built-in profile; choose another name.").format(name=name)
        )
    settings = json.dumps(
        {"columns": mapping.settings(), "encoding": encoding or "", "delimiter": delimiter or ""},
        ensure_ascii=False,
    )
    with database.atomic():
        existing = ImportProfile.get_or_none(ImportProfile.name_key == fold(name))
        if existing is None:
            ImportProfile.create(name=name, settings=settings)
        else:
            existing.name = name
            existing.settings = settings
            existing.save()
    return Profile(name, mapping.settings(), encoding or "", delimiter or "")


def delete_profile(name: str) -> None:
    with database.atomic():
        deleted = ImportProfile.delete().where(ImportProfile.name_key == fold(name)).execute()
    if not deleted:
        raise NotFound(_("No import profile is called {name}.").format(name=name))
