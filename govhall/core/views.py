from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from govhall.org.roles import ROLE_LABELS, user_roles


def home(request):
    from govhall.catalog.models import Item
    from govhall.catalog.selectors import topics_by_audience
    from govhall.org.models import Department

    people, enterprises = topics_by_audience()

    context = {
        "item_count": Item.objects.filter(status=Item.STATUS_ACTIVE).count(),
        "department_count": Department.objects.filter(is_active=True).count(),
        "person_topics": people,
        "enterprise_topics": enterprises,
        "departments": Department.objects.filter(is_active=True)
        .annotate(n=Count("items", filter=Q(items__status=Item.STATUS_ACTIVE)))
        .filter(n__gt=0)
        .order_by("kind", "id"),
    }
    return render(request, "core/home.html", context)


@login_required
def staff_home(request):
    roles = [ROLE_LABELS.get(r, r) for r in sorted(user_roles(request.user))]
    return render(request, "core/staff_home.html", {"roles": roles, "profile": getattr(request.user, "staff", None)})
