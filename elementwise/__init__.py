"""Elementwise math that gives the same bits on NumPy arrays and, compiled by numba, on plain floats.

The update rules and the surfaces are written once, in scalar style: ``m = beta1 * m + (1 - beta1) * g`` reads the
same on a (runs, 2) array and on one float. Arithmetic and square roots are exact IEEE operations either way;
what is not is the transcendental functions. NumPy's own exp, log, tanh, … are vectorized approximations that
differ from the C library's in the last bit for a few per cent of inputs, while compiled code calls the C
library. So on arrays these functions call the C library element by element too, and the compiled engine
(experiments/compiled.py) replaces each with its scalar form. `where`, `maximum` and `nonzero` exist for the
same reason: a scalar has no np.where, and NumPy's maximum has its own rules for NaN and signed zeros.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np

_LIBM = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")


def _c_function(name: str, arity: int):
    function = getattr(_LIBM, name)
    function.restype = ctypes.c_double
    function.argtypes = [ctypes.c_double] * arity
    return function


def _libm(name: str, arity: int = 1):
    """A C library function over floats and arrays. Python's math module calls the same C function but raises
    where C returns inf or NaN (exp(1000), log(−1), pow(0, −1)); then the call goes through ctypes instead."""
    fast, exact = getattr(math, name), _c_function(name, arity)
    fast_each, exact_each = np.frompyfunc(fast, arity, 1), np.frompyfunc(exact, arity, 1)

    def apply(*args):
        if all(isinstance(a, float | int) and not isinstance(a, bool) for a in args):
            values = tuple(float(a) for a in args)
            try:
                return fast(*values)
            except (OverflowError, ValueError):
                return exact(*values)
        arrays = [np.asarray(a, dtype=float) for a in args]
        with np.errstate(all="ignore"):  # inf and NaN are the C library's answers here, not accidents
            try:
                out = fast_each(*arrays)
            except (OverflowError, ValueError):
                out = exact_each(*arrays)
        return np.asarray(out, dtype=float)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The C library's {name}, element by element."
    return apply


exp = _libm("exp")
log = _libm("log")
sin = _libm("sin")
cos = _libm("cos")
tan = _libm("tan")
sinh = _libm("sinh")
cosh = _libm("cosh")
tanh = _libm("tanh")
atan = _libm("atan")
power = _libm("pow", 2)
power.__doc__ = """base ** exponent by the C library's pow, element by element, as torch computes its bias corrections
on Python floats. (NumPy's vectorized pow may differ in the last bit, which would also make a run's numbers depend
on whether its batch-mates share its β.)"""


def where(condition, if_true, if_false):
    """if_true where the condition holds, else if_false (both are computed, as np.where's arguments are)."""
    return np.where(condition, if_true, if_false)


def maximum(a, b):
    """The larger of a and b, NaN if either is NaN; on a tie (0.0 against −0.0) b, as NumPy's maximum does."""
    return np.maximum(a, b)


def minimum(a, b):
    """The smaller of a and b, NaN if either is NaN; on a tie b, as NumPy's minimum does."""
    return np.minimum(a, b)


def nonzero(value) -> bool:
    """Whether a hyperparameter is switched on (torch's ``if weight_decay != 0``). Runs stepped together agree on
    it, so for a column of them it is whether any is non-zero."""
    if isinstance(value, float | int):
        return value != 0
    return bool((np.asarray(value) != 0).any())


def zeros_like(value):
    """A zero of the same shape, for a rule's initial state."""
    return np.zeros_like(value, dtype=float)


__all__ = ["atan", "cos", "cosh", "exp", "log", "maximum", "minimum", "nonzero", "power", "sin", "sinh", "tan", "tanh",
           "where", "zeros_like"]
