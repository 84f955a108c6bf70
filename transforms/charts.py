"""The report's charts as plain Vega-Lite specs (dicts), built from polars frames.

Specs are written as JSON-ready dicts rather than through Altair: Altair's import and its per-row validation of
inline data took longer than the rest of the report put together. Page charts are `width: "container"`, so each
fills whatever width the page's CSS gives its slot, from a 390 px phone to a 1920 px screen. Strings from feeds
only ever travel as data, never inside a Vega expression, so no headline or name can become code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

Spec = dict[str, Any]

VEGA_LITE_VERSION = "6.4"  # the newest Vega-Lite vl-convert bundles; the page's JavaScript is built for it
SCHEMA_URL = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_VERSION}.json"

# Fourteen hues told apart by eye (every pair at least 16 CIEDE2000 apart, against 9 for Tableau 20's paired
# shades), each visible on white; past fourteen a few more, then the list repeats. Person i of the page's order
# gets colour i in every chart.
PALETTE = (
    "#1f77b4",  # blue
    "#ff7f0e",  # orange
    "#2ca02c",  # green
    "#d62728",  # red
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#17becf",  # cyan
    "#7f7f7f",  # grey
    "#bcbd22",  # olive
    "#1a3b73",  # navy
    "#0b6e4f",  # pine
    "#8b1e3f",  # maroon
    "#7a5c00",  # ochre
    "#ff9da7",  # rose
    "#4b0082",  # indigo
    "#333333",  # charcoal
    "#a0cbe8",  # sky
)
MUTED = "#cbd5e0"  # lines of people not picked
BAND = "#dbe4ee"  # the usual-level band
SPIKE = "#c53030"  # spike markers
INK = "#1a202c"
OUTLET_LABELS = 140  # px of outlet names beside a bar chart's y axis
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
PICKED_BY_DEFAULT = 5  # people drawn in colour on the overlaid trend until the reader picks others
# (Vega-Lite time unit, axis label format, tooltip format)
DAY = ("utcyearmonthdate", "%a %d %b", "%a %d %b")
HOUR = ("utcyearmonthdatehours", "%a %d", "%a %d %b %H:00")
SHORT_DAY = ("utcyearmonthdate", "%a %d", "%a %d %b")  # for narrow panels
LEGEND_ENTRY = 170  # px a bottom legend's entry takes (symbol, a name up to the label limit, gap)
CONFIG: Spec = {
    "font": FONT,
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#edf2f7", "labelColor": "#4a5568"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 150},
    "view": {"stroke": None},
}


def chart_values(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows for an inline Vega dataset: datetimes as ISO UTC strings (naive ones are taken to be UTC)."""
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            in_utc = column.dt.convert_time_zone("UTC") if dtype.time_zone else column
            converted.append(in_utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias(name))
        elif isinstance(dtype, pl.Date):
            converted.append(column.dt.strftime("%Y-%m-%dT00:00:00Z").alias(name))
    return frame.with_columns(converted).to_dicts() if converted else frame.to_dicts()


def people_order(trend: pl.DataFrame) -> list[str]:
    """People's names, most distinct stories first: the order every chart, legend and colour follows."""
    if trend.is_empty():
        return []
    totals = (
        trend.filter(pl.col("grain") == "day")
        .group_by("name")
        .agg(pl.col("stories").sum())
        .sort(["stories", "name"], descending=[True, False])
    )
    return totals["name"].to_list()


def colours(names: Sequence[str]) -> dict[str, str]:
    """Each name's colour: the i-th name gets the palette's i-th colour."""
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def colour_scale(names: Sequence[str]) -> Spec:
    """The same name-to-colour mapping for every chart that colours by person (or by topic)."""
    return {"domain": list(names), "range": [PALETTE[index % len(PALETTE)] for index in range(len(names))]}


def rows_height(rows: int, step: int) -> int:
    """A fixed height for a chart of `rows` bands: Vega-Lite's own `{"step": n}` height warns beside a container
    width."""
    return max(rows, 1) * step


def page_spec(data: Sequence[dict[str, Any]], body: Spec, *, height: int, description: str) -> Spec:
    """A top-level spec that takes its width from its container."""
    return {
        "$schema": SCHEMA_URL,
        "description": description,
        "width": "container",
        "height": height,
        "data": {"values": list(data)},
        "config": CONFIG,
        **body,
    }


def time_x(unit: tuple[str, str, str], *, title: str | None = None, ticks: str | None = None) -> Spec:
    time_unit, label_format, _ = unit
    axis: Spec = {"format": label_format, "labelOverlap": True, "labelBound": True, "grid": False}
    if ticks:
        axis["tickCount"] = ticks
    return {"field": "bucket", "timeUnit": time_unit, "type": "temporal", "title": title, "axis": axis}


def stories_y(title: str | None = "distinct stories", domain_max: float | None = None) -> Spec:
    y: Spec = {"field": "stories", "type": "quantitative", "title": title, "axis": {"tickMinStep": 1}}
    if domain_max is not None:
        y["scale"] = {"domain": [0, domain_max]}
    return y


def person_tooltip(unit: tuple[str, str, str], grain: str) -> list[Spec]:
    time_unit, _, label_format = unit
    return [
        {"field": "name", "type": "nominal", "title": "person"},
        {"field": "bucket", "timeUnit": time_unit, "type": "temporal", "title": grain, "format": label_format},
        {"field": "stories", "type": "quantitative", "title": "distinct stories"},
        {"field": "articles", "type": "quantitative", "title": "articles"},
    ]


def bottom_legend(title: str | None, beside_axis: int = 50) -> Spec:
    """A legend under the plot that wraps into as many columns as fit beside the y axis's labels.

    Counted from the slot's width (containerSize), not the `width` signal: that one is worked out from the
    legend's own size, and the loop left the legend hanging below the chart."""
    columns = {"expr": f"max(1, floor((containerSize()[0] - {beside_axis}) / {LEGEND_ENTRY}))"}
    return {"orient": "bottom", "title": title, "columns": columns, "symbolStrokeWidth": 3}


def share_over_time(trend: pl.DataFrame, order: Sequence[str]) -> Spec | None:
    """Per UTC day, each person's share of the day's distinct stories naming a tracked person (stacked to 100%)."""
    rows = ranked(trend.filter((pl.col("grain") == "day") & (pl.col("stories") > 0)), order)
    if rows.is_empty():
        return None
    body = {
        "params": [{"name": "pick", "select": {"type": "point", "fields": ["name"]}, "bind": "legend"}],
        "mark": {"type": "bar", "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            # One band per day (ordinal), so the axis ends with the last day rather than the midnight after it.
            "x": {
                "field": "bucket",
                "timeUnit": DAY[0],
                "type": "ordinal",
                "title": None,
                "axis": {"format": SHORT_DAY[1], "labelAngle": 0, "labelOverlap": True},
            },
            "y": {
                "field": "stories",
                "type": "quantitative",
                "stack": "normalize",
                "title": "share of the day's stories",
                "axis": {"format": "%"},
            },
            "color": {
                "field": "name",
                "type": "nominal",
                "scale": colour_scale(order),
                "legend": bottom_legend("person"),
            },
            "order": {"field": "rank", "type": "quantitative"},
            "opacity": {"condition": {"param": "pick", "value": 1}, "value": 0.2},
            "tooltip": [
                *person_tooltip(DAY, "day"),
                {"field": "share", "type": "quantitative", "title": "share of the day", "format": ".0%"},
            ],
        },
        "transform": [
            {"joinaggregate": [{"op": "sum", "field": "stories", "as": "day_total"}], "groupby": ["bucket"]},
            {"calculate": "datum.stories / datum.day_total", "as": "share"},
        ],
    }
    values = chart_values(rows.select("name", "bucket", "stories", "articles", "rank"))
    return page_spec(values, body, height=240, description="Each person's share of each day's stories")


def people_trend(trend: pl.DataFrame, order: Sequence[str]) -> Spec | None:
    """Everyone's distinct stories per day on one chart: the most covered and anyone spiking in colour, the rest
    grey until the reader picks them in the legend."""
    rows = trend.filter(pl.col("grain") == "day")
    if rows.is_empty():
        return None
    spiking = set(rows.filter(pl.col("is_spike"))["name"].to_list())
    shown = [name for index, name in enumerate(order) if index < PICKED_BY_DEFAULT or name in spiking]
    picked = {"param": "pick", "empty": True}
    lines = {
        "params": [
            {
                "name": "pick",
                "select": {"type": "point", "fields": ["name"]},
                "bind": "legend",
                "value": [{"name": name} for name in shown],
            }
        ],
        "mark": {"type": "line", "interpolate": "monotone", "strokeWidth": 2.5},
        "encoding": {
            "color": {
                "condition": {
                    **picked,
                    "field": "name",
                    "type": "nominal",
                    "scale": colour_scale(order),
                    "legend": bottom_legend("person"),
                },
                "value": MUTED,
            },
            "opacity": {"condition": {**picked, "value": 1}, "value": 0.45},
            "strokeWidth": {"condition": {**picked, "value": 2.5}, "value": 1.2},
            "detail": {"field": "name", "type": "nominal"},
        },
    }
    points = {
        "mark": {"type": "point", "filled": True, "size": 36},
        "encoding": {
            "color": {
                "field": "name",
                "type": "nominal",
                "scale": colour_scale(order),
                "legend": bottom_legend("person"),
            },
            "opacity": {"condition": {**picked, "value": 1}, "value": 0},
            "tooltip": person_tooltip(DAY, "day"),
        },
    }
    layers: list[Spec] = [lines, points]
    if rows["is_spike"].any():
        layers.append(spike_layer())
    body = {
        "encoding": {"x": time_x(DAY, ticks="day"), "y": stories_y()},
        "layer": layers,
    }
    values = chart_values(rows.select("name", "bucket", "stories", "articles", "is_spike"))
    return page_spec(values, body, height=280, description="Distinct stories per person per day")


def spike_layer(size: int = 140) -> Spec:
    """Diamonds on the windows the alert rule calls a spike (only added when there is one: an empty layer warns)."""
    return {
        "transform": [{"filter": "datum.is_spike"}, {"calculate": "'a spike by the daily alert rule'", "as": "note"}],
        "mark": {"type": "point", "shape": "diamond", "filled": True, "size": size, "color": SPIKE},
        "encoding": {
            "stroke": {"value": "white"},
            "strokeWidth": {"value": 1},
            "opacity": {"value": 1},
            "tooltip": [*person_tooltip(DAY, "day"), {"field": "note", "type": "nominal", "title": "note"}],
        },
    }


def usual_level_layers(grain: str, colour: str, with_spikes: bool, domain_max: float | None) -> list[Spec]:
    """Band (the usual level the alert rule expects), the counts, and spike diamonds, for one grain's rows."""
    unit = DAY if grain == "day" else HOUR
    tooltip = [
        *person_tooltip(unit, grain),
        {"field": "baseline_stories", "type": "quantitative", "title": "usual level", "format": ".2f"},
    ]
    band = {
        "mark": {"type": "area", "interpolate": "monotone" if grain == "day" else "step-after", "color": BAND},
        "encoding": {
            "y": {"field": "band_low", "type": "quantitative"},
            "y2": {"field": "band_high"},
        },
    }
    counts: Spec = {
        "mark": (
            {"type": "line", "point": {"filled": True, "color": colour}, "strokeWidth": 2, "color": colour}
            if grain == "day"
            else {"type": "bar", "width": 2, "color": colour}  # hourly counts are mostly 0 or 1: bars, not a saw
        ),
        "encoding": {"y": stories_y(None, domain_max), "tooltip": tooltip},
    }
    layers = [band, counts]
    if with_spikes:
        spikes = spike_layer(110)
        spikes["encoding"] = {**spikes["encoding"], "y": {"field": "stories", "type": "quantitative"}}
        layers.append(spikes)
    return layers


def usual_level(trend: pl.DataFrame, person: str, colour: str, domain_max: float) -> Spec | None:
    """One person's daily stories against the band of their usual level: a small multiple, as wide as its slot."""
    rows = trend.filter((pl.col("grain") == "day") & (pl.col("name") == person))
    if rows.is_empty():
        return None
    body = {
        "encoding": {"x": time_x(SHORT_DAY, ticks="day")},
        "layer": usual_level_layers("day", colour, bool(rows["is_spike"].any()), domain_max),
    }
    values = chart_values(
        rows.select("name", "bucket", "stories", "articles", "baseline_stories", "band_low", "band_high", "is_spike")
    )
    return page_spec(values, body, height=110, description=f"Distinct stories per day naming {person}")


def usual_level_ceiling(trend: pl.DataFrame) -> float:
    """The shared top of the small multiples' y axes, so a quiet person does not look as busy as a loud one."""
    rows = trend.filter(pl.col("grain") == "day")
    highest = rows.select(pl.max_horizontal(pl.col("stories").max(), pl.col("band_high").max())).item()
    return max(float(highest or 0), 1.0)


def hourly_heat_map(trend: pl.DataFrame, order: Sequence[str]) -> Spec | None:
    """One row per person, one cell per UTC hour, darker for more stories; spikes marked with a diamond."""
    rows = trend.filter(pl.col("grain") == "hour")
    if rows.is_empty():
        return None
    highest = max(int(rows.select(pl.col("stories").max()).item() or 0), 1)
    tooltip = person_tooltip(HOUR, "hour")
    cells = {
        "transform": [{"filter": "datum.stories > 0"}],
        "mark": {"type": "rect"},
        "encoding": {
            "color": {
                "field": "stories",
                "type": "quantitative",
                "title": "stories in the hour",
                "scale": {"domain": [0, highest], "range": ["#e6f0fa", "#1a365d"]},
                "legend": {"orient": "top", "direction": "horizontal", "gradientLength": 120, "tickMinStep": 1},
            },
            "tooltip": tooltip,
        },
    }
    layers: list[Spec] = [cells]
    if rows["is_spike"].any():
        layers.append(
            {
                "transform": [
                    {"filter": "datum.is_spike"},
                    {"calculate": "'a spike by the hourly alert rule'", "as": "note"},
                ],
                "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 50, "color": SPIKE},
                "encoding": {"tooltip": [*tooltip, {"field": "note", "type": "nominal", "title": "note"}]},
            }
        )
    body = {
        "encoding": {
            "x": time_x(HOUR, ticks="day"),
            "y": {
                "field": "name",
                "type": "nominal",
                "sort": list(order),
                "title": None,
                "axis": {"labelLimit": 120, "grid": True, "tickBand": "extent"},
            },
        },
        "layer": layers,
    }
    values = chart_values(rows.select("name", "bucket", "stories", "articles", "is_spike"))
    return page_spec(
        values,
        body,
        height=rows_height(rows["name"].n_unique(), 18),
        description="Distinct stories per person per hour",
    )


def topic_trend(topics: pl.DataFrame) -> Spec | None:
    """Distinct stories per topic per UTC day, one line per topic; the legend picks topics."""
    if topics.is_empty():
        return None
    order = (
        topics.group_by("topic")
        .agg(pl.col("stories").sum())
        .sort(["stories", "topic"], descending=[True, False])["topic"]
        .to_list()
    )
    picked = {"param": "pick", "empty": True}
    body = {
        "params": [{"name": "pick", "select": {"type": "point", "fields": ["topic"]}, "bind": "legend"}],
        "mark": {"type": "line", "interpolate": "monotone", "point": True, "strokeWidth": 2.5},
        "encoding": {
            "x": time_x(DAY, ticks="day"),
            "y": stories_y(),
            "color": {
                "field": "topic",
                "type": "nominal",
                "scale": colour_scale(order),
                "legend": bottom_legend("topic"),
            },
            "opacity": {"condition": {**picked, "value": 1}, "value": 0.12},
            "tooltip": [
                {"field": "topic", "type": "nominal"},
                {"field": "bucket", "timeUnit": DAY[0], "type": "temporal", "title": "day", "format": DAY[2]},
                {"field": "stories", "type": "quantitative", "title": "distinct stories"},
                {"field": "articles", "type": "quantitative"},
            ],
        },
    }
    values = chart_values(topics.select("topic", pl.col("day").alias("bucket"), "stories", "articles"))
    return page_spec(values, body, height=240, description="Distinct stories per topic per day")


def top_outlets(outlets: pl.DataFrame) -> Spec | None:
    """Articles per outlet in the period, split into those naming a tracked person and the rest."""
    if outlets.is_empty():
        return None
    order = outlets["outlet"].to_list()
    naming = "naming a person"
    long = pl.concat(
        [
            outlets.select("outlet", "stories", pl.lit(naming).alias("part"), pl.col("articles_naming_people")),
            outlets.select(
                "outlet",
                "stories",
                pl.lit("other articles").alias("part"),
                (pl.col("articles") - pl.col("articles_naming_people")).alias("articles_naming_people"),
            ),
        ]
    ).rename({"articles_naming_people": "articles"})
    body = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "outlet",
                "type": "nominal",
                "sort": order,
                "title": None,
                "axis": {"labelLimit": OUTLET_LABELS},
            },
            "x": {"field": "articles", "type": "quantitative", "stack": "zero", "title": "articles"},
            "color": {
                "field": "part",
                "type": "nominal",
                "scale": {"domain": [naming, "other articles"], "range": ["#2b6cb0", MUTED]},
                "legend": {**bottom_legend(None, OUTLET_LABELS + 10), "symbolStrokeWidth": 0},
            },
            "order": {"field": "part", "type": "nominal", "sort": "descending"},
            "tooltip": [
                {"field": "outlet", "type": "nominal"},
                {"field": "part", "type": "nominal", "title": "articles"},
                {"field": "articles", "type": "quantitative", "title": "count"},
                {"field": "stories", "type": "quantitative", "title": "distinct stories (all)"},
            ],
        },
    }
    return page_spec(chart_values(long), body, height=rows_height(len(order), 24), description="Articles per outlet")


def share_of_voice_by_outlet(share: pl.DataFrame, order: Sequence[str]) -> Spec | None:
    """Per outlet, how its mentions of tracked people split between them (who covers whom), person colours kept."""
    if share.is_empty():
        return None
    names = [*order, *sorted(set(share["name"].to_list()) - set(order))]
    outlets = (
        share.group_by("outlet")
        .agg(pl.col("mentions").sum())
        .sort(["mentions", "outlet"], descending=[True, False])["outlet"]
        .to_list()
    )
    body = {
        "params": [{"name": "pick", "select": {"type": "point", "fields": ["name"]}, "bind": "legend"}],
        "mark": {"type": "bar", "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "y": {
                "field": "outlet",
                "type": "nominal",
                "sort": outlets,
                "title": None,
                "axis": {"labelLimit": OUTLET_LABELS},
            },
            "x": {
                "field": "share_of_outlet",
                "type": "quantitative",
                "stack": "zero",
                "title": "share of mentions",
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
            "color": {
                "field": "name",
                "type": "nominal",
                "scale": colour_scale(names),
                "legend": bottom_legend("person", OUTLET_LABELS + 10),
            },
            "order": {"field": "rank", "type": "quantitative"},
            "opacity": {"condition": {"param": "pick", "value": 1}, "value": 0.2},
            "tooltip": [
                {"field": "outlet", "type": "nominal"},
                {"field": "name", "type": "nominal", "title": "person"},
                {"field": "share_of_outlet", "type": "quantitative", "title": "share", "format": ".0%"},
                {"field": "mentions", "type": "quantitative"},
                {"field": "articles", "type": "quantitative"},
            ],
        },
    }
    values = chart_values(
        ranked(share, names).select("outlet", "name", "share_of_outlet", "mentions", "articles", "rank")
    )
    return page_spec(values, body, height=rows_height(len(outlets), 28), description="Share of voice per outlet")


def heat_map(
    frame: pl.DataFrame,
    *,
    x: tuple[str, str, Sequence[str]],
    y: tuple[str, str, Sequence[str]],
    value: tuple[str, str],
) -> Spec | None:
    """A labelled matrix: (field, axis title, order) for x and y, (field, legend title) for the colour."""
    if frame.is_empty():
        return None
    x_field, x_title, x_order = x
    y_field, y_title, y_order = y
    value_field, value_title = value
    highest = max(int(frame.select(pl.col(value_field).max()).item() or 0), 1)
    tooltip = [
        {"field": y_field, "type": "nominal", "title": y_title},
        {"field": x_field, "type": "nominal", "title": x_title},
        {"field": value_field, "type": "quantitative", "title": value_title},
    ]
    cells = {
        "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
        "encoding": {
            "color": {
                "field": value_field,
                "type": "quantitative",
                "title": value_title,
                "scale": {"scheme": "blues", "domainMin": 0},
                "legend": {"orient": "top", "direction": "horizontal", "gradientLength": 120, "format": "d"},
            },
            "tooltip": tooltip,
        },
    }
    labels = {
        "mark": {"type": "text", "fontSize": 10},
        "encoding": {
            "text": {"field": value_field, "type": "quantitative"},
            # A constant threshold (no data in the expression): white text on the darker half of the scale.
            "color": {"condition": {"test": f"datum['{value_field}'] > {highest / 2}", "value": "white"}, "value": INK},
        },
    }
    body = {
        "encoding": {
            "x": {
                "field": x_field,
                "type": "nominal",
                "sort": list(x_order),
                "title": x_title,
                "axis": {"labelAngle": -45, "labelLimit": 120},
            },
            "y": {
                "field": y_field,
                "type": "nominal",
                "sort": list(y_order),
                "title": None,
                "axis": {"labelLimit": 120},
            },
        },
        "layer": [cells, labels],
    }
    return page_spec(
        chart_values(frame),
        body,
        height=rows_height(max(len(y_order), frame[y_field].n_unique()), 22),
        description=f"{y_title} by {x_title}",
    )


def ranked(frame: pl.DataFrame, order: Sequence[str]) -> pl.DataFrame:
    """The frame with each row's person rank in the page order (stack order), unknown names last."""
    ranks = pl.DataFrame(
        {"name": list(order), "rank": list(range(len(order)))}, schema={"name": pl.String, "rank": pl.Int64}
    )
    return frame.join(ranks, on="name", how="left").with_columns(pl.col("rank").fill_null(len(order)))


def person_trend_picture(trend: pl.DataFrame, person_id: str) -> Spec | None:
    """One person's daily and hourly trend stacked, at a fixed size: the picture attached to an alert."""
    rows = trend.filter(pl.col("person_id") == person_id)
    if rows.is_empty():
        return None
    name = str(rows["name"][0])
    panels = []
    for grain, unit, title in (("day", DAY, "per day"), ("hour", HOUR, "per hour")):
        grain_rows = rows.filter(pl.col("grain") == grain)
        panels.append(
            {
                "title": f"{name}: distinct stories {title}",
                "width": 640,
                "height": 160,
                "data": {
                    "values": chart_values(
                        grain_rows.select(
                            "name",
                            "bucket",
                            "stories",
                            "articles",
                            "baseline_stories",
                            "band_low",
                            "band_high",
                            "is_spike",
                        )
                    )
                },
                "encoding": {"x": time_x(unit, ticks="day")},
                "layer": usual_level_layers(grain, PALETTE[0], bool(grain_rows["is_spike"].any()), None),
            }
        )
    return {"$schema": SCHEMA_URL, "config": {**CONFIG, "background": "white"}, "vconcat": panels}
