"""Score a blind test set (tests/blind/<date>/) against the real running servers.

    python scripts/score_blind.py                          # every set, newest last
    python scripts/score_blind.py --set tests/blind/2026-12-07 [--part knowledge] [--json out.json]

Starts the action server and the Rasa server on free loopback ports with the trained
model (models/outsourcing-advisor.tar.gz), plays each persona of assessments.yml as a
user who knows their true answers, and each conversation of knowledge.yml turn by turn,
then prints per-persona / per-turn lines and the totals, and writes
results/blind/<set>.json and .md. The persona's and user's texts are never printed or
written: the output names what kind of message was sent and summarises the bot's reply.
See scripts/blind_driver.py for how replies are judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from blind_driver import (
    ANSWER_SLOTS,
    Conversation,
    DomainTexts,
    Turn,
    classified_as,
    load_yaml,
    running_stack,
)

from advisor.questions import value_name  # the words a choice is offered in
from harness.env import PROJECT_DIR
from harness.servers import MODEL

MAX_TURNS = 40
LOOP_ASKS = 3  # a question asked this often is a loop
# Prompts that make the user choose between readings ("Sounds like X — right?", "Which fits
# best: A or B?", "please pick one"); not the help after "not sure" or "I also noted: ...".
TWO_OPTION_PROMPTS = {"confirm", "choose", "pick"}


@dataclass
class PersonaResult:
    id: str
    recommended: bool = False
    typed_only: bool = True  # never sent a button title/payload (see PersonaRun.say)
    opener_started: bool = False
    opener_process: bool | None = None  # None: the opener names no process
    prompts: int = 0  # confirm/choose/pick prompts shown
    mid_topic: str = ""
    mid_answered: bool = False
    mid_resumed: bool = False
    right: dict[str, bool] = field(default_factory=dict)
    wrong_silent: list[str] = field(default_factory=list)  # stored, never given or confirmed
    wrong_assumed: list[str] = field(default_factory=list)  # announced assumptions != truth
    asked: dict[str, int] = field(default_factory=dict)
    change_applied: bool | None = None
    why_answered: bool | None = None
    report_link: bool | None = None
    turns: list[str] = field(default_factory=list)  # "<what was sent> -> <reply summary>"

    @property
    def loop(self) -> bool:
        return any(count >= LOOP_ASKS for count in self.asked.values())


def truth_of(persona: dict[str, Any]) -> dict[str, str]:
    """The persona's one truth: what its answers give (other `gives` must agree)."""
    truth: dict[str, str] = {}
    for answer in persona["answers"].values():
        truth.update(answer.get("gives") or {})
    extra = [
        persona.get("opener_gives") or {},
        (persona.get("multi_answer") or {}).get("gives") or {},
        ((persona.get("not_sure") or {}).get("then") or {}).get("gives") or {},
    ]
    for gives in extra:
        for slot, value in gives.items():
            if slot != "process" and truth.get(slot, value) != value:
                print(f"  warning: {persona['id']}: {slot}={value} disagrees with the answers")
    return truth


class PersonaRun:
    """The adaptive driver of one persona (the rules are the brief's, in run())."""

    def __init__(self, persona: dict[str, Any], chat: Conversation, texts: DomainTexts) -> None:
        self.persona, self.chat, self.texts = persona, chat, texts
        self.truth = truth_of(persona)
        self.result = PersonaResult(persona["id"])
        self.last: Turn | None = None
        self.said = ""  # the persona's messages so far: echoes of them are masked
        self.checking_values = True  # until the change after the recommendation

    def say(self, kind: str, message: str) -> Turn:
        # Typing "yes" to "right?" or the words of a choice the bot's question offers is
        # typing, even when a button has the same title ("Basic skills").
        typed_reply = kind == "yes" or kind.startswith("choice:")
        if self.checking_values and not typed_reply and self._is_button(message):
            self.result.typed_only = False
        before = self.last.slots if self.last else {}
        turn = self.chat.send(message)
        self.last = turn
        self.said += "\n" + message
        self.result.turns.append(f"{kind} -> {self.texts.which(turn.text, self.said)}")
        # An ask counts per message meant for the question; the question coming back
        # after a mid-form question is the resume, not another ask.
        if turn.open_question and not kind.startswith("mid:"):
            question = turn.open_question
            self.result.asked[question] = self.result.asked.get(question, 0) + 1
        if turn.pending.get("kind") in TWO_OPTION_PROMPTS:
            self.result.prompts += 1
        if self.checking_values:
            self._note_stored(before, turn)
        return turn

    def _is_button(self, message: str) -> bool:
        """Whether `message` is the title or payload of a button the bot just showed."""
        said = message.strip().lower()
        buttons = self.last.buttons() if self.last else []
        shown = {str(b.get(key, "")).lower() for b in buttons for key in ("title", "payload")}
        return said in shown

    def _note_stored(self, before: dict[str, Any], turn: Turn) -> None:
        assumed = turn.slots.get("assumed_answers") or []
        for slot in ANSWER_SLOTS:
            value = turn.slots.get(slot)
            if value is None or value == before.get(slot) or value == self.truth.get(slot):
                continue
            wrong = self.result.wrong_assumed if slot in assumed else self.result.wrong_silent
            wrong.append(f"{slot}={value} (truth {self.truth.get(slot)})")

    def answer(self, question: str) -> str:
        return str(self.persona["answers"][question]["text"])

    def reply_to_prompt(self, question: str, pending: dict[str, Any]) -> Turn:
        """A human who knows the truth: "yes" to a right guess; the truth's name when it
        is among the offered choices; else the answer typed again."""
        truth = self.truth.get(question)
        if pending.get("kind") == "confirm" and pending.get("value") == truth:
            return self.say("yes", "yes")
        if pending.get("kind") == "choose" and truth in (pending.get("values") or []):
            return self.say(f"choice:{question}", value_name(question, truth))
        return self.say(f"retype:{question}", self.answer(question))

    def run(self) -> PersonaResult:
        p, r = self.persona, self.result
        opener_gives = p.get("opener_gives") or {}
        turn = self.say("opener", p["opener"])
        r.opener_started = turn.form_active
        if "process" in opener_gives:
            r.opener_process = bool(turn.slots.get("process"))
        used: set[str] = set()
        while len(r.turns) < MAX_TURNS and not turn.done:
            question = turn.open_question
            if question is None:  # no form: a human would say what the process is, once
                if "process-unasked" in used:
                    break
                used.add("process-unasked")
                turn = self.say("answer:process", self.answer("process"))
            elif turn.pending:
                turn = self.reply_to_prompt(question, turn.pending)
            elif self._first("multi_answer", question, used):
                turn = self.say(f"multi:{question}", p["multi_answer"]["text"])
            elif self._first("mid_form_question", question, used):
                turn = self._mid_form(question)
            elif self._first("not_sure", question, used):
                turn = self.say(f"not_sure:{question}", p["not_sure"]["text"])
                if turn.open_question == question:  # still open, whatever the bot said
                    turn = self.say(f"not_sure_then:{question}", p["not_sure"]["then"]["text"])
            else:
                turn = self.say(f"answer:{question}", self.answer(question))
        r.recommended = turn.done
        r.typed_only = r.typed_only and r.recommended
        r.right = {slot: turn.slots.get(slot) == self.truth.get(slot) for slot in ANSWER_SLOTS}
        if r.recommended:
            self.checking_values = False
            self._after_recommendation()
        return r

    def _first(self, key: str, question: str, used: set[str]) -> bool:
        part = self.persona.get(key) or {}
        if part.get("when_asked") != question or key in used:
            return False
        used.add(key)
        return True

    def _mid_form(self, question: str) -> Turn:
        mid = self.persona["mid_form_question"]
        turn = self.say(f"mid:{mid['topic']}", mid["text"])
        self.result.mid_topic = mid["topic"]
        if mid["topic"] == "classify_process":
            got = classified_as(turn.text, str(mid.get("process_asked", "")))
            self.result.mid_answered = got == str(mid.get("expected_model", "")).lower()
        else:
            self.result.mid_answered = self.texts.shows_topic(turn.text, mid["topic"])
        self.result.mid_resumed = turn.open_question == question
        return turn

    def _after_recommendation(self) -> None:
        p, r = self.persona, self.result
        change = p["change_after_recommendation"]
        [(slot, value)] = list(change["gives"].items())
        turn = self.say(f"change:{slot}", change["text"])
        if turn.pending and turn.pending.get("slot") == slot:  # confirm the change like a human
            yes = turn.pending.get("kind") == "confirm" and turn.pending.get("value") == value
            turn = self.say("yes", "yes") if yes else self.say("retype:change", change["text"])
        r.change_applied = turn.slots.get(slot) == value
        turn = self.say("why", p["why"])
        r.why_answered = bool(turn.text.strip()) and not self.texts.is_fallback(turn.text)
        turn = self.say("shareable", p["shareable"])
        r.report_link = "/report/" in json.dumps(turn.replies)


def score_assessments(personas: list[dict[str, Any]], url: str, token: str) -> dict[str, Any]:
    texts, results = DomainTexts(), []
    for persona in personas:
        result = PersonaRun(persona, Conversation(url, token), texts).run()
        results.append(result)
        print(persona_line(result), flush=True)
        if len(personas) == 1:  # debugging one: its turns
            print("\n".join(f"      {turn}" for turn in result.turns), flush=True)
    return {"totals": assessment_totals(results), "personas": [
        {**asdict(r), "loop": r.loop} for r in results
    ]}  # fmt: skip


def persona_line(r: PersonaResult) -> str:
    wrong = [slot for slot, ok in r.right.items() if not ok]
    flags = [
        "REC" if r.recommended else "no-rec",
        f"started={r.opener_started}",
        f"opener_process={r.opener_process}",
        f"prompts={r.prompts}",
        f"mid({r.mid_topic})={'answered' if r.mid_answered else 'NOT'}"
        f"/{'resumed' if r.mid_resumed else 'NOT'}",
        f"wrong={','.join(wrong) or '-'}",
        f"silent={len(r.wrong_silent)} assumed={len(r.wrong_assumed)}",
        f"asked={r.asked}{' LOOP' if r.loop else ''}",
        f"change={r.change_applied} why={r.why_answered} link={r.report_link}",
        f"turns={len(r.turns)}",
    ]
    return f"  {r.id:<24} " + " ".join(flags)


def assessment_totals(results: list[PersonaResult]) -> dict[str, Any]:
    n = len(results)
    processes = [r.opener_process for r in results if r.opener_process is not None]
    recommended = [r for r in results if r.recommended]
    return {
        "personas": n,
        "recommended": len(recommended),
        "recommended typing only": sum(r.typed_only for r in results),
        "openers that started the assessment": sum(r.opener_started for r in results),
        "openers with a process: process set": f"{sum(map(bool, processes))}/{len(processes)}",
        "personas with a two-option prompt": sum(r.prompts > 0 for r in results),
        "two-option prompts (total)": sum(r.prompts for r in results),
        "mid-form questions answered": sum(r.mid_answered for r in results),
        "mid-form questions answered and resumed": sum(
            r.mid_answered and r.mid_resumed for r in results
        ),
        "stored answers right": f"{sum(sum(r.right.values()) for r in results)}/{5 * n}",
        "stored answers right per slot": {
            slot: sum(r.right.get(slot, False) for r in results) for slot in ANSWER_SLOTS
        },
        "personas with all five right": sum(all(r.right.values()) for r in results),
        "values stored never given or confirmed": sum(len(r.wrong_silent) for r in results),
        "announced assumed values unlike the truth": sum(len(r.wrong_assumed) for r in results),
        "personas with a loop (a question asked 3+ times)": sum(r.loop for r in results),
        "change applied": f"{sum(bool(r.change_applied) for r in results)}/{len(recommended)}",
        "why answered": f"{sum(bool(r.why_answered) for r in results)}/{len(recommended)}",
        "report link given": f"{sum(bool(r.report_link) for r in results)}/{len(recommended)}",
    }


def judge_turn(
    texts: DomainTexts, turn_spec: dict[str, Any], turn: Turn, said: str
) -> tuple[bool, str]:
    """Whether the reply is what `expect` asks for, and a short summary of what it was."""
    expect = turn_spec["expect"]
    got = texts.which(turn.text, said)
    if expect == "classify_process":
        model = classified_as(turn.text, str(turn_spec.get("process_asked", "")))
        return model == str(turn_spec.get("expected_model", "")).lower(), f"[{model}] {got}"
    if expect == "start_assessment":
        return turn.form_active, f"[form {'on' if turn.form_active else 'off'}] {got}"
    by_name = {"decline": "utter_out_of_source", "out_of_scope": "utter_out_of_scope"}
    if expect in by_name or expect == "greet":
        return texts.shows(turn.text, by_name.get(expect, "utter_greet")), got
    return texts.shows_topic(turn.text, expect), got


def score_knowledge(conversations: list[dict[str, Any]], url: str, token: str) -> dict[str, Any]:
    texts, turns, right = DomainTexts(), [], 0
    for conversation in conversations:
        chat, said = Conversation(url, token), ""
        for index, spec in enumerate(conversation["turns"], 1):
            said += "\n" + spec["user"]
            ok, got = judge_turn(texts, spec, chat.send(spec["user"]), said)
            right += ok
            label = spec["expect"] + (
                f"({spec.get('expected_model')})" if spec["expect"] == "classify_process" else ""
            )
            turns.append({"turn": f"{conversation['id']}.{index}", "expect": label, "got": got,
                          "right": ok})  # fmt: skip
            print(f"  {conversation['id']}.{index:<3} {'RIGHT' if ok else 'wrong'}  "
                  f"expect {label:<22} got {got}", flush=True)  # fmt: skip
    by_expect: dict[str, list[int]] = {}
    for item in turns:
        tally = by_expect.setdefault(str(item["expect"]).split("(")[0], [0, 0])
        tally[0] += bool(item["right"])
        tally[1] += 1
    totals = {"right": f"{right}/{len(turns)}"} | {k: f"{a}/{b}" for k, (a, b) in by_expect.items()}
    return {"totals": totals, "turns": turns}


def markdown(name: str, report: dict[str, Any]) -> str:
    lines = [f"# Blind set {name}", ""]
    for part in ("assessments", "knowledge"):
        if part in report:
            lines += [f"## {part}", "", "| metric | value |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in report[part]["totals"].items()] + [""]
    if "assessments" in report:
        lines += ["| persona | recommended | wrong slots | prompts | loop | change/why/link |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        for r in report["assessments"]["personas"]:
            wrong = ",".join(s for s, ok in r["right"].items() if not ok) or "-"
            lines.append(f"| {r['id']} | {r['recommended']} | {wrong} | {r['prompts']} | "
                         f"{r['loop']} | {r['change_applied']}/{r['why_answered']}/"
                         f"{r['report_link']} |")  # fmt: skip
    if "knowledge" in report:
        lines += ["", "| turn | expect | right | got |", "|---|---|---|---|"]
        lines += [f"| {t['turn']} | {t['expect']} | {t['right']} | {t['got'].replace('|', '/')} |"
                  for t in report["knowledge"]["turns"]]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--set", action="append", type=Path, help="a blind set folder")
    parser.add_argument("--part", choices=("assessments", "knowledge"), help="score one part")
    parser.add_argument("--json", type=Path, help="also write all results to this JSON file")
    parser.add_argument("--model", type=Path, default=MODEL, help="the trained model to score")
    parser.add_argument(
        "--only", help="only the personas and conversations whose id starts with this (to debug)"
    )
    args = parser.parse_args(argv)
    sets = args.set or sorted(p for p in (PROJECT_DIR / "tests" / "blind").iterdir() if p.is_dir())
    for folder in sets:
        if not (folder / "assessments.yml").exists() and not (folder / "knowledge.yml").exists():
            parser.error(f"{folder}: no assessments.yml or knowledge.yml")
    everything: dict[str, Any] = {}
    with running_stack(args.model) as (url, token):
        for folder in sets:
            name, report = folder.resolve().name, {}
            print(f"== blind set {name}", flush=True)
            if args.part != "knowledge" and (folder / "assessments.yml").exists():
                print("-- assessments", flush=True)
                personas = load_yaml(folder / "assessments.yml")["personas"]
                personas = [p for p in personas if p["id"].startswith(args.only or "")]
                report["assessments"] = score_assessments(personas, url, token)
            if args.part != "assessments" and (folder / "knowledge.yml").exists():
                print("-- knowledge", flush=True)
                conversations = load_yaml(folder / "knowledge.yml")["conversations"]
                conversations = [c for c in conversations if c["id"].startswith(args.only or "")]
                report["knowledge"] = score_knowledge(conversations, url, token)
            print_totals(name, report)
            out = PROJECT_DIR / "results" / "blind"
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
            (out / f"{name}.md").write_text(markdown(name, report))
            print(f"   wrote {out / name}.json and .md")
            everything[name] = report
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2) + "\n")
    return 0


def print_totals(name: str, report: dict[str, Any]) -> None:
    print(f"== totals of {name}")
    for part, data in report.items():
        print(f"-- {part}")
        for key, value in data["totals"].items():
            print(f"  {key:<52} {value}")


if __name__ == "__main__":
    sys.exit(main())
