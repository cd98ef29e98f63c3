"""The interactive phase-diagram explorer: one self-contained HTML page, `phase_explorer.html`."""

from alignpredict.explorer.page import EXPLORER_FILE, write_explorer

__all__ = ["EXPLORER_FILE", "write_explorer"]
