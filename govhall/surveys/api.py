"""JSON API of surveys under /api/surveys/ (same permissions as the staff pages; out of reach is 404).

- `GET /` the surveys the user may see, with invitations, responses and 满意度.
- `GET /{id}/results` one survey's results per unit (a department admin: their department only).
"""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.security import django_auth

from govhall.surveys.models import Survey
from govhall.surveys.selectors import Results, get_survey_for_user, scope_for_user, survey_results, surveys_for_user

router = Router(tags=["满意度调查"], auth=django_auth)


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _survey(survey: Survey, results: Results | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": survey.pk,
        "title": survey.title,
        "target": survey.target,
        "target_label": str(survey.get_target_display()),
        "status": survey.status,
        "status_label": str(survey.get_status_display()),
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": survey.closes_on.isoformat(),
        "sample_per_unit": survey.sample_per_unit,
        "lookback_days": survey.lookback_days,
    }
    if results is not None:
        out.update(
            invited=results.invited,
            responded=results.responded,
            response_rate=_round(results.response_rate),
            satisfied=results.satisfied,
            ratings=results.ratings,
            satisfaction=_round(results.satisfaction),
        )
    return out


@router.get("/")
def survey_list(request) -> dict[str, Any]:
    scope = scope_for_user(request.user)
    surveys = surveys_for_user(user=request.user)
    return {"surveys": [_survey(s, survey_results(s, scope) if s.status != Survey.STATUS_DRAFT else None) for s in surveys]}


@router.get("/{survey_id}/results")
def results(request, survey_id: int) -> dict[str, Any]:
    survey, scope = get_survey_for_user(user=request.user, survey_id=survey_id)
    found = survey_results(survey, scope)
    return {
        **_survey(survey, found),
        "units": [
            {
                "key": u.key,
                "name": u.name,
                "invited": u.invited,
                "responded": u.responded,
                "response_rate": _round(u.response_rate),
                "satisfied": u.satisfied,
                "ratings": u.ratings,
                "satisfaction": _round(u.satisfaction),
                "average": _round(u.average),
                "questions": [
                    {
                        "text": q.question.text,
                        "levels": {str(level): n for level, n in q.levels.items()},
                        "satisfaction": _round(q.satisfaction),
                        "average": _round(q.average),
                    }
                    for q in u.questions
                ],
                "comments": u.comments,
            }
            for u in found.units
        ],
    }
