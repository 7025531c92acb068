from django import template

from ..saved_filters import clean_query

register = template.Library()


@register.inclusion_tag("projects/_saved_filters.html", takes_context=True)
def saved_filters(context):
    request = context["request"]
    mine = list(request.user.saved_filters.values_list("pk", "name", "query"))
    current = clean_query(request.GET.urlencode())
    return {
        "saved": [
            {"pk": pk, "name": name, "query": q, "active": q == current} for pk, name, q in mine
        ],
        "current": current,
        "csrf_token": context.get("csrf_token"),
    }
