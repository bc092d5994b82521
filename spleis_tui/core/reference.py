"""Reference data: campuses, faculties, departments, programmes and answer options.

Shipped as TOML in ``data/reference`` and copied into the database on first use,
where the user can extend it. Everything else reads it from the database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.models import (
    OPTION_KINDS,
    Campus,
    Department,
    Faculty,
    Option,
    Programme,
    ProgrammeCampus,
    database,
)
from spleis_tui.core.text import clean_text, fold, sort_key
from spleis_tui.i18n import _


def reference_dir() -> Path:
    """Where the shipped TOML lives: inside the wheel, or at the top of a checkout."""
    packaged = Path(str(resources.files("spleis_tui"))) / "_data" / "reference"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "reference"


def _read(name: str) -> dict:
    with (reference_dir() / name).open("rb") as handle:
        return tomllib.load(handle)


def load_shipped_reference(*, only_if_empty: bool = False) -> int:
    """Insert the shipped entries the database lacks; return how many were added.

    Entries already there (including the user's edits) are left as they are. The
    activity catalogue is checked on its own: a database made before it existed has
    campuses but no catalogue, and gets the catalogue the next time it is opened.
    """
    from spleis_tui.core.catalogue import load_shipped_catalogue

    catalogue = load_shipped_catalogue(only_if_empty=only_if_empty)
    if only_if_empty and Campus.select().exists():
        return catalogue
    campuses = _read("campuses.toml")["campus"]
    programmes = _read("programmes.toml")
    options = _read("options.toml")
    added = 0
    with database.atomic():
        have = {c.code for c in Campus.select(Campus.code)}
        for entry in campuses:
            if entry["code"] not in have:
                Campus.create(**entry)
                added += 1
        have = {f.code for f in Faculty.select(Faculty.code)}
        for entry in programmes["faculty"]:
            if entry["code"] not in have:
                Faculty.create(code=entry["code"], name_nb=entry["nb"], name_en=entry["en"])
                added += 1
        have = {d.code for d in Department.select(Department.code)}
        for entry in programmes["department"]:
            if entry["code"] not in have:
                Department.create(
                    code=entry["code"],
                    name_nb=entry["nb"],
                    name_en=entry["en"],
                    faculty=entry["faculty"],
                )
                added += 1
        have = {p.code for p in Programme.select(Programme.code)}
        for entry in programmes["programme"]:
            if entry["code"] not in have:
                Programme.create(
                    code=entry["code"],
                    name_nb=entry["nb"],
                    name_en=entry["en"],
                    department=entry["department"],
                    years=entry.get("years", 3),
                    weight=entry.get("weight", 1),
                )
                for campus in entry["campuses"]:
                    ProgrammeCampus.create(programme=entry["code"], campus=campus)
                added += 1
        have = {(o.kind, o.code) for o in Option.select(Option.kind, Option.code)}
        for kind in OPTION_KINDS:
            for position, entry in enumerate(options[kind]):
                if (kind, entry["code"]) not in have:
                    Option.create(
                        kind=kind,
                        code=entry["code"],
                        label_nb=entry["nb"],
                        label_en=entry["en"],
                        position=position,
                    )
                    added += 1
    return added + catalogue


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    name_nb: str
    name_en: str
    department: str
    faculty: str
    years: int
    weight: int
    campuses: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_nb if lang == "nb" else self.name_en


@dataclass(frozen=True)
class OptionInfo:
    kind: str
    code: str
    label_nb: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_nb if lang == "nb" else self.label_en


@dataclass
class Reference:
    """A read-only snapshot of the reference data, for lookups without queries."""

    campuses: dict[str, Campus] = field(default_factory=dict)
    programmes: dict[str, ProgrammeInfo] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    faculties: dict[str, Faculty] = field(default_factory=dict)
    options: dict[str, dict[str, OptionInfo]] = field(default_factory=dict)

    def campus_code(self, text: str) -> str:
        """The code of a campus given by code or by name ("Gløshaugen", "gloshaugen")."""
        wanted = fold(text)
        for code, campus in self.campuses.items():
            if wanted in (fold(code), fold(campus.name)):
                return code
        known = ", ".join(self.campuses)
        raise ValidationError(
            "campus",
            _("{value} is not a known campus (known: {known}).").format(value=text, known=known),
        )

    def campus_name(self, code: str) -> str:
        campus = self.campuses.get(code)
        return campus.name if campus else code

    def programme_name(self, code: str, lang: str = "en") -> str:
        programme = self.programmes.get(code)
        return programme.name(lang) if programme else code

    def programmes_on(self, campus: str) -> list[ProgrammeInfo]:
        return [p for p in self.programmes.values() if campus in p.campuses]

    def option_label(self, kind: str, code: str, lang: str = "en") -> str:
        option = self.options.get(kind, {}).get(code)
        return option.label(lang) if option else code


def load_reference() -> Reference:
    ref = Reference()
    campuses = sorted(Campus.select(), key=lambda c: sort_key(c.name))  # Øya before Ålesund
    ref.campuses = {c.code: c for c in campuses}
    ref.faculties = {f.code: f for f in Faculty.select()}
    ref.departments = {d.code: d for d in Department.select()}
    campuses_of: dict[str, list[str]] = {}
    for link in ProgrammeCampus.select(ProgrammeCampus.programme, ProgrammeCampus.campus):
        campuses_of.setdefault(link.programme_id, []).append(link.campus_id)
    for p in sorted(Programme.select(), key=lambda p: sort_key(p.name_en)):
        department = ref.departments.get(p.department_id)
        ref.programmes[p.code] = ProgrammeInfo(
            code=p.code,
            name_nb=p.name_nb,
            name_en=p.name_en,
            department=p.department_id,
            faculty=department.faculty_id if department else "",
            years=p.years,
            weight=p.weight,
            campuses=tuple(sorted(campuses_of.get(p.code, []))),
        )
    for kind in OPTION_KINDS:
        ref.options[kind] = {
            o.code: OptionInfo(o.kind, o.code, o.label_nb, o.label_en)
            for o in Option.select().where(Option.kind == kind).order_by(Option.position)
        }
    return ref


def _within(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationError(
            field, _("This is too long (at most {limit} characters).").format(limit=limit)
        )
    return value


def _code(value: str) -> str:
    code = clean_text(value)[0]
    if not code or " " in code or len(code) > 32:
        raise ValidationError("code", _("A code is one word of at most 32 characters."))
    return code


def add_campus(code: str, name: str, city: str = "") -> Campus:
    code = _code(code).lower()
    name = _within("name", clean_text(name)[0], 100)
    city = _within("city", clean_text(city)[0], 100)
    if not name:
        raise ValidationError("name", _("Name is required."))
    with database.atomic():
        if Campus.get_or_none(Campus.code == code):
            raise ValidationError(
                "code", _("There is already a campus with the code {code}.").format(code=code)
            )
        return Campus.create(code=code, name=name, city=city)


def add_programme(
    code: str, name_nb: str, name_en: str, department: str, campuses: list[str], years: int = 3
) -> Programme:
    code = _code(code)
    name_nb = _within("name", clean_text(name_nb)[0], 200)
    name_en = _within("name_en", clean_text(name_en)[0], 200)
    if not name_nb:
        raise ValidationError("name", _("Name is required."))
    if not campuses:
        raise ValidationError("campus", _("Choose at least one campus."))
    with database.atomic():
        if Programme.get_or_none(Programme.code == code):
            raise ValidationError(
                "code", _("There is already a programme with the code {code}.").format(code=code)
            )
        if not Department.get_or_none(Department.code == department):
            raise ValidationError(
                "department", _("No department has the code {code}.").format(code=department)
            )
        for campus in campuses:
            if not Campus.get_or_none(Campus.code == campus):
                raise ValidationError(
                    "campus", _("No campus has the code {code}.").format(code=campus)
                )
        programme = Programme.create(
            code=code,
            name_nb=name_nb,
            name_en=name_en or name_nb,
            department=department,
            years=years,
        )
        for campus in campuses:
            ProgrammeCampus.create(programme=programme, campus=campus)
        return programme


def add_option(kind: str, code: str, label_nb: str, label_en: str) -> Option:
    if kind not in OPTION_KINDS:
        raise ValidationError(
            "kind", _("The kind must be one of: {kinds}.").format(kinds=", ".join(OPTION_KINDS))
        )
    code = _code(code)
    label_nb = _within("name", clean_text(label_nb)[0], 100)
    label_en = _within("label_en", clean_text(label_en)[0], 100)
    if not label_nb:
        raise ValidationError("name", _("Name is required."))
    with database.atomic():
        if Option.get_or_none((Option.kind == kind) & (Option.code == code)):
            raise ValidationError(
                "code", _("There is already an option with the code {code}.").format(code=code)
            )
        position = Option.select().where(Option.kind == kind).count()
        return Option.create(
            kind=kind,
            code=code,
            label_nb=label_nb,
            label_en=label_en or label_nb,
            position=position,
        )
