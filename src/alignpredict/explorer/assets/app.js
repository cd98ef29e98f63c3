// The explorer's state and controls: sliders, the selected point, the report and the empirical layer.
// Every value the page computes is written into the element that shows it. Hand-written for alignpredict (MIT).
"use strict";

const DATA = JSON.parse(document.getElementById("explorer-data").textContent);
Theory.configure(DATA);
const $ = (id) => document.getElementById(id);

// a JSON value as a number: "inf" / "-inf" (the project's JSON spelling), numeric strings; NaN when missing
function num(value) {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (["inf", "+inf", "infinity", "+infinity"].includes(text)) return Infinity;
    if (["-inf", "-infinity"].includes(text)) return -Infinity;
    if (text !== "" && Number.isFinite(Number(text))) return Number(text);
  }
  return NaN;
}

// shown numbers: never "NaN" or "Infinity"
function fmt(value, digits) {
  if (Number.isNaN(value)) return "not defined";
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "−∞";
  return String(Number(value.toPrecision(digits)));
}

const PARAMS = [
  { name: "kappa_min", label: "κ min", group: "window: signal strength κ", max: DATA.slider_max.kappa },
  { name: "kappa_max", label: "κ max", max: DATA.slider_max.kappa },
  { name: "nu_min", label: "ν min", group: "window: nuisance correlation ν", max: 1 },
  { name: "nu_max", label: "ν max", max: 1 },
  { name: "gamma_x", label: "γ_x", title: "source (x) signal noise", group: "model", max: DATA.slider_max.gamma },
  { name: "gamma_y", label: "γ_y", title: "target (y) signal noise", max: DATA.slider_max.gamma },
  { name: "gamma_tilde_x", label: "γ̃_x", title: "source nuisance variance", max: DATA.slider_max.gamma },
  { name: "gamma_tilde_y", label: "γ̃_y", title: "target nuisance variance", max: DATA.slider_max.gamma_tilde_y },
];
const LABEL = Object.fromEntries(PARAMS.map((spec) => [spec.name, spec.label]));

const state = {
  values: {},
  point: { kappa: DATA.start_point.kappa, nu: DATA.start_point.nu },
  hover: null,
  report: null,
  mapping: null, // {x, y} data -> overlay pixels, null while the window is empty
  consistentShare: 0,
};

const params = () => ({
  gx: state.values.gamma_x,
  gy: state.values.gamma_y,
  gtx: state.values.gamma_tilde_x,
  gty: state.values.gamma_tilde_y,
});

const windowOf = () => ({
  kmin: state.values.kappa_min,
  kmax: state.values.kappa_max,
  numin: state.values.nu_min,
  numax: state.values.nu_max,
});

// ---------------------------------------------------------------- sliders and number boxes

function buildControls() {
  const box = $("sliders");
  for (const spec of PARAMS) {
    if (spec.group) {
      const head = document.createElement("div");
      head.className = "group";
      head.textContent = spec.group;
      box.appendChild(head);
    }
    const row = document.createElement("div");
    row.className = "param";
    row.innerHTML =
      `<label for="value-${spec.name}" title="${spec.title || ""}">${spec.label}</label>` +
      `<input type="range" id="slider-${spec.name}" min="0" max="${spec.max}" step="0.01" aria-label="${spec.label}">` +
      `<input type="number" id="value-${spec.name}" min="0" step="any" aria-label="${spec.label} value">`;
    box.appendChild(row);
    $(`slider-${spec.name}`).addEventListener("input", (event) => setParam(spec.name, Number(event.target.value)));
    $(`value-${spec.name}`).addEventListener("change", (event) => typedParam(spec, event.target));
  }
  for (const [index, preset] of DATA.presets.entries()) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = `preset-${index}`;
    button.textContent = preset.title || preset.key;
    button.addEventListener("click", () => applyValues(preset));
    $("presets").appendChild(button);
  }
}

function showParam(name) {
  $(`slider-${name}`).value = String(state.values[name]);
  $(`value-${name}`).value = String(state.values[name]);
}

function setParam(name, value) {
  state.values[name] = value;
  showParam(name);
  $("input-message").textContent = "";
  update();
}

// a typed value: a finite number >= 0 (a correlation for nu); otherwise say so and keep the last good one
function typedParam(spec, input) {
  const text = input.value.trim();
  const value = Number(text);
  let problem = null;
  if (text === "" || !Number.isFinite(value)) problem = "is not a number";
  else if (value < 0) problem = "must be ≥ 0 (a standard deviation or a variance)";
  else if (spec.name.startsWith("nu_") && value > 1) problem = "must be ≤ 1 (ν is a correlation)";
  if (problem !== null) {
    const shown = text === "" ? "this entry" : `"${text}"`;
    showParam(spec.name);
    $("input-message").textContent = `${spec.label}: ${shown} ${problem}; still using ${state.values[spec.name]}.`;
    return;
  }
  setParam(spec.name, value);
}

function applyValues(values) {
  for (const spec of PARAMS) {
    if (values[spec.name] !== undefined && Number.isFinite(num(values[spec.name]))) {
      state.values[spec.name] = num(values[spec.name]);
      showParam(spec.name);
    }
  }
  $("input-message").textContent = "";
  update();
}

// ---------------------------------------------------------------- the window and the map

function windowProblem() {
  const win = windowOf();
  if (!(win.kmin < win.kmax)) return `The κ range is empty: κ max (${win.kmax}) must be larger than κ min (${win.kmin}).`;
  if (!(win.numin < win.numax)) return `The ν range is empty: ν max (${win.numax}) must be larger than ν min (${win.numin}).`;
  return null;
}

function reportHatch() {
  const report = state.report;
  if (report === null || report.intervals.ca === null || report.intervals.cp === null) return null;
  const inside = (value, bounds) => value >= bounds[0] && value <= bounds[1];
  const useReverse = $("report-use-reverse").checked && report.intervals.cpRev !== null;
  return (d) =>
    inside(d.ca, report.intervals.ca) && inside(d.cp, report.intervals.cp) && (!useReverse || inside(d.cpRev, report.intervals.cpRev));
}

function drawPhase() {
  const map = $("phase-map");
  const problem = windowProblem();
  $("phase-message").textContent = problem || "";
  $("phase-message").classList.toggle("shown", problem !== null);
  if (problem !== null) {
    Plot.prepare(map);
    Plot.prepare($("phase-axes"));
    Plot.prepare($("phase-overlay"));
    state.mapping = null;
    return;
  }
  const win = windowOf();
  const hatch = reportHatch();
  let inside = 0;
  let total = 0;
  const counted = hatch === null ? null : (d) => {
    total += 1;
    const hit = hatch(d);
    if (hit) inside += 1;
    return hit;
  };
  state.mapping = Plot.drawPhaseMap(map, {
    p: params(),
    win,
    colours: DATA.colours,
    hatch: counted,
    showReverse: $("show-reverse").checked,
  });
  state.consistentShare = total ? inside / total : 0;
  const w = map.clientWidth;
  const h = map.clientHeight;
  Plot.drawAxes($("phase-axes"), map, {
    xTicks: Plot.niceTicks(win.kmin, win.kmax, 6),
    yTicks: Plot.niceTicks(win.numin, win.numax, 5),
    x: (kappa) => ((kappa - win.kmin) / (win.kmax - win.kmin)) * w,
    y: (nu) => (1 - (nu - win.numin) / (win.numax - win.numin)) * h,
    xText: Plot.tickText,
    yText: Plot.tickText,
    xLabel: "signal strength κ",
    yLabel: "nuisance correlation ν",
  });
  drawOverlay();
}

function empiricalCells() {
  const emp = DATA.empirical;
  if (emp === null || !$("emp-show").checked) return [];
  const panel = $("emp-panel").value;
  const mode = $("emp-mode").value;
  const objective = $("emp-objective").value;
  return emp.cells.filter((c) => String(c.panel) === panel && c.mode === mode && c.objective === objective);
}

function drawOverlay() {
  const overlay = $("phase-overlay");
  const { ctx, w, h } = Plot.prepare(overlay);
  if (state.mapping === null) return;
  const { x, y } = state.mapping;
  for (const cell of empiricalCells()) Plot.successDot(ctx, x(num(cell.kappa)), y(num(cell.nu)), cell.successes / cell.seeds);
  const solution = state.report === null ? null : Theory.invert(params(), state.report.ca, state.report.cp);
  if (solution !== null && solution.nu !== undefined) {
    Plot.marker(ctx, x(solution.kappa), y(solution.nu), "diamond", "#ffd23f", "#111", 7);
  }
  if (state.hover !== null) {
    ctx.save();
    ctx.strokeStyle = "rgba(0, 0, 0, 0.35)";
    ctx.beginPath();
    ctx.moveTo(x(state.hover.kappa), 0);
    ctx.lineTo(x(state.hover.kappa), h);
    ctx.moveTo(0, y(state.hover.nu));
    ctx.lineTo(w, y(state.hover.nu));
    ctx.stroke();
    ctx.restore();
  }
  Plot.marker(ctx, x(state.point.kappa), y(state.point.nu), "circle", "#fff", "#111", 5);
}

// the data point under an event, rounded to a step of about 1/1000 of the window so what is shown is exact;
// within a pixel of an edge it is the edge (kappa min, nu = 0, ...)
function pointAt(event) {
  const rect = $("phase-overlay").getBoundingClientRect();
  const win = windowOf();
  const edge = (offset, size) => (offset <= 1 ? 0 : offset >= size - 1 ? 1 : offset / size);
  const fx = edge(event.clientX - rect.left, rect.width);
  const fy = edge(event.clientY - rect.top, rect.height);
  const round = (value, range) => {
    const digits = Math.max(0, -Math.floor(Math.log10(range / 1000)));
    return Number(value.toFixed(digits));
  };
  const kappa = Math.max(0, round(win.kmin + fx * (win.kmax - win.kmin), win.kmax - win.kmin));
  const nu = Math.min(1, Math.max(0, round(win.numax - fy * (win.numax - win.numin), win.numax - win.numin)));
  return { kappa, nu };
}

function hoverText(point) {
  const d = Theory.deltas(params(), point.kappa, point.nu);
  return (
    `κ = ${point.kappa}, ν = ${point.nu} │ Δ_CA = ${fmt(d.ca, 4)} │ Δ_CP = ${fmt(d.cp, 4)} │ ` +
    `Δ_CP(y→x) = ${fmt(d.cpRev, 4)} │ ${Theory.regime(d.ca, d.cp)}`
  );
}

// ---------------------------------------------------------------- the selected point

function deltaNote(value, point, gammasZero) {
  if (value === Infinity) {
    const why = Math.abs(point.nu) <= DATA.nuisance_floor ? "no nuisance correlation (ν = 0)" : `no nuisance variance (${gammasZero})`;
    const both = point.kappa === 0 ? "; there is no signal either (κ = 0), but the theory's convention is Δ = ∞ whenever the nuisance is absent" : "";
    return `${why}: nothing to confuse with the signal${both}`;
  }
  if (value === 0) return "no signal (κ = 0): nothing to recover";
  return "";
}

const EXPLANATIONS = {
  Both: "Both objectives recover the signal subspace here: aligning (CA) and predicting y from x (CP) both work.",
  "CA only":
    "Aligning recovers the signal; predicting y from x does not: the correlated nuisance carries more of y's " +
    "predictable variance than the signal does (Δ_CP ≤ 1).",
  "CP only":
    "Predicting y from x recovers the signal; aligning does not: the nuisance pair is more correlated than the " +
    "signal (Δ_CA ≤ 1), but it carries less of y's predictable variance.",
  Neither: "Neither objective recovers the whole signal subspace: the correlated nuisance wins for both.",
};

function explanation(regime, d, dir) {
  let text = EXPLANATIONS[regime] || "";
  if (dir === "y->x" && d.cp > 1) text += " Predicting x from y separates the signal even better (larger Δ_CP(y→x)).";
  else if (dir === "y->x") text += " Predicting x from y does recover it (Δ_CP(y→x) > 1).";
  return text;
}

function eq7Note(value, point, p) {
  if (Number.isNaN(value)) return "0/0: κ = 0, γ_y = 0 and γ̃_y = 0";
  if (value === Infinity) return "κ² + γ_y = 0";
  if (Math.abs(point.nu) <= DATA.nuisance_floor || point.kappa === 0 || p.gtx * p.gty === 0) {
    return "the limit √(γ̃_y/(κ²+γ_y)): the quotient itself is ∞/∞ or 0/0 here";
  }
  return "= √(γ̃_y/(κ²+γ_y)), whatever ν";
}

function nearestCell(point) {
  if (state.mapping === null) return null;
  const { x, y } = state.mapping;
  let best = null;
  let bestDistance = 8; // pixels
  for (const cell of empiricalCells()) {
    const distance = Math.hypot(x(num(cell.kappa)) - x(point.kappa), y(num(cell.nu)) - y(point.nu));
    if (distance <= bestDistance) {
      best = cell;
      bestDistance = distance;
    }
  }
  return best;
}

function updatePoint() {
  const point = state.point;
  const p = params();
  const d = Theory.deltas(p, point.kappa, point.nu);
  const regime = Theory.regime(d.ca, d.cp);
  const dir = Theory.direction(d.cp, d.cpRev);
  const eq7 = Theory.eq7(p, point.kappa, point.nu);
  $("point-kappa").value = String(point.kappa);
  $("point-nu").value = String(point.nu);
  $("out-regime").textContent = regime;
  $("out-delta-ca").textContent = fmt(d.ca, 12);
  $("out-delta-ca-note").textContent = deltaNote(d.ca, point, "γ̃_x·γ̃_y = 0");
  $("out-delta-cp").textContent = fmt(d.cp, 12);
  $("out-delta-cp-note").textContent = deltaNote(d.cp, point, "γ̃_x or γ̃_y = 0");
  $("out-delta-cp-rev").textContent = fmt(d.cpRev, 12);
  $("out-delta-cp-rev-note").textContent = deltaNote(d.cpRev, point, "γ̃_x or γ̃_y = 0");
  $("out-eq7").textContent = fmt(eq7, 12);
  $("out-eq7-note").textContent = eq7Note(eq7, point, p);
  $("out-recommendation").textContent = Theory.recommend(d.ca, dir);
  $("out-explanation").textContent = explanation(regime, d, dir);
  const win = windowOf();
  const outside = point.kappa < win.kmin || point.kappa > win.kmax || point.nu < win.numin || point.nu > win.numax;
  $("out-window").textContent = outside ? "The selected point is outside the drawn window." : "";
  $("out-empirical").textContent = empiricalText(point);
}

function empiricalText(point) {
  if (DATA.empirical === null || !$("emp-show").checked) return "";
  const cell = nearestCell(point);
  if (cell === null) return "No empirical cell at this point.";
  const recovery = Number.isNaN(num(cell.recovery)) ? "" : `, mean recovery ${fmt(num(cell.recovery), 3)}`;
  return (
    `Empirical cell κ = ${cell.kappa}, ν = ${cell.nu} (${cell.objective}, ${cell.mode}, panel ${cell.panel}): ` +
    `${cell.successes} of ${cell.seeds} seeds recovered the signal${recovery}; its regime: ${typeof cell.regime === "string" ? cell.regime : "not given"}.`
  );
}

function typedPoint() {
  const kappa = Number($("point-kappa").value.trim());
  const nu = Number($("point-nu").value.trim());
  let problem = null;
  if ($("point-kappa").value.trim() === "" || !Number.isFinite(kappa) || kappa < 0) problem = "κ must be a number ≥ 0";
  else if ($("point-nu").value.trim() === "" || !Number.isFinite(nu) || nu < 0 || nu > 1) {
    problem = "ν must be a number in [0, 1] (a correlation; the Δ's depend on |ν|)";
  }
  $("point-message").textContent = problem === null ? "" : `${problem}; still showing κ = ${state.point.kappa}, ν = ${state.point.nu}.`;
  if (problem === null) selectPoint({ kappa, nu });
  else updatePoint();
}

function selectPoint(point) {
  state.point = point;
  $("point-message").textContent = "";
  updatePoint();
  drawOverlay();
  drawRegime();
}

// ---------------------------------------------------------------- the regime panel

function drawRegime() {
  const reverse = $("cp-direction").value === "yx";
  const inner = $("regime-map");
  Plot.regimeAxes($("regime-axes"), inner, reverse ? "Δ_CP (y → x) (log)" : "Δ_CP (x → y) (log)");
  const items = [];
  const pick = (ca, cp, cpRev) => ({ ca, cp: reverse ? cpRev : cp });
  for (const cell of empiricalCells()) {
    items.push({ ...pick(num(cell.delta_ca), num(cell.delta_cp), num(cell.delta_cp_reverse)), kind: "dot", share: cell.successes / cell.seeds });
  }
  const d = Theory.deltas(params(), state.point.kappa, state.point.nu);
  items.push({ ...pick(d.ca, d.cp, d.cpRev), kind: "line" });
  if (state.hover !== null) {
    const hd = Theory.deltas(params(), state.hover.kappa, state.hover.nu);
    items.push({ ...pick(hd.ca, hd.cp, hd.cpRev), kind: "hover" });
  }
  const report = state.report;
  if (report !== null && !Number.isNaN(report.ca) && !Number.isNaN(reverse ? report.cpRev : report.cp)) {
    const interval = reverse ? report.intervals.cpRev : report.intervals.cp;
    const box = report.intervals.ca !== null && interval !== null ? { ca: report.intervals.ca, cp: interval } : null;
    items.push({ ...pick(report.ca, report.cp, report.cpRev), kind: "report", box });
  }
  items.push({ ...pick(d.ca, d.cp, d.cpRev), kind: "point" });
  Plot.drawRegimePanel(inner, DATA.colours, items);
}

// ---------------------------------------------------------------- the report

const INTERVAL_KEYS = { ca: "delta_ca", cp: "delta_cp", cpRev: "delta_cp_reverse" };

// a report.json as the page needs it, read key by key: anything missing becomes "not in the report"
function normaliseReport(raw, source) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("it is not a JSON object");
  if (!Object.values(INTERVAL_KEYS).some((key) => key in raw)) {
    throw new Error("it has none of the keys delta_ca, delta_cp, delta_cp_reverse: not a diagnostic report");
  }
  let intervals = raw.intervals;
  if ((intervals === null || typeof intervals !== "object") && raw.resampling && typeof raw.resampling === "object") {
    intervals = raw.resampling.intervals;
  }
  const bounds = (key) => {
    const pair = intervals && typeof intervals === "object" ? intervals[key] : null;
    if (!Array.isArray(pair) || pair.length !== 2) return null;
    const [lo, hi] = pair.map(num);
    return Number.isNaN(lo) || Number.isNaN(hi) ? null : [Math.min(lo, hi), Math.max(lo, hi)];
  };
  const report = {
    source,
    ca: num(raw.delta_ca),
    cp: num(raw.delta_cp),
    cpRev: num(raw.delta_cp_reverse),
    intervals: { ca: bounds("delta_ca"), cp: bounds("delta_cp"), cpRev: bounds("delta_cp_reverse") },
    recommendation: typeof raw.recommendation === "string" ? raw.recommendation : null,
    message: typeof raw.message === "string" ? raw.message : "",
    confidence: num(raw.confidence),
    level: num(raw.interval_level !== undefined ? raw.interval_level : raw.settings && raw.settings.interval_level),
    rows: num(raw.n_rows),
    labelled: num(raw.n_labelled),
    regime: DATA.regimes.includes(raw.regime) ? raw.regime : null,
  };
  if (report.regime === null && !Number.isNaN(report.ca) && !Number.isNaN(report.cp)) {
    report.regime = Theory.regime(report.ca, report.cp);
  }
  return report;
}

function reportValue(name, value, interval) {
  if (Number.isNaN(value)) return `${name} not in the report`;
  const range = interval === null ? "" : ` [${fmt(interval[0], 6)}, ${fmt(interval[1], 6)}]`;
  return `${name} = ${fmt(value, 6)}${range}`;
}

function updateReport() {
  const report = state.report;
  $("report-select-point").disabled = true;
  if (report === null) return;
  const share = Number.isNaN(report.confidence) ? "" : ` (${fmt(100 * report.confidence, 3)}% of subsamples)`;
  const level = Number.isNaN(report.level) ? "" : ` · intervals: ${fmt(100 * report.level, 3)}% over subsamples`;
  const size = Number.isNaN(report.rows) ? "" : ` · ${report.rows} rows` + (Number.isNaN(report.labelled) ? "" : `, ${report.labelled} labelled`);
  $("report-summary").textContent =
    `${report.source}: regime ${report.regime === null ? "not in the report" : report.regime}${share} · ` +
    `${reportValue("Δ̂_CA", report.ca, report.intervals.ca)} · ${reportValue("Δ̂_CP(x→y)", report.cp, report.intervals.cp)} · ` +
    `${reportValue("Δ̂_CP(y→x)", report.cpRev, report.intervals.cpRev)} · recommendation: ` +
    `${report.recommendation === null ? "not in the report" : report.recommendation}${size}${level}` +
    (report.message ? ` · note: ${report.message}` : "");
  const p = params();
  const solution = Theory.invert(p, report.ca, report.cp);
  let text;
  if (solution.nu !== undefined) {
    const there = Theory.deltas(p, solution.kappa, solution.nu);
    const check = Number.isNaN(report.cpRev) ? "" : ` There Δ_CP(y→x) would be ${fmt(there.cpRev, 6)} (the report: ${fmt(report.cpRev, 6)}).`;
    text = `Under these γ's: (κ, ν) = (${fmt(solution.kappa, 6)}, ${fmt(solution.nu, 6)}) gives Δ_CA = Δ̂_CA and Δ_CP = Δ̂_CP(x→y).${check}`;
    $("report-select-point").disabled = false;
  } else {
    text = `Under these γ's no (κ, ν) gives the report's Δ̂_CA and Δ̂_CP(x→y): ${solution.reason}.`;
  }
  if (state.mapping !== null && reportHatch() !== null) {
    text += ` Hatched: ${fmt(100 * state.consistentShare, 3)}% of the window is consistent with the intervals.`;
  }
  $("report-placement").textContent = text;
}

function loadReportText(text, source) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    $("report-message").textContent = `${source}: not valid JSON (${error.message}); the page keeps the previous report.`;
    return;
  }
  try {
    state.report = normaliseReport(raw, source);
  } catch (error) {
    $("report-message").textContent = `${source}: ${error.message}; the page keeps the previous report.`;
    return;
  }
  $("report-message").textContent = "";
  update();
}

function readReportFile(file) {
  const reader = new FileReader();
  reader.onload = () => loadReportText(String(reader.result), file.name);
  reader.onerror = () => {
    $("report-message").textContent = `${file.name}: could not be read.`;
  };
  reader.readAsText(file);
}

// ---------------------------------------------------------------- the empirical layer

function fillSelect(select, values) {
  select.innerHTML = "";
  for (const value of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }
}

function setupEmpirical() {
  const emp = DATA.empirical;
  if (emp === null) return;
  $("empirical").hidden = false;
  $("empirical-source").textContent = `(${emp.source})`;
  const unique = (key, order) => {
    const seen = [...new Set(emp.cells.map((c) => String(c[key])))];
    return order ? order.filter((v) => seen.includes(v)).concat(seen.filter((v) => !order.includes(v))) : seen;
  };
  fillSelect($("emp-panel"), unique("panel"));
  fillSelect($("emp-mode"), unique("mode", ["linear", "nonlinear"]));
  fillSelect($("emp-objective"), unique("objective", ["ca", "infonce", "cp", "cp_rev"]));
  $("emp-panel").addEventListener("change", empiricalPanel);
  for (const id of ["emp-mode", "emp-objective", "emp-show"]) $(id).addEventListener("change", update);
  empiricalPanel();
}

// the sliders follow the panel's gammas when the CSV records them
function empiricalPanel() {
  const panel = $("emp-panel").value;
  const gammas = DATA.empirical.panels[panel];
  if (gammas) {
    applyValues(gammas);
    $("empirical-gammas").textContent =
      `Sliders set to panel ${panel}'s γ's from the CSV: γ_x = ${gammas.gamma_x}, γ_y = ${gammas.gamma_y}, ` +
      `γ̃_x = ${gammas.gamma_tilde_x}, γ̃_y = ${gammas.gamma_tilde_y}.`;
  } else {
    $("empirical-gammas").textContent =
      `The CSV does not record panel ${panel}'s γ's: set the sliders to the γ's it was run with to compare the ` +
      "circles with the theory map (the regime panel needs no γ's).";
    update();
  }
}

const OBJECTIVE_DELTA = { ca: "delta_ca", infonce: "delta_ca", cp: "delta_cp", cp_rev: "delta_cp_reverse" };

function updateEmpirical() {
  if (DATA.empirical === null) return;
  const cells = empiricalCells();
  if (!$("emp-show").checked) {
    $("empirical-summary").textContent = "Layer hidden.";
    return;
  }
  const runs = cells.reduce((sum, c) => sum + c.seeds, 0);
  const wins = cells.reduce((sum, c) => sum + c.successes, 0);
  const key = OBJECTIVE_DELTA[$("emp-objective").value];
  const agree = cells.filter((c) => c.successes / c.seeds >= 0.5 === num(c[key]) > 1).length;
  $("empirical-summary").textContent =
    `panel ${$("emp-panel").value} · ${$("emp-mode").value} · ${$("emp-objective").value}: ${cells.length} cells, ` +
    `${wins} of ${runs} runs recovered the signal; the theory (${key.replace("delta_", "Δ_")} > 1) agrees with ` +
    `the majority of seeds in ${agree} of ${cells.length} cells.`;
}

// ---------------------------------------------------------------- wiring

function legend() {
  const swatches = DATA.regimes
    .map((name, i) => `<span><span class="swatch" style="background:${DATA.colours[i]}"></span>${name}</span>`)
    .join("");
  const line = (style, text) => `<span><span class="line" style="border-top: 3px ${style.dash.length ? "dashed" : "solid"} ${style.colour}"></span>${text}</span>`;
  $("phase-legend").innerHTML =
    swatches + line(Plot.CA_LINE, "Δ_CA = 1") + line(Plot.CP_LINE, "Δ_CP = 1") +
    ($("show-reverse").checked ? line(Plot.CP_REV_LINE, "Δ_CP(y→x) = 1") : "") +
    "<span>○ selected point</span>" +
    (state.report === null ? "" : "<span>◆ your report (hatched: (κ, ν) consistent with its intervals)</span>") +
    (DATA.empirical === null ? "" : "<span>● empirical cells (fill: share of seeds that recovered)</span>");
}

function boundaryNote() {
  const p = params();
  const star = Theory.crossing(p);
  let text = "";
  if (!(p.gtx * p.gty > 0)) {
    text = "γ̃_x·γ̃_y = 0: the nuisance pair cannot be correlated, so Δ_CA = Δ_CP = ∞ everywhere (Both); no boundary.";
  } else if (star !== null) {
    text = `The boundaries cross at κ* = √(γ̃_y − γ_y) ≈ ${fmt(star, 4)}: left of it Δ_CA > Δ_CP (Eq. 7).`;
  } else {
    text = "γ̃_y ≤ γ_y: the boundaries never cross and Δ_CP ≥ Δ_CA everywhere (Eq. 7).";
  }
  $("boundary-note").textContent = text;
}

function update() {
  const v = state.values;
  $("diagram-title").textContent =
    `Phase diagram · γ_x = ${v.gamma_x}, γ_y = ${v.gamma_y}, γ̃_x = ${v.gamma_tilde_x}, γ̃_y = ${v.gamma_tilde_y}`;
  legend();
  boundaryNote();
  drawPhase();
  updatePoint();
  drawRegime();
  updateReport();
  updateEmpirical();
}

function start() {
  buildControls();
  for (const spec of PARAMS) state.values[spec.name] = DATA.presets[0][spec.name];
  for (const spec of PARAMS) showParam(spec.name);
  const overlay = $("phase-overlay");
  overlay.addEventListener("mousemove", (event) => {
    if (state.mapping === null) return;
    state.hover = pointAt(event);
    $("hover-readout").textContent = hoverText(state.hover);
    drawOverlay();
    drawRegime();
  });
  overlay.addEventListener("mouseleave", () => {
    state.hover = null;
    drawOverlay();
    drawRegime();
  });
  overlay.addEventListener("click", (event) => {
    if (state.mapping !== null) selectPoint(pointAt(event));
  });
  for (const id of ["point-kappa", "point-nu"]) $(id).addEventListener("change", typedPoint);
  for (const id of ["show-reverse", "report-use-reverse"]) $(id).addEventListener("change", update);
  $("cp-direction").addEventListener("change", drawRegime);
  $("report-file").addEventListener("change", (event) => {
    if (event.target.files.length) readReportFile(event.target.files[0]);
  });
  $("report-select-point").addEventListener("click", () => {
    const solution = Theory.invert(params(), state.report.ca, state.report.cp);
    if (solution.nu !== undefined) selectPoint({ kappa: solution.kappa, nu: solution.nu });
  });
  const drop = $("report-drop");
  document.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  document.addEventListener("dragleave", () => drop.classList.remove("over"));
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer && event.dataTransfer.files.length) readReportFile(event.dataTransfer.files[0]);
  });
  if (DATA.report !== null) {
    try {
      state.report = normaliseReport(DATA.report, DATA.report.source || "report");
    } catch (error) {
      $("report-message").textContent = `${DATA.report.source || "report"}: ${error.message}`;
    }
  }
  setupEmpirical();
  update();
  document.body.dataset.ready = "1";
}

start();
