"""Capture files (WARC, upload, screenshot, PDF) move from `bytea` columns to the storage folder.

Each file is written to Django's default storage under its SHA-256
(`app.core.blobs`), after checking that the bytes still match the stored hash; the row
then keeps the file's name. Reversible: going back reads each file from storage into
the re-added columns (the files stay in storage; they are content-addressed, so a
second forward run finds them again).

The guard trigger refuses any UPDATE of a capture, so it is dropped for the move and
replaced by one that checks, on INSERT, that each file name is its hash (the bytes are
no longer in the database to hash).
"""

import hashlib
import importlib

from django.db import migrations, models

from app.core.blobs import BlobError, blob_read, blob_save

OLD_GUARD = importlib.import_module("app.sources.migrations.0004_capture_integrity").CAPTURE_GUARD

DROP_GUARD = (
    "DROP TRIGGER sources_capture_guard ON sources_capture;DROP FUNCTION sources_capture_guard();"
)

NEW_GUARD = r"""
CREATE FUNCTION sources_capture_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'captures are immutable (capture %)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.warc_path <> '' AND NOT starts_with(NEW.warc_path,
            'captures/' || left(NEW.warc_sha256, 2) || '/' || NEW.warc_sha256 || '.'))
       OR (NEW.file_path <> '' AND NOT starts_with(NEW.file_path,
            'captures/' || left(NEW.file_sha256, 2) || '/' || NEW.file_sha256 || '.'))
       OR (NEW.screenshot_path <> '' AND NOT starts_with(NEW.screenshot_path,
            'captures/' || left(NEW.screenshot_sha256, 2) || '/' || NEW.screenshot_sha256 || '.'))
       OR (NEW.pdf_path <> '' AND NOT starts_with(NEW.pdf_path,
            'captures/' || left(NEW.pdf_sha256, 2) || '/' || NEW.pdf_sha256 || '.'))
       OR (NEW.text <> '' AND NEW.text_sha256 IS DISTINCT FROM
           encode(sha256(convert_to(NEW.text, 'UTF8')), 'hex')) THEN
        RAISE EXCEPTION 'a capture hash does not match its bytes'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER sources_capture_guard
    BEFORE INSERT OR UPDATE ON sources_capture
    FOR EACH ROW EXECUTE FUNCTION sources_capture_guard();
"""

PARTS = ("warc", "file", "screenshot", "pdf")
UPLOAD_EXT = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}


def _ext(part: str, data: bytes, media_type: str) -> str:
    if part == "warc":
        return "warc.gz"
    if part == "screenshot":
        return "png"
    if part == "pdf":
        return "pdf"
    if media_type == "application/warc":
        return "warc.gz" if data[:2] == b"\x1f\x8b" else "warc"
    return UPLOAD_EXT.get(media_type, "bin")


def to_storage(apps, schema_editor):
    Capture = apps.get_model("sources", "Capture")
    ids = list(Capture.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        row = Capture.objects.filter(pk=pk).values(
            *PARTS, "media_type", *(f"{p}_sha256" for p in PARTS)
        )[0]
        changes = {}
        for part in PARTS:
            if row[part] is None:
                continue
            data = bytes(row[part])
            if hashlib.sha256(data).hexdigest() != row[f"{part}_sha256"]:
                raise RuntimeError(f"capture {pk}: the {part} bytes do not match their hash")
            changes[f"{part}_path"], _digest = blob_save(data, _ext(part, data, row["media_type"]))
        if changes:
            Capture.objects.filter(pk=pk).update(**changes)


def from_storage(apps, schema_editor):
    Capture = apps.get_model("sources", "Capture")
    for pk in list(Capture.objects.order_by("pk").values_list("pk", flat=True)):
        row = Capture.objects.filter(pk=pk).values(*(f"{p}_path" for p in PARTS))[0]
        changes = {}
        for part in PARTS:
            if row[f"{part}_path"]:
                try:
                    changes[part] = blob_read(row[f"{part}_path"])
                except BlobError as error:
                    raise RuntimeError(f"capture {pk}: {error}") from None
        if changes:
            Capture.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("sources", "0005_evidence_to_claims")]

    operations = [
        migrations.RunSQL(sql=DROP_GUARD, reverse_sql=OLD_GUARD),
        migrations.RemoveConstraint(model_name="capture", name="capture_keeps_its_evidence"),
        *(
            migrations.AddField(
                model_name="capture",
                name=f"{part}_path",
                field=models.CharField(blank=True, editable=False, max_length=100),
            )
            for part in PARTS
        ),
        migrations.RunPython(to_storage, from_storage),
        *(migrations.RemoveField(model_name="capture", name=part) for part in PARTS),
        migrations.AddConstraint(
            model_name="capture",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "upload"), models.Q(("file_path", ""), _negated=True)),
                    models.Q(("kind", "fetch"), models.Q(("warc_path", ""), _negated=True)),
                    _connector="OR",
                ),
                name="capture_keeps_its_file",
            ),
        ),
        migrations.RunSQL(sql=NEW_GUARD, reverse_sql=DROP_GUARD),
    ]
