"""Run styles: a colour-blind-safe palette plus a distinct marker and dash per run, so plots read in grayscale
and on a washed-out projector. One table, used by the figures, the run cards and the results table."""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito's palette without its yellow, which vanishes on the pale landscape, then five dark colours from Paul
# Tol's schemes: twelve colours for the twelve runs a link may hold. In grayscale the marker and dash tell them
# apart (each run has its own marker).
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
          "#882255", "#332288", "#999933", "#8C510A", "#117733")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
# The glyph shown beside a run's name in the controls and table, matching its marker symbol.
GLYPHS = {"circle": "●", "square": "■", "diamond": "◆", "triangle-up": "▲", "triangle-down": "▼",
          "pentagon": "⬟", "hexagon": "⬢", "cross": "✚", "star-square": "✦", "hourglass": "⧗",
          "triangle-left": "◀", "bowtie": "⋈"}
SYMBOLS = tuple(GLYPHS)  # one per run, up to the 12 a link may hold

# The landscape: pale greys, white in the valleys, so the coloured paths stand out everywhere on it.
LANDSCAPE_SCALE = [[0.0, "#ffffff"], [0.35, "#eeeeea"], [0.7, "#d6d6cf"], [1.0, "#b9b9b0"]]
CRITICAL_SYMBOLS = {"minimum": "star", "saddle": "x", "maximum": "triangle-up"}


@dataclass(frozen=True)
class RunStyle:
    color: str
    symbol: str
    dash: str

    @property
    def glyph(self) -> str:
        return GLYPHS[self.symbol]


def run_style(index: int) -> RunStyle:
    return RunStyle(COLORS[index % len(COLORS)], SYMBOLS[index % len(SYMBOLS)], DASHES[index % len(DASHES)])
