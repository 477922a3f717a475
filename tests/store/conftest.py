"""Fixtures of the store tests: every store test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started once per test run from the Debian ``postgresql`` binaries, as the
``postgres`` user when the tests run as root, on 127.0.0.1 and a free port, in a temporary folder; each test
gets a fresh database on it. Without the binaries the PostgreSQL half of the tests fails and says what to
install (``make test`` installs them).
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pandas as pd
import pytest

from portal.model import DatasetConfig, Mapping

BACKENDS = ("sqlite", "postgresql")


def _pg_bindir() -> Path | None:
    """Return the folder of the PostgreSQL server binaries, or None when they are not installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL server for the tests."""

    host: str
    port: int
    user: str

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction on the server's ``postgres`` database."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)


@pytest.fixture(scope="package")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL server for the store tests; fail (not skip) when it cannot be had."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed, and the store tests run against a real server. Install the "
                    "Debian package 'postgresql' (apt-get install -y postgresql), as `make test` does.")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("The PostgreSQL driver is missing: install the project with its dependencies "
                    "(pip install -e '.[test]'), which include psycopg[binary].")
    base = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    data, log = base / "data", base / "server.log"
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:  # initdb refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True)
        for attempt in range(3):  # another process may take the free port before the server does
            port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
            started = subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o",
                                      options, "-w", "-t", "60", "start"], capture_output=True)
            if started.returncode == 0:
                break
            if attempt == 2:
                raise subprocess.CalledProcessError(started.returncode, "pg_ctl start", stderr=started.stderr)
    except subprocess.CalledProcessError as err:
        details = (err.stderr or b"").decode(errors="replace")
        if log.exists():
            details += log.read_text(errors="replace")
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"Could not start the test PostgreSQL server: {details.strip()[-2000:]}")
    try:
        yield PostgresServer("127.0.0.1", port, "postgres")
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database kind a test runs on."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a fresh, empty store database on the test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    server.admin(f'CREATE DATABASE "{name}"')
    try:
        yield server.url(name)
    finally:
        server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Batch:
    """What validation would hand the store for one file: configuration, canonical rows and raw text."""

    config: DatasetConfig
    canonical: pd.DataFrame
    raw: pd.DataFrame


Row = dict[str, str | None]


def build(rows: list[Row], *, segments: tuple[str, ...] = (), id_column: str | None = "ID") -> Batch:
    """Turn rows of file text into what validation produces (a small stand-in for the real pipeline).

    Columns: ``ID`` (the id), ``Customer``, ``Date`` (ISO), ``Score`` (NPS), ``Stars`` (rating), ``Revenue``,
    ``Brand``, ``Comment``; any other column is kept in raw only (name it in ``segments`` to make it a
    segment). Without an id column the row key is ``h:<hash of the row>:<occurrence>``, as upstream does
    for rows that repeat.
    """
    columns: list[str] = []
    for row in rows:
        for column in row:
            if column not in columns:
                columns.append(column)
    raw = pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=columns, dtype=object)

    def col(name: str) -> list[str | None]:
        return [row.get(name) for row in rows]

    hashes = [hashlib.sha256(orjson.dumps([row.get(c) for c in columns])).hexdigest() for row in rows]
    if id_column:
        keys = [f"id:{v}" for v in col(id_column)]
    else:
        seen: dict[str, int] = {}
        keys = []
        for h in hashes:
            seen[h] = seen.get(h, 0) + 1
            keys.append(f"h:{h[:16]}:{seen[h]}")

    def num(name: str) -> list[float]:
        return [float(v.replace(",", "")) if v not in (None, "") else float("nan") for v in col(name)]

    canonical = pd.DataFrame({
        "row_key": pd.Series(keys, dtype=object),
        "response_id": pd.Series(col(id_column) if id_column else [None] * len(rows), dtype=object),
        "customer": pd.Series(col("Customer"), dtype=object),
        "date": pd.to_datetime(pd.Series(col("Date"), dtype=object)).astype("datetime64[ns]"),
        "nps": num("Score"),
        "csat": [float("nan")] * len(rows),
        "rating": num("Stars"),
        "value": num("Revenue"),
        "brand": pd.Series(col("Brand"), dtype=object),
        "comment": pd.Series(col("Comment"), dtype=object),
        "content_hash": pd.Series(hashes, dtype=object),
    })
    mapping = Mapping(
        id=id_column if id_column and id_column in columns else None,
        customer="Customer" if "Customer" in columns else None,
        date="Date" if "Date" in columns else None,
        nps="Score" if "Score" in columns else None,
        rating="Stars" if "Stars" in columns else None,
        value="Revenue" if "Revenue" in columns else None,
        brand="Brand" if "Brand" in columns else None,
        comment=("Comment",) if "Comment" in columns else (),
        segments=segments,
    )
    return Batch(DatasetConfig(mapping=mapping), canonical, raw)


@pytest.fixture
def make() -> Callable[..., Batch]:
    """The ``build`` function: rows of file text -> configuration, canonical and raw frames."""
    return build


def survey(n: int, *, start: int = 1, score: str = "9", region: str = "EMEA") -> list[Row]:
    """Return ``n`` simple survey rows with ids ``start``.. (zero-padded to five digits)."""
    return [
        {"ID": f"{i:05d}", "Customer": f"C{i % 7}", "Date": f"2024-01-{1 + i % 28:02d}", "Score": score,
         "Brand": "Acme" if i % 2 else "Globex", "Comment": f"comment {i}", "Region": region}
        for i in range(start, start + n)
    ]


@pytest.fixture
def rows() -> Callable[..., list[Row]]:
    """The ``survey`` function: ``n`` simple survey rows."""
    return survey
