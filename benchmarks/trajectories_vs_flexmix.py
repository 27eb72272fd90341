"""Group-based trajectories: netanalysis against R's flexmix on the same data.

Both fit finite mixtures of Poisson regressions of each member's counts on a
quadratic in time, every count of a member in the same component (flexmix's
``y ~ z + I(z^2) | id`` with ``FLXMRglm(family = "poisson")``; netanalysis'
:func:`netanalysis.fit_trajectories` with ``order=2``), for the same numbers
of groups, on the same standardised time ``z = (t - c) / h``,
``c = h = (T - 1) / 2`` (so the coefficients are directly comparable), on

* ``MASS::epil`` (Thall & Vail 1990; shipped with R): seizure counts of 59
  epileptics in four two-week periods;
* a simulated planted mixture: 600 members x 12 periods, three Poisson
  groups (shares 0.5, 0.3, 0.2), 25% of the members leaving after a uniform
  random period from the fourth on (their later periods are not observed;
  in flexmix they are simply absent rows).

crimCV's ``TO1adj`` (the data set the issue named) is not available: crimCV
is not packaged for Debian and CRAN cannot be reached from this machine.

flexmix is run with ``stepFlexmix(nrep = 10)`` (the best of 10 random
starts by log-likelihood; ``set.seed(1)``), ``minprior = 0`` (no component
is dropped, so both have the asked number of groups), ``tolerance = 1e-10``
and at most 5,000 EM iterations; netanalysis with its defaults (8 starts,
seed 0). Groups are matched by increasing mean expected count (netanalysis'
numbering). Reported side by side: log-likelihood (both with the log y!
terms), number of parameters, Nagin's BIC (ll - k/2 ln N, N members; larger
is better), flexmix's own BIC (-2 ll + k ln n, n member-periods; smaller is
better), group shares, coefficients and the expected curves.

When ``Rscript`` or flexmix is missing the script says so and exits 0
(nothing is compared; with ``--write`` that note replaces the section).

Usage::

    apt-get install -y r-base-core r-cran-flexmix        # Debian 12: R 4.2.2, flexmix 2.3-18
    .venv/bin/python benchmarks/trajectories_vs_flexmix.py            # prints the section (about 1 min)
    .venv/bin/python benchmarks/trajectories_vs_flexmix.py --write    # and puts it into TRAJECTORIES.md
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import netanalysis as na  # noqa: E402

MARK = "trajectories_vs_flexmix"
TITLE = "## Comparison with R's flexmix"

R_FIT = r"""
suppressMessages(library(flexmix))
a <- commandArgs(TRUE)
d <- read.csv(a[1]); K <- as.integer(a[2]); out <- a[3]
set.seed(1)
ctl <- list(iter.max = 5000, tolerance = 1e-10, minprior = 0)
f <- y ~ z + I(z^2) | id
t0 <- proc.time()[["elapsed"]]
if (K == 1) {
  fit <- flexmix(f, data = d, k = 1, model = FLXMRglm(family = "poisson"), control = ctl)
} else {
  fit <- stepFlexmix(f, data = d, k = K, nrep = 10, model = FLXMRglm(family = "poisson"), control = ctl,
                     verbose = FALSE)
}
secs <- proc.time()[["elapsed"]] - t0
ll <- logLik(fit)
p <- parameters(fit)
res <- data.frame(component = seq_len(ncol(p)), prior = prior(fit), b0 = p[1, ], b1 = p[2, ], b2 = p[3, ],
                  loglik = as.numeric(ll), df = attr(ll, "df"), bic = BIC(fit), nobs = attr(ll, "nobs"),
                  iterations = fit@iter, converged = fit@converged, k = fit@k, seconds = secs)
write.csv(res, out, row.names = FALSE)
"""


def r_available() -> str | None:
    """None when Rscript with flexmix runs, else why not."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "`Rscript` is not installed on this machine (`apt-get install -y r-base-core r-cran-flexmix`)"
    probe = subprocess.run([rscript, "-e", "suppressMessages(library(flexmix))"], capture_output=True, text=True)
    if probe.returncode:
        return "R is installed but flexmix is not (`Rscript -e 'library(flexmix)'` fails)"
    return None


def r_versions() -> str:
    run = subprocess.run(["Rscript", "-e", 'cat(R.version.string, "; flexmix", format(packageVersion("flexmix")))'],
                         capture_output=True, text=True)
    return run.stdout.strip()


def epil() -> pd.DataFrame:
    """MASS::epil as a member x period table (59 x 4)."""
    run = subprocess.run(["Rscript", "-e", "write.csv(MASS::epil[, c('subject', 'period', 'y')], stdout(), "
                          "row.names = FALSE)"], capture_output=True, text=True, check=True)
    long = pd.read_csv(io.StringIO(run.stdout))
    return long.pivot(index="subject", columns="period", values="y").astype(float)


PLANTED = {"share": [0.5, 0.3, 0.2], "b": [(-0.5, -0.4, 0.0), (0.7, 0.6, -0.5), (1.5, -0.3, -0.4)]}


def simulated(seed: int = 7) -> pd.DataFrame:
    n, t_len = 600, 12
    rng = np.random.default_rng(seed)
    z = (np.arange(t_len) - (t_len - 1) / 2) / ((t_len - 1) / 2)
    g = rng.choice(3, size=n, p=PLANTED["share"])
    b = np.array(PLANTED["b"])
    lam = np.exp(b[g, 0:1] + b[g, 1:2] * z + b[g, 2:3] * z**2)
    y = rng.poisson(lam).astype(float)
    leave = rng.random(n) < 0.25
    last = np.where(leave, rng.integers(3, t_len, n), t_len - 1)
    y[np.arange(t_len)[None, :] > last[:, None]] = np.nan
    return pd.DataFrame(y, index=pd.Index(np.arange(1, n + 1), name="member"), columns=np.arange(t_len))


def long_table(counts: pd.DataFrame) -> pd.DataFrame:
    t_len = counts.shape[1]
    z = (np.arange(t_len) - (t_len - 1) / 2) / ((t_len - 1) / 2)
    rows = counts.to_numpy()
    i, t = np.nonzero(~np.isnan(rows))
    return pd.DataFrame({"id": counts.index.to_numpy()[i], "z": z[t], "y": rows[i, t].astype(int)})


def fit_flexmix(counts: pd.DataFrame, k: int, tmp: Path) -> pd.DataFrame:
    data, out = tmp / "data.csv", tmp / f"fit{k}.csv"
    long_table(counts).to_csv(data, index=False)
    script = tmp / "fit.R"
    script.write_text(R_FIT)
    subprocess.run(["Rscript", str(script), str(data), str(k), str(out)], check=True, capture_output=True, text=True)
    res = pd.read_csv(out)
    z = (np.arange(counts.shape[1]) - (counts.shape[1] - 1) / 2) / ((counts.shape[1] - 1) / 2)
    mu = np.exp(res["b0"].to_numpy()[:, None] + res["b1"].to_numpy()[:, None] * z + res["b2"].to_numpy()[:, None] * z**2)
    res["mean_expected"] = mu.mean(axis=1)
    return res.sort_values("mean_expected", kind="stable").reset_index(drop=True)


def fit_ours(counts: pd.DataFrame, k: int):
    t0 = time.perf_counter()
    fit = na.fit_trajectories(counts, n_groups=k, order=2, seed=0)
    return fit, time.perf_counter() - t0


def _fmt(v, digits=4) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return f"{v:,}"
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        if abs(v) >= 1000:
            return f"{v:,.2f}"
        return f"{v:.{digits}g}"
    return str(v)


def _table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns) + "\n"
    return head + "".join("| " + " | ".join(_fmt(v) for v in row) + " |\n" for row in df.itertuples(index=False))


def compare(name: str, counts: pd.DataFrame, ks, detail_k: int, tmp: Path, planted=None) -> str:
    n = len(counts)
    n_obs = int(counts.notna().to_numpy().sum())
    rows, detail = [], None
    for k in ks:
        fit, secs = fit_ours(counts, k)
        fm = fit_flexmix(counts, k, tmp)
        ll, llr = float(fit.params["loglik"]), float(fm["loglik"].iloc[0])
        kpar = int(fit.bic.loc[k, "n_params"])
        rows.append({"groups": k, "loglik netanalysis": ll, "loglik flexmix": llr, "difference": ll - llr,
                     "parameters (both)": f"{kpar} / {int(fm['df'].iloc[0])}",
                     "Nagin BIC netanalysis": ll - 0.5 * kpar * np.log(n),
                     "Nagin BIC flexmix": llr - 0.5 * int(fm["df"].iloc[0]) * np.log(n),
                     "flexmix BIC (its own)": float(fm["bic"].iloc[0]),
                     "flexmix BIC of our fit": -2 * ll + kpar * np.log(n_obs),
                     "largest share difference": float(np.abs(fit.groups["share"].to_numpy() - fm["prior"].to_numpy()).max()),
                     "seconds (ours / flexmix)": f"{secs:.2f} / {float(fm['seconds'].iloc[0]):.2f}",
                     "flexmix converged": bool(fm["converged"].iloc[0])})
        if k == detail_k:
            detail = (fit, fm)
    summary = pd.DataFrame(rows)
    best_ours = int(summary.loc[summary["Nagin BIC netanalysis"].idxmax(), "groups"])
    best_fm = int(summary.loc[summary["flexmix BIC (its own)"].idxmin(), "groups"])
    fit, fm = detail
    g = fit.groups
    side = []
    for j in range(detail_k):
        row = {"group": j + 1, "share netanalysis": float(g["share"].iloc[j]), "share flexmix": float(fm["prior"].iloc[j])}
        if planted is not None:
            row["share planted"] = planted["share_sorted"][j]
        for q in range(3):
            row[f"b{q} netanalysis"] = float(g[f"b{q}"].iloc[j])
            row[f"b{q} flexmix"] = float(fm[f"b{q}"].iloc[j])
            if planted is not None:
                row[f"b{q} planted"] = planted["b_sorted"][j][q]
        side.append(row)
    side = pd.DataFrame(side)
    t_len = counts.shape[1]
    z = (np.arange(t_len) - (t_len - 1) / 2) / ((t_len - 1) / 2)
    mu_r = np.exp(fm[["b0", "b1", "b2"]].to_numpy() @ np.vstack([np.ones_like(z), z, z**2]))
    cur = fit.curves.pivot(index="t", columns="group", values="expected").to_numpy().T
    curves = pd.DataFrame({"period": np.arange(t_len)})
    for j in range(detail_k):
        curves[f"group {j + 1} netanalysis"] = cur[j]
        curves[f"group {j + 1} flexmix"] = mu_r[j]
    rel = float(np.max(np.abs(cur - mu_r) / mu_r))
    text = [f"### {name}", "",
            f"{n} members, {t_len} periods, {n_obs:,} member-periods observed.", "",
            _table(summary), "",
            f"Chosen number of groups: netanalysis (Nagin's BIC) **{best_ours}**, flexmix (its BIC) **{best_fm}**.",
            "", f"With {detail_k} groups, shares and coefficients (z standardised time, groups by increasing mean "
            "expected count):", "", _table(side), "",
            f"Expected counts per period and group (largest relative difference between the two: {rel:.2e}):", "",
            _table(curves), ""]
    return "\n".join(text)


def section() -> str:
    why = r_available()
    if why is not None:
        return (f"{TITLE}\n\nNot run: {why}. The script skips the comparison when R or flexmix is missing.\n")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ep = epil()
        sim = simulated()
        order = np.argsort([np.exp(np.array(b) @ np.array([1, 0, 1 / 3])) for b in PLANTED["b"]])
        planted = {"share_sorted": [PLANTED["share"][i] for i in order], "b_sorted": [PLANTED["b"][i] for i in order]}
        parts = [TITLE, "",
                 f"Generated by `benchmarks/trajectories_vs_flexmix.py` on {time.strftime('%Y-%m-%d')} with "
                 f"{r_versions()} (Debian packages r-base-core, r-cran-flexmix). crimCV is not packaged for Debian "
                 "and CRAN is unreachable here, so its `TO1adj` data (378 offenders x 31 years) could not be used; "
                 "`MASS::epil`, shipped with R, is the public count data set instead (the crimCV section above, written "
                 "by bench_trajectories.py before R was installed here, still holds: crimCV is absent).", "",
                 "Both fit Poisson mixtures of `y ~ z + I(z^2)`, all counts of a member in one group (flexmix: "
                 "`| id`, `stepFlexmix(nrep = 10)`, `minprior = 0`, `tolerance = 1e-10`; netanalysis: "
                 "`fit_trajectories(order=2, seed=0)`, 8 starts). Log-likelihoods include the log y! terms in both. "
                 "Nagin's BIC is ll - k/2 ln N with N members (larger is better); flexmix's own BIC is "
                 "-2 ll + k ln n with n member-periods (smaller is better), so the two criteria can choose "
                 "differently on the same fits.", "",
                 compare("MASS::epil (Thall & Vail 1990): seizures of 59 patients in 4 two-week periods", ep,
                         (1, 2, 3, 4), 3, tmp),
                 compare("Simulated: three planted groups, 600 members x 12 periods, 25% leaving early", sim,
                         (1, 2, 3, 4), 3, tmp, planted=planted)]
    return "\n".join(parts)


def put_section(path: Path, text: str, mark: str = MARK) -> None:
    """Replace (or append) the section of ``path`` between the markers
    ``<!-- BEGIN mark -->`` and ``<!-- END mark -->``; the file is replaced
    in one rename."""
    begin, end = f"<!-- BEGIN {mark} -->", f"<!-- END {mark} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in old and end in old:
        new = old[:old.index(begin)] + block + old[old.index(end) + len(end) + 1:]
    else:
        new = old.rstrip() + "\n\n" + block
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="put the section into benchmarks/TRAJECTORIES.md")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "TRAJECTORIES.md"))
    args = ap.parse_args()
    text = section()
    print(text)
    if args.write:
        put_section(Path(args.out), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
