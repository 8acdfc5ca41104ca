"""SQL that Django's migration operations cannot express, as reversible operations."""

from django.db import migrations


def composite_foreign_key(
    *, table: str, name: str, columns: list[str], ref_table: str, ref_columns: list[str]
) -> migrations.RunSQL:
    """A foreign key over several columns, e.g. (workspace_id, claim_id).

    Django's own foreign keys cover one column; including `workspace_id` makes the
    database itself refuse a row that points into another workspace. Checked at
    once (not deferred like Django's), so the offending statement is the one that fails.
    """
    cols = ", ".join(f'"{c}"' for c in columns)
    ref_cols = ", ".join(f'"{c}"' for c in ref_columns)
    return migrations.RunSQL(
        sql=(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY ({cols}) '
            f'REFERENCES "{ref_table}" ({ref_cols})'
        ),
        reverse_sql=f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
    )
