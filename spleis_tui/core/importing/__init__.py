"""Importing sign-ups from form exports: Nettskjema, Microsoft Forms, Google Forms, Excel.

`sources` reads a file as rows of text, `vocabulary` knows how forms name things,
`mapping` decides which column is which field, `convert` turns one row into the values
we store, and `run` imports a whole file in one transaction.
"""
