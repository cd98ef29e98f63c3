"""Data-driven diagnostic: from paired features and a few labels, the regime (Both / CA only / CP only /
Neither), its uncertainty, and which objective (and CP direction) to train.

`alignpredict.diagnose` is both this subpackage and the function `api.diagnose`: once a submodule is
imported, Python binds the package attribute to this module, so the module itself is made callable."""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from alignpredict.diagnose.api import diagnose

        return diagnose(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
