"""One declaration per tunable parameter.

Surfaces, optimizers and schedules each declare their parameters once as `Param`s. That single table drives
the UI controls, URL parsing and validation, the generated docs and the tests, in the manner of TensorFlow
Playground's typed state table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from declarations.messages import Message, message

FLOAT, INT, BOOL, CHOICE, TEXT = "float", "int", "bool", "choice", "text"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Param:
    """A named, typed, bounded parameter with help text.

    `low`/`high` are inclusive bounds for numbers. `log` marks parameters best set on a log scale (learning
    rates, eps); their `low` is positive. `torch` names the matching `torch.optim` argument when it differs
    from `name` (for example Adam's `beta1` is `betas[0]`). A TEXT parameter (a typed formula, a box, a dataset)
    is read by its `reader`, text -> (canonical text, Message or None), which never raises; its `choices`, if
    any, are suggestions (built-in datasets), not a limit.
    """

    name: str
    default: float | int | bool | str
    low: float | None = None
    high: float | None = None
    log: bool = False
    help: str = ""
    kind: str = FLOAT
    choices: tuple[str, ...] = field(default_factory=tuple)
    label: str = ""
    torch: str = ""
    reader: Callable[[str], tuple[str, Message | None]] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind in (FLOAT, INT):
            assert self.low is not None and self.high is not None and self.low <= self.default <= self.high, self
            assert not self.log or self.low > 0, self
        if self.kind == CHOICE:
            assert self.default in self.choices, self
        if self.kind == TEXT:
            assert self.reader is not None, self  # tests check that each default reads back as itself

    def check(self, value: object) -> float | int | bool | str:
        """Validate a Python value exactly (raises ValueError); used by the Python API."""
        coerced, problem = self.coerce(value)
        if problem:
            allowed = f" (allowed: {_range_text(self)})" if self.kind in (FLOAT, INT) else ""
            raise ValueError(problem.split("; using")[0] + allowed)
        return coerced

    def coerce(self, raw: object) -> tuple[float | int | bool | str, Message | None]:
        """Turn untrusted input into a valid value. Never raises: returns (value, problem or None).

        Out-of-range numbers are clamped; unreadable input falls back to the default.
        """
        if self.kind == BOOL:
            if isinstance(raw, bool):
                return raw, None
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True, None
            if text in _FALSE:
                return False, None
            return self.default, message("not-bool", name=self.name, given=_short(raw),
                                         used=self.format(self.default))
        if self.kind == TEXT:
            return self.reader(raw if isinstance(raw, str) else str(raw))
        if self.kind == CHOICE:
            text = str(raw).strip().lower()
            if text in self.choices:
                return text, None
            return self.default, message("not-choice", name=self.name, given=_short(raw),
                                         choices=", ".join(self.choices), used=self.default)
        number = to_number(raw)
        if number is None:
            return self.default, message("not-number", name=self.name, given=_short(raw),
                                         used=self.format(self.default))
        if self.kind == INT:
            if number != math.floor(number):
                rounded = round(number)
                value, problem = self._clamp(rounded)
                return value, problem or message("not-whole", name=self.name, given=_short(raw), used=rounded)
            number = int(number)
        return self._clamp(number)

    def _clamp(self, number: float | int) -> tuple[float | int, Message | None]:
        low, high = self.low, self.high
        if self.kind == INT:
            low, high = int(low), int(high)
        else:
            number = float(number)
        if number < low:
            return low, message("below", name=self.name, given=self.format(number), low=self.format(low),
                                used=self.format(low))
        if number > high:
            return high, message("above", name=self.name, given=self.format(number), high=self.format(high),
                                 used=self.format(high))
        return number, None

    def format(self, value: object) -> str:
        """Canonical text of a value, as written in URLs: floats via repr so they read back exactly."""
        if self.kind == BOOL:
            return "true" if value else "false"
        if self.kind == FLOAT:
            return repr(float(value))
        return str(value)


def _range_text(param: Param) -> str:
    return f"{param.format(param.low)} … {param.format(param.high)}"


def to_number(raw: object) -> float | None:
    """A finite float from a number or short text, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # an int too large for a float
            return None
    else:
        text = str(raw).strip()
        if len(text) > 40:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _short(raw: object, limit: int = 24) -> str:
    text = str(raw)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def defaults(params: tuple[Param, ...]) -> dict[str, object]:
    return {p.name: p.default for p in params}


def resolve(params: tuple[Param, ...], given: dict[str, object], owner: str) -> dict[str, object]:
    """Complete `given` with defaults, validating exactly. Raises ValueError on unknown names or bad values."""
    by_name = {p.name: p for p in params}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise ValueError(f"{owner} has no parameter {', '.join(unknown)}; it takes {', '.join(by_name) or 'none'}")
    return {p.name: p.check(given[p.name]) if p.name in given else p.default for p in params}
