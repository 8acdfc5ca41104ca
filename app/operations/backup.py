"""Back up one workspace into a single archive and restore it into another database.

The archive is a zip file:

- `manifest.json` — format and version, the Sanad migrations applied per app, the
  workspace (id, slug, name), every member file with its row count and SHA-256, and
  the audit chain's head;
- `tables/<app>.<model>.jsonl` — one file per table the workspace owns (the workspace
  row itself, then every model with a `workspace` foreign key), one row per line,
  original primary keys kept, in an order where every row's parents come first;
- `users.jsonl` — the people those rows point at (members, authors, assignees, actors);
- `audit/trail.jsonl` — the audit trail as its canonical export (the same lines
  `manage.py export_audit` writes), verifiable offline with `app.audit.verify`;
- `files/captures/ab/<sha256>.<ext>` — the files the workspace's captures name in the
  storage folder (WARC, screenshot, PDF, uploads), listed in the manifest with their
  SHA-256. On restore each file's bytes must hash to the name its rows point at (and
  to the manifest's entry) before anything is written: a file altered in the archive
  is refused, even with the manifest forged to match.

Nothing here names the workspace's tables: models are discovered from the app
registry, and columns from PostgreSQL's catalogue, so a table or column added by a
later migration is backed up without touching this module. Rows leave and enter the
database as `jsonb` built by PostgreSQL itself (`to_jsonb`, `jsonb_populate_record`),
so timestamps keep their microseconds, numbers their digits, arrays and `jsonb` their
structure; `bytea` travels as base64. Generated columns are left out: the database
computes them again.

Users are global, not the workspace's: on restore they are matched by username, and
a missing one is created with an unusable password (the archive carries no password
hashes); foreign keys to users are rewritten to the local ids.

Neither exporting nor importing appends to the audit trail. The restored chain must
be the exported one byte for byte, with the same head hash, so that checkpoints
signed before the backup still verify against it; an "imported" event would change
its head. What happened is reported by the management commands instead (on stderr),
for the operator's own logs.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from app.audit.models import AuditEvent
from app.audit.verify import export_line, verify_lines
from app.core.blobs import BlobError, blob_hash, blob_read, blob_save
from app.core.db_roles import APPEND_ONLY_TABLES
from app.sources.models import Capture
from app.workspaces.models import Workspace
from app.workspaces.owned import workspace_column, workspace_owned_models

FORMAT = "sanad-workspace-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
USERS_FILE = "users.jsonl"
AUDIT_FILE = "audit/trail.jsonl"
FILES_DIR = "files/"
# Rows per INSERT and per fetch: large enough to keep round trips few, small enough
# that a batch of article texts stays a few megabytes.
BATCH_ROWS = 500
BATCH_BYTES = 8 * 1024 * 1024
UNIQUE_VIOLATION = "23505"
# Never copied between databases: credentials and site-wide privileges stay local, and
# so does proof of an e-mail address (a person confirms it on the server they use).
USER_FIELDS_LEFT_OUT = {"password", "last_login", "is_superuser", "is_staff", "email_verified_at"}

Log = Callable[[str], None]


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why, for an operator."""


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    is_binary: bool
    is_identity: bool


@dataclass(frozen=True)
class Table:
    """One table a workspace owns, as the backup sees it."""

    model: type[models.Model]
    # The column that names the workspace: `id` for the workspace row itself.
    scope_column: str
    # Columns holding a user's id; their values are remapped to local users on restore.
    user_columns: frozenset[str]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def member(self) -> str:
        return f"tables/{self.label}.jsonl"


@dataclass
class ExportSummary:
    path: Path
    workspace_slug: str
    rows: dict[str, int]
    users: int
    audit_events: int
    head_hash: str | None


@dataclass
class ImportSummary:
    workspace: Workspace | None
    rows: dict[str, int]
    users_matched: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    audit_events: int = 0
    head_hash: str | None = None
    files: int = 0


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _relations(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model]


def workspace_tables() -> list[Table]:
    """Every table a workspace owns, parents before children.

    Among tables that may come in any order, the ones nothing points at go last: a
    table that database triggers fill from others (search entries) is then restored
    after its sources, whose triggers have already written it (see `_insert_table`).
    Raises `BackupError` when an owned model points at a global model other than
    users, which a restore into another database could not satisfy.
    """
    user_model = get_user_model()
    owned = workspace_owned_models()
    inside = {Workspace, *owned}
    referenced_by: dict[type[models.Model], set[type[models.Model]]] = {m: set() for m in inside}
    for model in owned:
        for relation in _relations(model):
            target = relation.related_model
            if target in inside and target is not model:
                referenced_by[target].add(model)
            elif target is not user_model and target is not model:
                raise BackupError(
                    f"{model._meta.label}.{relation.name} points at {target._meta.label}, "
                    "which no workspace owns; the backup cannot carry it."
                )
    # A table depends on the tables pointing at it; that order, reversed, puts parents
    # first and the tables nobody points at as late as possible.
    order = list(graphlib.TopologicalSorter(referenced_by).static_order())
    order.reverse()
    tables = []
    for model in order:
        scope = "id" if model is Workspace else workspace_column(model)
        user_columns = frozenset(
            f.column for f in _relations(model) if f.related_model is user_model
        )
        tables.append(Table(model=model, scope_column=scope, user_columns=user_columns))
    return tables


def _columns(db_table: str) -> list[Column]:
    """The table's stored columns from the catalogue; generated ones are computed, not kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT attname, format_type(atttypid, atttypmod), atttypid = 'bytea'::regtype,
                   attidentity <> ''
            FROM pg_attribute
            WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped
                  AND attgenerated = ''
            ORDER BY attnum
            """,
            [_quote(db_table)],
        )
        return [Column(*row) for row in cursor.fetchall()]


def migration_state() -> dict[str, list[str]]:
    """The migrations applied to each of Sanad's own apps, as the manifest records them."""
    own = {config.label for config in apps.get_app_configs() if config.name.startswith("app.")}
    applied: dict[str, list[str]] = {label: [] for label in sorted(own)}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        if app_label in own:
            applied[app_label].append(name)
    return {label: sorted(names) for label, names in applied.items()}


# -- export -----------------------------------------------------------------------------


class _Member:
    """A file being written into the archive, hashed and counted as it goes."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.name = name
        self._handle = archive.open(name, "w", force_zip64=True)
        self._digest = hashlib.sha256()
        self.lines = 0

    def write_line(self, text: str) -> None:
        data = text.encode("utf-8") + b"\n"
        self._digest.update(data)
        self._handle.write(data)
        self.lines += 1

    def close(self) -> dict:
        self._handle.close()
        return {"rows": self.lines, "sha256": self._digest.hexdigest()}


def _table_rows(table: Table, workspace_id: int) -> Iterator[str]:
    """Yield the workspace's rows of `table` as JSON text made by PostgreSQL, by primary key."""
    selected = ", ".join(
        f"encode({_quote(c.name)}, 'base64') AS {_quote(c.name)}" if c.is_binary else _quote(c.name)
        for c in _columns(table.db_table)
    )
    pk = _quote(table.model._meta.pk.column)
    sql = (
        f"SELECT to_jsonb(r)::text FROM (SELECT {selected} FROM {_quote(table.db_table)} "  # noqa: S608
        f"WHERE {_quote(table.scope_column)} = %s) AS r ORDER BY r.{pk}"
    )
    # A server-side cursor: a workspace of any size is read in constant memory.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [workspace_id])
        while rows := cursor.fetchmany(BATCH_ROWS):
            for (text,) in rows:
                yield text


def _referenced_user_ids(tables: list[Table], workspace_id: int) -> set[int]:
    ids: set[int] = set()
    with connection.cursor() as cursor:
        for table in tables:
            for column in sorted(table.user_columns):
                cursor.execute(
                    f"SELECT DISTINCT {_quote(column)} FROM {_quote(table.db_table)} "  # noqa: S608
                    f"WHERE {_quote(table.scope_column)} = %s AND {_quote(column)} IS NOT NULL",
                    [workspace_id],
                )
                ids.update(row[0] for row in cursor.fetchall())
    # Actors are copied into events rather than linked; their users travel along when
    # they still exist, so that a restore can show who they were.
    actors = AuditEvent.objects.filter(workspace_id=workspace_id, actor_user_id__isnull=False)
    ids.update(actors.order_by().values_list("actor_user_id", flat=True).distinct())
    return ids


def _user_fields() -> list[models.Field]:
    return [
        f
        for f in get_user_model()._meta.concrete_fields
        if not f.is_relation and f.name not in USER_FIELDS_LEFT_OUT
    ]


def _write_users(member: _Member, user_ids: set[int]) -> None:
    user_fields = _user_fields()
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("pk")
    for user in users.iterator():
        record = {f.attname: f.value_to_string(user) for f in user_fields}
        record["id"] = user.pk
        member.write_line(json.dumps(record, ensure_ascii=False, sort_keys=True))


def _write_audit(member: _Member, workspace_id: int) -> tuple[int, str | None]:
    events = AuditEvent.objects.filter(workspace_id=workspace_id).order_by("seq")
    head_hash = None
    for canonical, event_hash in events.values_list("canonical", "hash").iterator(2000):
        member.write_line(export_line(canonical, event_hash))
        head_hash = event_hash
    return member.lines, head_hash


def _stored_file_names(workspace_id: int) -> list[str]:
    """Every file in the storage folder the workspace's captures name, once each."""
    names: set[str] = set()
    for row in Capture.objects.filter(workspace_id=workspace_id).values_list(
        "warc_path", "file_path", "screenshot_path", "pdf_path"
    ):
        names.update(name for name in row if name)
    return sorted(names)


def _write_files(archive: zipfile.ZipFile, workspace_id: int) -> list[dict]:
    """Copy the workspace's stored files into `files/`; refuses a missing or altered one."""
    entries = []
    for name in _stored_file_names(workspace_id):
        try:
            data = blob_read(name)
        except BlobError as error:
            raise BackupError(
                f"Cannot back up a capture file: {error}. Restore it from another copy first."
            ) from None
        archive.writestr(FILES_DIR + name, data, compress_type=zipfile.ZIP_STORED)
        entries.append({"file": FILES_DIR + name, "sha256": blob_hash(name), "bytes": len(data)})
    return entries


def _begin_snapshot_read() -> None:
    """Read every table from one snapshot, so the archive never mixes two moments.

    Only possible at the start of a real transaction; inside an enclosing one (tests,
    callers that already hold a snapshot) the caller's isolation applies.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def workspace_export(
    *, workspace: Workspace, path: str | os.PathLike, log: Log = print
) -> ExportSummary:
    """Write the workspace, its users and its audit trail into one zip archive at `path`.

    The archive appears at `path` only once complete (it is written beside it and
    renamed). Appends nothing to the audit trail (see the module docstring). Raises
    `BackupError` when a table cannot be backed up, `OSError` when `path` cannot be
    written.
    """
    target = Path(path)
    tables = workspace_tables()
    outermost = not connection.in_atomic_block
    descriptor, partial = tempfile.mkstemp(prefix=".sanad-backup-", dir=target.parent or ".")
    os.close(descriptor)
    try:
        with transaction.atomic():
            if outermost:
                _begin_snapshot_read()
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                manifest_tables = []
                for table in tables:
                    member = _Member(archive, table.member)
                    for line in _table_rows(table, workspace.pk):
                        member.write_line(line)
                    manifest_tables.append(
                        {"model": table.label, "table": table.db_table, "file": member.name}
                        | member.close()
                    )
                    log(f"{table.label}: {member.lines} rows")
                users = _Member(archive, USERS_FILE)
                _write_users(users, _referenced_user_ids(tables, workspace.pk))
                users_entry = {"file": USERS_FILE} | users.close()
                files = _write_files(archive, workspace.pk)
                log(f"stored files: {len(files)}")
                trail = _Member(archive, AUDIT_FILE)
                events, head_hash = _write_audit(trail, workspace.pk)
                audit_entry = {"file": AUDIT_FILE, "head_hash": head_hash} | trail.close()
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(),
                    "workspace": {
                        "id": workspace.pk,
                        "slug": workspace.slug,
                        "name": workspace.name,
                    },
                    "migrations": migration_state(),
                    "tables": manifest_tables,
                    "users": users_entry,
                    "audit": audit_entry,
                    "files": files,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    log(f"users: {users_entry['rows']}; audit events: {events}, head hash {head_hash}")
    return ExportSummary(
        path=target,
        workspace_slug=workspace.slug,
        rows={entry["model"]: entry["rows"] for entry in manifest_tables},
        users=users_entry["rows"],
        audit_events=events,
        head_hash=head_hash,
    )


# -- import -----------------------------------------------------------------------------


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError("The archive has no manifest.json; it is not a Sanad backup.") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"The archive's manifest is not valid JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive is not a Sanad workspace backup.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"The archive is format version {manifest.get('version')}; "
            f"this Sanad reads version {FORMAT_VERSION}."
        )
    workspace = manifest.get("workspace")
    if (
        not isinstance(workspace, dict)
        or not isinstance(workspace.get("id"), int)
        or not isinstance(workspace.get("slug"), str)
        or not isinstance(manifest.get("migrations"), dict)
        or not isinstance(manifest.get("tables"), list)
        or not all(_is_member_entry(entry) for entry in _members(manifest))
        or not all(isinstance(entry.get("model"), str) for entry in manifest["tables"])
        or "head_hash" not in manifest["audit"]
    ):
        raise BackupError("The archive's manifest is incomplete.")
    return manifest


def _is_member_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("file"), str)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("rows"), int)
    )


def _members(manifest: dict) -> list[dict]:
    try:
        return [*manifest["tables"], manifest["users"], manifest["audit"]]
    except (KeyError, TypeError):
        raise BackupError("The archive's manifest is incomplete.") from None


def _check_checksums(archive: zipfile.ZipFile, manifest: dict) -> None:
    for entry in _members(manifest):
        digest = hashlib.sha256()
        lines = 0
        try:
            with archive.open(entry["file"]) as handle:
                for line in handle:
                    digest.update(line)
                    lines += 1
        except KeyError:
            raise BackupError(f"The archive is missing {entry['file']}.") from None
        if digest.hexdigest() != entry["sha256"] or lines != entry["rows"]:
            raise BackupError(
                f"The archive is corrupt: {entry['file']} does not match its checksum "
                "in the manifest."
            )


def _archived_files(manifest: dict) -> list[dict]:
    files = manifest.get("files", [])
    if not isinstance(files, list) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("file"), str)
        and entry["file"].startswith(FILES_DIR)
        and isinstance(entry.get("sha256"), str)
        for entry in files
    ):
        raise BackupError("The archive's manifest lists its stored files incompletely.")
    return files


def _check_files(archive: zipfile.ZipFile, manifest: dict) -> dict[str, str]:
    """Each archived file hashes to its name and its manifest entry; returns name -> member.

    The name is what the capture rows (and through them the audit trail's hashes)
    point at, so a file is checked against it, not only against the manifest, which a
    forger could rewrite along with the file.
    """
    checked = {}
    for entry in _archived_files(manifest):
        name = entry["file"][len(FILES_DIR) :]
        try:
            expected = blob_hash(name)
        except BlobError:
            raise BackupError(f"The archive holds an unexpected file {entry['file']}.") from None
        digest = hashlib.sha256()
        try:
            with archive.open(entry["file"]) as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"The archive is missing {entry['file']}.") from None
        if digest.hexdigest() != expected or entry["sha256"] != expected:
            raise BackupError(
                f"The capture file {entry['file']} does not match its SHA-256: it was altered "
                "after the backup; nothing was restored."
            )
        checked[name] = entry["file"]
    return checked


def _restore_files(archive: zipfile.ZipFile, files: dict[str, str], workspace_id: int) -> int:
    """Write the archived files to storage; every file a restored capture names must be there."""
    needed = _stored_file_names(workspace_id)
    missing = [name for name in needed if name not in files]
    if missing:
        raise BackupError(
            f"The archive lacks {len(missing)} capture file(s) its rows name, e.g. {missing[0]}."
        )
    for name in needed:
        _name, digest = blob_save(archive.read(files[name]), name.split(".", 1)[1])
        if digest != blob_hash(name):  # checked before; the archive changed under us
            raise BackupError(f"The capture file {files[name]} changed while it was restored.")
    return len(needed)


def _check_migrations(manifest: dict) -> None:
    theirs = manifest.get("migrations") or {}
    ours = migration_state()
    if theirs == ours:
        return
    differing = sorted(
        label for label in set(theirs) | set(ours) if theirs.get(label) != ours.get(label)
    )
    raise BackupError(
        "The archive was made at a different migration state "
        f"(apps {', '.join(differing)}); migrate both databases to the same version first."
    )


def _check_tables(manifest: dict, tables: list[Table]) -> None:
    theirs = [entry["model"] for entry in manifest["tables"]]
    ours = [table.label for table in tables]
    if sorted(theirs) != sorted(ours):
        raise BackupError(
            f"The archive holds tables {sorted(theirs)}, this database has {sorted(ours)}."
        )


def _check_target_free(manifest: dict) -> None:
    slug, workspace_id = manifest["workspace"]["slug"], manifest["workspace"]["id"]
    if Workspace.objects.filter(slug=slug).exists():
        raise BackupError(
            f"A workspace with the slug {slug!r} already exists; restore into a database "
            "without it (purge or rename it first)."
        )
    if Workspace.objects.filter(pk=workspace_id).exists():
        raise BackupError(
            f"Workspace id {workspace_id} is taken by another workspace; the archive keeps "
            "its primary keys, so it restores only into a database where they are free."
        )


def _check_trail(archive: zipfile.ZipFile, manifest: dict) -> None:
    entry = manifest["audit"]
    with archive.open(entry["file"]) as handle:
        result = verify_lines(handle, expect_first_seq=1)
    if not result.ok:
        raise BackupError(f"The archive's audit trail does not verify: {result}")
    if result.count and (
        result.head_hash != entry["head_hash"] or result.workspace != manifest["workspace"]["id"]
    ):
        raise BackupError("The archive's audit trail does not belong to its manifest.")


def _restore_users(archive: zipfile.ZipFile, manifest: dict, summary: ImportSummary) -> dict:
    """Match or create the archive's users; return archived id -> local id."""
    user_model = get_user_model()
    by_name = {f.attname: f for f in _user_fields()}
    mapping: dict[str, int] = {}
    with archive.open(manifest["users"]["file"]) as handle:
        for line in handle:
            record = json.loads(line)
            archived_id = record.pop("id")
            username = record[user_model.USERNAME_FIELD]
            local = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
            if local is not None:
                summary.users_matched.append(username)
            else:
                values = {
                    name: by_name[name].to_python(value)
                    for name, value in record.items()
                    if name in by_name and name != "id"
                }
                local = user_model(**values)
                # Keep the archived id when it is free, so a restore into an empty
                # database is identical; otherwise the sequence picks one.
                if not user_model.objects.filter(pk=archived_id).exists():
                    local.pk = archived_id
                local.set_unusable_password()
                local.save(force_insert=True)
                summary.users_created.append(username)
            mapping[str(archived_id)] = local.pk
    return mapping


def _batches(lines: Iterable[bytes]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for raw in lines:
        text = raw.decode("utf-8").rstrip("\n")
        batch.append(text)
        size += len(text)
        if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _insert_sql(table: Table, columns: list[Column]) -> str:
    binary = [c.name for c in columns if c.is_binary]
    selected = []
    for column in columns:
        name = _quote(column.name)
        key = "'" + column.name.replace("'", "''") + "'"
        if column.is_binary:
            selected.append(f"decode(j.doc ->> {key}, 'base64')")
        elif column.name in table.user_columns:
            selected.append(f"(%(users)s::jsonb ->> (j.doc ->> {key}))::{column.sql_type}")
        else:
            selected.append(f"r.{name}")
    # jsonb_populate_record would read base64 as bytea's own text form: leave it out.
    record = "j.doc - %(binary)s::text[]" if binary else "j.doc"
    overriding = " OVERRIDING SYSTEM VALUE" if any(c.is_identity for c in columns) else ""
    return (
        f"INSERT INTO {_quote(table.db_table)} ({', '.join(_quote(c.name) for c in columns)})"  # noqa: S608
        f"{overriding} SELECT {', '.join(selected)} "
        "FROM jsonb_array_elements(%(rows)s::jsonb) WITH ORDINALITY AS j(doc, n) "
        f"CROSS JOIN LATERAL jsonb_populate_record(NULL::{_quote(table.db_table)}, {record}) AS r "
        "ORDER BY j.n"
    )


def _insert_table(
    archive: zipfile.ZipFile, entry: dict, table: Table, workspace_id: int, users: dict, log: Log
) -> int:
    """Insert one table's archived rows; return how many.

    The workspace is new to this database, so any of its rows already in the table
    were written during this restore by database triggers (search entries follow
    their articles and claims): they are replaced by the archived rows, which the
    same triggers wrote from the same data, so that ids match too.
    """
    columns = _columns(table.db_table)
    sql = _insert_sql(table, columns)
    params_base = {
        "users": json.dumps(users),
        "binary": [c.name for c in columns if c.is_binary],
    }
    count = 0
    with connection.cursor() as cursor:
        # The trail is never derived by triggers (and the runtime role may not delete there).
        if table.model is not Workspace and table.db_table not in APPEND_ONLY_TABLES:
            cursor.execute(
                f"DELETE FROM {_quote(table.db_table)} WHERE {_quote(table.scope_column)} = %s",  # noqa: S608
                [workspace_id],
            )
            if cursor.rowcount:
                log(
                    f"{table.label}: replaced {cursor.rowcount} rows the database derived "
                    "during the restore with the archived ones"
                )
        with archive.open(entry["file"]) as handle:
            for batch in _batches(handle):
                cursor.execute(sql, params_base | {"rows": "[" + ",".join(batch) + "]"})
                count += len(batch)
    return count


def _reset_sequences(tables: Iterable[Table]) -> None:
    """Move each restored table's id sequence past the restored ids, never backwards."""
    with connection.cursor() as cursor:
        for table in tables:
            pk = table.model._meta.pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_quote(table.db_table), pk])
            (sequence,) = cursor.fetchone()
            if sequence is None:
                continue
            cursor.execute(
                f"SELECT setval(%s, GREATEST(s.last_value, t.top), true) "  # noqa: S608
                f"FROM {sequence} AS s, (SELECT max({_quote(pk)}) AS top "
                f"FROM {_quote(table.db_table)}) AS t WHERE t.top IS NOT NULL",
                [sequence],
            )


def _check_restored_trail(archive: zipfile.ZipFile, manifest: dict, workspace_id: int) -> None:
    """Compare the restored chain with the archive's trail, line by line, and verify it."""
    restored = (
        export_line(canonical, event_hash)
        for canonical, event_hash in AuditEvent.objects.filter(workspace_id=workspace_id)
        .order_by("seq")
        .values_list("canonical", "hash")
        .iterator(2000)
    )
    with archive.open(manifest["audit"]["file"]) as handle:
        for number, (archived, ours) in enumerate(zip(handle, restored, strict=False), start=1):
            if archived.decode("utf-8").rstrip("\n") != ours:
                raise BackupError(f"Restored audit event {number} differs from the archive.")
    result = verify_lines(
        (
            export_line(c, h)
            for c, h in AuditEvent.objects.filter(workspace_id=workspace_id)
            .order_by("seq")
            .values_list("canonical", "hash")
            .iterator(2000)
        ),
        expect_first_seq=1,
    )
    if not result.ok or result.count != manifest["audit"]["rows"]:
        raise BackupError(f"The restored audit trail does not verify: {result}")
    if result.count and result.head_hash != manifest["audit"]["head_hash"]:
        raise BackupError("The restored audit trail ends at another head hash.")


def workspace_import(*, path: str | os.PathLike, log: Log = print) -> ImportSummary:
    """Restore a workspace archive into this database, all of it or nothing.

    Checks first that the archive is intact (every member's SHA-256), made at the
    same migration state, its audit trail verifies, and neither the workspace's slug
    nor its id is taken here. Then, in one transaction: users (matched by username,
    missing ones created with an unusable password), every table with its original
    primary keys, sequences moved past them, and the restored chain compared with the
    archive's. Appends nothing to the audit trail. Raises `BackupError`.
    """
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"No archive at {os.fspath(path)}.") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"The archive is corrupt or not a zip file ({error}).") from None
    with archive:
        try:
            return _import(archive, log)
        except (zipfile.BadZipFile, EOFError) as error:
            raise BackupError(f"The archive is corrupt ({error}).") from None


def _import(archive: zipfile.ZipFile, log: Log) -> ImportSummary:
    manifest = _read_manifest(archive)
    _check_checksums(archive, manifest)
    _check_migrations(manifest)
    tables = workspace_tables()
    _check_tables(manifest, tables)
    _check_target_free(manifest)
    _check_trail(archive, manifest)
    files = _check_files(archive, manifest)
    workspace_id = manifest["workspace"]["id"]
    by_label = {table.label: table for table in tables}
    try:
        with transaction.atomic():
            summary = ImportSummary(workspace=None, rows={})
            users = _restore_users(archive, manifest, summary)
            for entry in manifest["tables"]:
                table = by_label[entry["model"]]
                count = _insert_table(archive, entry, table, workspace_id, users, log)
                if count != entry["rows"]:
                    raise BackupError(f"{entry['file']}: restored {count} of {entry['rows']} rows.")
                summary.rows[table.label] = count
                log(f"{table.label}: {count} rows")
            _reset_sequences([*tables, _users_table()])
            _check_restored_trail(archive, manifest, workspace_id)
            summary.files = _restore_files(archive, files, workspace_id)
            log(f"stored files: {summary.files}")
            summary.workspace = Workspace.objects.get(pk=workspace_id)
    except DatabaseError as error:
        raise BackupError(_refusal(error)) from None
    summary.audit_events = manifest["audit"]["rows"]
    summary.head_hash = manifest["audit"]["head_hash"]
    if summary.users_created:
        log(
            f"created {len(summary.users_created)} users with unusable passwords "
            f"(set a password or send a reset): {', '.join(summary.users_created)}"
        )
    return summary


def _refusal(error: DatabaseError) -> str:
    """Say why PostgreSQL refused the restore, in an operator's terms."""
    said = str(error).strip()
    if getattr(error.__cause__, "sqlstate", None) == UNIQUE_VIOLATION:
        return (
            "The archive's rows collide with rows already in this database (same primary or "
            f"unique key); nothing was restored, it was all rolled back. PostgreSQL said: {said}"
        )
    return (
        "The database refused a row of the archive; nothing was restored, it was all rolled "
        f"back. PostgreSQL said: {said}"
    )


def _users_table() -> Table:
    return Table(model=get_user_model(), scope_column="id", user_columns=frozenset())


def archive_manifest(path: str | os.PathLike | IO[bytes]) -> dict:
    """Read an archive's manifest (for tools and tests); raises `BackupError`."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read_manifest(archive)
    except zipfile.BadZipFile as error:
        raise BackupError(f"The archive is corrupt or not a zip file ({error}).") from None


__all__ = [
    "BackupError",
    "ExportSummary",
    "ImportSummary",
    "archive_manifest",
    "migration_state",
    "workspace_export",
    "workspace_import",
    "workspace_tables",
]
