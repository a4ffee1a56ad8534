"""Everything that reads the user's text: what a message is (a question, an answer, a
change of mind...), which questions it answers and which values it gives.

`turn.interpret(turn)` is the one place that decides what a message in an assessment
means; the rest are its parts: exact rules (`answer_parser`, `cue_reader`,
`answer_patterns`, `process_answer`), learned models (`answer_model`, `intent_model`,
`kind_model`, on `linear_text` features) and text utilities (`text`, `nlp`, `focus`).
"""
