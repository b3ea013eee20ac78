#!/usr/bin/env python3
"""Finds every figure a guide quotes from a run in the output of that run.

A guide marks the figures it quotes from one run with the command that printed them:

    <!-- figures: gpt --seed 0 -->
    ... the GPT scored 0.3129 bits per character ...
    <!-- /figures -->

Every number between the marks (outside `code`) must occur in what that command prints, so a
guide cannot keep a figure the lesson no longer produces. Each command runs once, from the
release build given as the first argument. Numbers are compared without their thousands
separators and sign ("−0.0118" is found as "-0.0118" or "0.0118").

    guide-figures.py [--all] BIN_DIR GUIDE.md...        exit 1 naming each figure not found

CI checks the spans of each lesson's own run at seed 0 (`gpt --seed 0`, `gpt --quick --seed
0`), one run per lesson and mode; `--all` also runs the other commands a guide names (other
seeds, `--set` variants), which take minutes: run it after changing a guide or a lesson.
"""
import re
import subprocess
import sys

SPAN = re.compile(r"<!-- figures: (.+?) -->(.*?)<!-- /figures -->", re.S)
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers(text):
    """The numbers of `text` outside code, without thousands separators."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return [m.group(0).replace(",", "").rstrip(".") for m in NUMBER.finditer(text)]


def main_run(command):
    """Whether `command` is a lesson's own run at seed 0, default or quick."""
    return command[1:] in (["--seed", "0"], ["--quick", "--seed", "0"])


def main():
    arguments = sys.argv[1:]
    everything = arguments[:1] == ["--all"]
    if everything:
        arguments = arguments[1:]
    bin_dir, guides = arguments[0], arguments[1:]
    skipped = 0
    outputs = {}
    missing = []
    checked = 0
    for guide in guides:
        text = open(guide, encoding="utf-8").read()
        spans = list(SPAN.finditer(text))
        if "<!-- figures:" in text and len(spans) != text.count("<!-- figures:"):
            missing.append(f"{guide}: a '<!-- figures: … -->' mark without its '<!-- /figures -->'")
        for span in spans:
            command = span.group(1).split()
            key = " ".join(command)
            if not everything and not main_run(command):
                skipped += len(numbers(span.group(2)))
                continue
            if key not in outputs:
                run = subprocess.run(
                    [f"{bin_dir}/{command[0]}", *command[1:], "--no-color", "--width", "200"],
                    capture_output=True, text=True)
                # A run may end with a failed check on purpose (a guide can quote one); a
                # run that failed to start prints nothing, and its figures are not found.
                outputs[key] = set(numbers(run.stdout.replace("−", "-")))
            line = text[: span.start()].count("\n") + 1
            for figure in numbers(span.group(2)):
                checked += 1
                if figure not in outputs[key]:
                    missing.append(f"{guide}:{line}: {figure} is not in the output of `{key}`")
    for problem in missing:
        print("error:", problem, file=sys.stderr)
    print(f"{checked} figures in {len(guides)} guides, from {len(outputs)} runs; "
          f"{len(missing)} not found"
          + (f"; {skipped} figures of other runs not checked (--all checks them)" if skipped else ""),
          file=sys.stderr if missing else sys.stdout)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
