"""What a benchmark ran on: CPU model, cores, memory, OS, Python and library
versions (shared by the benchmark scripts, so that every report describes
the machine the same way)."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def _first_field(path: str, key: str) -> str | None:
    """The value after ``key:`` on the first line of ``path`` starting with
    ``key`` (Linux's /proc and /etc files), or None."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":" if ":" in line else "=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return None


def describe(modules: tuple[str, ...]) -> dict:
    """``cpu``, ``cores``, ``ram_gb``, ``os``, ``python`` and ``versions`` (of
    each module in ``modules``; a module that does not import says why)."""
    cpu = _first_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pretty = _first_field("/etc/os-release", "PRETTY_NAME=")
    osname = f"{pretty} ({platform.release()})" if pretty else platform.platform()
    versions = {}
    for mod in modules:
        try:
            versions[mod] = __import__(mod).__version__
        except Exception as exc:  # noqa: BLE001 - reported in the benchmark's output
            versions[mod] = f"not importable ({exc})"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram_gb, 1), "os": osname,
            "python": platform.python_version(), "versions": versions}
