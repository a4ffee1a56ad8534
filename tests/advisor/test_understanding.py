"""How rules and the model's guesses combine (advisor.reading.understanding): what is
taken, confirmed, offered as a choice or assumed, with guesses as the model
would give them."""

from advisor.reading.understanding import CONFIRM, DEFAULTS, understand


def guesses(slot: str, *ranking: tuple) -> dict:
    return {slot: [[value, p, p] for value, p in ranking]}


def test_rules_win_when_they_read_the_open_question():
    understood = understand(
        "pretty routine, mostly scripted", "complexity", guesses("complexity", ("expert", 0.5))
    )
    assert understood.answers["complexity"] == "routine"
    assert understood.confirm is None and understood.choose is None


def test_a_confident_guess_is_taken_when_the_rules_read_nothing():
    understood = understand(
        "it supports the biz but isnt our product",
        "core",
        guesses("core", ("supporting", 0.91), ("important", 0.05)),
    )
    assert understood.answers == {"core": "supporting"}


def test_a_probable_guess_is_put_to_the_user_to_confirm():
    understood = understand(
        "hmm billing has to work every month",
        "core",
        guesses("core", ("important", 0.55), ("supporting", 0.2)),
    )
    assert understood.confirm == ("core", "important")
    assert "core" not in understood.answers


def test_two_close_guesses_become_a_choice():
    understood = understand(
        "it kind of matters", "core", guesses("core", ("important", 0.45), ("core", 0.40))
    )
    assert understood.choose == ("core", ("important", "core"))


def test_two_goals_in_one_answer_ask_which_matters_most():
    understood = understand(
        "cutting costs and covering seasonal peaks",
        "goal",
        guesses("goal", ("cost", 0.93), ("flexibility", 0.88)),
    )
    assert understood.choose is not None
    assert understood.choose[0] == "goal"
    assert set(understood.choose[1]) == {"cost", "flexibility"}
    assert "goal" not in understood.answers


def test_main_goal_marker_decides_between_two_goals():
    understood = understand(
        "mainly cutting costs, flexibility would be nice too",
        "goal",
        guesses("goal", ("cost", 0.9), ("flexibility", 0.85)),
    )
    assert understood.answers.get("goal") == "cost"
    assert understood.choose is None


def test_not_sure_takes_the_stated_default():
    for slot, default in DEFAULTS.items():
        understood = understand("honestly not sure", slot, {})
        assert understood.assumed == (slot, default)
        assert understood.answers == {slot: default}


def test_text_about_nothing_is_unclear():
    understood = understand("blue", "sensitivity", guesses("sensitivity", ("low", CONFIRM - 0.1)))
    assert not understood.says_something()


def test_other_questions_need_the_rules_and_the_model_to_agree() -> None:
    # In a reply to the open question: a sure guess alone is no answer to another question,
    sure = guesses("sensitivity", ("high", 0.97))
    assert "sensitivity" not in understand("the thing with the files", "core", sure).answers
    # nor is what the rules alone read for it (the model, which ran, does not agree),
    core_only = guesses("core", ("important", 0.6))
    assert understand("pretty routine, mostly scripted", "core", core_only).answers == {}
    # but the two agreeing are: said back, and that question is not asked.
    routine = guesses("complexity", ("routine", 0.8))
    understood = understand("pretty routine, mostly scripted", "core", routine)
    assert understood.answers == {"complexity": "routine"} and understood.says_something()
    # Outside the assessment nothing is read for other questions; the message that starts it
    # is inside it, though no question is open, and a sure guess is enough there.
    assert "sensitivity" not in understand("the thing with the files", None, sure).answers
    opener = understand("the thing with the files", None, sure, in_assessment=True)
    assert opener.answers == {"sensitivity": "high"}


def test_strength_says_how_plainly_the_open_question_is_answered():
    assert understand("pretty routine, mostly scripted", "complexity", {}).strength == 1.0
    plain = {"core": [["core", 0.95, 0.9]]}
    assert understand("our edge over every rival", "core", plain).strength == 0.9
    # A question about the topic may look like a value given that it answers, but
    # its plain probability of being an answer is low.
    weak = {"sensitivity": [["high", 0.9, 0.12]]}
    assert understand("what about data security?", "sensitivity", weak).strength == 0.12


def test_a_terse_reply_answers_only_because_of_the_question():
    terse = understand("yes", "core", {})
    assert terse.strength < understand("it's our core business", "core", {}).strength


def test_a_clause_one_step_off_on_a_scale_is_nuance_not_a_second_answer():
    # "important for us" alone reads as core; the whole answer (and the rules) say
    # critical but not distinctive. Goals, unlike core levels, can really be two.
    understood = understand(
        "it's important for us, but honestly our competitors all do the same",
        "core",
        guesses("core", ("important", 0.97), ("core", 0.91)),
    )
    assert understood.answers == {"core": "important"}
    assert understood.choose is None


# The model agreeing with the rules on another question's answer (so it is kept).
ROUTINE = guesses("complexity", ("routine", 0.8))
NOT_SENSITIVE = guesses("sensitivity", ("low", 0.8))


def test_an_answer_to_another_question_is_not_also_guessed_for_the_open_one():
    # P(core | it answers core) looks probable, but P(it answers core) is small.
    faint = {"core": [["core", 0.6, 0.08], ["supporting", 0.3, 0.03]], **ROUTINE}
    understood = understand("pretty routine, mostly scripted", "core", faint)
    assert understood.answers == {"complexity": "routine"}
    assert understood.confirm is None and understood.choose is None


def test_a_weak_reading_next_to_another_answer_is_confirmed_not_taken():
    # Sure given that it answers core, but P(it answers core) is only 0.21.
    weak = {"core": [["supporting", 0.91, 0.21], ["important", 0.05, 0.01]], **NOT_SENSITIVE}
    understood = understand("nothing sensitive really, public data mostly", "core", weak)
    assert understood.answers == {"sensitivity": "low"}
    assert understood.confirm == ("core", "supporting")


def test_a_plain_reading_next_to_another_answer_is_taken():
    plain = {"core": [["supporting", 0.95, 0.5], ["important", 0.03, 0.01]], **NOT_SENSITIVE}
    understood = understand("nothing sensitive really, public data mostly", "core", plain)
    assert understood.answers == {"sensitivity": "low", "core": "supporting"}


def test_routine_by_the_rules_and_surely_expert_by_the_model_is_mixed():
    # The rules read "simple"; the model is sure another clause needs expertise.
    understood = understand(
        "the standard orders are simple, the custom ones are another story",
        "complexity",
        guesses("complexity", ("expert", 0.9), ("routine", 0.05)),
    )
    assert understood.answers["complexity"] == "mixed"
    assert understood.choose is None


def test_as_likely_routine_as_expert_proposes_mixed():
    understood = understand(
        "some of it is rinse and repeat, some of it really isnt",
        "complexity",
        guesses("complexity", ("routine", 0.45), ("expert", 0.42)),
    )
    assert understood.confirm == ("complexity", "mixed")
    assert "complexity" not in understood.answers


def test_two_close_readings_one_step_apart_stay_a_choice():
    understood = understand(
        "some of it is rinse and repeat, some of it really isnt",
        "complexity",
        guesses("complexity", ("routine", 0.45), ("mixed", 0.42)),
    )
    assert understood.choose == ("complexity", ("routine", "mixed"))


def test_a_message_answering_several_other_questions_keeps_them() -> None:
    # The rules read two other questions: several answers on purpose, kept without agreement.
    core_only = guesses("core", ("important", 0.6))
    text = "mostly scripted, anyone can learn it in a day"
    assert understand(text, "core", core_only).answers == {
        "complexity": "routine",
        "qualifications": "basic",
    }
