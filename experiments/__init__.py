"""Experiments: what to run, its URL form, the runner, and the command line."""

from experiments.limits import MAX_RUNS, MAX_STEPS
from experiments.model import Experiment, Run
from experiments.runner import Result, RunResult, run

__all__ = ["MAX_RUNS", "MAX_STEPS", "Experiment", "Result", "Run", "RunResult", "run"]
