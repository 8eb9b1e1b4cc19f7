"""The applicants of the generated cases (bench/cases_data.py): persons with valid 公民身份号码, 70%
with an online account, and enterprises with valid 统一社会信用代码 and a person as legal
representative, written with COPY."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
SEED = "govhall-people"
ONLINE_SHARE = 0.7
SHOP_NAMES = "草原 呼伦 巴尔虎 克鲁伦 金帐 白音 阿拉坦 宝力格 乌兰 额尔古纳 贝尔湖 达赉 宝格德 蒙源".split()
# (统一社会信用代码 registration authority and type, trade): 92 个体工商户, 93 合作社, 91 企业.
TRADES = [
    ("92", "百货商店"),
    ("92", "餐馆"),
    ("92", "奶食品店"),
    ("92", "汽车修理部"),
    ("92", "牧家乐"),
    ("92", "宾馆"),
    ("93", "牧业专业合作社"),
    ("91", "商贸有限公司"),
    ("91", "建筑工程有限公司"),
    ("91", "旅游服务有限公司"),
    ("91", "畜产品加工有限公司"),
]
ORGANISATION_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STREETS = ["宝格德", "阿拉坦", "呼伦", "贝尔", "克尔伦", "达赉"]


@dataclass
class People:
    persons: list[tuple[int, int | None, int]]  # (person id, user id, birth year)
    enterprises: list[tuple[int, int | None]]  # (enterprise id, the legal representative's user id)


def phone_number(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + str(rng.randint(0, 9)) + f"{rng.randint(0, 99_999_999):08d}"


def person_name(rng: random.Random) -> str:
    from govhall.demo.people import HAN_GIVEN, HAN_SURNAMES, MONGOLIAN_GIVEN, MONGOLIAN_SURNAMES

    if rng.random() < 0.4:
        return rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN)
    return rng.choice(MONGOLIAN_SURNAMES) + rng.choice(MONGOLIAN_GIVEN)


def ric_number(rng: random.Random, birth: dt.date) -> str:
    from stdnum.cn import ric

    # 新巴尔虎右旗 is 150727 since 2001 and was 152127 before (the code of the birth year counts).
    region = "150727" if birth.year >= 2001 else "152127"
    body = f"{region}{birth:%Y%m%d}{rng.randint(1, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def make_people(conn, *, persons: int, enterprises: int, log) -> None:
    """Insert the applicants (in the caller's transaction)."""
    from stdnum.cn import ric

    from govhall.core.identifiers import check, make_uscc

    rng = random.Random(SEED)
    towns = [row[0] for row in conn.execute("select division_id from org_department where kind = 'township' order by id")]
    now = dt.datetime.now(TZ)
    # Not the numbers or usernames of people already there (the demo county's applicants).
    numbers: set[str] = {row[0] for row in conn.execute("select id_number from applicants_person")}
    phones: set[str] = {row[0] for row in conn.execute("select username from auth_user")}
    rows: list[tuple[str, str, str, str, dt.datetime, bool]] = []
    while len(rows) < persons:
        birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randint(0, 22_600))  # 1945–2006
        number = ric_number(rng, birth)
        if number in numbers:
            continue
        ric.validate(number)  # a wrong number here is a bug in this generator
        numbers.add(number)
        phone = phone_number(rng)
        while phone in phones:
            phone = phone_number(rng)
        phones.add(phone)
        joined = dt.datetime(2016, 1, 1, tzinfo=TZ) + dt.timedelta(seconds=rng.randint(0, 10 * 365 * 86400))
        rows.append((person_name(rng), number, phone, rng.choice(towns), min(joined, now), rng.random() < ONLINE_SHARE))
    with conn.cursor() as cur:
        user_columns = "password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined"
        with cur.copy(f"copy auth_user ({user_columns}) from stdin") as copy:
            for name, _number, phone, _town, joined, online in rows:
                if online:  # an unusable password: these accounts are for the lists, not for logging in
                    copy.write_row(("!" + uuid.UUID(int=rng.getrandbits(128)).hex, False, phone, name, "", "", False, True, joined))
        online_phones = [row[2] for row in rows if row[5]]
        users = dict(cur.execute("select username, id from auth_user where username = any(%s)", [online_phones]).fetchall())
        with cur.copy("copy applicants_person (name, id_number, phone, address, division_id, user_id, created_at) from stdin") as copy:
            for name, number, phone, town, joined, online in rows:
                address = f"新巴尔虎右旗{rng.choice(STREETS)}路{rng.randint(1, 300)}号"
                copy.write_row((name, number, phone, address, town, users.get(phone) if online else None, joined))
        owners = cur.execute("select id, name from applicants_person order by id").fetchall()
        codes: set[str] = {row[0] for row in conn.execute("select uscc from applicants_enterprise")}
        columns = "name, uscc, legal_representative_name, legal_representative_id, address, phone, created_at"
        with cur.copy(f"copy applicants_enterprise ({columns}) from stdin") as copy:
            made = 0
            while made < enterprises:
                registration, trade = rng.choice(TRADES)
                code = make_uscc(registration, "150727", "".join(rng.choice(ORGANISATION_ALPHABET) for _ in range(8)))
                if code in codes or not check("uscc", code).valid:
                    continue
                codes.add(code)
                owner_id, owner_name = owners[rng.randrange(len(owners))]
                name = f"新巴尔虎右旗{rng.choice(SHOP_NAMES)}{rng.choice(SHOP_NAMES)}{trade}"
                created = min(dt.datetime(2012, 1, 1, tzinfo=TZ) + dt.timedelta(seconds=rng.randint(0, 14 * 365 * 86400)), now)
                address = f"新巴尔虎右旗阿拉坦额莫勒镇{rng.randint(1, 400)}号"
                copy.write_row((name, code, owner_name, owner_id, address, phone_number(rng), created))
                made += 1
    log(f"  applicants: {persons:,} persons ({len(users):,} with an online account), {enterprises:,} enterprises")


def load_people(conn) -> People:
    persons = [
        (pid, uid, int(number[6:10]))
        for pid, uid, number in conn.execute("select id, user_id, id_number from applicants_person order by id")
    ]
    enterprises = conn.execute(
        "select e.id, p.user_id from applicants_enterprise e left join applicants_person p on p.id = e.legal_representative_id order by e.id"
    ).fetchall()
    return People(persons=persons, enterprises=[(eid, uid) for eid, uid in enterprises])
