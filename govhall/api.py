"""The JSON API under /api/: one NinjaAPI, one router per domain area.

Errors everywhere are `{"detail": [{"field": ..., "rule": ..., "message": ...}]}` with a 4xx code.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from govhall.core.errors import DomainError

api = NinjaAPI(
    title="govhall API",
    version="1.0",
    description="旗县政务服务平台接口：事项清单、工作日历、证件校验、行政区划。",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.as_list()}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def request_invalid(request, exc: NinjaValidationError):
    detail = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", [])]
        # Form, file and header errors start with their source ("file", "file"): drop it too.
        if loc and loc[0] in ("form", "file", "header", "cookie"):
            loc = loc[1:]
        loc = [part for part in loc if part not in ("query", "body", "path")]
        detail.append({"field": ".".join(loc), "rule": error.get("type", "invalid"), "message": error.get("msg", "")})
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": [{"field": "", "rule": "not_found", "message": _("对象不存在")}]}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": [{"field": "", "rule": "authentication", "message": _("请先登录")}]}, status=401)


from govhall.agents.api import router as agents_router  # noqa: E402
from govhall.anomalies.api import router as anomalies_router  # noqa: E402
from govhall.bundles.api import router as bundles_router  # noqa: E402
from govhall.cases.api import router as cases_router  # noqa: E402
from govhall.cases.api_notifications import router as notifications_router  # noqa: E402
from govhall.catalog.api import router as catalog_router  # noqa: E402
from govhall.complaints.api import router as complaints_router  # noqa: E402
from govhall.core.api import router as core_router  # noqa: E402
from govhall.crossregion.api import router as crossregion_router  # noqa: E402
from govhall.hall.api import router as hall_router  # noqa: E402
from govhall.histimport.api import router as histimport_router  # noqa: E402
from govhall.licences.api import router as licences_router  # noqa: E402
from govhall.monitor.api import router as monitor_router  # noqa: E402
from govhall.org.api import router as org_router  # noqa: E402
from govhall.ratings.api import router as ratings_router  # noqa: E402
from govhall.shareddata.api import router as shareddata_router  # noqa: E402
from govhall.supervision.api import router as supervision_router  # noqa: E402
from govhall.surveys.api import router as surveys_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/org/", org_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/cases/", cases_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/hall/", hall_router)
api.add_router("/ratings/", ratings_router)
api.add_router("/complaints/", complaints_router)
api.add_router("/licences/", licences_router)
api.add_router("/shareddata/", shareddata_router)
api.add_router("/bundles/", bundles_router)
api.add_router("/crossregion/", crossregion_router)
api.add_router("/agents/", agents_router)
api.add_router("/supervision/", supervision_router)
api.add_router("/anomalies/", anomalies_router)
api.add_router("/monitor/", monitor_router)
api.add_router("/surveys/", surveys_router)
api.add_router("/histimport/", histimport_router)

__all__ = ["api", "django_auth"]
