from django.db import migrations

APPEND_ONLY = r"""
CREATE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""


class Migration(migrations.Migration):
    """The database refuses UPDATE and DELETE of audit events, for every role.

    TRUNCATE is left alone: the test runner empties tables with it between tests.
    """

    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunSQL(
            sql=APPEND_ONLY,
            reverse_sql=(
                "DROP TRIGGER audit_event_append_only ON audit_auditevent;"
                "DROP FUNCTION audit_event_append_only();"
            ),
        ),
    ]
