"""Charts as files (PNG/SVG) drawn with matplotlib's Agg canvas."""

from carepool.exchange.charts.spc_chart import chart_format, draw_spc_chart, write_spc_chart

__all__ = ["chart_format", "draw_spc_chart", "write_spc_chart"]
