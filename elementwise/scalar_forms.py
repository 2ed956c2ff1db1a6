"""What numba compiles in place of each elementwise function: its scalar form, with the same bits.

Imported by the compiled engine only (it needs numba). The exponential and friends call the C library, as the
array forms do element by element; the rest spell out NumPy's rules for NaN and signed zeros.
"""

from __future__ import annotations

import math

from numba.extending import overload

import elementwise


def _unary(function, scalar):
    @overload(function)
    def implementation(x):
        return lambda x: scalar(x)


for _name in ("exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan"):
    _unary(getattr(elementwise, _name), getattr(math, _name))


@overload(elementwise.power)
def _power(base, exponent):
    return lambda base, exponent: math.pow(float(base), float(exponent))  # an int exponent would multiply


@overload(elementwise.where)
def _where(condition, if_true, if_false):
    return lambda condition, if_true, if_false: if_true if condition else if_false


@overload(elementwise.maximum)
def _maximum(a, b):
    return lambda a, b: a if (a != a or a > b) else b  # NaN wins; a tie gives b, as np.maximum


@overload(elementwise.minimum)
def _minimum(a, b):
    return lambda a, b: a if (a != a or a < b) else b


@overload(elementwise.nonzero)
def _nonzero(value):
    return lambda value: value != 0


@overload(elementwise.zeros_like)
def _zeros_like(value):
    return lambda value: 0.0
