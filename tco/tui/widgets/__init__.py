"""Widgets of the tco app: workload fields, the candidates table, the detail pane, charts."""
