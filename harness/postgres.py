"""A throwaway PostgreSQL cluster from Debian's packages (scripts/install_services.sh) on a
free loopback port, for the tests and the benchmarks that need a real database."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from harness.servers import free_port


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


class Postgres:
    """A private cluster: trust auth on 127.0.0.1 only, data in a temp directory."""

    def __init__(self) -> None:
        found = postgres_bin()
        if found is None:
            raise RuntimeError("PostgreSQL is not installed (scripts/install_services.sh)")
        self.bin: Path = found
        # Not under pytest's tmp dir: its parents are private to root, and the
        # cluster runs as the postgres user when we are root.
        self.dir = Path(tempfile.mkdtemp(prefix="advisor-pg-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run as the packages' postgres user
            self.user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self.user, *command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"

    def init(self) -> "Postgres":
        if self.user:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.dir / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
        )
        return self

    def start(self) -> "Postgres":
        self.process = subprocess.Popen(
            [
                *self.user,
                str(self.bin / "postgres"),
                "-D",
                str(self.dir / "data"),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.dir}",
            ],
            stdout=(self.dir / "postgres.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        for _ in range(120):
            ready = subprocess.run(
                [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            )
            if ready.returncode == 0:
                return self
            time.sleep(0.5)
        raise RuntimeError(
            f"PostgreSQL did not start:\n{(self.dir / 'postgres.log').read_text()[-2000:]}"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT: fast shutdown, connections are cut
            self.process.wait(timeout=60)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
