"""Benchmarks: ``python -m bench.run [--only NAME ...] [--scale 10k|100k|1m] [--runs N]``.

A small registry: a benchmark is a function registered with ``@benchmark("name")`` in any
``bench/bench_*.py`` module (they are all imported here). It gets a ``Context`` (the
scale, the number of runs, a shared populated dataset) and returns a dict of figures.
Results go to ``bench/results/<timestamp>.json`` and a table to stdout. ``make bench``
runs this against the embedded PostgreSQL in ``var/bench/pg``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
RESULTS = Path(__file__).resolve().parent / "results"
Benchmark = Callable[["Context"], dict[str, Any]]
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(func: Benchmark) -> Benchmark:
        if name in REGISTRY:
            raise RuntimeError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = func
        return func

    return register


def timings(func: Callable[[], Any], runs: int, warmup: int = 2) -> list[float]:
    """Wall-clock seconds of ``runs`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        func()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        out.append(time.perf_counter() - started)
    return out


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "runs": len(ordered),
    }


@dataclass
class Context:
    scale: str
    size: int
    runs: int
    _datasets: dict[str, Any] = field(default_factory=dict)

    def dataset(self) -> Any:
        """The organisation "bench-<scale>" filled with ``size`` fictional cases, made once
        per process and shared by the benchmarks."""
        if self.scale not in self._datasets:
            from bench.populate import populate
            from himoya.accounts.models import Organisation

            org, created = Organisation.objects.get_or_create(
                slug=f"bench-{self.scale}",
                defaults={"name": f"Bench {self.scale}", "country": "KZ"},
            )
            if created or not org.cases.exists():
                log(f"populating {self.size:,} cases ...")
                info = populate(org, self.size, seed=7)
                log(f"populated in {info['seconds']} s")
            self._datasets[self.scale] = org
        return self._datasets[self.scale]


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("HIMOYA_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def load_modules() -> None:
    # Run as ``python -m bench.run`` this module is ``__main__``: the benchmark modules
    # must register into this very registry, not into a second copy of ``bench.run``.
    sys.modules.setdefault("bench.run", sys.modules[__name__])
    package = Path(__file__).resolve().parent
    for info in pkgutil.iter_modules([str(package)]):
        if info.name.startswith("bench_"):
            importlib.import_module(f"bench.{info.name}")


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        server = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "database": connection.vendor,
        "server": str(server)[:80],
    }


def print_table(results: dict[str, Any]) -> None:
    print(
        f"\nscale {results['scale']} on {results['machine']['cpus']} cores, "
        f"{results['machine']['database']}"
    )

    def lines(figures: dict[str, Any], prefix: str = "") -> None:
        for key, value in figures.items():
            if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
                lines(value, f"{prefix}{key}.")
                continue
            if isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items())
            print(f"  {prefix + key:<28} {value}")

    for name, figures in results["benchmarks"].items():
        print(f"\n{name}")
        lines(figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--only", action="append", default=[], help="run only this benchmark")
    parser.add_argument("--scale", choices=list(SCALES), default="10k")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    setup_django()
    load_modules()
    if args.list:
        print("\n".join(sorted(REGISTRY)))
        return 0
    unknown = set(args.only) - set(REGISTRY)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    ctx = Context(scale=args.scale, size=SCALES[args.scale], runs=args.runs)
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "machine": machine(),
        "benchmarks": {},
    }
    for name in args.only or sorted(REGISTRY):
        log(f"running {name} at {args.scale}")
        results["benchmarks"][name] = REGISTRY[name](ctx)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = RESULTS / f"{stamp}-{args.scale}.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nresults: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
