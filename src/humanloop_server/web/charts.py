"""Charts of an Evaluation report, drawn on the server as SVG.

Why SVG from the server rather than a chart library in the browser: the report already has every
number when the page is rendered, an SVG made of a few ``<rect>`` and ``<line>`` elements needs no
JavaScript, prints and screenshots as it looks, and keeps the package free of another vendored
file. This module only computes geometry (plain numbers and labels); ``templates/_chart.html``
writes the elements, so every label is escaped like the rest of the page.

One chart per Evaluator, one bar per evaluated version (batch), side by side:

- ``boolean``: the share of ``true`` judgments, with its 95 % Wilson interval as the spread;
- ``number``: the mean, with a box from the 25th to the 75th percentile and whiskers from the
  minimum to the maximum as the spread;
- ``select`` / ``multi_select``: the share of the most positive option (the first one of the spec),
  with no spread;
- other kinds (text): the share of Logs judged.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

WIDTH = 420
HEIGHT = 200
LEFT = 44
BOTTOM = 34
TOP = 12
PALETTE = ["#3b6fd8", "#d8793b", "#2f9e6e", "#9b59b6", "#c0392b", "#7f8c8d"]


def wilson(successes: int, total: int, z: float = 1.96) -> Optional[List[float]]:
    """The 95 % Wilson score interval of a proportion, or None without data."""
    if total <= 0:
        return None
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return [max(0.0, centre - half), min(1.0, centre + half)]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10**exponent
        if top >= value:
            return float(top)
    return float(10 ** (exponent + 1))


def evaluator_chart(
    title: str, return_type: str, options: List[str], stats: List[Optional[Dict[str, Any]]], labels: List[str]
) -> Dict[str, Any]:
    """Geometry of one Evaluator's chart. ``stats``: its statistics per column (None: no data)."""
    bars: List[Dict[str, Any]] = []
    for i, (stat, label) in enumerate(zip(stats, labels)):
        value: Optional[float] = None
        spread: Optional[Dict[str, float]] = None
        caption = "no judgments"
        if stat is not None:
            if return_type == "boolean":
                judged = int(stat.get("num_true", 0)) + int(stat.get("num_false", 0))
                if judged:
                    value = stat["num_true"] / judged
                    interval = wilson(int(stat["num_true"]), judged)
                    if interval is not None:
                        spread = {"low": interval[0], "high": interval[1]}
                    caption = f"{value:.0%} true of {judged}"
            elif return_type == "number":
                if stat.get("mean") is not None:
                    value = float(stat["mean"])
                    q = stat.get("percentiles") or {}
                    if q:
                        spread = {
                            "min": float(q["0"]),
                            "q1": float(q["25"]),
                            "q3": float(q["75"]),
                            "max": float(q["100"]),
                        }
                    caption = f"mean {value:.3g} (sd {float(stat.get('std') or 0):.2g})"
            elif return_type in ("select", "multi_select"):
                counts = stat.get("num_judgments_per_option") or {}
                judged = int(stat.get("num_judgments") or 0)
                best = options[0] if options else (max(counts, key=lambda k: counts[k]) if counts else None)
                if judged and best is not None:
                    value = counts.get(best, 0) / judged
                    caption = f"{value:.0%} {best} of {judged}"
            else:
                total = int(stat.get("total_logs") or 0)
                if total:
                    value = int(stat.get("num_judgments") or 0) / total
                    caption = f"{value:.0%} judged"
        bars.append({"label": label, "value": value, "spread": spread, "caption": caption, "colour": PALETTE[i % 6]})

    if return_type == "number":
        top = max(
            [b["spread"]["max"] for b in bars if b["spread"]]
            + [b["value"] for b in bars if b["value"] is not None]
            + [0.0]
        )
        bottom = min([b["spread"]["min"] for b in bars if b["spread"]] + [0.0])
        scale_max, scale_min = _nice_max(top), -_nice_max(-bottom) if bottom < 0 else 0.0
        unit = ""
    else:
        scale_max, scale_min, unit = 1.0, 0.0, "%"
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - 8

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - (v - scale_min) / ((scale_max - scale_min) or 1)), 1)

    slot = plot_w / max(1, len(bars))
    bar_w = min(56.0, slot * 0.6)
    for i, b in enumerate(bars):
        x = LEFT + slot * i + (slot - bar_w) / 2
        b["x"] = round(x, 1)
        b["w"] = round(bar_w, 1)
        b["cx"] = round(x + bar_w / 2, 1)
        b["label_y"] = HEIGHT - BOTTOM + 14
        if b["value"] is not None:
            b["y"] = y(max(scale_min, b["value"]))
            b["h"] = round(y(scale_min) - b["y"], 1)
        s = b["spread"]
        if s is not None:
            b["lines"] = {k: y(v) for k, v in s.items()}
    ticks = []
    for k in range(5):
        v = scale_min + (scale_max - scale_min) * k / 4
        ticks.append({"y": y(v), "text": f"{v:.0%}" if unit == "%" else f"{v:.3g}"})
    return {
        "title": title,
        "return_type": return_type,
        "bars": bars,
        "ticks": ticks,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - 8,
        "baseline": y(scale_min),
        "spread_note": {
            "boolean": "whiskers: 95% interval",
            "number": "box: 25th–75th percentile, whiskers: min–max",
        }.get(return_type, ""),
    }
