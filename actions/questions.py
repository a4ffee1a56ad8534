"""Ask the assessment's questions (`action_ask_<slot>`): plainly, with a hint after an
unclear answer, explained after "not sure" or "what do you mean?", or as a confirmation
or a choice when the last answer was probable but not sure (`pending_answer`). No question
is asked a third time: the form's validation takes a reading first (advisor/reading/turn.py).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import slot_set_this_turn
from actions.form_validation import PENDING
from advisor.questions import QUESTIONS, Question, button_payload, option_title, value_name

Button = dict[str, str]


class AskQuestion(Action):
    slot: str = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = QUESTIONS[self.slot]
        pending = tracker.get_slot(PENDING) or {}
        if pending.get("slot") == self.slot and pending.get("kind") == "noted":
            text, buttons = question.text, _option_buttons(question)
        elif pending.get("slot") == self.slot:
            text, buttons = _pending_question(question, pending)
        else:
            text, buttons = self._question(question, tracker), _option_buttons(question)
        dispatcher.utter_message(text=text, buttons=buttons)
        return []

    def _question(self, question: Question, tracker: Tracker) -> str:
        # "Sorry" only right after the unclear answer, not when the question
        # comes back after a digression ("what do you recommend so far?").
        if not slot_set_this_turn(tracker, "unclear_answers"):
            return question.text
        if int(tracker.get_slot("unclear_answers") or 0) >= 1:
            return f"Sorry, I didn't catch that. {question.hint}\n{question.text}"
        return question.text


def _option_buttons(question: Question, only: list[str] | None = None) -> list[Button]:
    # A "type your own" option (no value) needs no button: typing is always fine.
    return [
        {"title": option.title, "payload": button_payload(question.slot.value, option.value)}
        for option in question.options
        if option.value is not None and (only is None or option.value in only)
    ]


def _pending_question(question: Question, pending: dict[str, Any]) -> "tuple[str, list[Button]]":
    slot = question.slot.value
    kind = pending.get("kind")
    if kind == "confirm":
        value = pending["value"]
        title = (option_title(slot, value) or value_name(slot, value)).lower()
        yes = {"title": "Yes", "payload": button_payload(slot, value)}
        no = {"title": "No", "payload": "/deny"}
        others = [b for b in _option_buttons(question) if b["payload"] != yes["payload"]]
        return f"Sounds like *{title}* — right?", [yes, no] + others
    if kind == "choose":
        values = list(pending.get("values") or [])
        names = " or ".join(value_name(slot, value) for value in values)
        ask = "Which matters most" if slot == "goal" else "Which fits best"
        return f"{ask}: {names}?", _option_buttons(question, only=values)
    if kind == "explain":
        return f"Let me explain. {question.hint}\n{question.text}", _option_buttons(question)
    return f"OK — which fits best?\n{question.text}", _option_buttons(question)


class AskProcess(AskQuestion):
    slot = "process"


class AskCore(AskQuestion):
    slot = "core"


class AskComplexity(AskQuestion):
    slot = "complexity"


class AskQualifications(AskQuestion):
    slot = "qualifications"


class AskSensitivity(AskQuestion):
    slot = "sensitivity"


class AskGoal(AskQuestion):
    slot = "goal"
