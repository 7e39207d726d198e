#!/usr/bin/env python3
"""Plots a soak's resident set and latency over time as a small SVG.

Usage: scripts/soak-plot.py SOAK_LOG OUT.svg

SOAK_LOG is the output of `defmatch-tools bench --soak-minutes N [--json]`
(stdout and stderr together). The samples come from its JSON line; a log
without one (a soak still running) is read from its table rows instead.
Two panels share the time axis: the resident set (with the median of
minutes 5 to 15 and the 5 % limit above it) and the p50 and p99 latency of
each minute's requests. Standard library only.
"""
import json
import re
import sys

WARM_UP_MINUTE = 5
WINDOW_MINUTES = 11
LIMIT = 0.05
ROW = re.compile(
    r"^\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)"
)

WIDTH, LEFT, RIGHT = 720, 64, 20
PANEL, GAP, TOP = 190, 56, 34
PLOT_WIDTH = WIDTH - LEFT - RIGHT


def samples_of(text):
    """The samples: from the JSON line when there is one, else the table."""
    for line in reversed(text.splitlines()):
        if line.startswith("{") and '"samples"' in line:
            report = json.loads(line)
            return report["samples"], report
    samples = []
    for line in text.splitlines():
        match = ROW.match(line)
        if match:
            minute, rss, _, _, requests, rps, p50, p99, errors = match.groups()
            samples.append(
                {
                    "minute": int(minute),
                    "rss_mb": float(rss),
                    "requests": int(requests),
                    "rps": float(rps),
                    "p50_ms": float(p50),
                    "p99_ms": float(p99),
                    "errors": int(errors),
                }
            )
    return samples, None


def nice_ceiling(value):
    """A round number at or above `value` for the top of an axis."""
    step = 10 ** max(len(str(int(value))) - 1, 0)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10


def panel(title, top, minutes, series, low, high, unit, extra=()):
    """One panel: a frame, five gridlines, and each series as a polyline."""
    parts = [
        f'<text x="{LEFT}" y="{top - 10}" class="title">{title}</text>',
        f'<rect x="{LEFT}" y="{top}" width="{PLOT_WIDTH}" height="{PANEL}" class="frame"/>',
    ]

    def x(minute):
        return LEFT + PLOT_WIDTH * (minute / max(minutes, 1))

    def y(value):
        return top + PANEL - PANEL * (value - low) / (high - low)

    for tick in range(5):
        value = low + (high - low) * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + PLOT_WIDTH}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" class="axis" text-anchor="end">{value:g}</text>'
        )
    parts.append(
        f'<text x="14" y="{top + PANEL / 2:.0f}" class="axis" transform="rotate(-90 14 {top + PANEL / 2:.0f})" text-anchor="middle">{unit}</text>'
    )
    # Labels alternate above and below their lines, so that two close
    # lines (the warm-up level and the limit) keep readable labels.
    for index, (label, value, css) in enumerate(extra):
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + PLOT_WIDTH}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="{css}"/>'
        )
        offset = 13 if index % 2 == 0 else -4
        parts.append(
            f'<text x="{LEFT + PLOT_WIDTH - 4}" y="{y(value) + offset:.1f}" class="axis" text-anchor="end">{label}</text>'
        )
    legend_x = LEFT + 8
    for label, points, css in series:
        path = " ".join(f"{x(minute):.1f},{y(value):.1f}" for minute, value in points)
        parts.append(f'<polyline points="{path}" class="{css}"/>')
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{top + 14}" y2="{top + 14}" class="{css}"/>'
        )
        parts.append(f'<text x="{legend_x + 22}" y="{top + 18}" class="axis">{label}</text>')
        legend_x += 34 + 7 * len(label)
    return parts


def svg(samples, report):
    minutes = max(sample["minute"] for sample in samples)
    rss = [(s["minute"], s["rss_mb"]) for s in samples]
    # The level is the median of the window after the warm-up, as the
    # soak's summary reads it (`bench/soak.rs`, `summarise`).
    first = max(1, min(WARM_UP_MINUTE, minutes - 1))
    last = min(first + WINDOW_MINUTES - 1, max(minutes - WINDOW_MINUTES + 1, first + 1) - 1)
    window = sorted(v for m, v in rss if first <= m <= last) or [rss[0][1]]
    middle = len(window) // 2
    warm = window[middle] if len(window) % 2 else (window[middle - 1] + window[middle]) / 2
    rss_high = nice_ceiling(max(max(v for _, v in rss), warm * (1 + LIMIT)) * 1.05)
    # The axis starts near the lowest sample, so that a few per cent show.
    rss_low = max(0, int(min(v for _, v in rss) * 0.9 / 50) * 50)
    latency_high = nice_ceiling(max(s["p99_ms"] for s in samples) * 1.05)
    size = ""
    if report:
        size = f" — {report['startups']:,} start-ups, {report['challenges']:,} challenges, {report['concurrency']} clients"
    height = TOP + 2 * PANEL + GAP + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">',
        "<style>"
        ".title{font-size:13px;font-weight:bold}.axis{font-size:11px;fill:#333}"
        ".frame{fill:#fff;stroke:#999}.grid{stroke:#e4e4e4}"
        ".rss{fill:none;stroke:#1f5fa8;stroke-width:2}"
        ".p50{fill:none;stroke:#2a8a3e;stroke-width:2}.p99{fill:none;stroke:#c4472b;stroke-width:1.5}"
        ".level{stroke:#1f5fa8;stroke-dasharray:2 3}.limit{stroke:#c4472b;stroke-dasharray:6 4}"
        "</style>",
        f'<rect width="{WIDTH}" height="{height}" fill="#fafafa"/>',
    ]
    parts += panel(
        f"Resident set (MB){size}",
        TOP,
        minutes,
        [("RSS", rss, "rss")],
        rss_low,
        rss_high,
        "MB",
        extra=[
            (f"minutes {first}–{last}: {warm:.0f} MB", warm, "level"),
            (f"+5 %: {warm * (1 + LIMIT):.0f} MB", warm * (1 + LIMIT), "limit"),
        ],
    )
    second = TOP + PANEL + GAP
    parts += panel(
        "Latency of each minute's requests (ms)",
        second,
        minutes,
        [
            ("p50", [(s["minute"], s["p50_ms"]) for s in samples], "p50"),
            ("p99", [(s["minute"], s["p99_ms"]) for s in samples], "p99"),
        ],
        0,
        latency_high,
        "ms",
    )
    axis_y = second + PANEL
    for tick in range(0, minutes + 1, 10 if minutes >= 20 else 1):
        x = LEFT + PLOT_WIDTH * tick / max(minutes, 1)
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" class="axis" text-anchor="middle">{tick}</text>')
    parts.append(
        f'<text x="{LEFT + PLOT_WIDTH / 2}" y="{axis_y + 32}" class="axis" text-anchor="middle">minute of the soak</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as log:
        samples, report = samples_of(log.read())
    if not samples:
        sys.exit(f"no soak samples in {sys.argv[1]}")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write(svg(samples, report))


if __name__ == "__main__":
    main()
