"""Messages for the user about input that was repaired: English text that also carries a key and its values,
so the page can show it in another language (ui/locales, "messages").

A Message is a str, so code and tests that treat warnings as text keep working.
"""

from __future__ import annotations

# Every message the link parser and the editors can produce, in English, by key.
MESSAGES = {
    "not-bool": "{name}={given} is not true/false; using {used}",
    "not-choice": "{name}={given} is not one of {choices}; using {used}",
    "not-number": "{name}={given} is not a finite number; using {used}",
    "field-empty": "{name} was left empty; keeping {used}",
    "not-whole": "{name}={given} is not a whole number; using {used}",
    "below": "{name}={given} is below {low}; using {used}",
    "above": "{name}={given} is above {high}; using {used}",
    "link-too-long": "the link is {length} characters long; only the first {kept} were read",
    "link-unreadable": "the link's query could not be read; using the default experiment",
    "key-repeated": "{key} is given more than once; using the first value",
    "unknown-surface": "unknown surface {given}; using {used}",
    "start-overflows": "the loss of {surface} overflows at start={start}; using the default start",
    "unknown-key": "unknown key {key} was ignored",
    "too-many-runs": "{count} runs given; only the first {kept} are kept",
    "no-usable-run": "no usable run in the link; showing the default runs",
    "too-much-work": "steps={steps} is too much work for these runs (a link may ask for {limit} run-steps, and an "
                     "L-BFGS step counts as 1 + history_size/10 of them); using steps={used}",
    "not-a-step": "step={given} is not a step number; starting at the beginning",
    "unknown-plot": "plot={given} is not a view this page has ({known}); showing the contour",
    "unknown-arrows": "arrows={given} is not something the contour can draw ({known}); drawing the run's arrows",
    "bad-view": "view={given} is not a zoomed box x0,x1,y0,y1 with x0 < x1 and y0 < y1; showing the whole surface",
    "zoom-unusable": "view={given} is too small, too far out of shape or off the surface to show; showing the "
                     "whole surface",
    "bad-start": "start={given} is not two finite numbers like start=-1.5,2; using the default start",
    "start-limited": "start is limited to ±{limit}; using {used}",
    "bad-run": "opt={given} is not of the form name(key=value,…); that run was skipped",
    "unknown-optimizer": "unknown optimizer {given}; that run was skipped (choose from {choices})",
    "no-equals": "{given} has no '='; ignored",
    "unknown-schedule": "unknown schedule {given}; using constant",
    "label-cleaned": "a label may have {limit} characters and none of {forbidden}; using {used}",
    "unknown-setting": "unknown setting {key} was ignored",
    "more-problems": "further problems with this link were not listed",
    "nesterov-needs": "Nesterov momentum needs momentum > 0 and dampening = 0; using nesterov=false",
    "at-most-runs": "an experiment has at most {limit} runs",
    "at-least-one-run": "an experiment needs at least one run",
    "label-shortened": "the label {given} was shortened or had characters removed: {used}",
    "bad-sweep": "sweep={given} is not of the form name:low:high:count (e.g. lr:1e-4:1:64); it was dropped",
    "sweep-not-common": "{name} cannot be swept: {lacking} has no such setting (every run has: {choices}); that "
                        "sweep was dropped",
    "too-many-axes": "a sweep has at most {limit} axes; sweep={given} was dropped",
    "sweep-repeated": "{name} is swept twice; the second sweep was dropped",
    "sweep-empty": "the sweep of {name} has low = high = {given}; it was dropped",
    "sweep-swapped": "the sweep of {name} runs from {given}; using {used}",
    "sweep-bounds": "the sweep of {name} must stay within {low} … {high}; using {used}",
    "sweep-count": "the sweep of {name}: count={given} must be a whole number from 2 to {most}; using {used}",
    "tuned": "{name}: lr tuned over {count} values in [{low}, {high}] for {steps} steps: best {measure} {value} "
             "at lr={lr}",
    "tune-nothing": "{name}: no lr in [{low}, {high}] gave a {measure} in {steps} steps; lr kept at {lr}",
    # A typed formula (experiments/formula.py): why it cannot be read, and where.
    "formula-at": "{reason} (at character {position})",
    "formula-long": "the formula is {length} characters long; at most {limit} are read",
    "formula-empty": "the formula is empty",
    "formula-character": "{given} is not part of a formula",
    "formula-product": "write a product with * (2*x, not 2x)",
    "formula-syntax": "this is not a formula: check the operators and brackets",
    "formula-unclosed": "a bracket is opened and never closed",
    "formula-unmatched": "a bracket is closed that was never opened",
    "formula-nested": "the formula is nested too deeply",
    "formula-parts": "the formula has more than {limit} parts",
    "formula-depth": "the formula is nested {depth} deep; at most {limit} levels are allowed",
    "formula-slow": "the formula takes too long to differentiate (more than {limit} ms)",
    "formula-number": "a number in the formula is too large",
    "formula-name": "{given} is not a name a formula may use (x, y, pi, e)",
    "formula-exponent": "an exponent is beyond ±{limit}",
    "formula-power": "a power in the formula is too large",
    "formula-function": "{given} is not a function a formula may use ({functions})",
    "formula-named": "{name}() takes no named arguments",
    "formula-one-argument": "{name}() takes one argument",
    "formula-arguments": "{name}() takes {low} to {high} arguments",
    "formula-attribute": "attribute access (a dot after a name) is not allowed in a formula",
    "formula-lambda": "a lambda is not allowed in a formula",
    "formula-string": "a string or other constant is not allowed in a formula",
    "formula-indexing": "indexing is not allowed in a formula",
    "formula-comparison": "a comparison is not allowed in a formula",
    "formula-logic": "and/or/not are not allowed in a formula",
    "formula-if": "if/else is not allowed in a formula",
    "formula-comprehension": "a comprehension is not allowed in a formula",
    "formula-collection": "a list, tuple, set or dict is not allowed in a formula",
    "formula-operator": "that operator is not allowed in a formula (use + - * / ^)",
    "formula-other": "that is not allowed in a formula",
    "formula-constant": "a part without x or y has no finite real value (1/0, log(0), sqrt(-1), an overflow)",
    "bad-formula": "the formula {given} cannot be used: {reason}; using {used}",
    "formula-plus": "a space between two terms was read as + (in a link, + means a space: write %2B)",
    "bad-box": "box={given} is not x0,x1,y0,y1 with x0 < x1 and y0 < y1 within ±{limit}; using {used}",
    "bad-data": "data={given} cannot be used: {reason}; using {used}",
    "data-unknown": "it is neither a built-in dataset ({names}) nor inline:…",
    "data-encoding": "its inline data is not base64url of compressed float32 pairs",
    "data-rows": "it has {rows} rows; {low} to {high} are allowed",
    "data-finite": "it has a value that is not a finite number",
    "data-distinct": "it needs at least 2 distinct values of u",
    "data-long": "its inline data is {length} characters long; at most {limit} are read",
    "csv-row": "line {line} is not two numbers u,t: {given}",
    "csv-too-many": "the CSV has {rows} rows; at most {limit} travel in a link",
    "logistic-targets": "a logistic model needs targets t in [0, 1], which data={given} does not have; using "
                        "data=classes",
    "batch-without-data": "{given} has no data to draw mini-batches from; batch= was dropped",
    "sweep-too-much-work": "the sweep is too much work ({points} values × {steps} steps for these runs; a sweep "
                           "may ask for {limit} run-steps); using {used}",
}


# Messages that report what the user asked for (not a repair): the page lists them apart from the warnings.
NOTICES = {"tuned", "tune-nothing"}


class Message(str):
    """``message("below", name="lr", given="-1.0", low="1e-08", used="1e-08")`` reads as its English text;
    ``.key``, ``.values`` and ``.prefix`` (which run it is about, e.g. "adam: ") let a translation rebuild it."""

    key: str
    values: dict[str, str]
    prefix: str

    def __new__(cls, key: str, values: dict[str, str], prefix: str = "", /) -> Message:
        self = super().__new__(cls, prefix + MESSAGES[key].format(**values))
        self.key, self.values, self.prefix = key, values, prefix
        return self

    def within(self, prefix: str) -> Message:
        """The same message about one part of the input, e.g. one run: ``adam: lr=-1.0 is below …``."""
        return Message(self.key, self.values, prefix + self.prefix)


def message(key: str, /, **values: object) -> Message:
    """A message; a value that is itself a Message (a formula's reason) stays one, so it is translated too."""
    return Message(key, {name: value if isinstance(value, Message) else str(value) for name, value in values.items()})


__all__ = ["MESSAGES", "Message", "message"]
