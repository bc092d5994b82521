"""Spleis: run the social measures that keep students from being lonely."""

__version__ = "0.1.0"
