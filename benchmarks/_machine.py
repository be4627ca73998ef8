"""The machine line every benchmark prints before its figures."""
from __future__ import annotations

import platform
import subprocess
from datetime import date


def machine(postgres: bool = False) -> str:
    """Date, CPU model and core count, memory, Python (and PostgreSQL)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
        cpu = f"{names[0]} ×{len(names)}" if names else cpu
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    line = (f"{date.today().isoformat()}, {cpu}, {mem_kb // 1024 // 1024} GiB, "
            f"Python {platform.python_version()}")
    if postgres:
        pg = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-tAc",
             "SHOW server_version"], capture_output=True, text=True).stdout.strip()
        line += f", PostgreSQL {pg}"
    return line
