// Closed forms of the homogeneous spiked model, with the conventions of alignpredict.theory (spectra.py,
// regimes.py) and the advice rule of alignpredict.diagnose.recommend. Hand-written for alignpredict (MIT).
// p = {gx, gy, gtx, gty}: gamma_x, gamma_y, gamma_tilde_x, gamma_tilde_y.
"use strict";

const Theory = (() => {
  let floor = 1e-15; // spectra.NUISANCE_FLOOR, set from the page data
  let regimeNames = ["Both", "CA only", "CP only", "Neither"];
  let neitherAdvice = "neither";

  function configure(data) {
    floor = data.nuisance_floor;
    regimeNames = data.regimes;
    neitherAdvice = data.neither_advice;
  }

  // a / b, and 0 where b is 0: a coordinate with no variance carries nothing (spectra._safe_divide)
  const safeDivide = (a, b) => (b > 0 ? a / b : 0);

  // signal singular values at kappa: rho of C, tau of A (x -> y) and of A' (y -> x)
  function signal(p, kappa) {
    const k2 = kappa * kappa;
    return {
      rho: safeDivide(k2, Math.sqrt((k2 + p.gx) * (k2 + p.gy))),
      tau: safeDivide(k2, Math.sqrt(k2 + p.gx)),
      tauRev: safeDivide(k2, Math.sqrt(k2 + p.gy)),
    };
  }

  // nuisance singular values at nu: eta = nu sqrt(gtx gty); nu = eta / sqrt(gtx gty), xi = eta / sqrt(gtx)
  function nuisance(p, nu) {
    const eta = Math.abs(nu) * Math.sqrt(p.gtx * p.gty);
    return {
      nu: safeDivide(eta, Math.sqrt(p.gtx * p.gty)),
      xi: safeDivide(eta, Math.sqrt(p.gtx)),
      xiRev: safeDivide(eta, Math.sqrt(p.gty)),
    };
  }

  // min signal / max nuisance; infinite when the nuisance is (numerically) absent, never NaN
  const separation = (s, n) => (n <= floor ? Infinity : s / n);

  function deltasFrom(s, n) {
    return { ca: separation(s.rho, n.nu), cp: separation(s.tau, n.xi), cpRev: separation(s.tauRev, n.xiRev) };
  }

  const deltas = (p, kappa, nu) => deltasFrom(signal(p, kappa), nuisance(p, nu));

  // Eq. 7 as spectra.eq7_ratio: (rho / tau) (xi / nu), each factor by its limit where it is 0 / 0
  function eq7(p, kappa, nu) {
    const s = signal(p, kappa);
    const n = nuisance(p, nu);
    let signalFactor;
    if (s.tau > 0) {
      signalFactor = s.rho / s.tau;
    } else {
      const root = Math.sqrt(kappa * kappa + p.gy);
      signalFactor = root > 0 ? 1 / root : Infinity;
    }
    const nuisanceFactor = n.nu > floor ? n.xi / n.nu : Math.sqrt(p.gty);
    return signalFactor * nuisanceFactor; // NaN only as inf * 0 (kappa = gamma_y = gamma_tilde_y = 0)
  }

  // regime index into regimeNames: an objective recovers the signal iff its ratio is > 1 (strict)
  function regimeCode(ca, cp) {
    const a = ca > 1;
    const c = cp > 1;
    return a && c ? 0 : a ? 1 : c ? 2 : 3;
  }
  const regime = (ca, cp) => regimeNames[regimeCode(ca, cp)];

  // the CP direction with the larger Delta, if it recovers (> 1); x->y on ties (recommend.choose_direction)
  function direction(cpXY, cpYX) {
    if (Math.max(cpXY, cpYX) <= 1) return null;
    return cpXY >= cpYX ? "x->y" : "y->x";
  }

  // the advice string of recommend.recommend, e.g. "CA or CP (y -> x)"
  function recommend(ca, dir) {
    const cp = dir === null ? null : `CP (${dir.replace("->", " -> ")})`;
    if (ca > 1) return cp === null ? "CA" : `CA or ${cp}`;
    return cp === null ? neitherAdvice : cp;
  }

  // nu at which each Delta = 1 for this kappa; null when that Delta is infinite everywhere
  function boundaries(p, kappa) {
    const s = signal(p, kappa);
    const correlated = p.gtx * p.gty > 0;
    return {
      ca: correlated ? s.rho : null,
      cp: p.gtx > 0 && p.gty > 0 ? s.tau / Math.sqrt(p.gty) : null,
      cpRev: p.gtx > 0 && p.gty > 0 ? s.tauRev / Math.sqrt(p.gtx) : null,
    };
  }

  // kappa* where the two boundaries cross (kappa*^2 = gamma_tilde_y - gamma_y), null if they never do
  const crossing = (p) => (p.gty > p.gy ? Math.sqrt(p.gty - p.gy) : null);

  // the (kappa, nu) whose Delta_CA and Delta_CP (x -> y) equal the given values under these gammas
  function invert(p, ca, cp) {
    if (!(p.gtx > 0 && p.gty > 0)) {
      return { reason: "with γ̃_x or γ̃_y = 0 no nuisance correlation exists and every Δ is ∞" };
    }
    if (!(Number.isFinite(ca) && Number.isFinite(cp))) {
      return { reason: "an infinite Δ̂ means no nuisance correlation (ν = 0), where κ is not determined" };
    }
    if (!(ca > 0 && cp > 0)) return { reason: "a zero Δ̂ means no signal (κ = 0), where ν is not determined" };
    const ratio = ca / cp; // Eq. 7: sqrt(gty / (kappa^2 + gy))
    const k2 = p.gty / (ratio * ratio) - p.gy;
    if (!(k2 > 0)) {
      return {
        reason:
          `Eq. 7 needs Δ_CA/Δ_CP = √(γ̃_y/(κ²+γ_y)) < √(γ̃_y/γ_y) = ${Math.sqrt(p.gty / p.gy).toPrecision(4)}; ` +
          `the report's ratio is ${ratio.toPrecision(4)}, so no κ > 0 fits these γ's`,
      };
    }
    const kappa = Math.sqrt(k2);
    const nu = signal(p, kappa).rho / ca;
    if (!(nu <= 1)) return { kappa, reason: `it would need ν = ${nu.toPrecision(4)} > 1 (κ = ${kappa.toPrecision(4)})` };
    return { kappa, nu };
  }

  return { configure, signal, nuisance, deltasFrom, deltas, eq7, regimeCode, regime, direction, recommend,
           boundaries, crossing, invert };
})();
