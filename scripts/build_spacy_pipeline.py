"""Build the project's spaCy pipeline offline: a blank English tokenizer plus the
lookup lemmatizer from spacy-lookups-data.

Why: Rasa's SpacyNLP needs a loadable spaCy package, and nothing may be downloaded
at run time (no `spacy download`). A blank pipeline with lookup lemmas gives the
tokenizer and lemmas our featurizers use, and builds in about a second.

Usage: python scripts/build_spacy_pipeline.py <output-dir>
"""

import sys
from pathlib import Path

import spacy


def build(output_dir: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data
    nlp.meta["name"] = "outsourcing_advisor_lookup"
    nlp.meta["description"] = "Blank English tokenizer + lookup lemmatizer, built offline."
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(Path(sys.argv[1]))
