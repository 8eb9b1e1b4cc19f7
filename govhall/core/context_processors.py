from django.conf import settings


def site(request):
    return {"GOVHALL_PUBLIC_URL": settings.GOVHALL_PUBLIC_URL}
