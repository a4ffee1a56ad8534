"""Performance benchmark: our assistant vs Rasa's stock starter bot, same run, same machine.

    bash scripts/bench.sh [options]        (or `make bench`; options via BENCH_ARGS)

Steps (progress is printed as it goes):
  1. training time: the starter bot (`rasa init` files, Rasa's default config) is trained into
     a temp dir and timed; ours (`rasa train --force` into a temp dir) unless
     --skip-training-time, in which case the last measured value (results/bench/) is reused;
  2. start-up: each server from process start to its first non-empty REST reply;
  3. load: closed-loop conversations over REST at each concurrency (default 1, 10, 40),
     bounded by --duration seconds and --max-messages per level; ours mixes FAQ questions and
     full assessments (free text and button payloads), the baseline greet/mood chats;
  4. RSS of every server process after the load; a py-spy profile of our Rasa server under load;
     then one long conversation on our quiet server (--conversation-messages, default 200;
     bench/conversation_length.py): p50 of messages 190-200 vs 1-10;
  5. optional: the scale-out stack (--scale-replicas N: PostgreSQL, Redis, N replicas, nginx)
     and environment variants of our server (--variant 'NAME:KEY=VAL,KEY=VAL');
  6. our NLU accuracy / macro-F1 on tests/nlu/holdout.yml (`rasa test nlu`);
  7. results/bench/benchmark.json, benchmark.md (ratios ours/baseline, the targets of
     bench/targets.py with measured value, starter-bot value, ratio, met / not met) and
     latency.png.

Only the model in models/ is used for serving; our model is never overwritten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import conversation_length, conversations, report
from bench.load import Conversation, load
from bench.machine import machine
from bench.servers import OUT, T0, base_env, parse_env, rss_mb, say, start_ours
from harness.env import PROJECT_DIR
from harness.servers import (
    MODEL,
    RASA,
    Server,
    free_port,
    wait_first_answer,
)

VENV_BIN = Path(sys.executable).parent
PY_SPY = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
DEFAULT_VARIANTS = [
    # TensorFlow and BLAS on one thread each: does the per-op thread pool help or only
    # add contention for the tiny matrices of one message?
    "tf-1-thread:TF_INTRA_OP_PARALLELISM_THREADS=1,TF_INTER_OP_PARALLELISM_THREADS=1,"
    "OMP_NUM_THREADS=1",
    # Our model with Rasa's stock code paths instead of runtime/'s adjustments: shows
    # what they gain, in the same run.
    "stock-rasa-runtime:RASA_RUNTIME_TUNING=off",
]


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    kids = [int(p) for p in text.split()]
    return kids + [g for k in kids for g in children(k)]


def rss_tree(name: str, pid: int) -> dict[str, float | None]:
    out = {f"{name} (pid {pid})": rss_mb(pid)}
    for kid in children(pid):
        out[f"{name} child (pid {kid})"] = rss_mb(kid)
    return out


def timed(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with log.open("w") as fh:
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed; see {log}")
    return time.monotonic() - started


# --- pieces of the benchmark --------------------------------------------------------------


def train_baseline(work: Path) -> dict[str, Any]:
    from rasa.cli.scaffold import create_initial_project

    bot = work / "starter"
    create_initial_project(str(bot))  # the files `rasa init --no-prompt` writes
    say("training the starter bot (Rasa's default config) ...")
    seconds = timed(
        [RASA, "train", "--fixed-model-name", "starter"],
        bot,
        base_env(),
        OUT / "logs" / "train-baseline.log",
    )
    say(f"starter bot trained in {seconds:.0f} s")
    return {"dir": bot, "model": bot / "models" / "starter.tar.gz", "training_s": round(seconds, 1)}


def train_ours(work: Path, skip: bool) -> dict[str, Any]:
    cache = OUT / "training_time_ours.json"
    if skip:
        if cache.exists():
            cached = json.loads(cache.read_text())
            say(
                f"--skip-training-time: reusing our training time {cached['training_s']} s "
                f"measured {cached['measured_at']}"
            )
            return {**cached, "cached": True}
        say("--skip-training-time and no cached value: our training time is not reported")
        return {"training_s": None, "cached": True}
    say("training our assistant (`rasa train --force`, temp dir; ~4-5 min on 2 cores) ...")
    seconds = timed(
        [
            RASA,
            "train",
            "--force",
            "--augmentation",  # as scripts/train.sh
            "0",
            "--out",
            str(work / "ours-models"),
            "--fixed-model-name",
            "bench",
        ],
        PROJECT_DIR,
        base_env(),
        OUT / "logs" / "train-ours.log",
    )
    value = {
        "training_s": round(seconds, 1),
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cached": False,
    }
    cache.write_text(json.dumps(value, indent=2))
    say(f"our assistant trained in {seconds:.0f} s")
    return value


def start_baseline(bot: dict[str, Any]) -> dict[str, Any]:
    port = free_port()
    server = Server(
        "baseline-rasa",
        [
            RASA,
            "run",
            "--model",
            str(bot["model"]),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--credentials",
            "credentials.yml",
        ],
        bot["dir"],
        base_env(),
        OUT / "logs" / "baseline-rasa.log",
    )
    url = f"http://127.0.0.1:{port}"
    startup = wait_first_answer(url, server.started, 240, server.check)
    say(f"starter bot answers on {url} after {startup:.1f} s")
    return {"servers": [server], "url": url, "startup_s": round(startup, 1), "rasa_pid": server.pid}


def start_scaled(replicas: int, env_extra: dict[str, str]) -> dict[str, Any]:
    from harness.scale_stack import ScaleStack, services_missing

    missing = services_missing()
    if missing:
        raise RuntimeError(missing)
    say(f"starting the scale-out stack ({replicas} replicas, PostgreSQL, Redis, nginx) ...")
    started = time.monotonic()
    stack = ScaleStack.start(replicas=replicas, extra_env=env_extra)
    startup = wait_first_answer(stack.url, started, 60)
    say(f"scale-out stack answers on {stack.url} after {startup:.1f} s")
    return {"stack": stack, "url": stack.url, "startup_s": round(startup, 1), "servers": []}


def run_levels(
    name: str,
    target: dict[str, Any],
    convs: Sequence[Conversation],
    levels: list[int],
    args: argparse.Namespace,
    profile_at: int | None = None,
) -> list[dict[str, Any]]:
    out = []
    for c in levels:
        limits = f"<= {args.duration:.0f} s, <= {args.max_messages} msgs"
        say(f"{name}: load at concurrency {c} ({limits})")
        spy = None
        if profile_at == c and PY_SPY and target.get("rasa_pid"):
            prof = OUT / f"profile-{name}-c{c}.txt"
            spy = subprocess.Popen(
                [
                    PY_SPY,
                    "record",
                    "--nonblocking",
                    "-r",
                    "50",
                    "-f",
                    "raw",
                    "-d",
                    str(int(args.duration)),
                    "-o",
                    str(prof),
                    "-p",
                    str(target["rasa_pid"]),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        res = load(
            target["url"],
            convs,
            c,
            args.duration,
            args.max_messages,
            progress=say,
            label=name,
            seed=c,
        )
        if spy:
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.terminate()
        s = res.summary()
        say(
            f"{name} c={c}: {s['throughput_msg_s']} msg/s, p50 {s['p50_ms']} ms, "
            f"p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms, failures {s['failures']} "
            f"{s['failure_kinds'] or ''}"
        )
        out.append(s)
    return out


def warm_up(url: str, convs: Sequence[Conversation]) -> None:
    load(url, convs[:2], 1, 60, sum(len(c) for c in convs[:2]))


def nlu_eval() -> dict[str, Any]:
    out = OUT / "nlu"
    say("NLU hold-out evaluation (`rasa test nlu`) ...")
    seconds = timed(
        [
            RASA,
            "test",
            "nlu",
            "--nlu",
            "tests/nlu/holdout.yml",
            "--model",
            str(MODEL),
            "--out",
            str(out),
        ],
        PROJECT_DIR,
        base_env(),
        OUT / "logs" / "test-nlu.log",
    )
    rep = json.loads((out / "intent_report.json").read_text())
    result = {
        "accuracy": round(rep["accuracy"], 4),
        "macro_f1": round(rep["macro avg"]["f1-score"], 4),
        "weighted_f1": round(rep["weighted avg"]["f1-score"], 4),
        "examples": rep["macro avg"]["support"],
        "eval_s": round(seconds, 1),
    }
    rs = out / "response_selection_report.json"
    if rs.exists():
        r = json.loads(rs.read_text())
        result["faq_response_accuracy"] = round(r.get("accuracy", 0), 4)
        result["faq_response_macro_f1"] = round(r["macro avg"]["f1-score"], 4)
    say(f"NLU hold-out: accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f}")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--concurrency", default="1,10,40")
    ap.add_argument("--duration", type=float, default=20, help="seconds of load per level")
    ap.add_argument("--max-messages", type=int, default=3000, help="messages per level at most")
    ap.add_argument(
        "--skip-training-time",
        action="store_true",
        help="do not train our model; reuse the last measured training time",
    )
    ap.add_argument("--skip-nlu", action="store_true")
    ap.add_argument("--ours-env", default="", help="KEY=VAL,... for our servers in the main run")
    ap.add_argument(
        "--variant",
        action="append",
        default=None,
        help="NAME:KEY=VAL,... extra run of our single server with this env",
    )
    ap.add_argument("--variant-concurrency", default="1,10")
    ap.add_argument("--no-variants", action="store_true")
    ap.add_argument(
        "--scale-replicas",
        type=int,
        default=2,
        help="also benchmark the scale-out stack with N replicas (0: off)",
    )
    ap.add_argument("--scale-env", default="", help="KEY=VAL,... for scale_up.sh")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument(
        "--conversation-messages",
        type=int,
        default=200,
        help="messages of the one long conversation (bench/conversation_length.py; 0: off)",
    )
    args = ap.parse_args()
    if args.variant is None:
        args.variant = [] if args.no_variants else list(DEFAULT_VARIANTS)
    levels = [int(c) for c in args.concurrency.split(",")]
    vlevels = [int(c) for c in args.variant_concurrency.split(",")]
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make train` first", file=sys.stderr)
        return 1
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    running: list[Server] = []
    stacks = []
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(base_env(parse_env(args.ours_env))),
        "settings": {
            "concurrency": levels,
            "duration_s": args.duration,
            "max_messages": args.max_messages,
            "ours_env": parse_env(args.ours_env),
            "conversation_messages": args.conversation_messages,
        },
    }
    try:
        base = train_baseline(work)
        ours_train = train_ours(work, args.skip_training_time)

        b = start_baseline(base)
        running += b["servers"]
        o = start_ours(work, parse_env(args.ours_env))
        running += o["servers"]
        warm_up(b["url"], conversations.BASELINE)
        warm_up(o["url"], conversations.OURS)

        results["baseline"] = {
            "training_s": base["training_s"],
            "startup_s": b["startup_s"],
            "levels": run_levels("baseline", b, conversations.BASELINE, levels, args),
        }
        results["baseline"]["rss_mb"] = rss_tree("rasa", b["rasa_pid"])
        b["servers"][0].stop()
        results["ours"] = {
            "training_s": ours_train.get("training_s"),
            "training_cached": ours_train.get("cached"),
            "training_measured_at": ours_train.get("measured_at"),
            "startup_s": o["startup_s"],
            "action_server_startup_s": o["action_server_startup_s"],
            "levels": run_levels(
                "ours",
                o,
                conversations.OURS,
                levels,
                args,
                profile_at=None if args.no_profile else 10,
            ),
        }
        results["ours"]["rss_mb"] = {
            **rss_tree("rasa", o["rasa_pid"]),
            **rss_tree("actions", o["actions_pid"]),
        }
        if args.conversation_messages:
            say(f"ours: one conversation of {args.conversation_messages} messages ...")
            long_run = conversation_length.run(
                o["url"], args.conversation_messages, "REST, our single server after the load"
            )
            results["conversation_length"] = long_run
            say(report.conversation_length_summary(long_run))
        for s in o["servers"]:
            s.stop()

        for spec in args.variant:
            name, _, envspec = spec.partition(":")
            v = start_ours(work, parse_env(envspec), tag=f"variant-{name}")
            running += v["servers"]
            warm_up(v["url"], conversations.OURS)
            results.setdefault("variants", {})[name] = {
                "env": parse_env(envspec),
                "startup_s": v["startup_s"],
                "levels": run_levels(f"variant-{name}", v, conversations.OURS, vlevels, args),
                "rss_mb": rss_tree("rasa", v["rasa_pid"]),
            }
            for s in v["servers"]:
                s.stop()

        if args.scale_replicas:
            try:
                st = start_scaled(args.scale_replicas, parse_env(args.scale_env))
                stacks.append(st["stack"])
                warm_up(st["url"], conversations.OURS)
                stack = st["stack"]
                lv = run_levels(
                    f"scaled-{args.scale_replicas}", st, conversations.OURS, levels, args
                )
                rss = {}
                for pidfile in sorted((stack.directory / "run").glob("*.pid")):
                    pid = int(pidfile.read_text())
                    rss.update(rss_tree(pidfile.stem, pid))
                results["scaled"] = {
                    "replicas": args.scale_replicas,
                    "env": parse_env(args.scale_env),
                    "startup_s": st["startup_s"],
                    "levels": lv,
                    "rss_mb": rss,
                }
                stack.stop()
                stacks.clear()
            except Exception as exc:  # noqa: BLE001 - the single-server results still count
                say(f"scale-out run failed, skipped: {exc!s:.2000}")
                results["scaled_error"] = str(exc)[:2000]

        if not args.skip_nlu:
            results["nlu"] = nlu_eval()
        prof = OUT / "profile-ours-c10.txt"
        if prof.exists() and not args.no_profile:
            results["profile"] = report.summarize_profile(prof)
    finally:
        for s in running:
            s.stop()
        for st in stacks:
            st.stop()
        shutil.rmtree(work, ignore_errors=True)
    results["finished_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    results["total_s"] = round(time.monotonic() - T0, 1)
    report.write_all(results, OUT)
    say(f"done in {results['total_s']:.0f} s: {OUT / 'benchmark.md'}")
    print((OUT / "benchmark.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
