"""alignpredict: when to align (CA), when to predict (CP), and a diagnostic that tells you before training."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["diagnose", "__version__"]


def __getattr__(name: str):
    """Import the diagnostic lazily so `import alignpredict` stays light (no sklearn/torch at import)."""
    if name == "diagnose":
        from alignpredict.diagnose.api import diagnose

        return diagnose
    raise AttributeError(f"module 'alignpredict' has no attribute {name!r}")
