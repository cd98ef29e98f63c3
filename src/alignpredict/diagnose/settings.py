"""Every knob of the diagnostic in one place; conf/diagnose.yaml mirrors these defaults (a test keeps
the two equal)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class DiagnoseSettings:
    """Defaults chosen for n in the thousands and d up to a few thousand; see docs/diagnostic.md."""

    pca: bool = True  # reduce each modality to pca_dimension(...) principal axes first
    pca_max_dim: int = 128  # never keep more principal axes than this
    rows_per_dim: int = 20  # keep at most n // rows_per_dim axes, so small n does not inflate the spectra
    ridge: float = 1e-4  # added to covariance eigenvalues, relative to their mean
    cross_fit_folds: int = 5  # each fold is measured with directions fitted on the other folds
    cv_folds: int = 5  # folds of the per-component label R^2
    n_permutations: int = 200  # label shuffles of the significance gate
    alpha: float = 0.01  # family-wise level of the gate (max R^2 over all components)
    signal_share: float = 0.5  # signal also needs R^2 >= this share of the spectrum's best R^2
    n_resamples: int = 100  # subsamples (without replacement) for the intervals; 0 disables them
    resample_fraction: float = 0.5  # each subsample keeps this share of labelled and of unlabelled rows
    interval_level: float = 0.95  # central percentile interval of each Delta-hat over the subsamples
    min_labelled: int = 50  # fewer labelled rows than this is an error
    label_type: str = "auto"  # auto | continuous | classes
    benefit_k: tuple[int, ...] = (5, 10, 20)  # representation sizes at which CA / CP are compared with one view
    probe_rows: int = 0  # labelled rows the downstream probe will have (0: every paired row)
    proxy_modality: str = "y"  # labels=None: k-means proxy labels on x, y or joint (both views side by side)
    proxy_clusters: int = 10  # k-means clusters of the proxy labels
    proxy_rows: int = 1000  # rows given a proxy label (the rest stay unlabelled)
    seed: int = 0

    def __post_init__(self) -> None:
        for field in fields(self):
            value, default = getattr(self, field.name), field.default
            number = isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)
            if not (isinstance(value, type(default)) or number) or (
                isinstance(value, bool) and not isinstance(default, bool)
            ):
                raise ValueError(
                    f"diagnostic setting {field.name} must be {type(default).__name__} like its default "
                    f"{default!r}, got {value!r}"
                )
        checks = {
            "pca_max_dim": self.pca_max_dim >= 1,
            "rows_per_dim": self.rows_per_dim >= 1,
            "ridge": self.ridge >= 0,
            "cross_fit_folds": self.cross_fit_folds >= 2,
            "cv_folds": self.cv_folds >= 2,
            "n_permutations": self.n_permutations >= 1,
            "alpha": 0 < self.alpha < 1,
            "signal_share": 0 <= self.signal_share <= 1,
            "n_resamples": self.n_resamples >= 0,
            "resample_fraction": 0 < self.resample_fraction < 1,
            "interval_level": 0 < self.interval_level < 1,
            "min_labelled": self.min_labelled >= 2 * self.cv_folds,
            "label_type": self.label_type in ("auto", "continuous", "classes"),
            "probe_rows": self.probe_rows >= 0,
            "proxy_modality": self.proxy_modality in ("x", "y", "joint"),
            "proxy_clusters": self.proxy_clusters >= 2,
            "proxy_rows": self.proxy_rows >= self.min_labelled,
            "benefit_k": len(self.benefit_k) >= 1 and all(int(k) == k and k >= 1 for k in self.benefit_k),
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"invalid diagnostic setting(s) {', '.join(f'{b}={getattr(self, b)!r}' for b in bad)}")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> DiagnoseSettings:
        """Build from a config mapping; an unknown key is an error (a typo must not be silently ignored)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown diagnostic setting(s) {unknown}; known: {sorted(known)}")
        if "benefit_k" in values:
            values = {**values, "benefit_k": tuple(int(k) for k in values["benefit_k"])}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}
