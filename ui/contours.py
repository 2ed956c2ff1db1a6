"""Level lines that are true, and the filled-band image of a sampled surface.

Level lines come from contourpy (matplotlib's contouring core) on a fresh grid over the box on screen, and are
then checked against the function itself: every vertex and every segment's midpoint must lie within
LEVEL_TOLERANCE of the line's level, else that part is cut out; and a closed loop is kept only around a critical
point, as a smooth function's closed level line must be. Where a valley is narrower than a grid cell, linear
interpolation would otherwise draw loops around single grid nodes that look like minima that are not there.

Why not a plotly contour trace: Plotly.animate without a redraw (the only way to move paths at 30+ frames per
second) deletes every non-scatter trace it does not animate, and redrawing a contour costs about 40 ms a frame.
So the landscape is a PNG under the axes (layout.images survive animation) and its level lines are scatter
traces.
"""

from __future__ import annotations

import struct
import zlib

import contourpy
import numpy as np

LEVEL_TOLERANCE = 0.1  # a drawn level line's f stays within this fraction of its level's height above the floor
NEWTON_STEPS = 40


def level_lines(x: np.ndarray, y: np.ndarray, z: np.ndarray, level: float) -> list[np.ndarray]:
    """The polylines where z = level on the grid, each an (n, 2) array; a closed one ends where it starts."""
    generator = contourpy.contour_generator(x, y, z, name="serial", line_type=contourpy.LineType.Separate)
    return [np.asarray(line, dtype=float) for line in generator.lines(level) if len(line) > 1]


def true_parts(surface, lines: list[np.ndarray], level: float, tolerance: float) -> list[np.ndarray]:
    """The runs of the polylines along which f stays within `tolerance` of `level`, at every vertex and at every
    segment's midpoint (all evaluated in one call)."""
    if not lines:
        return []
    points = np.concatenate([np.concatenate((line, 0.5 * (line[1:] + line[:-1]))) for line in lines])
    with np.errstate(all="ignore"):
        near = np.abs(surface.value(points) - level) <= tolerance
    parts, at = [], 0
    for line in lines:
        n = len(line)
        at_vertices, at_midpoints = near[at:at + n], near[at + n:at + 2 * n - 1]
        at += 2 * n - 1
        good = at_vertices[1:] & at_vertices[:-1] & at_midpoints  # segment i joins vertices i and i + 1
        if good.all():
            parts.append(line)
            continue
        start = None
        for index, ok in enumerate([*good.tolist(), False]):
            if ok and start is None:
                start = index
            elif not ok and start is not None:
                parts.append(line[start:index + 1])
                start = None
    return parts


def is_closed(line: np.ndarray) -> bool:
    return len(line) > 3 and bool(np.all(line[0] == line[-1]))


def inside(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points lie inside a closed polygon (even-odd rule)."""
    px, py = points[:, :1], points[:, 1:]
    ax, ay, bx, by = polygon[:-1, 0], polygon[:-1, 1], polygon[1:, 0], polygon[1:, 1]
    crosses = (ay > py) != (by > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = ax + (py - ay) * (bx - ax) / (by - ay)
    return np.sum(crosses & (px < at), axis=1) % 2 == 1


def encircled(surface, loops: list[np.ndarray], known: np.ndarray) -> list[bool]:
    """For each closed loop, whether a critical point lies inside it: a known one, or one that Newton's method
    on the gradient finds from the loop's centroid (it converges there for a loop around an extremum)."""
    answers = [bool(len(known) and inside(known, loop).any()) for loop in loops]
    unknown = [k for k, found in enumerate(answers) if not found]
    if not unknown:
        return answers
    seeds = np.array([loops[k][:-1].mean(axis=0) for k in unknown])
    points = newton(surface, seeds)
    with np.errstate(all="ignore"):
        gradient = surface.gradient(points)
    converged = np.all(np.isfinite(points), axis=1) & (np.hypot(gradient[:, 0], gradient[:, 1]) < 1e-8 * (
        1.0 + np.hypot(*np.abs(surface.gradient(seeds)).T)))
    for k, point, ok in zip(unknown, points, converged, strict=True):
        answers[k] = bool(ok and inside(point[None, :], loops[k])[0])
    return answers


def newton(surface, points: np.ndarray) -> np.ndarray:
    """Newton's method on the gradient from many starting points at once."""
    points = points.copy()
    with np.errstate(all="ignore"):
        for _ in range(NEWTON_STEPS):
            g, h = surface.gradient(points), surface.hessian(points)
            det = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] * h[:, 1, 0]
            step = np.stack(((h[:, 1, 1] * g[:, 0] - h[:, 0, 1] * g[:, 1]) / det,
                             (h[:, 0, 0] * g[:, 1] - h[:, 1, 0] * g[:, 0]) / det), axis=-1)
            points = np.where(np.isfinite(step), points - step, points)
    return points


def polylines_with_gaps(lines: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Many polylines as one x and one y array, separated by NaN, which plotly draws as breaks."""
    if not lines:
        return np.array([]), np.array([])
    gap = np.array([[np.nan, np.nan]])
    joined = np.concatenate([part for line in lines for part in (line, gap)][:-1])
    return joined[:, 0], joined[:, 1]


def colour_bands(z: np.ndarray, levels: np.ndarray, scale: list[list]) -> np.ndarray:
    """An RGB image (rows top to bottom) filling each band between consecutive levels with one colour."""
    band = np.clip(np.searchsorted(levels, z, side="right"), 0, len(levels))
    fraction = band / max(len(levels), 1)
    stops = np.array([s for s, _ in scale])
    colours = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for _, c in scale], dtype=float)
    rgb = np.stack([np.interp(fraction, stops, colours[:, k]) for k in range(3)], axis=-1)
    return np.round(rgb[::-1]).astype(np.uint8)


def png(rgb: np.ndarray) -> bytes:
    """A truecolour PNG of an (h, w, 3) uint8 image: zlib and four chunks, no imaging library needed."""
    height, width, _ = rgb.shape
    raw = np.zeros((height, width * 3 + 1), dtype=np.uint8)  # each row starts with filter type 0
    raw[:, 1:] = rgb.reshape(height, width * 3)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9))
            + chunk(b"IEND", b""))
