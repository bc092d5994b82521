"""Matching: from sign-ups to groups. The criteria model and the group score live here."""
