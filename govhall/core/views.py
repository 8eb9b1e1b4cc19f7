from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from govhall.org.roles import ROLE_LABELS, user_roles


def home(request):
    from govhall.catalog.models import Item, Topic
    from govhall.org.models import Department

    context = {
        "item_count": Item.objects.filter(status=Item.STATUS_ACTIVE).count(),
        "department_count": Department.objects.filter(is_active=True).count(),
        "person_topics": Topic.objects.filter(audience__in=["person", "both"])[:16],
        "enterprise_topics": Topic.objects.filter(audience__in=["enterprise", "both"])[:16],
    }
    return render(request, "core/home.html", context)


@login_required
def staff_home(request):
    roles = [ROLE_LABELS.get(r, r) for r in sorted(user_roles(request.user))]
    return render(request, "core/staff_home.html", {"roles": roles, "profile": getattr(request.user, "staff", None)})
