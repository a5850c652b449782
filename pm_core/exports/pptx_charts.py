"""Native, editable PowerPoint charts (python-pptx's chart API) from a briefing chart's plain series.

A PM can restyle them in PowerPoint or LibreOffice (colours, labels, type), and the figures sit in
the chart's own embedded workbook. Line charts for trends, horizontal bars for long category names
(key results, themes), columns for a few categories (experiment variants).
"""
from __future__ import annotations

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.util import Pt

from ..briefing import ChartPlot
from ..formatting import Unit, as_unit
from .fit import FONT_NAME

_TYPES = {"line": XL_CHART_TYPE.LINE_MARKERS, "bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED}
SECOND = RGBColor(0x9A, 0xA5, 0xB1)   # the second series (e.g. expected pace) in a quiet grey
_INK = RGBColor(0x1B, 0x1F, 0x24)


def value_format(unit: Unit | str) -> str:
    """Return the number format of a chart's value axis and labels for a unit ('0%' for fractions, '#,##0' for counts)."""
    u = as_unit(unit)
    if u is Unit.FRACTION:
        return "0%"
    if u is Unit.CURRENCY:
        return '"$"#,##0'  # the deck's currency is shown in the axis title when it is not USD
    if u in (Unit.COUNT, Unit.USERS, Unit.MS):
        return "#,##0"
    if u in (Unit.SCORE, Unit.DAYS, Unit.HOURS):
        return "0.0"
    return "General"


def add_native_chart(slide, plot: ChartPlot, title: str, left: int, top: int, width: int, height: int,
                     accent: RGBColor, font_size: int = 12):
    """Add the plot as a native chart in the box; returns the chart (its series hold exactly plot's values)."""
    data = CategoryChartData(number_format=value_format(plot.unit))
    data.categories = plot.categories
    for s in plot.series:
        data.add_series(s.name, [None if v is None else float(v) for v in s.values])
    frame = slide.shapes.add_chart(_TYPES[plot.kind], left, top, width, height, data)
    chart = frame.chart
    chart.font.name = FONT_NAME
    chart.font.size = Pt(font_size)
    chart.font.color.rgb = _INK
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(font_size + 2)
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.bold = True
    chart.has_legend = len(plot.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    for i, series in enumerate(chart.plots[0].series):
        colour = accent if i == 0 else SECOND
        if plot.kind == "line":
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(2.25)
            series.smooth = False
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
    if plot.kind != "line":
        chart.plots[0].gap_width = 60
        chart.plots[0].has_data_labels = True
        labels = chart.plots[0].data_labels
        labels.number_format = value_format(plot.unit)
        labels.number_format_is_linked = False
        labels.font.size = Pt(font_size - 1)
    cat, val = chart.category_axis, chart.value_axis
    val.tick_labels.number_format = value_format(plot.unit)
    val.tick_labels.number_format_is_linked = False
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = RGBColor(0xE3, 0xE7, 0xEC)
    cat.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if plot.kind == "bar":
        cat.reverse_order = True  # the first category on top, as read
    if as_unit(plot.unit) is Unit.FRACTION and plot.kind == "bar":
        val.minimum_scale, val.maximum_scale = 0.0, 1.0
    for axis, text in ((cat, plot.x_title), (val, plot.y_title)):
        if text:
            axis.has_title = True
            axis.axis_title.text_frame.text = text
            axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(font_size)
            axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False
    return chart
