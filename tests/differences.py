"""Central finite differences, for checking analytic gradients and Hessians of functions of (x, y)."""

from __future__ import annotations

STEP = 1e-6


def gradient(f, x, y, h: float = STEP):
    """(∂f/∂x, ∂f/∂y) by central differences."""
    return (f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)


def hessian(grad, x, y, h: float = STEP):
    """(∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²) by central differences of an analytic gradient."""
    return ((grad(x + h, y)[0] - grad(x - h, y)[0]) / (2 * h), (grad(x, y + h)[0] - grad(x, y - h)[0]) / (2 * h),
            (grad(x, y + h)[1] - grad(x, y - h)[1]) / (2 * h))


def assert_exact(f, grad, hess, x, y, *, gradient_tol: float = 1e-5, hessian_tol: float = 1e-4) -> None:
    """The analytic gradient and Hessian agree with central differences (relative and absolute tolerances)."""
    import numpy as np

    for exact, numeric in zip(grad(x, y), gradient(f, x, y), strict=True):
        assert np.allclose(exact, numeric, rtol=gradient_tol, atol=gradient_tol), "gradient"
    for exact, numeric in zip(hess(x, y), hessian(grad, x, y), strict=True):
        assert np.allclose(exact, numeric, rtol=hessian_tol, atol=hessian_tol), "hessian"
