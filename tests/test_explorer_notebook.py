"""notebooks/explore.ipynb runs top to bottom in a fresh kernel, no widget touched, and prints the theory's numbers."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from alignpredict.theory.model import SpikedModel
from alignpredict.theory.regimes import classify_regime
from alignpredict.theory.spectra import delta_ca, delta_cp


def test_notebook_executes_and_prints_the_theory(repo_root: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(repo_root / "notebooks" / "explore.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")  # stored clean
    run_in = {"metadata": {"path": str(tmp_path)}}  # the notebook writes phase_explorer.html into its folder
    NotebookClient(notebook, timeout=180, kernel_name="python3", resources=run_in).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    data = [output.get("data", {}) for output in outputs]
    assert sum("image/png" in d for d in data) >= 2  # the phase diagram and the finite-sample sweep
    assert sum("application/vnd.jupyter.widget-view+json" in d for d in data) == 3  # three slider panels
    text = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    model = SpikedModel(d=2, k=1, kappa=1.0, nu=0.5, gamma_x=1.0, gamma_y=0.05, gamma_tilde_x=1.0, gamma_tilde_y=5.0)
    ca, cp = delta_ca(model), delta_cp(model)
    assert f"regime {classify_regime(ca, cp)}: Delta_CA = {ca:.6g}, Delta_CP = {cp:.6g} (x -> y)" in text
    assert "theory_nu_ca': 0.895" in text  # E4's CA threshold
    assert (tmp_path / "phase_explorer.html").stat().st_size > 20_000
