"""Contour lines and a filled-band image of a sampled surface, computed here rather than by plotly.

Why not a plotly contour trace: Plotly.animate without a redraw (the only way to move paths at 30+ frames per
second) deletes every non-scatter trace it does not animate, and redrawing a contour costs about 40 ms a frame.
So the landscape is a PNG under the axes (layout.images survive animation) and its level lines are ordinary
scatter traces, computed by marching squares.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np


def marching_squares(x: np.ndarray, y: np.ndarray, z: np.ndarray, level: float) -> list[np.ndarray]:
    """The polylines where z = level, each an (n, 2) array of points. z is (len(y), len(x))."""
    above = z >= level
    # Crossing points on the horizontal edges (between columns i and i+1 of row j) and vertical edges.
    with np.errstate(divide="ignore", invalid="ignore"):
        t_h = (level - z[:, :-1]) / (z[:, 1:] - z[:, :-1])
        t_v = (level - z[:-1, :]) / (z[1:, :] - z[:-1, :])
    cross_h = above[:, :-1] != above[:, 1:]
    cross_v = above[:-1, :] != above[1:, :]
    rows, cols = z.shape
    h_count = rows * (cols - 1)

    def h_id(j, i):
        return j * (cols - 1) + i

    def v_id(j, i):
        return h_count + j * cols + i

    # Cell (j, i) has edges: bottom h(j, i), right v(j, i+1), top h(j+1, i), left v(j, i).
    j, i = np.mgrid[0:rows - 1, 0:cols - 1]
    edges = np.stack([h_id(j, i), v_id(j, i + 1), h_id(j + 1, i), v_id(j, i)])
    crossing = np.stack([cross_h[:-1, :], cross_v[:, 1:], cross_h[1:, :], cross_v[:, :-1]])
    count = crossing.sum(axis=0)

    pairs = []
    two = count == 2
    if two.any():
        order = np.argsort(~crossing[:, two], axis=0, kind="stable")[:2]  # the two crossing edges, in order
        chosen = np.take_along_axis(edges[:, two], order, axis=0)
        pairs.append(chosen.T)
    four = count == 4
    if four.any():
        centre = (z[:-1, :-1] + z[:-1, 1:] + z[1:, 1:] + z[1:, :-1])[four] / 4 >= level
        corner = above[:-1, :-1][four]  # bottom-left corner
        e = edges[:, four]
        # If the centre sides with the bottom-left corner, the line cuts off bottom-right and top-left corners.
        same = centre == corner
        first = np.where(same, np.stack([e[0], e[1]]), np.stack([e[3], e[0]]))
        second = np.where(same, np.stack([e[2], e[3]]), np.stack([e[1], e[2]]))
        pairs += [first.T, second.T]
    if not pairs:
        return []
    segments = np.concatenate(pairs)

    # Point of every crossing edge.
    points = np.full((h_count + rows * cols, 2), np.nan)
    jh, ih = np.nonzero(cross_h)
    points[h_id(jh, ih), 0] = x[ih] + t_h[jh, ih] * (x[ih + 1] - x[ih])
    points[h_id(jh, ih), 1] = y[jh]
    jv, iv = np.nonzero(cross_v)
    points[v_id(jv, iv), 0] = x[iv]
    points[v_id(jv, iv), 1] = y[jv] + t_v[jv, iv] * (y[jv + 1] - y[jv])
    return [points[chain] for chain in _chains(segments)]


def _chains(segments: np.ndarray) -> list[list[int]]:
    """Join segments that share an edge point into polylines (each edge point joins at most two segments)."""
    neighbours: dict[int, list[int]] = {}
    for a, b in segments.tolist():
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set[int] = set()
    chains = []
    # Open chains start at their ends; what is left afterwards are closed loops.
    starts = [node for node, near in neighbours.items() if len(near) == 1] + list(neighbours)
    for start in starts:
        if start in seen:
            continue
        chain, previous, node = [start], None, start
        seen.add(start)
        while True:
            following = [n for n in neighbours[node] if n != previous and n not in seen]
            if not following:
                if len(chain) > 2 and start in neighbours[node] and previous is not None:
                    chain.append(start)  # close the loop
                break
            previous, node = node, following[0]
            seen.add(node)
            chain.append(node)
        if len(chain) > 1:
            chains.append(chain)
    return chains


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
