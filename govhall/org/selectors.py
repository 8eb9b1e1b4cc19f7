from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from govhall.catalog.models import Item
from govhall.org.models import Department, ServiceCentre, StaffProfile, Window
from govhall.org.roles import ROLE_LABELS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def items_for_window(*, window: Window) -> QuerySet[Item]:
    """Items a window may accept: all items in use for a comprehensive (全科) window, else its list."""
    active = Item.objects.filter(status=Item.STATUS_ACTIVE)
    if window.accepts_all_items:
        return active
    return active.filter(windows=window)


def window_accepts(*, window: Window, item: Item) -> bool:
    return item.status == Item.STATUS_ACTIVE and (window.accepts_all_items or window.items.filter(pk=item.pk).exists())


# --- the service network (ORG-2, ORG-3) --------------------------------------------------------


def _sees_whole_network(user) -> bool:
    # The same rule as window_set_items: manage_all_items (system admin) reaches every centre.
    return user.has_perm("org.change_servicecentre") or user.has_perm("catalog.manage_all_items")


def centres_for_user(*, user) -> QuerySet[ServiceCentre]:
    """The centres a user may look at: every one for a system admin; for a centre admin, their own
    centre and the 便民服务中心 and 代办点 under it (the network has three levels)."""
    qs = ServiceCentre.objects.select_related("division", "parent")
    if not (user.has_perm("org.view_servicecentre") or user.has_perm("org.view_window")):
        return qs.none()
    if _sees_whole_network(user):
        return qs
    staff = getattr(user, "staff", None)
    if staff is None or staff.centre_id is None:
        return qs.none()
    own = staff.centre_id
    return qs.filter(Q(pk=own) | Q(parent_id=own) | Q(parent__parent_id=own))


def get_centre_for_user(*, user, centre_id: int) -> ServiceCentre:
    """The centre, or 404 when it does not exist or is outside the user's part of the network."""
    centre = centres_for_user(user=user).filter(pk=centre_id).first()
    if centre is None:
        raise Http404
    return centre


@dataclass
class NetworkRow:
    """One centre in the tree, in display order (a parent before its branches)."""

    centre: ServiceCentre
    depth: int
    window_count: int
    branch_count: int
    hours_as_above: bool  # the same office hours as the row before it ("同上")


_LEVEL_ORDER = {level: n for n, (level, _label) in enumerate(ServiceCentre.LEVEL_CHOICES)}


def service_network(*, user) -> list[NetworkRow]:
    """The user's part of the network as a tree: county centre → 便民服务中心 → 代办点."""
    centres = list(centres_for_user(user=user).annotate(window_count=Count("windows", filter=Q(windows__is_active=True))))
    ids = {c.id for c in centres}
    branches: dict[int, list[ServiceCentre]] = defaultdict(list)
    roots: list[ServiceCentre] = []
    for centre in centres:
        if centre.parent_id in ids:
            branches[centre.parent_id].append(centre)
        else:
            roots.append(centre)

    def key(c: ServiceCentre) -> tuple[int, str, int]:
        return (_LEVEL_ORDER.get(c.level, 9), c.division_id, c.id)

    rows: list[NetworkRow] = []

    def walk(centre: ServiceCentre, depth: int) -> None:
        below = sorted(branches[centre.id], key=key)
        as_above = bool(rows) and bool(centre.hours) and centre.hours == rows[-1].centre.hours
        rows.append(NetworkRow(centre, depth, centre.window_count, len(below), as_above))  # type: ignore[attr-defined]
        for branch in below:
            walk(branch, depth + 1)

    for root in sorted(roots, key=key):
        walk(root, 0)
    return rows


def _active_windows(centre: ServiceCentre) -> QuerySet[Window]:
    active_items = Item.objects.filter(status=Item.STATUS_ACTIVE).select_related("department").order_by("department_id", "code")
    return (
        centre.windows.filter(is_active=True)
        .prefetch_related("departments", Prefetch("items", queryset=active_items, to_attr="active_items"))
        .order_by("number")
    )


@dataclass
class WindowRow:
    window: Window
    departments: list[Department]
    all_departments: bool  # staffed for every department stationed in the centre (综合窗口, 帮办代办 …)
    items: list[Item]  # the active items it accepts, when it does not accept all
    takes_items: bool  # False for 投诉 and 办不成事 windows, which take no applications
    editable: bool  # this user may set its items


@dataclass
class WindowGroup:
    kind: str
    label: StrOrPromise
    windows: list[WindowRow]

    @property
    def has_actions(self) -> bool:
        return any(row.editable for row in self.windows)


@dataclass
class StationedDepartment:
    department: Department
    windows: list[Window]  # its own windows, leaving out those staffed for every department


@dataclass
class CentreWindows:
    groups: list[WindowGroup]
    stationed: list[StationedDepartment]
    window_count: int


# 投诉 and 办不成事 windows hear complaints; nobody applies for an item there.
NO_APPLICATION_KINDS = {Window.KIND_COMPLAINT, Window.KIND_CANT_DO}


def _covers_all(departments: list[Department], stationed: set[int]) -> bool:
    return len(stationed) > 1 and {d.id for d in departments} >= stationed


def centre_windows(*, centre: ServiceCentre, user) -> CentreWindows:
    """The centre's windows grouped by kind (in the order of Window.KIND_CHOICES), and the
    departments stationed there (进驻部门) with their own windows."""
    windows = list(_active_windows(centre))
    editable = set(windows_for_editor(user=user).filter(centre=centre).values_list("id", flat=True))
    departments = {w.id: sorted(w.departments.all(), key=lambda d: d.id) for w in windows}
    stationed_ids = {d.id for depts in departments.values() for d in depts}
    rows = [
        WindowRow(
            window=w,
            departments=departments[w.id],
            all_departments=_covers_all(departments[w.id], stationed_ids),
            items=[] if w.accepts_all_items else w.active_items,  # type: ignore[attr-defined]
            takes_items=w.kind not in NO_APPLICATION_KINDS,
            editable=w.id in editable and not w.accepts_all_items and w.kind not in NO_APPLICATION_KINDS,
        )
        for w in windows
    ]
    groups = [
        WindowGroup(kind, label, [r for r in rows if r.window.kind == kind])
        for kind, label in Window.KIND_CHOICES
        if any(r.window.kind == kind for r in rows)
    ]
    own: dict[int, StationedDepartment] = {}
    for row in rows:
        for department in row.departments:
            entry = own.setdefault(department.id, StationedDepartment(department, []))
            if not row.all_departments:
                entry.windows.append(row.window)
    stationed = sorted(own.values(), key=lambda s: s.department.id)
    return CentreWindows(groups=groups, stationed=stationed, window_count=len(windows))


def stationed_departments(*, centres: list[ServiceCentre]) -> dict[int, list[Department]]:
    """Centre id → the departments stationed there (进驻部门, through its windows in use)."""
    links = (
        Window.departments.through.objects.filter(window__centre__in=centres, window__is_active=True)
        .values_list("window__centre_id", "department_id")
        .distinct()
    )
    pairs = list(links)
    departments = Department.objects.in_bulk({department_id for _centre, department_id in pairs})
    result: dict[int, list[Department]] = defaultdict(list)
    for centre_id, department_id in sorted(pairs):
        result[centre_id].append(departments[department_id])
    return dict(result)


# --- windows and departments for the staff pages ----------------------------------------------


def windows_for_editor(*, user) -> QuerySet[Window]:
    """Windows whose items this user may set: a centre admin's own centre, every centre for a
    system admin (the rule window_set_items enforces)."""
    qs = Window.objects.select_related("centre")
    if not user.has_perm("org.change_window"):
        return qs.none()
    if user.has_perm("catalog.manage_all_items"):
        return qs
    staff = getattr(user, "staff", None)
    if staff is None or staff.centre_id is None:
        return qs.none()
    return qs.filter(centre_id=staff.centre_id)


def get_window_for_editor(*, user, window_id: int) -> Window:
    """The window, or 404 when it does not exist or is not this user's to set."""
    window = windows_for_editor(user=user).filter(pk=window_id).first()
    if window is None:
        raise Http404
    return window


@dataclass
class StaffRow:
    profile: StaffProfile
    roles: list[StrOrPromise]


def staff_of_centre(*, centre: ServiceCentre) -> list[StaffRow]:
    """Staff who work at the centre or at one of its windows, by window number."""
    profiles = (
        StaffProfile.objects.filter(Q(centre=centre) | Q(window__centre=centre), user__is_active=True)
        .select_related("user", "window", "department")
        .prefetch_related("user__groups")
        .order_by(F("window__number").asc(nulls_first=True), "user__username")
    )
    return [
        StaffRow(profile, [ROLE_LABELS.get(g.name, g.name) for g in sorted(profile.user.groups.all(), key=lambda g: g.name)])
        for profile in profiles
    ]


def departments_overview(*, kind: str = "") -> QuerySet[Department]:
    """Implementing bodies with the number of their items in use (`items_in_use`)."""
    qs = Department.objects.select_related("division").annotate(items_in_use=Count("items", filter=Q(items__status=Item.STATUS_ACTIVE)))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("id")


def window_item_counts(*, windows: Iterable[Window]) -> dict[int, int]:
    """Window id → number of active items it accepts, for windows that list their items."""
    links = Window.items.through.objects.filter(window__in=windows, item__status=Item.STATUS_ACTIVE)
    return {row["window_id"]: row["n"] for row in links.values("window_id").annotate(n=Count("item_id"))}
