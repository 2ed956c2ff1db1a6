"""What the formula field is told as it is typed (served by /formula.json, and drawn with the page): the formula
as a reader reads it and its critical points in the box, or what is wrong and where. No dash here."""

from __future__ import annotations

from experiments.formula import FormulaError, critical_points, read_formula, readable
from surfaces.yours import box_of, read_box
from ui.i18n import LANGUAGES, text


def formula_check(typed: str, box: str, lang: str) -> dict:
    """{ok, text, position, points}: the formula as a reader reads it and its critical points in the box, or
    what is wrong (in the page's language) and the 1-based character where."""
    t = text(lang if lang in LANGUAGES else "en")
    typed = str(typed)[:10_000]
    try:
        formula = read_formula(typed.strip())
    except FormulaError as error:
        return {"ok": False, "text": t.message(error.problem), "position": error.position}
    found = critical_points(formula, box_of(read_box(box)[0]))
    counts = [(kind, sum(p.kind == kind for p in found)) for kind in ("minimum", "saddle", "maximum")]
    points = " · ".join(t(f"formula-{kind}", n=n) for kind, n in counts if n) or t("formula-no-points")
    return {"ok": True, "text": readable(typed.strip()), "position": None, "points": points}


__all__ = ["formula_check"]
