from typing import Any

from django.db.models import Q, QuerySet

from app.audit.models import AuditEvent
from app.workspaces.access import workspace_ids_for


def events_for_claim(*, user: Any, claim: Any) -> QuerySet[AuditEvent]:
    """The claim's history: its own events and those of its evidence and comments."""
    return (
        AuditEvent.objects.filter(
            workspace_id__in=workspace_ids_for(user), workspace_id=claim.workspace_id
        )
        .filter(Q(object_type="claim", object_id=str(claim.pk)) | Q(after__claim=claim.pk))
        .order_by("seq")
    )
