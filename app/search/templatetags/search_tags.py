from django import template

from app.claims.relations import related_claims
from app.search.selectors import similar_claims

register = template.Library()


@register.inclusion_tag("search/_already_checked.html", takes_context=True)
def already_checked(context, claim, workspace, can_edit=False):
    """The claim panel's related claims and the earlier claims that say the same thing."""
    user = context["request"].user
    return {
        "claim": claim,
        "workspace": workspace,
        "can_edit": can_edit,
        "csrf_token": context.get("csrf_token"),
        "related": related_claims(claim),
        "similar": similar_claims(
            user=user,
            workspace=workspace,
            texts=[claim.exact, claim.restatement],
            exclude_claim_id=claim.pk,
        ),
    }
