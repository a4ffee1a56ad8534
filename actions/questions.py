"""Ask the assessment's questions (`action_ask_<slot>`), with a hint after an
unclear answer and buttons only after two."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from advisor.questions import QUESTIONS, button_payload

MISSES_BEFORE_BUTTONS_ONLY = 2


class AskQuestion(Action):
    slot: Text = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        question = QUESTIONS[self.slot]
        misses = int(tracker.get_slot("unclear_answers") or 0)
        # A "type your own" option (no value) needs no button: typing is always fine.
        buttons = [
            {"title": option.title, "payload": button_payload(self.slot, option.value)}
            for option in question.options
            if option.value is not None
        ]
        if misses >= MISSES_BEFORE_BUTTONS_ONLY:
            text = f"Sorry, I still didn't get that. Please pick one of these:\n{question.text}"
        elif misses == 1:
            text = f"Sorry, I didn't catch that. {question.hint}\n{question.text}"
        else:
            text = question.text
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


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
