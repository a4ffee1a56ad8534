"""Turn the benchmark's measurements into benchmark.json, benchmark.md and latency.png."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from bench.targets import Measurement, Row, as_json, evaluate, markdown_table

# (label, substrings of a py-spy frame "function (path:line)") - inclusive share of samples
PROFILE_BUCKETS = [
    ("NLU: spaCy tokenizer/lemmatizer", ["/spacy/", "spacy_tokenizer.py", "spacy_utils.py"]),
    ("NLU: sparse featurizers (count vectors, regex, lexical)", ["rasa/nlu/featurizers/"]),
    ("NLU: DIETClassifier", ["diet_classifier.py"]),
    ("NLU: linear models (intent blender, answer guesser)", ["linear_text.py"]),
    ("Policy: TEDPolicy", ["ted_policy.py"]),
    ("Policy: RulePolicy + Memoization", ["rule_policy.py", "memoization.py"]),
    (
        "tracker featurization (domain/state)",
        ["tracker_featurizers.py", "single_state_featurizer.py", "shared/core/domain.py"],
    ),
    ("TensorFlow kernels (any caller)", ["/tensorflow/", "/keras/"]),
    ("tracker store (SQLAlchemy/SQLite)", ["tracker_store.py", "/sqlalchemy/"]),
    ("events / tracker replay", ["shared/core/events.py", "shared/core/trackers.py"]),
    ("custom action HTTP calls", ["rasa/core/actions/action.py", "/aiohttp/"]),
    ("Sanic / asyncio / HTTP", ["/sanic/", "asyncio/"]),
]
FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def summarize_profile(path: Path, top: int = 15) -> dict[str, Any]:
    """Inclusive share per bucket and the hottest functions of a py-spy `raw` profile."""
    total = 0
    buckets: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for label, keys in PROFILE_BUCKETS:
            if any(k in f for f in frames for k in keys):
                buckets[label] += n
        seen = set()
        for f in frames:
            m = FRAME.match(f.strip())
            name = _short(m.group("fn"), m.group("file")) if m else f.strip()
            if name not in seen:
                inclusive[name] += n
                seen.add(name)
        m = FRAME.match(frames[-1].strip())
        own[_short(m.group("fn"), m.group("file")) if m else frames[-1].strip()] += n

    def pct(n: int) -> float:
        return round(100.0 * n / total, 1) if total else 0.0

    return {
        "file": str(path),
        "samples": total,
        "buckets_pct": {label: pct(buckets[label]) for label, _ in PROFILE_BUCKETS},
        "top_self_pct": {k: pct(v) for k, v in own.most_common(top)},
        "top_inclusive_pct": {
            k: pct(v)
            for k, v in inclusive.most_common(60)
            if "site-packages/rasa" in k or "/actions/" in k or "/advisor/" in k
        }
        or {k: pct(v) for k, v in inclusive.most_common(top)},
    }


def _short(fn: str, file: str) -> str:
    file = re.sub(r".*/site-packages/", "site-packages/", file or "")
    return f"{fn} ({file})"


# --- targets --------------------------------------------------------------------------------


def _level(levels: list[dict[str, Any]], c: int) -> dict[str, Any]:
    return next((x for x in levels if x["concurrency"] == c), {})


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def measurements(results: dict[str, Any]) -> dict[str, Measurement]:
    """What this run measured for each target of bench/targets.py (missing: not measured)."""
    ours, base = results.get("ours") or {}, results.get("baseline") or {}
    o_levels, b_levels = ours.get("levels") or [], base.get("levels") or []

    def level(levels: list[dict[str, Any]], c: int, key: str) -> float | None:
        value = _level(levels, c).get(key)
        return None if value is None else float(value)

    out = {
        f"throughput_c{c}": Measurement(
            level(o_levels, c, "throughput_msg_s"), level(b_levels, c, "throughput_msg_s")
        )
        for c in (10, 40)
    }
    out["p50_c1"] = Measurement(level(o_levels, 1, "p50_ms"), level(b_levels, 1, "p50_ms"))
    sc = results.get("scaled")
    b40 = level(b_levels, 40, "throughput_msg_s")
    if sc and sc.get("replicas") == 2:
        out["scaled_throughput_c40"] = Measurement(level(sc["levels"], 40, "throughput_msg_s"), b40)
    elif sc:
        out["scaled_throughput_c40"] = Measurement(
            None, b40, note=f"{sc.get('replicas')} replicas ran, not 2"
        )
    elif results.get("scaled_error"):
        out["scaled_throughput_c40"] = Measurement(None, b40, note="scale-out run failed")
    p95 = level(o_levels, 10, "p95_ms")
    scaled_p95 = level(sc["levels"], 10, "p95_ms") if sc else None
    out["p95_c10"] = Measurement(
        p95, note=f"scale-out: {scaled_p95:,.0f} ms" if scaled_p95 is not None else ""
    )
    cl = results.get("conversation_length")
    if cl:
        early, late = cl.get("early", {}), cl.get("late", {})
        note = "" if cl.get("messages") == 200 else f"messages {late.get('from')}–{late.get('to')}"
        out["conversation_length"] = Measurement(late.get("p50_ms"), early.get("p50_ms"), note)
    rss = ours.get("rss_mb") or {}
    actions = [v for k, v in rss.items() if k.startswith("actions") and v]
    if actions:
        out["actions_rss"] = Measurement(float(sum(actions)))
    rasa = [v for k, v in rss.items() if k.startswith("rasa") and v]
    replicas = [
        v for k, v in ((sc or {}).get("rss_mb") or {}).items() if k.startswith("rasa") and v
    ]
    if rasa:
        out["rasa_rss"] = Measurement(
            float(max(rasa)), note=f"replicas: max {max(replicas):,.0f} MB" if replicas else ""
        )
    train = ours.get("training_s")
    note = ""
    if train is not None and ours.get("training_cached"):
        note = f"last measured {ours.get('training_measured_at', 'earlier')}, not in this run"
    out["training"] = Measurement(train, base.get("training_s"), note)
    runs = [o_levels, (sc or {}).get("levels") or []]
    if o_levels:
        failed = sum(x.get("failures", 0) for levels in runs for x in levels)
        failed += (cl or {}).get("failures", 0)
        out["failures"] = Measurement(float(failed))
    out["startup"] = Measurement(ours.get("startup_s"), base.get("startup_s"))
    return out


def target_rows(results: dict[str, Any]) -> list[Row]:
    return evaluate(measurements(results))


# --- output ---------------------------------------------------------------------------------


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) < 1e5 else f"{v:,.0f}"
    return str(v)


def markdown(results: dict[str, Any]) -> str:
    ours, base = results["ours"], results["baseline"]
    lines = [
        "# Benchmark: Outsourcing Advisor vs Rasa starter bot",
        "",
        f"Run {results['started_at']} – {results['finished_at']} ({results['total_s']:.0f} s), "
        f"{results['machine']['cpus']} CPUs (load average at start "
        f"{', '.join(f'{x:.1f}' for x in results['machine']['loadavg_at_start'])}); "
        f"{results['settings']['duration_s']:.0f} s per level, "
        f"≤ {results['settings']['max_messages']} messages per level, loopback REST.",
        "",
        "| metric | ours | baseline | ours/baseline |",
        "|---|---:|---:|---:|",
    ]

    def row(name: str, a: Any, b: Any) -> None:
        lines.append(f"| {name} | {_fmt(a)} | {_fmt(b)} | {_fmt(_ratio(a, b))} |")

    for c in results["settings"]["concurrency"]:
        lo, lb = _level(ours["levels"], c), _level(base["levels"], c)
        row(f"c={c} throughput (msg/s)", lo.get("throughput_msg_s"), lb.get("throughput_msg_s"))
        for p in ("p50", "p95", "p99"):
            row(f"c={c} latency {p} (ms)", lo.get(f"{p}_ms"), lb.get(f"{p}_ms"))
        lines.append(
            f"| c={c} failed / sent messages | {lo.get('failures')} / {lo.get('messages')} | "
            f"{lb.get('failures')} / {lb.get('messages')} | – |"
        )
    b_rss = max((v for v in base["rss_mb"].values() if v), default=None)
    o_rss = max((v for k, v in ours["rss_mb"].items() if k.startswith("rasa") and v), default=None)
    row("RSS of the Rasa process (MB)", o_rss, b_rss)
    a_rss = sum(v for k, v in ours["rss_mb"].items() if k.startswith("actions") and v)
    lines.append(f"| RSS of the action server (MB) | {_fmt(a_rss)} | – (none) | – |")
    row("start-up to first answer (s)", ours["startup_s"], base["startup_s"])
    row(
        "training time (s)"
        + (
            " (ours: last measured value, --skip-training-time)"
            if ours.get("training_cached")
            else ""
        ),
        ours.get("training_s"),
        base["training_s"],
    )
    nlu = results.get("nlu")
    if nlu:
        lines.append(f"| NLU hold-out intent accuracy | {nlu['accuracy']:.3f} | – | – |")
        lines.append(f"| NLU hold-out intent macro-F1 | {nlu['macro_f1']:.3f} | – | – |")
        if "faq_response_accuracy" in nlu:
            faq = nlu["faq_response_accuracy"]
            lines.append(f"| FAQ answer accuracy | {faq:.3f} | – | – |")

    sc = results.get("scaled")
    if sc:
        lines += [
            "",
            f"## Scale-out mode ({sc['replicas']} Rasa replicas + PostgreSQL + Redis lock store "
            "+ nginx)",
            "",
            f"Start-up of the whole stack to first answer: {sc['startup_s']} s. "
            f"Env: {sc['env'] or 'defaults'}.",
            "",
            "| concurrency | msg/s | p50 ms | p95 ms | p99 ms | failed/sent | msg/s vs baseline |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for lv in sc["levels"]:
            lb = _level(base["levels"], lv["concurrency"])
            lines.append(
                f"| {lv['concurrency']} | {_fmt(lv['throughput_msg_s'])} | {_fmt(lv['p50_ms'])} | "
                f"{_fmt(lv['p95_ms'])} | {_fmt(lv['p99_ms'])} | "
                f"{lv['failures']}/{lv['messages']} | "
                f"{_fmt(_ratio(lv['throughput_msg_s'], lb.get('throughput_msg_s')))} |"
            )
        lines.append("")
        lines.append("RSS (MB): " + ", ".join(f"{k} {v}" for k, v in sc["rss_mb"].items()))

    if results.get("variants"):
        lines += [
            "",
            "## Variants of our server (same model, environment changed)",
            "",
            "| variant | env | concurrency | msg/s | p50 ms | p95 ms | p99 ms | failed/sent "
            "| Rasa RSS MB | start-up s |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for lv in ours["levels"]:
            lines.append(
                f"| shipped | {results['settings']['ours_env'] or 'defaults'} | "
                f"{lv['concurrency']} | "
                f"{_fmt(lv['throughput_msg_s'])} | {_fmt(lv['p50_ms'])} | {_fmt(lv['p95_ms'])} | "
                f"{_fmt(lv['p99_ms'])} | {lv['failures']}/{lv['messages']} | {_fmt(o_rss)} | "
                f"{_fmt(ours['startup_s'])} |"
            )
        for name, v in results["variants"].items():
            v_rss = max((x for x in v["rss_mb"].values() if x), default=None)
            env = ", ".join(f"{k}={val}" for k, val in v["env"].items())
            for lv in v["levels"]:
                lines.append(
                    f"| {name} | {env} | {lv['concurrency']} | {_fmt(lv['throughput_msg_s'])} | "
                    f"{_fmt(lv['p50_ms'])} | {_fmt(lv['p95_ms'])} | {_fmt(lv['p99_ms'])} | "
                    f"{lv['failures']}/{lv['messages']} | {_fmt(v_rss)} | {_fmt(v['startup_s'])} |"
                )

    cl = results.get("conversation_length")
    if cl:
        lines += ["", conversation_length_summary(cl)]
    lines += [
        "",
        "## Targets (issue #14; bench/targets.py)",
        "",
        markdown_table(target_rows(results)),
    ]

    prof = results.get("profile")
    if prof:
        lines += [
            "",
            f"## Where the time goes (py-spy, our Rasa server at c=10, {prof['samples']} samples)",
            "",
            "Share of busy samples whose stack contains the component (buckets overlap):",
            "",
            "| component | % of samples |",
            "|---|---:|",
        ]
        for k, v in sorted(prof["buckets_pct"].items(), key=lambda kv: -kv[1]):
            lines.append(f"| {k} | {v} |")
        lines += ["", "Hottest functions (self time):", "", "| function | % |", "|---|---:|"]
        for k, v in prof["top_self_pct"].items():
            lines.append(f"| `{k}` | {v} |")
    lines += ["", "Latency vs concurrency: `latency.png`. Raw numbers: `benchmark.json`."]
    return "\n".join(lines) + "\n"


def conversation_length_summary(cl: dict[str, Any]) -> str:
    early, late = cl["early"], cl["late"]
    ratio = "–" if cl.get("ratio") is None else f"{cl['ratio']:.2f}"
    return (
        f"One conversation of {cl['messages']} messages ({cl['where']}): p50 of messages "
        f"{early['from']}–{early['to']} {_fmt(early['p50_ms'])} ms, of messages "
        f"{late['from']}–{late['to']} {_fmt(late['p50_ms'])} ms, ratio {ratio}; "
        f"{cl['failures']} failed or empty replies."
    )


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = [
        ("ours", results["ours"]["levels"], "tab:blue"),
        ("baseline (starter bot)", results["baseline"]["levels"], "tab:gray"),
    ]
    if results.get("scaled"):
        series.append(
            (
                f"ours scale-out x{results['scaled']['replicas']}",
                results["scaled"]["levels"],
                "tab:green",
            )
        )
    for name, levels, color in series:
        cs = [lv["concurrency"] for lv in levels]
        for p, style in (("p50", "-o"), ("p95", "--s"), ("p99", ":^")):
            ax.plot(cs, [lv[f"{p}_ms"] for lv in levels], style, color=color, label=f"{name} {p}")
        ax2.plot(cs, [lv["throughput_msg_s"] for lv in levels], "-o", color=color, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("concurrent conversations")
    ax.set_ylabel("latency per message (ms)")
    ax.set_title("Latency vs concurrency")
    ax.axhline(500, color="red", lw=0.8, alpha=0.5)
    ax.legend(fontsize=7)
    ax2.set_xscale("log")
    ax2.set_xlabel("concurrent conversations")
    ax2.set_ylabel("messages / s")
    ax2.set_title("Throughput")
    ax2.legend(fontsize=7)
    for a in (ax, ax2):
        a.grid(True, which="both", alpha=0.3)
        a.set_xticks(results["settings"]["concurrency"])
        a.set_xticklabels([str(c) for c in results["settings"]["concurrency"]])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_all(results: dict[str, Any], out: Path) -> None:
    (out / "benchmark.raw.json").write_text(json.dumps(results, indent=2, default=str))
    results["targets"] = as_json(target_rows(results))
    (out / "benchmark.json").write_text(json.dumps(results, indent=2, default=str))
    (out / "benchmark.md").write_text(markdown(results))
    chart(results, out / "latency.png")
