"""Working-day arithmetic (行政许可法 §82) on the real 2026 arrangement.

2026 Spring Festival: 2026-02-15 (Sun) … 2026-02-23 (Mon) off; 2026-02-14 (Sat) and 2026-02-28 (Sat)
are 调休 working days. National Day + Mid-Autumn: 2026-10-01 … 10-07 off; 2026-09-20 (Sun) and
2026-10-10 (Sat) are 调休 working days.
"""

import datetime as dt

import pytest

from govhall.core import calendar
from govhall.core.calendar_load import load_csv
from govhall.core.errors import ValidationError
from govhall.core.models import CalendarDay

D = dt.date
pytestmark = pytest.mark.django_db


def test_makeup_saturday_before_spring_festival_is_a_working_day():
    assert calendar.is_working_day(D(2026, 2, 14)) is True
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).kind == CalendarDay.KIND_MAKEUP


def test_spring_festival_weekdays_are_not_working_days():
    assert not any(calendar.is_working_day(D(2026, 2, d)) for d in range(15, 24))
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节"


def test_start_day_is_not_counted():
    # Monday 2026-03-02 + 1 working day is Tuesday, not Monday itself.
    assert calendar.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)


def test_zero_days_is_the_same_day_for_instant_items():
    assert calendar.add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)


def test_adding_across_spring_festival_skips_the_holiday_and_counts_makeup_days():
    # From Fri 2026-02-13: Sat 02-14 (调休) is day 1, then 02-24 (Tue) day 2 after the holiday.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 20-day limit (§42) from the Friday before the festival.
    # 02-14, 02-24..27, 02-28 (调休 Saturday), then 14 more ordinary days.
    assert calendar.add_working_days(D(2026, 2, 13), 20) == D(2026, 3, 19)
    assert calendar.is_working_day(D(2026, 2, 28)) is True


def test_national_day_example_of_the_public_api():
    assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_makeup_sunday_before_national_day_counts():
    assert calendar.is_working_day(D(2026, 9, 20)) is True
    assert calendar.add_working_days(D(2026, 9, 19), 1) == D(2026, 9, 20)


def test_working_days_between_excludes_start_and_includes_end():
    assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert calendar.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == 0
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_pause_days_do_not_count():
    # Without a pause 5 days from Mon 2026-03-02 ends Mon 03-09; pausing Tue–Thu moves it 3 days.
    assert calendar.add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    paused = [(D(2026, 3, 3), D(2026, 3, 5))]
    assert calendar.add_working_days(D(2026, 3, 2), 5, pauses=paused) == D(2026, 3, 12)
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 3, 12), pauses=paused) == 5


def test_remaining_days_negative_when_overdue():
    assert calendar.remaining_working_days(D(2026, 3, 2), D(2026, 3, 4)) == 2
    assert calendar.remaining_working_days(D(2026, 3, 6), D(2026, 3, 4)) == -2


def test_year_not_loaded_is_an_explicit_error_naming_the_year():
    with pytest.raises(ValidationError) as exc:
        calendar.is_working_day(D(2027, 1, 4))
    assert "2027" in exc.value.errors[0].message
    assert exc.value.errors[0].rule == "calendar_year"


def test_adding_past_the_last_loaded_year_is_an_error_not_a_guess():
    with pytest.raises(ValidationError) as exc:
        calendar.add_working_days(D(2026, 12, 20), 30)
    assert "2027" in exc.value.errors[0].message


def test_negative_days_refused():
    with pytest.raises(ValidationError) as exc:
        calendar.add_working_days(D(2026, 3, 2), -1)
    assert exc.value.errors[0].field == "days"


def test_csv_loads_a_new_year_and_arithmetic_crosses_into_it(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,makeup,春节\n"
        + "".join(f"2027-02-{d:02d},holiday,春节\n" for d in range(10, 18)),
        encoding="utf-8",
    )
    assert load_csv(path) == {2027: 365}
    assert calendar.is_working_day(D(2027, 2, 6)) is True  # Saturday made a working day
    assert calendar.is_working_day(D(2027, 2, 10)) is False
    # 2026-12-31 (Thu) + 1: 2027-01-01 is a holiday, so Monday 2027-01-04.
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_csv_with_a_bad_row_loads_nothing_and_names_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-05,makeup,调休\n2027-13-01,holiday,x\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_csv(path)
    messages = [e.message for e in exc.value.errors]
    assert any("第3行" in m and "调休" in m for m in messages)  # 2027-01-05 is a Tuesday
    assert any("第4行" in m for m in messages)
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_uploaded_csv_text_loads_through_the_service_and_needs_permission(county):
    from govhall.core.errors import PermissionDenied
    from govhall.core.services import calendar_csv_load

    text = "\ufeffdate,kind,name\n2027-01-01,holiday,元旦\n"
    with pytest.raises(PermissionDenied):
        calendar_csv_load(actor=county.users["clerk"], text=text, filename="2027.csv")
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert calendar_csv_load(actor=county.users["sysadmin"], text=text, filename="2027.csv") == {2027: 365}
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).name == "元旦"
