// Canvas drawing for the explorer: axes, the regime map over (kappa, nu), boundary curves, markers, and the
// (Delta_CA, Delta_CP) regime panel on log axes. Hand-written for alignpredict (MIT).
"use strict";

const Plot = (() => {
  const CA_LINE = { colour: "#1A3A5C", dash: [], width: 2.2 };
  const CP_LINE = { colour: "#8B3A1E", dash: [8, 5], width: 2.2 };
  const CP_REV_LINE = { colour: "#2E6B3A", dash: [2, 4], width: 2.2 };
  const HATCH = [40, 40, 40];
  const LOG_MIN = -1; // regime panel: 10^-1 .. 10^1.5
  const LOG_MAX = 1.5;

  function rgb(hex) {
    const v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  // size the backing store to the CSS box times the device pixel ratio; draw in CSS pixels
  function prepare(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, w, h, dpr };
  }

  function niceTicks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) || 10 * power;
    const ticks = [];
    for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) ticks.push(t);
    return ticks.map((t) => Math.round(t / step) * step);
  }

  const tickText = (t) => String(Number(t.toPrecision(6)));

  // frame, ticks and labels around the inner canvas; x, y map a data value to inner-canvas CSS pixels
  function drawAxes(axesCanvas, inner, spec) {
    const { ctx } = prepare(axesCanvas);
    const left = inner.offsetLeft;
    const top = inner.offsetTop;
    const w = inner.clientWidth;
    const h = inner.clientHeight;
    ctx.strokeStyle = "#444";
    ctx.lineWidth = 1;
    ctx.strokeRect(left - 0.5, top - 0.5, w + 1, h + 1);
    ctx.fillStyle = "#222";
    ctx.font = "12px 'DejaVu Sans', Arial, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of spec.xTicks) {
      const x = left + spec.x(t);
      ctx.beginPath();
      ctx.moveTo(x, top + h);
      ctx.lineTo(x, top + h + 5);
      ctx.stroke();
      ctx.fillText(spec.xText(t), x, top + h + 7);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of spec.yTicks) {
      const y = top + spec.y(t);
      ctx.beginPath();
      ctx.moveTo(left - 5, y);
      ctx.lineTo(left, y);
      ctx.stroke();
      ctx.fillText(spec.yText(t), left - 7, y);
    }
    ctx.font = "13px 'DejaVu Sans', Arial, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(spec.xLabel, left + w / 2, top + h + 42);
    ctx.save();
    ctx.translate(14, top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(spec.yLabel, 0, 0);
    ctx.restore();
  }

  function strokeCurve(ctx, points, style) {
    ctx.save();
    ctx.strokeStyle = style.colour;
    ctx.lineWidth = style.width;
    ctx.setLineDash(style.dash);
    ctx.beginPath();
    let open = false;
    for (const [x, y] of points) {
      if (!Number.isFinite(y)) {
        open = false;
        continue;
      }
      if (open) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      open = true;
    }
    ctx.stroke();
    ctx.restore();
  }

  // the regime of every device pixel (centre), hatched where `hatch(kappa, nu)` holds; then the boundaries
  function drawPhaseMap(canvas, view) {
    const { ctx, w, h, dpr } = prepare(canvas);
    const W = canvas.width;
    const H = canvas.height;
    const { p, win } = view;
    const colours = view.colours.map(rgb);
    const image = ctx.createImageData(W, H);
    const columns = [];
    for (let i = 0; i < W; i++) {
      const kappa = win.kmin + ((i + 0.5) / W) * (win.kmax - win.kmin);
      columns.push({ kappa, s: Theory.signal(p, kappa) });
    }
    for (let j = 0; j < H; j++) {
      const nu = win.numax - ((j + 0.5) / H) * (win.numax - win.numin);
      const n = Theory.nuisance(p, nu);
      for (let i = 0; i < W; i++) {
        const d = Theory.deltasFrom(columns[i].s, n);
        let colour = colours[Theory.regimeCode(d.ca, d.cp)];
        if (view.hatch && view.hatch(d) && (i + j) % Math.round(7 * dpr) < Math.round(2 * dpr)) colour = HATCH;
        const k = 4 * (j * W + i);
        image.data[k] = colour[0];
        image.data[k + 1] = colour[1];
        image.data[k + 2] = colour[2];
        image.data[k + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    const x = (kappa) => ((kappa - win.kmin) / (win.kmax - win.kmin)) * w;
    const y = (nu) => (1 - (nu - win.numin) / (win.numax - win.numin)) * h;
    const curves = { ca: [], cp: [], cpRev: [] };
    for (let px = 0; px <= w; px += 1) {
      const kappa = win.kmin + (px / w) * (win.kmax - win.kmin);
      const b = Theory.boundaries(p, kappa);
      for (const name of Object.keys(curves)) {
        const v = b[name];
        // far outside the window a curve is only clipped; keep it finite for the canvas
        curves[name].push([px, v === null ? NaN : y(Math.min(v, win.numax + 10 * (win.numax - win.numin)))]);
      }
    }
    strokeCurve(ctx, curves.ca, CA_LINE);
    strokeCurve(ctx, curves.cp, CP_LINE);
    if (view.showReverse) strokeCurve(ctx, curves.cpRev, CP_REV_LINE);
    const star = Theory.crossing(p);
    if (star !== null && star > win.kmin && star < win.kmax) {
      ctx.save();
      ctx.strokeStyle = "#404040";
      ctx.setLineDash([2, 3]);
      ctx.lineWidth = 1.2;
      ctx.beginPath();
      ctx.moveTo(x(star), 0);
      ctx.lineTo(x(star), h);
      ctx.stroke();
      ctx.fillStyle = "#262626";
      ctx.font = "12px 'DejaVu Sans', Arial, sans-serif";
      ctx.fillText(`κ* ≈ ${star.toFixed(2)}`, x(star) + 5, h - 8);
      ctx.restore();
    }
    return { x, y };
  }

  function marker(ctx, x, y, shape, fill, stroke, size) {
    ctx.save();
    ctx.fillStyle = fill;
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    if (shape === "diamond") {
      ctx.moveTo(x, y - size);
      ctx.lineTo(x + size, y);
      ctx.lineTo(x, y + size);
      ctx.lineTo(x - size, y);
      ctx.closePath();
    } else {
      ctx.arc(x, y, size, 0, 2 * Math.PI);
    }
    if (fill !== null) ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  // a circle filled by the share of seeds that recovered the signal (black: all, hollow: none)
  function successDot(ctx, x, y, share) {
    ctx.save();
    ctx.fillStyle = `rgba(20, 20, 20, ${share})`;
    ctx.strokeStyle = "#141414";
    ctx.lineWidth = 1.4;
    ctx.beginPath();
    ctx.arc(x, y, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  // regime panel position of a Delta on log axes: clipped to the frame, with where it was clipped
  function logPosition(value, size, vertical) {
    let t;
    let clipped = null;
    if (value === Infinity || value > Math.pow(10, LOG_MAX)) {
      t = 1;
      clipped = value === Infinity ? "∞" : "high";
    } else if (!(value > Math.pow(10, LOG_MIN))) {
      t = 0;
      clipped = value === 0 ? "0" : "low";
    } else {
      t = (Math.log10(value) - LOG_MIN) / (LOG_MAX - LOG_MIN);
    }
    return { px: vertical ? (1 - t) * size : t * size, clipped };
  }

  function regimeAxes(axesCanvas, inner, yLabel) {
    const ticks = [0.1, 0.3, 1, 3, 10, 30];
    const w = inner.clientWidth;
    const h = inner.clientHeight;
    drawAxes(axesCanvas, inner, {
      xTicks: ticks,
      yTicks: ticks,
      x: (t) => logPosition(t, w, false).px,
      y: (t) => logPosition(t, h, true).px,
      xText: tickText,
      yText: tickText,
      xLabel: "Δ_CA (log)",
      yLabel,
    });
  }

  // quadrants coloured by regime, the lines at 1, then the items: {ca, cp, kind, label, box, share}
  function drawRegimePanel(canvas, colours, items) {
    const { ctx, w, h } = prepare(canvas);
    const one = { x: logPosition(1, w, false).px, y: logPosition(1, h, true).px };
    const quads = [
      [one.x, 0, w - one.x, one.y, 0],
      [one.x, one.y, w - one.x, h - one.y, 1],
      [0, 0, one.x, one.y, 2],
      [0, one.y, one.x, h - one.y, 3],
    ];
    for (const [x, y, qw, qh, code] of quads) {
      ctx.fillStyle = colours[code];
      ctx.fillRect(x, y, qw, qh);
    }
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(one.x, 0);
    ctx.lineTo(one.x, h);
    ctx.moveTo(0, one.y);
    ctx.lineTo(w, one.y);
    ctx.stroke();
    ctx.font = "12px 'DejaVu Sans', Arial, sans-serif";
    ctx.fillStyle = "#333";
    ctx.fillText("Both", w - 40, 16);
    ctx.fillText("CA only", w - 56, h - 8);
    ctx.fillText("CP only", 6, 16);
    ctx.fillText("Neither", 6, h - 8);
    for (const item of items) {
      const px = logPosition(item.ca, w, false);
      const py = logPosition(item.cp, h, true);
      if (item.kind === "line") {
        // points with the same Delta_CA / Delta_CP: the diagonal of slope 1 through (ca, cp)
        if (!(item.ca > 0 && item.cp > 0 && Number.isFinite(item.ca) && Number.isFinite(item.cp))) continue;
        const shift = (Math.log10(item.cp) - Math.log10(item.ca)) / (LOG_MAX - LOG_MIN);
        ctx.save();
        ctx.strokeStyle = "#222";
        ctx.setLineDash([2, 3]);
        ctx.beginPath();
        ctx.moveTo(0, (1 - shift) * h);
        ctx.lineTo(w, -shift * h);
        ctx.stroke();
        ctx.restore();
        continue;
      }
      if (item.box) {
        const x0 = logPosition(item.box.ca[0], w, false).px;
        const x1 = logPosition(item.box.ca[1], w, false).px;
        const y0 = logPosition(item.box.cp[0], h, true).px;
        const y1 = logPosition(item.box.cp[1], h, true).px;
        ctx.save();
        ctx.strokeStyle = "#111";
        ctx.fillStyle = "rgba(0, 0, 0, 0.08)";
        ctx.lineWidth = 1.5;
        ctx.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
        ctx.strokeRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
        ctx.restore();
      }
      if (item.kind === "dot") successDot(ctx, px.px, py.px, item.share);
      else if (item.kind === "report") marker(ctx, px.px, py.px, "diamond", "#ffd23f", "#111", 7);
      else marker(ctx, px.px, py.px, "circle", item.kind === "hover" ? null : "#fff", "#111", 5);
      const clipped = [px.clipped, py.clipped].filter((c) => c === "∞" || c === "0");
      if (clipped.length && item.kind !== "dot") {
        ctx.fillStyle = "#111";
        ctx.fillText(clipped.join(", "), Math.min(px.px + 8, w - 30), Math.max(py.px + 14, 14));
      }
    }
  }

  return { CA_LINE, CP_LINE, CP_REV_LINE, prepare, niceTicks, tickText, drawAxes, drawPhaseMap, marker, successDot,
           regimeAxes, drawRegimePanel };
})();
