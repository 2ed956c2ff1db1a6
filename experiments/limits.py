"""Every limit on an experiment, in one place. Shared links are untrusted: these keep them cheap and finite."""

MAX_STEPS = 100_000
MAX_RUNS = 12  # per link; the Python API may step larger sweeps
# Characters of query string read; the rest is dropped with a warning. The longest valid experiment (12 runs with
# every setting off its default and 40-character non-ASCII labels) is about 10,000 characters once encoded.
MAX_QUERY_LENGTH = 16_000
MAX_LABEL_LENGTH = 40
MAX_WARNINGS = 20  # a hostile link cannot flood the page with messages
START_LIMIT = 1_000.0  # |x|, |y| of a start point
DIVERGENCE_RADIUS = 1e6  # a run whose |x| or |y| passes this has diverged
# Steps × the work of a step summed over a link's runs (a plain optimizer costs 1, L-BFGS 1 + history_size // 10).
# 12 optimizers × 100,000 steps fit, and so does L-BFGS with its full history for 100,000 steps beside a few
# others. On the compiled engine the heaviest such link takes about half a second on the 2-core reference
# machine (bench/README.md); on the NumPy fallback, about half a minute.
MAX_WORK = 1_600_000
# A sweep steps every run at every grid point, keeping only a summary of each (no path), which costs about a
# quarter of a recorded step: 64 × 64 points × 1,000 steps of 4 runs fit, or 12 runs × 256 values × 5,000 steps.
MAX_SWEEP_WORK = 16_777_216
# A typed formula or a surface of data is built when it is bound, so only the NumPy engine steps it (about 20 µs a
# group-step, and a run with mini-batches costs that each step on its own): links on such surfaces get an eighth of
# the work, under a second for a formula and about seven seconds for twelve mini-batch runs on the reference
# machine (bench/README.md), and their sweeps a sixteenth.
MAX_WORK_NUMPY_ONLY = 200_000
MAX_SWEEP_WORK_NUMPY_ONLY = 1_048_576
MAX_SWEEP_AXES = 2
MAX_SWEEP_COUNT = (256, 64)  # values per axis, for a sweep of one axis and of two
# A typed formula (experiments/formula.py): its length, its syntax tree's size and depth, the largest constant
# exponent, and the time to parse and differentiate it.
FORMULA_MAX_LENGTH = 300
FORMULA_MAX_NODES = 200
FORMULA_MAX_DEPTH = 30
FORMULA_MAX_EXPONENT = 100
FORMULA_MAX_SECONDS = 0.2
# Data for a regression surface (experiments/data.py): rows of (u, t) in a link, and the characters of its
# inline form (500 float32 pairs compress little: about 5,400 characters of base64).
DATA_MAX_ROWS = 500
DATA_MAX_TEXT = 6_000
