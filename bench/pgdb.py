"""PostgreSQL databases for the case benchmarks.

The case benchmarks run on PostgreSQL (GOVHALL_BENCH_PG, default postgres://postgres@127.0.0.1:5432),
never on the SQLite database the other benchmarks use. One base database holds the migrated schema,
the reference data and the demo county (`load_demo`, about a minute); the others are copied from it
with CREATE DATABASE … TEMPLATE, which takes seconds, and are kept between runs so the million
cases are generated once.

Django code for a database runs in a child process (`run_django`): the settings read DATABASE_URL
once, at start, and the parent process of `make bench` is set up for SQLite.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("GOVHALL_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
BASE_DB = "govhall_bench_base"


def url(database: str) -> str:
    return f"{SERVER}/{database}"


def unavailable_reason() -> str:
    """Why PostgreSQL cannot be used ("" when it can)."""
    try:
        with psycopg.connect(url("postgres"), connect_timeout=3) as conn:
            version = conn.execute("show server_version_num").fetchone()
    except psycopg.Error as exc:
        return f"no PostgreSQL at {SERVER} ({str(exc).strip().splitlines()[0]})"
    if version is None or int(version[0]) < 150000:
        return "PostgreSQL 15 or later is needed"
    return ""


def connect(database: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url(database), **kwargs)


def exists(database: str) -> bool:
    with connect("postgres", autocommit=True) as conn:
        return conn.execute("select 1 from pg_database where datname = %s", [database]).fetchone() is not None


def drop(database: str) -> None:
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{database}" with (force)')


def meta_get(database: str, key: str) -> str | None:
    with connect(database) as conn:
        conn.execute("create table if not exists bench_meta (key text primary key, value text not null)")
        row = conn.execute("select value from bench_meta where key = %s", [key]).fetchone()
        return row[0] if row else None


def meta_set(conn: psycopg.Connection, key: str, value: str) -> None:
    conn.execute("create table if not exists bench_meta (key text primary key, value text not null)")
    conn.execute(
        "insert into bench_meta (key, value) values (%s, %s) on conflict (key) do update set value = excluded.value",
        [key, value],
    )


def _fingerprint(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def schema_fingerprint() -> str:
    return _fingerprint(ROOT.glob("govhall/*/migrations/*.py"))


def demo_fingerprint() -> str:
    """Changes when the migrations or the demo county change: the base database is then rebuilt."""
    return _fingerprint([*ROOT.glob("govhall/*/migrations/*.py"), *(ROOT / "govhall" / "demo").rglob("*")])


def child_env(database: str, var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=url(database), GOVHALL_VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="govhall.settings", PYTHONUNBUFFERED="1")
    return env


def run_django(database: str, args: list[str], *, var_dir: str, capture: bool = False) -> str:
    """Run `python <args>` (a manage.py command or a bench module) against `database`."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=child_env(database, var_dir),
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed on {database}:\n{result.stderr[-3000:]}")
    return result.stdout or ""


def ensure_base(*, var_dir: str, log=print) -> None:
    """The base database: schema, reference data (calendar, divisions) and the demo county."""
    fingerprint = demo_fingerprint()
    if exists(BASE_DB) and meta_get(BASE_DB, "demo") == fingerprint:
        return
    log(f"  building {BASE_DB}: migrate, setup_reference_data, load_demo (a few minutes)…")
    drop(BASE_DB)
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'create database "{BASE_DB}"')
    manage = str(ROOT / "manage.py")
    run_django(BASE_DB, [manage, "migrate", "--noinput", "-v", "0"], var_dir=var_dir, capture=True)
    run_django(BASE_DB, [manage, "setup_reference_data"], var_dir=var_dir, capture=True)
    run_django(BASE_DB, [manage, "load_demo"], var_dir=var_dir, capture=True)
    with connect(BASE_DB, autocommit=True) as conn:
        conn.execute("vacuum analyze")
        meta_set(conn, "demo", fingerprint)
        meta_set(conn, "schema", schema_fingerprint())


def ensure_copy(database: str, *, var_dir: str, without_cases: bool = False) -> bool:
    """A copy of the base database; True when it was made now. An existing copy is kept (its
    generated cases are expensive) and only migrated when the migrations changed. `without_cases`
    empties the case tables of the copy (the demo county's own two months of cases)."""
    schema = schema_fingerprint()
    if exists(database):
        if meta_get(database, "schema") != schema:
            run_django(database, [str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"], var_dir=var_dir, capture=True)
            with connect(database) as conn:
                meta_set(conn, "schema", schema)
        return False
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'create database "{database}" template "{BASE_DB}"')
    with connect(database) as conn:
        if without_cases:
            conn.execute("truncate cases_case, cases_casenumbercounter, cases_documentcounter, cases_caseloghead restart identity cascade")
        meta_set(conn, "schema", schema)
    return True


# --- bulk loading ----------------------------------------------------------------------------------

# COPY's text format, written by hand (cheaper than psycopg's write_row at these row counts):
# tab-separated, \N for NULL, backslash escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)  # numbers; dates and aware datetimes in ISO form


def copy_rows(cur, target: str, rows) -> None:
    with cur.copy(f"copy {target} from stdin") as copy:
        buffer = []
        for row in rows:
            buffer.append("\t".join(map(_field, row)))
            if len(buffer) >= 5000:
                copy.write("\n".join(buffer) + "\n")
                buffer = []
        if buffer:
            copy.write("\n".join(buffer) + "\n")


def meta(conn, key: str) -> str | None:
    """`meta_get` on an open connection (inside its transaction)."""
    row = conn.execute("select value from bench_meta where key = %s", [key]).fetchone()
    return row[0] if row else None


def indexes_off(conn, tables: list[str]) -> None:
    """Drop the secondary indexes and unique constraints of tables about to get millions of rows;
    `indexes_on` builds them once at the end (building a btree beats millions of random inserts by
    far). The definitions are kept in bench_meta, so an interrupted run restores them too."""
    if meta(conn, "scale_indexes") is not None:
        return
    rows = conn.execute(
        """
        select i.tablename, i.indexname, i.indexdef, c.contype, pg_get_constraintdef(c.oid)
        from pg_indexes i
        left join pg_constraint c on c.conname = i.indexname and c.conrelid = i.tablename::regclass
        where i.schemaname = 'public' and i.tablename = any(%s) and c.contype is distinct from 'p'
        """,
        [tables],
    ).fetchall()
    meta_set(conn, "scale_indexes", json.dumps(rows))
    for table, name, _indexdef, contype, _condef in rows:
        conn.execute(f'alter table "{table}" drop constraint "{name}"' if contype else f'drop index "{name}"')
    conn.commit()


def indexes_on(conn, log) -> None:
    saved = meta(conn, "scale_indexes")
    if saved is None:
        return
    started = time.perf_counter()
    conn.execute("set maintenance_work_mem = '512MB'")
    for table, name, indexdef, contype, condef in json.loads(saved):
        if conn.execute("select 1 from pg_class where relname = %s", [name]).fetchone():
            continue
        conn.execute(f'alter table "{table}" add constraint "{name}" {condef}' if contype else indexdef)
        conn.commit()
    conn.execute("delete from bench_meta where key = 'scale_indexes'")
    conn.commit()
    log(f"  indexes rebuilt in {time.perf_counter() - started:,.0f} s")
