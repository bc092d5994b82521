"""Telling every member about their group by e-mail.

`templates` holds the round's message in each language and renders it for one member,
`messages` turns a rendered text into an e-mail (or a draft `.eml` file), `smtp` reads
the server settings and opens the connection, and `sending` sends one message per
member, keeping a send log so that a re-run never sends anybody the same message twice.

Nothing is imported here: `spleis notify --drafts` should not pay for smtplib or keyring.
"""
