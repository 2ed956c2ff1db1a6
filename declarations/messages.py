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
    return Message(key, {name: str(value) for name, value in values.items()})


__all__ = ["MESSAGES", "Message", "message"]
