"""More than two modalities: the diagnostic on every pair (both CP directions), and a ranking of which
pair and objective to train.

Two rankings: by recovery (the theory's question: the candidate whose Delta-hat separates signal from
nuisance the most, CA of a pair or CP in one direction) and by the practical probe score of the
representation each candidate would give (best over k), where one modality alone is a candidate too."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.report import DiagnosticReport


@dataclass(frozen=True)
class MultiViewReport:
    """Per pair (a, b) the two-view report (a as x, b as y), and the rankings."""

    names: tuple[str, ...]
    pairs: dict[tuple[str, str], DiagnosticReport]

    def candidates(self) -> list[dict[str, Any]]:
        """Every (objective, views) candidate with its Delta-hat, confidence and probe score."""
        rows = []
        for (a, b), report in self.pairs.items():
            options = report.benefit.options() if report.benefit is not None else {}
            shares = report.resamples.replicates if report.resamples is not None else None
            for label, delta_name, option, source in (
                (f"CA {a} + {b}", "delta_ca", "CA", None),
                (f"CP {a} -> {b}", "delta_cp", "CP (x -> y)", a),
                (f"CP {b} -> {a}", "delta_cp_reverse", "CP (y -> x)", b),
            ):
                delta = float(getattr(report, delta_name))
                confidence = None if shares is None else float(np.mean((shares[delta_name] > 1.0) == (delta > 1.0)))
                rows.append(
                    {
                        "candidate": label,
                        "pair": f"{a}, {b}",
                        "objective": label.split()[0],
                        "source": source,
                        "delta_hat": delta,
                        "recovers": delta > 1.0,
                        "confidence": confidence,
                        "probe_score": options.get(option, float("nan")),
                    }
                )
        return rows

    def recovery_ranking(self) -> list[dict[str, Any]]:
        """Candidates by Delta-hat, largest first."""
        return sorted(self.candidates(), key=lambda row: -row["delta_hat"])

    def practical_ranking(self) -> list[dict[str, Any]]:
        """Candidates and single modalities by probe score, best first."""
        singles: dict[str, float] = {}
        for (a, b), report in self.pairs.items():
            if report.benefit is not None:
                options = report.benefit.options()
                singles[a] = max(singles.get(a, -np.inf), options["x alone"])
                singles[b] = max(singles.get(b, -np.inf), options["y alone"])
        rows = [{"candidate": row["candidate"], "probe_score": row["probe_score"]} for row in self.candidates()]
        rows += [{"candidate": f"{name} alone", "probe_score": score} for name, score in singles.items()]
        return sorted(rows, key=lambda row: -row["probe_score"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "views": list(self.names),
            "recovery_ranking": self.recovery_ranking(),
            "practical_ranking": self.practical_ranking(),
            "pairs": {f"{a}|{b}": report.to_dict() for (a, b), report in self.pairs.items()},
        }

    def summary(self) -> str:
        lines = [f"{len(self.names)} views, {len(self.pairs)} pairs. Ranking by signal recovery (Delta-hat):"]
        for row in self.recovery_ranking():
            shown = "" if row["confidence"] is None else f" ({row['confidence']:.0%} of resamples)"
            verdict = "recovers" if row["recovers"] else "does not recover"
            lines.append(f"  {row['candidate']:<28} Delta-hat {row['delta_hat']:.3g}  {verdict}{shown}")
        best = self.practical_ranking()[:5]
        lines.append(
            "Ranking by probe score on the labelled rows (top 5): "
            + ", ".join(f"{row['candidate']} {row['probe_score']:.3g}" for row in best)
        )
        return "\n".join(lines)


def diagnose_views(
    views: dict[str, np.ndarray] | list[np.ndarray],
    labels: np.ndarray | None,
    *,
    label_rows: np.ndarray | None = None,
    **options: Any,
) -> MultiViewReport:
    """The two-view diagnostic on every pair of `views` (named, or numbered 0, 1, ...)."""
    named = views if isinstance(views, dict) else {str(i): view for i, view in enumerate(views)}
    if len(named) < 2:
        raise ValueError(f"views needs at least two modalities, got {len(named)}")
    names = tuple(named)
    pairs = {
        (a, b): diagnose(named[a], named[b], labels, label_rows=label_rows, **options)
        for a, b in itertools.combinations(names, 2)
    }
    return MultiViewReport(names, pairs)


def pairwise_figure(report: MultiViewReport) -> Figure:
    """Every ordered pair on the phase diagram: (Delta-hat_CA, Delta-hat_CP source -> target), regimes by
    the lines at 1, on log axes."""
    figure = Figure(figsize=(6.0, 5.0), layout="constrained")
    axis = figure.subplots()
    points = []
    for (a, b), pair in report.pairs.items():
        points.append((pair.delta_ca, pair.delta_cp, f"{a}->{b}"))
        points.append((pair.delta_ca, pair.delta_cp_reverse, f"{b}->{a}"))
    finite = [v for p in points for v in p[:2] if np.isfinite(v) and v > 0]
    low, high = (min(finite + [1.0]) / 1.5, max(finite + [1.0]) * 1.5) if finite else (0.1, 10.0)
    for ca, cp, label in points:
        px, py = np.clip([ca if ca > 0 else low, cp if cp > 0 else low], low, high)
        axis.scatter(px, py, s=25)
        axis.annotate(label, (px, py), fontsize=7, xytext=(3, 3), textcoords="offset points")
    axis.axvline(1.0, color="black", lw=0.8)
    axis.axhline(1.0, color="black", lw=0.8)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlim(low, high)
    axis.set_ylim(low, high)
    for text, position in (
        ("Both", (0.98, 0.98)),
        ("CA only", (0.98, 0.02)),
        ("CP only", (0.02, 0.98)),
        ("Neither", (0.02, 0.02)),
    ):
        axis.text(
            *position,
            text,
            transform=axis.transAxes,
            ha="right" if position[0] > 0.5 else "left",
            va="top" if position[1] > 0.5 else "bottom",
            fontsize=9,
            alpha=0.6,
        )
    axis.set_xlabel(r"$\hat\Delta_{CA}$ of the pair")
    axis.set_ylabel(r"$\hat\Delta_{CP}$, source $\to$ target")
    axis.set_title("Pairwise phase diagram", fontsize=10)
    return figure
