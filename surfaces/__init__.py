"""Loss surfaces: analytic value, gradient and Hessian, critical points, view box and parameters."""

from surfaces.base import MAXIMUM, MINIMUM, SADDLE, CriticalPoint, Surface
from surfaces.catalog import CATALOG
from surfaces.yours import Formula, Regression

SURFACES: dict[str, type[Surface]] = {cls.id: cls for cls in (*CATALOG, Formula, Regression)}


def get_surface(surface_id: str, *, seed: int = 0, **params: object) -> Surface:
    """A surface with its parameters bound, e.g. ``get_surface("rosenbrock", b=10)``; `seed` is the experiment's,
    which a surface of built-in data draws its points from."""
    try:
        cls = SURFACES[surface_id]
    except KeyError:
        raise ValueError(f"unknown surface {surface_id!r}; choose from {', '.join(SURFACES)}") from None
    return cls(seed=seed, **params)


__all__ = ["MAXIMUM", "MINIMUM", "SADDLE", "SURFACES", "CriticalPoint", "Surface", "get_surface"]
