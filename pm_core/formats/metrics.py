"""Metric series: long (`date,metric,value[,segment]`) or wide (a date column and one column per metric)."""
from .base import Field, Format

DATE = ("date", "day", "month", "period", "week", "as_of", "reported_on")

LONG = Format(
    kind="metrics", source="series", label="Metric series (date, metric, value)",
    fields=(
        Field("date", "date", True, DATE),
        Field("metric", "text", True, ("metric", "metric_name", "kpi", "series", "measure", "name")),
        Field("value", "number", True, ("value", "amount", "metric_value", "val")),
        Field("segment", "text", False, ("segment", "dimension", "breakdown")),
    ),
)

WIDE = Format(
    kind="metrics", source="wide", label="Metric series, one column per metric",
    fields=(Field("date", "date", True, DATE), Field("segment", "text", False, ("segment", "dimension", "breakdown"))),
    extras="unpivot",
)
