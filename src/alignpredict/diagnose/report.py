"""The diagnostic's answer: regime, Delta-hats with intervals, advice, spectra; as a dict and as text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alignpredict.diagnose.benefit import BenefitSummary
from alignpredict.diagnose.resample import ResampleSummary
from alignpredict.diagnose.spectra import SPECTRA, SPECTRUM_TITLES
from alignpredict.diagnose.split import ComponentSplit

NO_SIGNAL_MESSAGE = (
    "the labels carry no detectable shared signal: no component of any spectrum has a label R^2 above the "
    "permutation gate, so there is nothing for cross-modal training to recover"
)
UNSTABLE_AGREEMENT = 0.8


@dataclass(frozen=True)
class DiagnosticReport:
    """Everything the CLI writes to report.json; `regime` uses Delta_CA and the x->y Delta_CP, as the paper."""

    regime: str
    delta_ca: float
    delta_cp: float
    delta_cp_reverse: float
    direction: str | None
    recommendation: str
    message: str
    spectra: dict[str, ComponentSplit]
    resamples: ResampleSummary | None
    n_rows: int
    n_labelled: int
    label_kind: str
    feature_dims: tuple[int, int]
    pca_dims: tuple[int, int]
    settings: dict[str, Any] = field(default_factory=dict)
    recovery_advice: str = ""  # the theory's answer: which objectives recover the shared signal subspace
    benefit: BenefitSummary | None = None  # the practical answer's probe scores
    sparse_columns: tuple[int, int] = (0, 0)  # columns left out of the full-sample estimate (x, y)

    @property
    def intervals(self) -> dict[str, tuple[float, float]]:
        return {} if self.resamples is None else self.resamples.intervals

    @property
    def regime_fractions(self) -> dict[str, float]:
        return {} if self.resamples is None else self.resamples.regime_fractions

    @property
    def confidence(self) -> float | None:
        """Share of subsamples that land in the reported regime (None without resampling)."""
        return self.regime_fractions.get(self.regime) if self.resamples is not None else None

    @property
    def recommendation_confidence(self) -> float | None:
        """Share of resamples agreeing with the recommendation (None without resampling)."""
        return None if self.benefit is None else self.benefit.chosen_confidence()

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "delta_ca": self.delta_ca,
            "delta_cp": self.delta_cp,
            "delta_cp_reverse": self.delta_cp_reverse,
            "direction": self.direction,
            "recommendation": self.recommendation,
            "recommendation_confidence": self.recommendation_confidence,
            "recovery_advice": self.recovery_advice,
            "benefit": None if self.benefit is None else self.benefit.to_dict(),
            "message": self.message,
            "confidence": self.confidence,
            "intervals": {name: list(bounds) for name, bounds in self.intervals.items()},
            "regime_fractions": self.regime_fractions,
            "resampling": None if self.resamples is None else self.resamples.to_dict(),
            "spectra": {name: split.to_dict() for name, split in self.spectra.items()},
            "n_rows": self.n_rows,
            "n_labelled": self.n_labelled,
            "label_kind": self.label_kind,
            "feature_dims": list(self.feature_dims),
            "pca_dims": list(self.pca_dims),
            "settings": self.settings,
            "sparse_columns": list(self.sparse_columns),
        }

    def summary(self) -> str:
        """A few lines for the terminal."""
        names = {"ca": "delta_ca", "cp_xy": "delta_cp", "cp_yx": "delta_cp_reverse"}
        confidence = self.recommendation_confidence
        shown = "" if confidence is None else f" ({confidence:.0%} of resamples)"
        lines = [
            f"Recommendation: {self.recommendation}{shown}",
            f"Regime: {self.regime}    Signal recovery: {self.recovery_advice}",
        ]
        for spectrum in SPECTRA:
            split = self.spectra[spectrum]
            bounds = self.intervals.get(names[spectrum])
            interval = "" if bounds is None else f"  [{bounds[0]:.3g}, {bounds[1]:.3g}]"
            lines.append(
                f"  Delta-hat {SPECTRUM_TITLES[spectrum]:<9} = {split.delta:.3g}{interval}"
                f"   ({split.n_signal} signal, {split.n_recovered} above the floor {split.floor:.3g})"
            )
        if self.resamples is not None:
            shares = ", ".join(f"{regime} {share:.0%}" for regime, share in self.regime_fractions.items())
            lines.append(
                f"  Resamples ({self.resamples.n_resamples} x {self.resamples.subsample_rows} rows, "
                f"bias-corrected to the full sample): {shares}"
            )
        if any(self.sparse_columns) or (self.resamples is not None and self.resamples.sparse_subsamples):
            in_subsamples = 0 if self.resamples is None else self.resamples.sparse_subsamples
            lines.append(
                f"  Sparse columns (nearly constant on some fold's rows) left out: x {self.sparse_columns[0]}, "
                f"y {self.sparse_columns[1]} in the full sample; some in {in_subsamples} resamples"
            )
        if self.benefit is not None:
            options = ", ".join(f"{name} {score:.3g}" for name, score in self.benefit.options().items())
            measure = "accuracy" if self.benefit.kind == "classes" else "R^2"
            lines.append(f"  Probe {measure} on the labelled rows (best over k = {list(self.benefit.ks)}): {options}")
        lines.append(
            f"  {self.n_rows} paired rows, {self.n_labelled} labelled ({self.label_kind}), "
            f"PCA dims x {self.pca_dims[0]}, y {self.pca_dims[1]}"
        )
        if self.message:
            lines.append(f"Note: {self.message}")
        return "\n".join(lines)


def report_message(spectra: dict[str, ComponentSplit], regime: str, resamples: ResampleSummary | None) -> str:
    """The warning a practitioner must not miss: no signal at all, or a regime the subsamples disagree on."""
    if all(split.n_signal == 0 for split in spectra.values()):
        return NO_SIGNAL_MESSAGE
    if resamples is not None and resamples.regime_fractions[regime] < UNSTABLE_AGREEMENT:
        share = resamples.regime_fractions[regime]
        return (
            f"uncertain: only {share:.0%} of subsamples agree on {regime}; "
            "label more rows or collect more pairs before relying on it"
        )
    return ""
