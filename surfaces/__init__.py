"""Loss surfaces: analytic value, gradient and Hessian, critical points, view box and parameters."""

from surfaces.base import MAXIMUM, MINIMUM, SADDLE, CriticalPoint, Surface
from surfaces.catalog import CATALOG

SURFACES: dict[str, type[Surface]] = {cls.id: cls for cls in CATALOG}


def get_surface(surface_id: str, **params: object) -> Surface:
    """A surface with its parameters bound, e.g. ``get_surface("rosenbrock", b=10)``."""
    try:
        cls = SURFACES[surface_id]
    except KeyError:
        raise ValueError(f"unknown surface {surface_id!r}; choose from {', '.join(SURFACES)}") from None
    return cls(**params)


__all__ = ["MAXIMUM", "MINIMUM", "SADDLE", "SURFACES", "CriticalPoint", "Surface", "get_surface"]
