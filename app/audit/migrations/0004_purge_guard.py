from django.db import migrations

# One exception to append-only, for `manage.py purge_workspace`: deleting the rows of
# exactly the workspace named in the transaction-local setting `sanad.purge_workspace`,
# and only for a database superuser. The application's everyday role is not a
# superuser in production, so setting the variable gains it nothing; a superuser could
# drop the trigger anyway, so the exception grants superusers nothing new either.
GUARDED = r"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('sanad.purge_workspace', true) = OLD.workspace_id::text
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

UNGUARDED = r"""
DROP TRIGGER audit_checkpoint_append_only ON audit_checkpoint;
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    """Checkpoints become append-only too; a superuser may purge one whole workspace."""

    dependencies = [("audit", "0003_checkpoints_and_purge")]
    operations = [migrations.RunSQL(sql=GUARDED, reverse_sql=UNGUARDED)]
