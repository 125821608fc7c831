"""How an arithmetic error says a number back: in the candidate's own terms ("83 hours, not 830 hours",
"2.74 billion a year, not 270 million a year", "131 KB")."""

from __future__ import annotations

from interviewer.grading.quantities import Quantity


def fmt(value: float) -> str:
    for size, suffix in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"), (1e3, " thousand")):
        if abs(value) >= size:
            return f"{_digits(value / size)}{suffix}"
    return _digits(value)


def _digits(value: float) -> str:
    """Three significant figures, without an exponent: "0.25", "83.3", "1,200"."""
    rounded = float(f"{value:.3g}")
    if abs(rounded) >= 1000:
        return f"{rounded:,.0f}"
    return f"{rounded:.10f}".rstrip("0").rstrip(".") or "0"


def amount(value: float, like: Quantity) -> str:
    """`value` said in the terms of `like`: "21.6 minutes", "28.9 thousand a second", "1 trillion bytes"."""
    if like.kind == "duration":
        said_in = {86_400.0: "days", 3600.0: "hours", 60.0: "minutes"}.get(
            round(like.value / like.said) if like.said else 0.0
        )
        size = like.value / (like.said or 1.0)
        if said_in and value >= size:  # in the unit the candidate used: "83 hours, not 830 hours"
            return f"{fmt(value / size)} {said_in}"
        for size, name in ((86_400.0, "days"), (3600.0, "hours"), (60.0, "minutes"), (1.0, "seconds")):
            if value >= 2 * size or size == 1.0:
                return f"{fmt(value / size)} {name}" if value >= 1 else f"{value * 1000:.3g} ms"
    if like.kind == "bytes":
        for size, name in ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
            if value >= size:
                return f"{fmt(value / size)} {name}"
        return f"{fmt(value)} bytes"
    if like.kind == "percent":
        return f"{fmt(value * 100)}%"
    if like.kind == "money" and like.per > 1:  # a price said per thousand or per million: "$2.3 per million"
        return f"{fmt(value * like.per)}{unit_text(like)} per {'million' if like.per == 1e6 else 'thousand'}"
    return f"{fmt(value)}{unit_text(like)}"


_PERIOD_WORDS = {60.0: "minute", 3600.0: "hour", 86_400.0: "day", 604_800.0: "week", 31_536_000.0: "year"}


def unit_text(q: Quantity) -> str:
    if q.kind == "duration":
        return " seconds"
    if q.per_seconds == 1.0:
        return " a second"
    if q.per_seconds in _PERIOD_WORDS:
        return f" a {_PERIOD_WORDS[q.per_seconds]}"
    if q.kind == "bytes":
        return " bytes"
    return ""
