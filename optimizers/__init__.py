"""Update rules (pure functions in scalar style, over floats or arrays) and learning-rate schedules."""

from optimizers.base import Optimizer
from optimizers.catalog import CATALOG
from optimizers.schedules import SCHEDULES, Schedule

OPTIMIZERS: dict[str, Optimizer] = {opt.id: opt for opt in CATALOG}


def get_optimizer(optimizer_id: str) -> Optimizer:
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise ValueError(f"unknown optimizer {optimizer_id!r}; choose from {', '.join(OPTIMIZERS)}") from None


__all__ = ["OPTIMIZERS", "SCHEDULES", "Optimizer", "Schedule", "get_optimizer"]
