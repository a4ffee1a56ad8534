"""What a benchmark ran on, recorded with its numbers (benchmark.json's `machine`), so
runs on different machines can be told apart and explained: the same code measured
1.99x on one 2-core machine and 1.13x on another (#28)."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

# The packages whose versions change what a message costs.
PACKAGES = (
    "rasa", "rasa-sdk", "tensorflow", "tensorflow-cpu", "numpy", "scipy", "scikit-learn",
    "spacy", "sqlalchemy", "psycopg2-binary", "sanic", "aiohttp", "redis",
)  # fmt: skip
# Thread pools of the numeric libraries (and TensorFlow's oneDNN switch).
THREAD_VARIABLES = (
    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS",
    "TF_INTER_OP_PARALLELISM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
    "TF_ENABLE_ONEDNN_OPTS", "SANIC_WORKERS",
)  # fmt: skip
# CPU flags that decide which kernels TensorFlow and BLAS run.
VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")


def cpu_info(cpuinfo: str) -> dict[str, Any]:
    """Model name, the vector flags present and the number of logical CPUs, from the
    text of /proc/cpuinfo."""
    model, flags = "unknown", set[str]()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and model == "unknown":
            model = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = set(value.split())
    return {
        "model": model,
        "vector_flags": [flag for flag in VECTOR_FLAGS if flag in flags],
        "logical_cpus_listed": cpuinfo.count("processor\t:") or cpuinfo.count("processor :"),
    }


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def machine(server_env: Mapping[str, str]) -> dict[str, Any]:
    """This machine, now, and the thread settings the servers were started with."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu": cpu_info(cpuinfo),
        "loadavg_at_start": os.getloadavg(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": package_versions(),
        "thread_env": {name: server_env[name] for name in THREAD_VARIABLES if name in server_env},
    }
