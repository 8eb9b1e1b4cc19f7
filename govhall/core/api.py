import datetime as dt

from ninja import Router, Schema

from govhall.core import calendar, identifiers

router = Router(tags=["工作日历与证件校验"])


class DateOut(Schema):
    date: dt.date


class DaysOut(Schema):
    days: int


class CheckOut(Schema):
    valid: bool
    value: str
    rule: str
    message: str


@router.get("/calendar/add-working-days", response=DateOut, summary="起算日加N个工作日（起算日不计入）")
def add_working_days(request, start: dt.date, days: int):
    return {"date": calendar.add_working_days(start, days)}


@router.get("/calendar/working-days", response=DaysOut, summary="两日期之间的工作日数（不含start，含end）")
def working_days(request, start: dt.date, end: dt.date):
    return {"days": calendar.working_days_between(start, end)}


@router.get("/calendar/is-working-day", summary="某日是否为工作日")
def is_working_day(request, date: dt.date):
    return {"date": date, "working_day": calendar.is_working_day(date)}


@router.get("/identifiers/check", response=CheckOut, summary="校验统一社会信用代码(uscc)或公民身份号码(ric)")
def check_identifier(request, kind: str, value: str = ""):
    result = identifiers.check(kind, value)
    return {"valid": result.valid, "value": result.value, "rule": result.rule, "message": result.message}
