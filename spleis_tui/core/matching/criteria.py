"""What a good group is: each criterion's mode and weight, group sizes, and presets.

Modes: "hard" (must match: a violation, never traded off), "similar" (keep the spread in
a group small), "mix" (make a group varied) and "ignore". Not every mode makes sense for
every criterion; ALLOWED says which do. docs/matching.md gives the formula for each.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from spleis_tui.core.errors import ValidationError
from spleis_tui.i18n import _

MODES = ("hard", "similar", "mix", "ignore")

# criterion -> the modes it can take. Sets (interests, availability): "similar" means
# sharing one; gender: "similar" respects each person's wish; pairs have no "mix".
ALLOWED: dict[str, tuple[str, ...]] = {
    "campus": ("hard", "similar", "mix", "ignore"),
    "language": ("hard", "similar", "ignore"),
    "gender": ("hard", "similar", "ignore"),
    "age": ("similar", "ignore"),
    "programme": ("hard", "similar", "mix", "ignore"),
    "department": ("hard", "similar", "mix", "ignore"),
    "faculty": ("hard", "similar", "mix", "ignore"),
    "year_of_study": ("hard", "similar", "mix", "ignore"),
    "interests": ("hard", "similar", "ignore"),
    "availability": ("hard", "similar", "ignore"),
    "friends": ("hard", "similar", "ignore"),
    "keep_apart": ("hard", "ignore"),
    "earlier_rounds": ("hard", "similar", "ignore"),
}


@dataclass(frozen=True)
class Criterion:
    mode: str
    weight: float = 1.0


@dataclass(frozen=True)
class Settings:
    """Everything a matching run needs to know, apart from the people."""

    criteria: dict[str, Criterion] = field(default_factory=dict)
    size: int = 5
    min_size: int = 4
    max_size: int = 6
    # Cost per member a group is off the target size: sizes anywhere in min..max are
    # allowed, but an assistant who asks for 5 expects mostly fives.
    size_weight: float = 0.5

    def mode(self, name: str) -> str:
        criterion = self.criteria.get(name)
        return criterion.mode if criterion else "ignore"

    def weight(self, name: str) -> float:
        criterion = self.criteria.get(name)
        return criterion.weight if criterion else 0.0

    def with_sizes(self, size: int, min_size: int, max_size: int) -> Settings:
        checked = check_sizes(size, min_size, max_size)
        return replace(self, size=checked[0], min_size=checked[1], max_size=checked[2])


def check_sizes(size: int, min_size: int, max_size: int) -> tuple[int, int, int]:
    if not 2 <= min_size <= size <= max_size <= 50:
        raise ValidationError(
            "size",
            _(
                "Group sizes must satisfy 2 ≤ min ≤ target ≤ max ≤ 50 (got {low}, {size}, {high})."
            ).format(low=min_size, size=size, high=max_size),
        )
    return size, min_size, max_size


def _criteria(**modes: str | tuple[str, float]) -> dict[str, Criterion]:
    built = {}
    for name, value in modes.items():
        mode, weight = (value, 1.0) if isinstance(value, str) else value
        built[name] = Criterion(mode, weight)
    return built


VENNESPLEIS = Settings(
    criteria=_criteria(
        campus="hard",
        language="hard",
        gender=("similar", 16.0),
        age=("similar", 2.0),
        programme=("mix", 1.0),
        department=("mix", 0.5),
        faculty=("mix", 0.5),
        year_of_study="ignore",
        interests=("similar", 1.0),
        availability=("similar", 1.0),
        friends=("similar", 10.0),
        keep_apart="hard",
        earlier_rounds="hard",
    ),
    size=5,
    min_size=4,
    max_size=6,
)

PRESETS: dict[str, Settings] = {
    "vennespleis": VENNESPLEIS,
    # A cohort's small groups: same programme and year, everything else mixed.
    "trivselsgrupper": Settings(
        criteria={
            **VENNESPLEIS.criteria,
            **_criteria(
                programme="hard",
                year_of_study="hard",
                department="ignore",
                faculty="ignore",
                age=("similar", 0.5),
            ),
        },
        size=9,
        min_size=8,
        max_size=10,
    ),
    # Hiking groups meet weekly: the same campus and times that suit everyone.
    "turgrupper": Settings(
        criteria={
            **VENNESPLEIS.criteria,
            **_criteria(availability=("similar", 5.0), interests=("similar", 1.0)),
        },
        size=8,
        min_size=6,
        max_size=10,
    ),
}


# The preset a round of each kind starts from.
KIND_PRESET = {
    "vennespleis": "vennespleis",
    "turgruppe": "turgrupper",
    "trivselsgruppe": "trivselsgrupper",
}


def preset_for_kind(kind: str) -> str:
    return KIND_PRESET.get(kind, "vennespleis")


def preset(name: str) -> Settings:
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        raise ValidationError(
            "preset",
            _("There is no preset called {name} (there are: {names}).").format(
                name=name, names=", ".join(PRESETS)
            ),
        ) from None


def load_settings(path: Path, base: Settings = VENNESPLEIS) -> Settings:
    """Settings from a TOML file, on top of a preset; a mistake names the file and key.

    preset = "vennespleis"          # optional: what the rest changes
    [size]
    target = 5
    min = 4
    max = 6
    [criteria]
    campus = "hard"
    age = { mode = "similar", weight = 2 }
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValidationError(
            "criteria", _("Cannot read {path}: {reason}").format(path=path, reason=error)
        ) from None
    settings = preset(str(data["preset"])) if "preset" in data else base
    criteria = dict(settings.criteria)
    for name, value in (data.get("criteria") or {}).items():
        criteria[name] = _criterion(path, name, value)
    sizes = data.get("size") or {}
    size, low, high = (
        sizes.get("target", settings.size),
        sizes.get("min", settings.min_size),
        sizes.get("max", settings.max_size),
    )
    if not all(isinstance(n, int) for n in (size, low, high)):
        raise ValidationError("size", _("{path}: sizes must be whole numbers.").format(path=path))
    return replace(settings, criteria=criteria).with_sizes(size, low, high)


def _criterion(path: Path, name: str, value: object) -> Criterion:
    if name not in ALLOWED:
        raise ValidationError(
            "criteria",
            _("{path}: there is no criterion called {name} (there are: {names}).").format(
                path=path, name=name, names=", ".join(ALLOWED)
            ),
        )
    if isinstance(value, str):
        mode, weight = value, 1.0
    elif isinstance(value, dict):
        mode, weight = value.get("mode", ""), value.get("weight", 1.0)
    else:
        mode, weight = "", 1.0
    if mode not in ALLOWED[name]:
        raise ValidationError(
            "criteria",
            _("{path}: {name} can be {modes}, not {mode}.").format(
                path=path, name=name, modes=", ".join(ALLOWED[name]), mode=mode or "?"
            ),
        )
    if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
        raise ValidationError(
            "criteria",
            _("{path}: the weight of {name} must be a number of 0 or more.").format(
                path=path, name=name
            ),
        )
    return Criterion(mode, float(weight))


def group_count(people: int, settings: Settings) -> int | None:
    """How many groups `people` are split into: the count nearest people / target whose
    sizes can all lie within min..max, or None when no count can (say 7 people in
    groups of 4 to 6). The search keeps this count fixed; the exact model does too."""
    if people <= 0:
        return 0
    fewest = -(-people // settings.max_size)
    most = people // settings.min_size
    if fewest > most:
        return None
    wanted = int(people / settings.size + 0.5)
    return min(max(wanted, fewest), most)
