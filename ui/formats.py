"""How numbers travel to the browser: arrays as plotly typed-array specs, losses as short labels."""

from __future__ import annotations

import base64

import numpy as np

_F4_MAX = float(np.finfo(np.float32).max)
_F4_TINY = float(np.finfo(np.float32).tiny)


def typed(values, dtype: str = "f4") -> dict:
    """A plotly typed-array spec. Values float32 cannot hold (beyond its range, or so small they would flush
    to zero on a log axis) send the array as float64 instead."""
    array = np.asarray(values)
    if dtype == "f4" and array.size:
        magnitude = np.abs(array[np.isfinite(array)])
        nonzero = magnitude[magnitude > 0]
        if magnitude.size and (magnitude.max() > _F4_MAX or (nonzero.size and nonzero.min() < _F4_TINY)):
            dtype = "f8"
    little_endian = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    spec = {"dtype": dtype, "bdata": base64.b64encode(little_endian.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ",".join(str(n) for n in array.shape)
    return spec


def loss_text(value: float) -> str:
    if value != 0 and (abs(value) < 0.01 or abs(value) >= 1e3):
        return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{value:.3g}"
