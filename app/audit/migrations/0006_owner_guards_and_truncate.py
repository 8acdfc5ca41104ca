from django.db import migrations

# The purge (one workspace's rows, named in `sanad.purge_workspace`) is the table
# owner's or a superuser's, never the runtime role's (which lacks DELETE anyway).
# TRUNCATE, which no row trigger sees, is refused unless the owner opens
# `sanad.truncate_audit` for it: only the test runner's flush does, as the owner.
GUARDED = r"""
CREATE OR REPLACE FUNCTION audit_may_bypass() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
        OR pg_has_role(current_user,
                       (SELECT tableowner FROM pg_tables
                         WHERE schemaname = 'public' AND tablename = 'audit_auditevent'),
                       'USAGE')
$$;

CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('sanad.purge_workspace', true) = OLD.workspace_id::text
       AND audit_may_bypass() THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION audit_truncate_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sanad.truncate_audit', true) = 'on' AND audit_may_bypass() THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard();
"""

UNGUARDED = r"""
DROP TRIGGER audit_checkpoint_no_truncate ON audit_checkpoint;
DROP TRIGGER audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION audit_truncate_guard();
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
DROP FUNCTION audit_may_bypass();
"""


class Migration(migrations.Migration):
    """The owner (not only a superuser) purges; TRUNCATE of the trail is refused."""

    dependencies = [("audit", "0005_columns_match_canonical")]
    operations = [migrations.RunSQL(sql=GUARDED, reverse_sql=UNGUARDED)]
