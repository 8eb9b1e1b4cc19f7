from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from govhall.org.models import Division

router = Router(tags=["组织机构"])


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None


class DivisionList(Schema):
    count: int
    items: list[DivisionOut]


def _out(d: Division) -> dict:
    return {"code": d.code, "name": d.name, "level": d.level, "parent_code": d.parent_id}


@router.get("/divisions/{code}", response=DivisionOut, summary="一个行政区划")
def division(request, code: str):
    return _out(get_object_or_404(Division, code=code))


@router.get("/divisions/{code}/children", response=DivisionList, summary="下级行政区划")
def division_children(request, code: str):
    parent = get_object_or_404(Division, code=code)
    children = [_out(d) for d in parent.children.order_by("code")]
    return {"count": len(children), "items": children}
