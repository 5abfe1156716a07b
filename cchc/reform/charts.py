"""Charts drawn on the server as SVG (no JavaScript, no CDN): year-on-year lines
(`reform/_trend_chart.html`) and a unit's radar profile per field (`reform/_radar_chart.html`).
The geometry is computed here, the templates write it. Each chart has a legend and a table of
the same figures for screen readers and printing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

# Okabe–Ito: distinct for the common colour-vision deficiencies, and each series also gets its
# own marker shape so colour is never the only cue (WCAG 1.4.1).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("circle", "square", "diamond", "triangle")

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


def _marker(shape: str, cx: float, cy: float, r: float = 4.0) -> str:
    """An SVG path for a point marker of the given shape."""
    if shape == "square":
        return f"M{cx - r:.1f},{cy - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}z"
    if shape == "diamond":
        return f"M{cx:.1f},{cy - r - 1:.1f}l{r + 1:.1f},{r + 1:.1f}l{-r - 1:.1f},{r + 1:.1f}l{-r - 1:.1f},{-r - 1:.1f}z"
    if shape == "triangle":
        return f"M{cx:.1f},{cy - r - 1:.1f}l{r + 1:.1f},{2 * r:.1f}h{-2 * r - 2:.1f}z"
    return f"M{cx - r:.1f},{cy:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0"


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def line_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    x_label: str,
    y_label: str,
) -> dict[str, Any] | None:
    """Geometry of a line chart: one line per (label, values per year); None values leave a
    gap. The y axis runs from a round floor under the lowest value to 100 (index %).
    None when there is nothing to draw (no year with a value)."""
    values = [v for _label, vs in series for v in vs if v is not None]
    if not years or not values:
        return None
    low = max(0.0, min(values) // 10 * 10 - (10 if min(values) % 10 < 2 else 0))
    high = 100.0 if max(values) <= 100 else float(max(values) // 10 * 10 + 10)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w / 2 if len(years) == 1 else plot_w * i / (len(years) - 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low or 1))

    step = 10.0 if high - low > 30 else 5.0
    ticks = []
    t = low
    while t <= high + 1e-9:
        ticks.append({"y": round(y(t), 1), "label": _fmt(t)})
        t += step
    lines: list[dict[str, Any]] = []
    for n, (label, vs) in enumerate(series):
        shape = MARKERS[n % len(MARKERS)]
        points = [
            {"d": _marker(shape, x(i), y(v)), "value": round(v, 2), "year": years[i]}
            for i, v in enumerate(vs)
            if v is not None
        ]
        # a polyline per run of consecutive years with values (a missing year is a gap)
        runs: list[list[dict[str, Any]]] = []
        previous = None
        for i, v in enumerate(vs):
            if v is None:
                previous = None
                continue
            if previous is None:
                runs.append([])
            runs[-1].append({"x": round(x(i), 1), "y": round(y(v), 1)})
            previous = i
        lines.append(
            {
                "label": label,
                "colour": PALETTE[n % len(PALETTE)],
                "legend_marker": _marker(shape, LEFT + 6, HEIGHT + 12 + 16 * n),
                "legend_x": LEFT + 16,
                "legend_y": HEIGHT + 16 + 16 * n,
                "dash": "" if n < len(PALETTE) else "4 3",
                "points": points,
                "paths": [" ".join(f"{p['x']},{p['y']}" for p in run) for run in runs],
                "values": [None if v is None else round(v, 2) for v in vs],
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT + 8 + 16 * len(series),
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "x_ticks": [{"x": round(x(i), 1), "label": str(yr)} for i, yr in enumerate(years)],
        "y_ticks": ticks,
        "x_label": x_label,
        "x_label_x": LEFT + plot_w / 2,
        "x_label_y": HEIGHT - 8,
        "y_label": y_label,
        "y_label_y": TOP + plot_h / 2,
        "lines": lines,
        "table": [
            {"year": yr, "values": [line["values"][i] for line in lines]}
            for i, yr in enumerate(years)
        ],
    }


RADAR_SIZE = 360
RADAR_RADIUS = 120
RADAR_RINGS = (25, 50, 75, 100)


def _radar_xy(i: int, n: int, pct: float, *, clamp: bool = True) -> tuple[float, float]:
    """Where `pct` (0-100) lies on axis i of n: axis 0 points up, the others clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = RADAR_RADIUS * (max(0.0, min(100.0, pct)) if clamp else pct) / 100
    c = RADAR_SIZE / 2
    return round(c + r * math.cos(angle), 1), round(c + r * math.sin(angle), 1)


def radar_points(values: Sequence[float]) -> str:
    """An SVG polygon's `points` for one value per axis, in axis order."""
    n = len(values)
    return " ".join("{},{}".format(*_radar_xy(i, n, v)) for i, v in enumerate(values))


def radar_chart(
    axes: Sequence[tuple[str, str]], series: Sequence[tuple[str, Sequence[float]]]
) -> dict[str, Any] | None:
    """Geometry of a radar (spider) chart: one axis per (code, name), one polygon per
    (label, index % per axis). None with fewer than three axes (no area to draw)."""
    n = len(axes)
    if n < 3:
        return None
    c = RADAR_SIZE / 2
    spokes = []
    for i, (code, name) in enumerate(axes):
        x, y = _radar_xy(i, n, 100)
        lx, ly = _radar_xy(i, n, 100 + 14 * 100 / RADAR_RADIUS, clamp=False)
        anchor = "middle" if abs(lx - c) < 1 else ("start" if lx > c else "end")
        spokes.append(
            {"x": x, "y": y, "lx": lx, "ly": ly, "anchor": anchor, "code": code, "name": name}
        )
    polygons: list[dict[str, Any]] = []
    for k, (label, values) in enumerate(series):
        shape = MARKERS[k % len(MARKERS)]
        polygons.append(
            {
                "label": label,
                "colour": PALETTE[k % len(PALETTE)],
                "points": radar_points(values),
                "markers": [
                    _marker(shape, *_radar_xy(i, n, v), r=3.0) for i, v in enumerate(values)
                ],
                "legend_marker": _marker(shape, 14, RADAR_SIZE + 12 + 16 * k),
                "legend_y": RADAR_SIZE + 16 + 16 * k,
                "dash": "" if k == 0 else "5 3",
                "values": [round(v, 2) for v in values],
            }
        )
    return {
        "size": RADAR_SIZE,
        "height": RADAR_SIZE + 8 + 16 * len(series),
        "centre": c,
        "rings": [
            {"pct": pct, "points": radar_points([pct] * n), "label_y": c - RADAR_RADIUS * pct / 100}
            for pct in RADAR_RINGS
        ],
        "spokes": spokes,
        "polygons": polygons,
        "table": [
            {"code": code, "name": name, "values": [p["values"][i] for p in polygons]}
            for i, (code, name) in enumerate(axes)
        ],
    }
