"""Small factories for test data."""

from __future__ import annotations


def person(**overrides) -> dict:
    """A valid sign-up's answers, with the fields a test cares about changed."""
    data = {
        "name": "Kari Nordmann",
        "email": "kari@stud.ntnu.no",
        "phone": "+47 912 34 567",
        "gender": "woman",
        "age": 21,
        "campus": "gloshaugen",
        "programme": "MTDT",
        "year_of_study": 2,
        "language": "no",
        "group_pref": "any",
        "interests": ["hiking", "boardgames"],
        "availability": ["weekday_evening"],
    }
    data.update(overrides)
    return data
