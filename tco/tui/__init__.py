"""The interactive Textual app (``tco`` / ``tco tui FILE``).

Only this package imports textual and rich. This module imports nothing: ``tco.cli``
loads ``tco.tui.app`` only when the app is asked for.
"""
