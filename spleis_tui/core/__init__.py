"""The data layer and every job Spleis does, with no UI import below here."""
