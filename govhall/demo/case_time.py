"""Working time for the demo cases: the working days of the last two months (from the county's
calendar) and plausible moments in Hulunbuir's office hours, so that every demo action happens when
a clerk or an approver would really have been at work."""

from __future__ import annotations

import bisect
import datetime as dt
import random

from django.utils import timezone

from govhall.core.calendar import is_working_day


class WorkingTime:
    def __init__(self, *, now: dt.datetime, days_back: int):
        self.cutoff = timezone.localtime(now) - dt.timedelta(minutes=5)
        self.today = self.cutoff.date()
        self.first_date = self.today - dt.timedelta(days=days_back)
        dates = [self.first_date + dt.timedelta(days=n) for n in range(days_back + 1)]
        self.days = [d for d in dates if is_working_day(d)]
        self.day_set = set(self.days)
        # The last working day with room for work before now (today once the hall has been open an hour).
        last = len(self.days) - 1
        if self.days[last] == self.today and self._limit(self.today) - self.minute(self.today, 8 * 60 + 30) < dt.timedelta(hours=1):
            last -= 1
        self.last = last

    def minute(self, day: dt.date, minute: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))

    def _limit(self, day: dt.date) -> dt.datetime:
        """The end of the working day, or a little before now on today."""
        end = self.minute(day, 17 * 60 + 30 if 5 <= day.month <= 9 else 17 * 60)
        return min(end, self.cutoff) if day == self.today else end

    def _segments(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        # Hulunbuir's office hours: 8:30-12:00, and 14:30-17:30 in summer or 14:00-17:00 in winter.
        # Today both end by the cutoff: a morning moment after it would be in the future, and the
        # case planned then would silently not be made (the load runs at any hour).
        afternoon = 14 * 60 + 30 if 5 <= day.month <= 9 else 14 * 60
        noon = min(self.minute(day, 12 * 60), self._limit(day))
        return [(self.minute(day, 8 * 60 + 30), noon), (self.minute(day, afternoon), self._limit(day))]

    def index_on_or_after(self, day: dt.date) -> int:
        return bisect.bisect_left(self.days, day)

    def work_time(self, rng: random.Random, index: int, after: dt.datetime | None = None, gap: tuple[int, int] = (5, 90)) -> dt.datetime:
        """A moment in the office hours of working day `index`, at least a gap after `after`; the
        next working day when the day has no room left, and past the cutoff when none has."""
        while index < len(self.days):
            day = self.days[max(index, 0)]
            lower = after + dt.timedelta(minutes=rng.randint(*gap)) if after is not None and after.date() >= day else None
            spans = []
            for start, end in self._segments(day):
                start = max(start, lower) if lower is not None else start
                if end > start:
                    spans.append((start, end))
            total = sum((end - start).total_seconds() for start, end in spans)
            if total > 60:
                # Later the same day, the next step tends to follow soon rather than at closing time.
                offset = total * (rng.random() ** 2 if lower is not None else rng.random())
                for start, end in spans:
                    length = (end - start).total_seconds()
                    if offset <= length:
                        return start + dt.timedelta(seconds=int(offset))
                    offset -= length
            index += 1
            after = None
        return self.cutoff + dt.timedelta(days=1)

    def later(self, rng: random.Random, now: dt.datetime, days: int = 0, gap: tuple[int, int] = (5, 90)) -> dt.datetime:
        """The next action, `days` working days after `now` (0: the same day if there is room)."""
        local = timezone.localtime(now)
        base = self.index_on_or_after(local.date())
        on_working_day = base < len(self.days) and self.days[base] == local.date()
        if days == 0 and on_working_day:
            return self.work_time(rng, base, after=local, gap=gap)
        return self.work_time(rng, base + days - (0 if on_working_day else 1), after=local, gap=gap)

    def soon(self, rng: random.Random, now: dt.datetime, gap: tuple[int, int]) -> dt.datetime:
        """A few minutes later, in the same visit or sitting; the next opening hour if the office
        closed in between."""
        moment = timezone.localtime(now) + dt.timedelta(minutes=rng.randint(*gap))
        if any(start <= moment <= end for start, end in self._segments(moment.date())) and moment.date() in self.day_set:
            return moment
        return self.later(rng, moment, 0, gap=gap)

    def applicant_time(self, rng: random.Random, before: dt.datetime, *, max_days: int = 2) -> dt.datetime:
        """When someone applies online: any day, mostly daytime, some in the evening; before `before`."""
        for _attempt in range(20):
            day = timezone.localtime(before).date() - dt.timedelta(days=rng.randint(0, max_days))
            minute = rng.randint(7 * 60, 18 * 60) if rng.random() < 0.7 else rng.randint(19 * 60, 23 * 60 + 30)
            moment = self.minute(day, minute)
            if moment < before and day >= self.first_date:
                return moment
        return before - dt.timedelta(minutes=rng.randint(20, 120))
