"""No secret in the repository: every tracked (or new, not ignored) file is scanned for token-like
strings. Secrets come from the environment (README "Security and reliability");
test values are deliberately shaped so they can never be mistaken for real ones
(e.g. "xoxb-test-...", not "xoxb-<digits>-<digits>-<key>")."""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

PATTERNS = {
    "Slack token": re.compile(r"\bxox[abposr]-\d{6,}-[0-9A-Za-z-]{10,}"),
    "Slack webhook": re.compile(
        r"hooks\.slack\.com/services/T[0-9A-Z]{6,}/B[0-9A-Z]{6,}/[0-9A-Za-z]{16,}"
    ),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key": re.compile(r"(?i)aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}"),
    "private key": re.compile(
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----"
    ),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
    "npm token": re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    # password=..., "password": "...", PASSWORD: ... with a literal value (not ${VAR}, $VAR,
    # a placeholder like <...>, …, *** or a code expression such as os.environ[...]).
    "password literal": re.compile(
        r"(?i)\b[\w.-]*(?:password|passwd|pwd)[\w.-]*['\"]?\s*[:=]\s*['\"]"
        r"(?![$<*…]|\{\{|xxx|changeme|example|test|fake|dummy)[^'\"\s]{6,}['\"]"
    ),
    "URL with credentials": re.compile(
        r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?![$<*…{])[^/\s@'\"]{6,}@[\w.-]+"
    ),
}
SKIP_SUFFIXES = {".png", ".jpg", ".gif", ".ico", ".gz", ".tar", ".zip", ".pdf", ".woff", ".woff2"}


def tracked_files() -> list[Path]:
    output = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout
    return [PROJECT_DIR / name for name in output.decode().split("\0") if name]


def findings(text: str) -> Iterator[tuple[str, str]]:
    for name, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            yield name, match.group(0)


def test_tracked_files_contain_no_token_like_strings() -> None:
    files = tracked_files()
    assert len(files) > 50, "git ls-files found too few files; is this the repository?"
    problems = []
    for path in files:
        if (
            path.suffix.lower() in SKIP_SUFFIXES
            or not path.is_file()
            or path.stat().st_size > 2_000_000
        ):
            continue
        if path == Path(__file__).resolve():
            continue  # the patterns themselves
        text = path.read_text("utf-8", errors="replace")
        for name, value in findings(text):
            problems.append(f"{path.relative_to(PROJECT_DIR)}: {name}: {value[:12]}…")
    assert not problems, "secrets in tracked files:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "sample",
    [
        "SLACK_BOT_TOKEN=xoxb-" + "123456789012-123456789012-" + "AbCdEfGhIjKlMnOpQrStUvWx",
        "aws_access_key_id = AKIA" + "ABCDEFGHIJKLMNOP",
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        'password = "' + 'hunter2hunter2"',
        "DB_PASSWORD: 'Sup3r" + "S3cret!'",
        "postgresql://rasa:" + "s3cretpass@db.internal/rasa",
        "token ghp_" + "a" * 36,
    ],
)
def test_the_scanner_finds_real_looking_secrets(sample: str) -> None:
    assert list(findings(sample)), sample


@pytest.mark.parametrize(
    "sample",
    [
        'BOT_TOKEN = "xoxb-test-outsourcing-advisor"',
        "password: ${DB_PASSWORD}",
        'password = os.environ["DB_PASSWORD"]',
        "SLACK_BOT_TOKEN=xoxb-…",
        "postgresql://rasa:${DB_PASSWORD}@127.0.0.1/rasa",
    ],
)
def test_the_scanner_ignores_references_and_placeholders(sample: str) -> None:
    assert not list(findings(sample)), sample
