"""Gate the build on the NLU hold-out evaluation written by `rasa test nlu`.

An example counts as correct only if its intent is right and, for the retrieval
intent `faq`, the ResponseSelector also picked the right topic. (`rasa test nlu`
scores the intent before the FallbackClassifier, so confidence is not judged here;
the pytest conversations check what users see, fallback included.)

Usage: python scripts/check_nlu_report.py <results-dir> <min-accuracy>
"""

import json
import sys
from pathlib import Path


def full_intent_accuracy(results: Path) -> tuple[float, int, list[str]]:
    intent_report = json.loads((results / "intent_report.json").read_text())
    total = int(intent_report["weighted avg"]["support"])
    wrong = {e["text"] for e in json.loads((results / "intent_errors.json").read_text())}
    selector_errors = results / "response_selection_errors.json"
    if selector_errors.exists():
        wrong |= {e["text"] for e in json.loads(selector_errors.read_text())}
    return (total - len(wrong)) / total, total, sorted(wrong)


def main() -> None:
    results, minimum = Path(sys.argv[1]), float(sys.argv[2])
    accuracy, total, wrong = full_intent_accuracy(results)
    print(
        f"NLU hold-out: {total} examples, full-intent accuracy {accuracy:.1%} "
        f"(gate {minimum:.0%}); misclassified: {len(wrong)}"
    )
    for text in wrong:
        print(f"  - {text}")
    summary = {"examples": total, "accuracy": accuracy, "gate": minimum, "misclassified": wrong}
    (results / "holdout_summary.json").write_text(json.dumps(summary, indent=2))
    if accuracy < minimum:
        sys.exit(f"FAIL: NLU hold-out accuracy {accuracy:.1%} is below {minimum:.0%}")


if __name__ == "__main__":
    main()
