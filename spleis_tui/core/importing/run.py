"""Importing one export file into a round, in one transaction, every row accounted for.

Each accepted row is *imported* (a new sign-up), *updated* (a newer answer for an
e-mail the round has; the older one is kept as history) or *unchanged* (the same
answers as last imported, or older than the answer stored). Refused rows are
*rejected* and written to a rejects file with the reason. imported + updated +
unchanged + rejected = rows read. A dry run does all of it and rolls back.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peewee import fn

from spleis_tui.core.db import bulk_insert
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.importing import profiles
from spleis_tui.core.importing.convert import Row, RowConverter
from spleis_tui.core.importing.mapping import Mapping, detect_mapping
from spleis_tui.core.importing.sources import ImportFileError, Source, SourceInfo, open_source
from spleis_tui.core.models import (
    Option,
    Person,
    SignUp,
    SignUpHistory,
    database,
    join_codes,
    utcnow,
)
from spleis_tui.core.reference import Reference, load_reference
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.signups import FIELDS, search_key_for
from spleis_tui.core.text import sort_key
from spleis_tui.i18n import _

PROGRESS_EVERY = 100  # rows between progress reports and cancel checks
FLUSH_EVERY = 1000  # new sign-ups written at a time: memory stays flat
MAX_LISTED = 5000  # warnings kept for the report; the rest are counted
REASON_COLUMN = "spleis_reason"


class ImportCancelled(SpleisError):
    """The user stopped the import; nothing was written."""


@dataclass
class ImportOptions:
    profile: str = "auto"
    encoding: str | None = None
    delimiter: str | None = None
    overrides: list[tuple[str, str]] = field(default_factory=list)
    mapping: Mapping | None = None  # a mapping edited in the app wins over all of the above


@dataclass
class ImportReport:
    file: str
    source: SourceInfo
    mapping: Mapping
    dry_run: bool
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    warnings: list[tuple[int, str, list[str]]] = field(default_factory=list)  # row, e-mail
    rows_with_warnings: int = 0
    duplicates: list[str] = field(default_factory=list)
    new_options: list[tuple[str, str, str, str]] = field(default_factory=list)
    # Campuses and programmes not in the reference data, kept as written: how many rows.
    unknown: Counter[tuple[str, str]] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    rejects_path: str = ""
    seconds: float = 0.0

    @property
    def accounted(self) -> bool:
        return self.imported + self.updated + self.unchanged + self.rejected == self.rows_read


ProgressCallback = Callable[[float], None]


def _open(path: str | os.PathLike[str], options: ImportOptions) -> tuple[Source, Mapping]:
    """Open the file and decide its mapping: detected, then the profile's, then the user's.

    Encoding and delimiter are the user's, else the profile's, else detected. A mapping
    edited in the app (`options.mapping`) wins over all of it.
    """
    saved = profiles.find_profile(options.profile)
    source = open_source(
        path,
        encoding=options.encoding or (saved.encoding if saved else None) or None,
        delimiter=options.delimiter or (saved.delimiter if saved else None) or None,
    )
    if options.mapping is not None:
        return source, options.mapping
    mapping = detect_mapping(source.info.headers)
    if saved is not None:
        mapping = mapping.with_settings(saved.columns)
    try:
        for field_name, header in options.overrides:
            mapping = mapping.with_override(field_name, header)
    except SpleisError:
        source.close()
        raise
    return source, mapping


@dataclass(frozen=True)
class Preview:
    source: SourceInfo
    mapping: Mapping
    rows: list[Row]


def preview(path: str | os.PathLike[str], options: ImportOptions, *, rows: int = 20) -> Preview:
    """The file's format, its mapping and its first rows as they would be stored."""
    ref = load_reference()
    source, mapping = _open(path, options)
    with source:
        converter = RowConverter(mapping, ref)
        converted = []
        for number, cells in source.rows():
            converted.append(converter.convert(number, cells))
            if len(converted) >= rows:
                break
        return Preview(source.info, mapping, converted)


def import_file(
    path: str | os.PathLike[str],
    round_id: int,
    options: ImportOptions | None = None,
    *,
    dry_run: bool = False,
    rejects_path: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import an export into a round. Raises ImportFileError when nothing can be read."""
    started = time.perf_counter()
    options = options or ImportOptions()
    ref = load_reference()
    path = Path(path)
    source, mapping = _open(path, options)
    with source:
        problems = mapping.problems()
        if problems:
            raise ImportFileError(f"{path}: {problems[0]}")
        report = ImportReport(path.name, source.info, mapping, dry_run)
        if not mapping.has("consent"):
            report.notes.append(
                _(
                    "The file has no consent column: sending the form, with its privacy "
                    "note, counts as consent."
                )
            )
        converter = RowConverter(mapping, ref)
        writer = _Writer(round_id, ref, report, _fingerprint(mapping, ref))
        rejected_cells: list[tuple[int, list[str], str]] = []
        with database.atomic() as transaction:
            refuse_if_closed(round_id)
            writer.load_round()
            for number, cells in source.rows():
                report.rows_read += 1
                row = converter.convert(number, cells)
                if row.reject:
                    report.rejected += 1
                    report.rejects.append((number, row.reject))
                    rejected_cells.append((number, cells, row.reject))
                else:
                    writer.add(row, cells)
                if report.rows_read % PROGRESS_EVERY == 0:
                    if cancelled is not None and cancelled():
                        raise ImportCancelled(_("The import was cancelled; nothing was saved."))
                    if progress is not None:
                        progress(source.fraction_done())
            writer.flush()
            # Inside the transaction: a rejects file that cannot be written undoes it all.
            if rejected_cells and (rejects_path is not None or not dry_run):
                target = Path(rejects_path) if rejects_path else default_rejects_path(path)
                write_rejects(target, source.info, rejected_cells)
                report.rejects_path = str(target)
            if dry_run:
                transaction.rollback()
    if progress is not None:
        progress(1.0)
    report.seconds = time.perf_counter() - started
    return report


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-rejects.csv")


def write_rejects(target: Path, source: SourceInfo, rows: list[tuple[int, list[str], str]]) -> None:
    """The refused rows as they were, with the reason: fix them and import this file.

    CSV in UTF-8 with a BOM, so Excel opens it right; the reason is the last column.
    A cell that would start a formula gets a leading ', which the import removes again.
    """
    from spleis_tui.core.export import neutralise

    delimiter = source.delimiter or ","
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow([*source.headers, REASON_COLUMN])
            for _number, cells, reason in rows:
                writer.writerow([neutralise(c) for c in cells] + [reason])
        os.chmod(target, 0o600)  # it holds personal data, like the database
    except OSError as error:
        raise ImportFileError(
            _("{file}: cannot write the rejects file ({reason}).").format(
                file=target, reason=error.strerror
            )
        ) from None


def _canonical_value(key: str, value: object) -> object:
    if key in ("interests", "availability"):
        return join_codes(value) if isinstance(value, list | tuple) else (value or "")
    return "" if value is None else value


def _canonical(values: dict) -> list:
    return [_canonical_value(key, values.get(key)) for key in FIELDS]


def answers_hash(values: dict) -> str:
    """A digest of the answers given (only the fields present), to tell a changed row."""
    given = tuple((k, _canonical_value(k, values[k])) for k in sorted(values) if k in FIELDS)
    return hashlib.blake2b(repr(given).encode("utf-8"), digest_size=20).hexdigest()


def _fingerprint(mapping: Mapping, ref: Reference) -> str:
    """What else decides how cells become answers: after a new programme is added to the
    reference data, the same row reads differently, so it must not look unchanged."""
    parts = (
        sorted(mapping.settings().items()),
        sorted((c, x.name) for c, x in ref.campuses.items()),
        sorted((c, p.name_nb, p.name_en, p.department) for c, p in ref.programmes.items()),
        sorted((c, d.name_nb, d.name_en) for c, d in ref.departments.items()),
        sorted(
            (k, c, o.label_nb, o.label_en)
            for k, opts in ref.options.items()
            for c, o in opts.items()
        ),
    )
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _stored_values(signup: SignUp) -> dict:
    return {key: getattr(signup, key) for key in FIELDS}


_DEFAULTS = {
    key: SignUp._meta.fields[key].default
    for key in FIELDS
    if key not in ("interests", "availability")
} | {"interests": [], "availability": []}


@dataclass
class _Known:
    signup_id: int
    answers_hash: str
    submitted_at: dt.datetime | None


class _Writer:
    """Decides each accepted row's bucket and writes it; new sign-ups in batches."""

    def __init__(
        self, round_id: int, ref: Reference, report: ImportReport, fingerprint: str
    ) -> None:
        self.round_id = round_id
        self.fingerprint = fingerprint
        self.used = [c.index for c in report.mapping.columns if c.imported]
        self.ref = ref
        self.report = report
        self.known: dict[str, _Known] = {}
        self.pending: dict[str, tuple[Row, str]] = {}
        self.first_row: dict[str, int] = {}
        self.options: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        self.now = utcnow()
        self.people: dict[str, int] | None = None

    def load_round(self) -> None:
        query = (
            SignUp.select(Person.email_key, SignUp.id, SignUp.import_hash, SignUp.submitted_at)
            .join(Person)
            .where(SignUp.round == self.round_id)
            .tuples()
        )
        for key, signup_id, digest, submitted in query:
            self.known[key] = _Known(signup_id, digest, submitted)

    def add(self, row: Row, cells: list[str]) -> None:
        key = row.email_key
        digest = self._digest(cells)
        for option in row.new_options:
            self.options.setdefault((option[0], option[1]), option)
        if key in self.first_row:
            self.report.duplicates.append(
                _(
                    "{email} is in rows {first} and {row}: the later answer is kept, the "
                    "earlier one as history."
                ).format(email=row.values["email"], first=self.first_row[key], row=row.number)
            )
        else:
            self.first_row[key] = row.number
        if key in self.pending:
            self.flush()
        known = self.known.get(key)
        if known is None:
            self.pending[key] = (row, digest)
            self.report.imported += 1
            self._remember_warnings(row)
            if len(self.pending) >= FLUSH_EVERY:
                self.flush()
            return
        if digest == known.answers_hash:
            self.report.unchanged += 1  # the same answers as last imported
            return
        signup = SignUp.get_by_id(known.signup_id)
        stored = _stored_values(signup)
        merged = {**stored, **{k: v for k, v in row.values.items() if k in FIELDS}}
        submitted = row.values.get("submitted_at")
        if _canonical(merged) == _canonical(stored):
            self.report.unchanged += 1
            SignUp.update(import_hash=digest).where(SignUp.id == signup.id).execute()
            known.answers_hash = digest
            return
        if submitted and known.submitted_at and submitted < known.submitted_at:
            # An older answer than the one stored: history, not an update.
            self._history(signup.id, merged, submitted, row.number)
            self.report.unchanged += 1
            return
        self._history(signup.id, stored, signup.submitted_at, signup.source_row, signup.source_file)
        changes = self._columns(row, digest, merged)
        SignUp.update(**changes).where(SignUp.id == signup.id).execute()
        self.known[key] = _Known(signup.id, digest, submitted or signup.submitted_at)
        self.report.updated += 1
        self._remember_warnings(row)

    def _digest(self, cells: list[str]) -> str:
        """The row's imported cells, read with this mapping and reference data: the same
        digest means the same answers as last imported, without comparing them."""
        text = "\x1f".join(cells[i] if i < len(cells) else "" for i in self.used)
        return hashlib.blake2b(
            (self.fingerprint + text).encode("utf-8", "surrogatepass"), digest_size=20
        ).hexdigest()

    def _history(
        self,
        signup_id: int,
        values: dict,
        submitted: dt.datetime | None,
        source_row: int | None,
        source_file: str | None = None,
    ) -> None:
        answers = dict(zip(FIELDS, _canonical(values), strict=True))
        SignUpHistory.insert(
            signup=signup_id,
            answers=json.dumps(answers, ensure_ascii=False, default=str),
            answers_hash=answers_hash(answers),
            submitted_at=submitted,
            source_file=source_file if source_file is not None else self.report.file,
            source_row=source_row,
            replaced_at=self.now,
        ).on_conflict_ignore().execute()

    def _remember_warnings(self, row: Row) -> None:
        self.report.unknown.update(row.unknown)
        if not row.warnings:
            return
        self.report.rows_with_warnings += 1
        if len(self.report.warnings) < MAX_LISTED:
            self.report.warnings.append((row.number, row.values["email"], list(row.warnings)))

    def _columns(self, row: Row, digest: str, values: dict | None = None) -> dict:
        """The columns to store: the row's answers over `values` (the stored ones), or
        over the defaults for a new sign-up."""
        values = {**(values or _DEFAULTS), **row.values}
        columns = {key: values[key] for key in FIELDS if key not in ("interests", "availability")}
        columns["interests"] = join_codes(values["interests"])
        columns["availability"] = join_codes(values["availability"])
        columns.update(
            submitted_at=values["submitted_at"] or self.now,
            source_file=self.report.file,
            source_row=row.number,
            cleaned=row.cleaned,
            import_warnings="\n".join(row.warnings),
            import_hash=digest,
            search_key=search_key_for(
                values["name"], values["email"], values["programme"], self.ref
            ),
            name_key=sort_key(values["name"]),
            updated_at=self.now,
        )
        return columns

    def flush(self) -> None:
        self._create_options()
        if not self.pending:
            return
        keys = list(self.pending)
        ids = self._person_ids(keys)
        rows = []
        for key in keys:
            row, digest = self.pending[key]
            columns = self._columns(row, digest)
            columns.update(
                round=self.round_id,
                person=ids[key],
                status="active",
                consent_at=columns["submitted_at"],
            )
            rows.append(columns)
        fields = [SignUp._meta.fields[name] for name in rows[0]]
        last_id = SignUp.select(fn.MAX(SignUp.id)).scalar() or 0
        bulk_insert(SignUp, fields, [tuple(r.values()) for r in rows])
        # Rows added in this transaction are the only ones above the old highest id.
        by_person = {ids[key]: key for key in keys}
        query = SignUp.select(SignUp.id, SignUp.person).where(SignUp.id > last_id).tuples()
        for signup_id, person in query:
            key = by_person[person]
            row, digest = self.pending[key]
            self.known[key] = _Known(signup_id, digest, row.values["submitted_at"])
        self.pending.clear()

    def _person_ids(self, keys: list[str]) -> dict[str, int]:
        if self.people is None:
            # Everyone in one query: a database holds a few rounds, not millions.
            self.people = dict(Person.select(Person.email_key, Person.id).tuples())
        missing = [k for k in keys if k not in self.people]
        if missing:
            last_id = max(self.people.values(), default=0)
            bulk_insert(
                Person, [Person.email_key, Person.created_at], [(k, self.now) for k in missing]
            )
            self.people.update(
                Person.select(Person.email_key, Person.id).where(Person.id > last_id).tuples()
            )
        return {key: self.people[key] for key in keys}

    def _create_options(self) -> None:
        for (kind, code), option in list(self.options.items()):
            if not Option.select().where((Option.kind == kind) & (Option.code == code)).exists():
                position = Option.select().where(Option.kind == kind).count()
                Option.create(
                    kind=kind, code=code, label_nb=option[2], label_en=option[3], position=position
                )
                self.report.new_options.append(option)
        self.options.clear()
