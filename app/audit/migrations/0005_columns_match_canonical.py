from django.db import migrations

# The columns of an event are copies of its canonical text, kept for querying. A row
# whose copies say something else than what is hashed is refused, as is a hash that is
# not the SHA-256 of the canonical text: a forged display cannot be inserted.
MATCH = r"""
CREATE FUNCTION audit_event_matches_canonical() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    record jsonb := NEW.canonical::jsonb;
BEGIN
    IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to(NEW.canonical, 'UTF8')), 'hex')
       OR (record->>'workspace')::bigint IS DISTINCT FROM NEW.workspace_id
       OR (record->>'seq')::bigint IS DISTINCT FROM NEW.seq
       OR (record->>'at')::timestamptz IS DISTINCT FROM NEW."at"
       OR record->'actor' IS DISTINCT FROM NEW.actor
       OR (CASE WHEN record->'actor'->>'type' = 'user'
                THEN (record->'actor'->>'id')::bigint END) IS DISTINCT FROM NEW.actor_user_id
       OR record->>'action' IS DISTINCT FROM NEW.action
       OR record->'object'->>'type' IS DISTINCT FROM NEW.object_type
       OR record->'object'->>'id' IS DISTINCT FROM NEW.object_id
       OR record->'before' IS DISTINCT FROM coalesce(NEW.before, 'null'::jsonb)
       OR record->'after' IS DISTINCT FROM coalesce(NEW.after, 'null'::jsonb)
       OR record->>'reason' IS DISTINCT FROM NEW.reason
       OR record->>'request_id' IS DISTINCT FROM NEW.request_id
       OR record->>'prev_hash' IS DISTINCT FROM NEW.prev_hash THEN
        RAISE EXCEPTION 'audit event %/% differs from its canonical text',
            NEW.workspace_id, NEW.seq USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_event_matches_canonical
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_matches_canonical();
"""

UNMATCH = r"""
DROP TRIGGER audit_event_matches_canonical ON audit_auditevent;
DROP FUNCTION audit_event_matches_canonical();
"""


class Migration(migrations.Migration):
    """An event's query columns must agree with the canonical text that is hashed."""

    dependencies = [("audit", "0004_purge_guard")]
    operations = [migrations.RunSQL(sql=MATCH, reverse_sql=UNMATCH)]
