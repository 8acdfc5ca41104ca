import django.contrib.postgres.fields
from django.db import migrations, models

# Verdicts and published claims keep the rating's words as they were; existing rows get
# the words their rating has today (the best that can be known of the past).
BACKFILL = r"""
UPDATE claims_verdict v
   SET rating_label = r.label, rating_value = r.value, rating_colour = r.colour,
       scale_best = b.best, scale_worst = b.worst,
       restatement = c.restatement, claimant = c.claimant
  FROM claims_rating r, claims_claim c,
       LATERAL (SELECT max(value) AS best, min(value) AS worst FROM claims_rating s
                 WHERE s.workspace_id = r.workspace_id) b
 WHERE r.id = v.rating_id AND c.id = v.claim_id;

UPDATE claims_claim c
   SET rating_label = r.label, rating_value = r.value, rating_colour = r.colour,
       rating_best = b.best, rating_worst = b.worst
  FROM claims_rating r,
       LATERAL (SELECT max(value) AS best, min(value) AS worst FROM claims_rating s
                 WHERE s.workspace_id = r.workspace_id) b
 WHERE r.id = c.rating_id;
"""

# A published claim's public words (its quote and anchor, restatement, claimant, status
# and verdict) change only inside the workflow's own statements, which set the
# transaction-local `sanad.claim_workflow` for exactly those statements. Tags, assignee
# and the version stay free. A decided verdict never changes, but for a published one
# being superseded by its correction.
FROZEN = r"""
CREATE FUNCTION claims_claim_published_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('published', 'corrected')
       AND coalesce(current_setting('sanad.claim_workflow', true), '') <> 'on'
       AND (NEW.status, NEW.restatement, NEW.claimant, NEW.snapshot_id, NEW.start, NEW."end",
            NEW.exact, NEW.prefix, NEW.suffix, NEW.anchor_state, NEW.article_id,
            NEW.rating_id, NEW.rating_label, NEW.rating_value, NEW.rating_colour,
            NEW.rating_best, NEW.rating_worst, NEW.verdict_summary)
           IS DISTINCT FROM
           (OLD.status, OLD.restatement, OLD.claimant, OLD.snapshot_id, OLD.start, OLD."end",
            OLD.exact, OLD.prefix, OLD.suffix, OLD.anchor_state, OLD.article_id,
            OLD.rating_id, OLD.rating_label, OLD.rating_value, OLD.rating_colour,
            OLD.rating_best, OLD.rating_worst, OLD.verdict_summary) THEN
        RAISE EXCEPTION 'claim % is published: it changes only through an approved correction',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER claims_claim_published_frozen
    BEFORE UPDATE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_published_frozen();

CREATE FUNCTION claims_verdict_decided_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'proposed'
       AND ((NEW.rating_id, NEW.rating_label, NEW.rating_value, NEW.rating_colour,
             NEW.scale_best, NEW.scale_worst, NEW.restatement, NEW.claimant, NEW.summary,
             NEW.correction_note, NEW.proposed_by_id, NEW.decided_by_id, NEW.decided_at,
             NEW.published_at, NEW.claim_id)
            IS DISTINCT FROM
            (OLD.rating_id, OLD.rating_label, OLD.rating_value, OLD.rating_colour,
             OLD.scale_best, OLD.scale_worst, OLD.restatement, OLD.claimant, OLD.summary,
             OLD.correction_note, OLD.proposed_by_id, OLD.decided_by_id, OLD.decided_at,
             OLD.published_at, OLD.claim_id)
            OR (NEW.state <> OLD.state
                AND NOT (OLD.state = 'published' AND NEW.state = 'superseded'))) THEN
        RAISE EXCEPTION 'verdict % was decided and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER claims_verdict_decided_frozen
    BEFORE UPDATE ON claims_verdict
    FOR EACH ROW EXECUTE FUNCTION claims_verdict_decided_frozen();
"""

UNFROZEN = r"""
DROP TRIGGER claims_verdict_decided_frozen ON claims_verdict;
DROP FUNCTION claims_verdict_decided_frozen();
DROP TRIGGER claims_claim_published_frozen ON claims_claim;
DROP FUNCTION claims_claim_published_frozen();
"""


class Migration(migrations.Migration):
    """Verdicts keep the words they were published with; published claims are frozen."""

    dependencies = [("claims", "0004_claim_relations")]

    operations = [
        migrations.AddField(
            model_name="rating",
            name="former_labels",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=80), blank=True, default=list, size=None
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="rating_label",
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name="claim",
            name="rating_value",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="rating_colour",
            field=models.CharField(blank=True, max_length=7),
        ),
        migrations.AddField(
            model_name="claim",
            name="rating_best",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="rating_worst",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="verdict",
            name="rating_label",
            field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verdict",
            name="rating_value",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="verdict",
            name="rating_colour",
            field=models.CharField(default="", max_length=7),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verdict",
            name="scale_best",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="verdict",
            name="scale_worst",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="verdict",
            name="restatement",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="verdict",
            name="claimant",
            field=models.CharField(blank=True, max_length=300),
        ),
        # The backfill only fills columns this migration adds; going back drops them.
        migrations.RunSQL(sql=BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="verdict",
            constraint=models.CheckConstraint(
                condition=~models.Q(rating_label=""), name="verdict_rating_label_not_empty"
            ),
        ),
        migrations.RunSQL(sql=FROZEN, reverse_sql=UNFROZEN),
    ]
