"""Charts: evacuation curve, deaths by zone and by age, lifeline service curves, supply
shortfall by item and day, strategy comparisons.

Functions for results of models still to come (lifelines, logistics) look for the series the
output holds and return None when there are none, so a standard set can skip them; they also
accept a plain pandas DataFrame, which is how they are tested before those models exist.
"""

import re

import numpy as np

from ._common import as_results, fmt_minutes, new_ax

GREEN, ORANGE, RED, BLUE, PURPLE = "#1a9850", "#fdae61", "#d73027", "#4575b4", "#762a83"


def _time_unit(t_s):
    """(seconds per unit, axis label): minutes, hours or days, whichever reads best."""
    span = float(np.max(t_s)) if len(t_s) else 0.0
    if span > 2 * 86400:
        return 86400.0, "days after the main shock"
    if span > 6 * 3600:
        return 3600.0, "hours after the main shock"
    return 60.0, "minutes after the main shock"


def _time_axis(t_s):
    """(values, label) in minutes, hours or days, whichever reads best for the span."""
    unit, label = _time_unit(t_s)
    return np.asarray(t_s, dtype=float) / unit, label


def evacuation_curve(res, zone="JP", ax=None, compact=False):
    """Residents at risk over time, stacked: evacuated safely, still exposed, dead; with
    residents walking and cars driving, and the first arrival of the water on land."""
    res = as_results(res)
    have = [s for s in ("evacuated_safe", "still_exposed", "deaths_direct")
            if s in res.series_names]
    if not have:
        return None
    ax = new_ax(ax)
    extra = [s for s in ("walking", "driving") if s in res.series_names]
    t = res.timeseries_table(have + extra, zone=zone)
    unit, xlabel = _time_unit(t.index.to_numpy())
    x = t.index.to_numpy(dtype=float) / unit
    colours = {"evacuated_safe": GREEN, "still_exposed": ORANGE, "deaths_direct": RED}
    labels = {"evacuated_safe": "evacuated safely", "still_exposed": "still exposed",
              "deaths_direct": "dead"}
    ax.stackplot(x, *[t[s].to_numpy() for s in have], colors=[colours[s] for s in have],
                 labels=[labels[s] for s in have], alpha=0.85, linewidth=0)
    if "walking" in t:
        ax.plot(x, t["walking"], color=BLUE, lw=1.2, ls="--", label="walking now")
    if "driving" in t:
        ax.plot(x, t["driving"], color=PURPLE, lw=1.0, ls=":", label="cars on the road")
    arrival = res.first_arrival_s()
    if arrival is not None and arrival <= t.index.max():
        ax.axvline(arrival / unit, color="#08306b", lw=1, ls="-.")
        ax.annotate("first water on land", (arrival / unit, ax.get_ylim()[1] * 0.97),
                    fontsize=7, color="#08306b", rotation=90, va="top", ha="right")
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel("residents", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.yaxis.set_major_formatter(_thousands())
    name = res.zone_names().get(zone, zone)
    sub = ""
    for key, lab in (("evacuation_time_p50_s", "median"), ("evacuation_time_p90_s", "p90")):
        if key in res.kpi and zone == "JP":
            sub += f"{lab} {fmt_minutes(res.kpi[key])}  "
    ax.set_title(f"Evacuation of residents at risk — {name}" + (f"\n{sub}" if sub else ""),
                 fontsize=9 if compact else 11)
    ax.legend(fontsize=7, loc="center right" if compact else "best", framealpha=0.85)
    return ax


def _thousands():
    from matplotlib.ticker import FuncFormatter
    return FuncFormatter(lambda v, _: f"{v:,.0f}")


def deaths_by_zone(res, level="municipality", ax=None, compact=False, top=30):
    """Direct deaths per zone against residents at risk (bars), with the death rate among
    those at risk; the `top` zones with most deaths if there are more."""
    res = as_results(res)
    z = res.by_zone(level)
    if "deaths_direct" not in z or z.empty:
        return None
    z = z.sort_index()
    if len(z) > top:
        z = z.nlargest(top, "deaths_direct").sort_index()
    ax = new_ax(ax, (10, max(3.0, 0.3 * len(z) + 1.5)))
    labels = [f"{n} ({c})" for c, n in zip(z.index, z["name"])]
    y = np.arange(len(z))[::-1]
    if "at_risk" in z:
        ax.barh(y, z["at_risk"], color="#dddddd", label="at risk")
    ax.barh(y, z["deaths_direct"], color=RED, label="dead")
    if "at_risk" in z:
        for yi, d, r in zip(y, z["deaths_direct"], z["at_risk"]):
            if r > 0:
                ax.text(r, yi, f" {100.0 * d / r:.0f} %", va="center", fontsize=6)
    ax.set_yticks(y, labels, fontsize=6 if compact or len(z) > 15 else 8)
    ax.xaxis.set_major_formatter(_thousands())
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("residents", fontsize=8)
    ax.set_title(f"Deaths by {level} (share of those at risk)", fontsize=9 if compact else 11)
    ax.legend(fontsize=7, loc="lower right")
    ax.margins(x=0.12)
    return ax


def by_age_chart(res, ax=None):
    """Outcome shares of residents at risk per age band (from /kpi/by_age), or None."""
    res = as_results(res)
    if "age" not in res.categories:
        return None
    a = res.by("age")
    if "at_risk" not in a:
        return None
    ax = new_ax(ax, (7, 4))
    risk = a["at_risk"].replace(0, np.nan)
    parts = [(c, lab, col) for c, lab, col in (("evacuated_safe", "evacuated safely", GREEN),
                                               ("still_exposed", "still exposed", ORANGE),
                                               ("deaths_direct", "dead", RED)) if c in a]
    left = np.zeros(len(a))
    y = np.arange(len(a))[::-1]
    for col, lab, colour in parts:
        share = (100.0 * a[col] / risk).fillna(0).to_numpy()
        ax.barh(y, share, left=left, color=colour, label=lab)
        left += share
    ax.set_yticks(y, [s.replace("_", " ").replace("plus", "+") for s in a.index], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of residents at risk", fontsize=8)
    ax.set_title("Outcome by age band", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    return ax


LIFELINE_SERIES = ["power_served", "water_served", "telecom_served", "gas_served",
                   "roads_open_share"]
_LIFELINE_RE = re.compile(r"(_served|_service|_open_share)$")


def _lifeline_frame(data, zone, names):
    import pandas as pd
    if isinstance(data, pd.DataFrame):
        df = data if names is None else data[list(names)]
        units = {}
    else:
        res = as_results(data)
        found = [s for s in res.series_names if s in LIFELINE_SERIES or _LIFELINE_RE.search(s)]
        found = [s for s in found if names is None or s in names]
        if not found:
            return None, {}
        df = res.timeseries_table(found, zone=zone)
        units = {s: res.unit(s) for s in found}
    return (df if len(df.columns) else None), units


def lifeline_service(data, zone="JP", ax=None, names=None):
    """Share of service over time for each lifeline present (power, water, telecom, gas, open
    roads: series named *_served, *_service or *_open_share). `data`: Results (one zone) or a
    DataFrame (index: time in s; one column per lifeline). Shares (0–1) are shown in %; counts
    as % of their value at t = 0. Returns None if there is no lifeline series."""
    df, units = _lifeline_frame(data, zone, names)
    if df is None:
        return None
    ax = new_ax(ax)
    x, xlabel = _time_axis(df.index.to_numpy(dtype=float))
    for col in df.columns:
        v = df[col].to_numpy(dtype=float)
        unit = units.get(col, "")
        if "share" in unit or unit in ("1", "%", "fraction") or np.nanmax(v) <= 1.0 + 1e-9:
            pct = v * (1.0 if unit == "%" else 100.0)
        else:
            base = v[np.nonzero(v)[0][0]] if np.any(v) else 1.0
            pct = 100.0 * v / base
        label = re.sub(_LIFELINE_RE, "", col).replace("_", " ")
        ax.plot(x, pct, lw=1.8, label=label)
    ax.set_ylim(0, 105)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel("% served", fontsize=8)
    ax.set_title("Lifeline service", fontsize=11)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


_UNMET_RE = re.compile(r"^(.*)_unmet$")


def _shortfall_frame(res):
    """(DataFrame days × items of unmet amounts, per-item demand DataFrame or None), or (None,
    None), from time series <item>_unmet (cumulative) or KPIs <item>_unmet."""
    import pandas as pd
    items = [m.group(1) for s in res.series_names if (m := _UNMET_RE.match(s))]
    if items:
        t = res.timeseries_table([f"{i}_unmet" for i in items], zone="JP")
        day_end = np.arange(1, int(np.ceil(t.index.max() / 86400.0)) + 1) * 86400.0
        cum = t.reindex(t.index.union(day_end)).ffill().loc[day_end]
        daily = cum.diff().fillna(cum.iloc[0])
        daily.index = pd.Index(np.arange(1, len(day_end) + 1), name="day")
        daily.columns = items
        demand = None
        if all(f"{i}_demand" in res.series_names for i in items):
            d = res.timeseries_table([f"{i}_demand" for i in items], zone="JP")
            dc = d.reindex(d.index.union(day_end)).ffill().loc[day_end]
            demand = dc.diff().fillna(dc.iloc[0])
            demand.index, demand.columns = daily.index, items
        return daily, demand
    items = [m.group(1) for k in res.kpi if (m := _UNMET_RE.match(k))]
    if items:
        unmet = pd.DataFrame({i: [res.kpi[f"{i}_unmet"]] for i in items},
                             index=pd.Index(["run"], name="day"))
        demand = None
        if all(f"{i}_demand" in res.kpi for i in items):
            demand = pd.DataFrame({i: [res.kpi[f"{i}_demand"]] for i in items}, index=unmet.index)
        return unmet, demand
    return None, None


def supply_shortfall(data, ax=None, demand=None):
    """Unmet supply by item and day: a heatmap (items × days) of the share of demand unmet
    when demand is known, else of unmet amounts. `data`: Results (series or KPIs named
    <item>_unmet, and <item>_demand) or a DataFrame (index: day; one column per item) with an
    optional matching `demand` DataFrame. Returns None if there is nothing to show."""
    import pandas as pd
    if isinstance(data, pd.DataFrame):
        unmet = data
    else:
        unmet, demand = _shortfall_frame(as_results(data))
        if unmet is None:
            return None
    if unmet.empty:
        return None
    ax = new_ax(ax, (max(6.0, 0.5 * len(unmet.index) + 4), max(3.0, 0.45 * len(unmet.columns) + 1.5)))
    if demand is not None:
        values = 100.0 * unmet.to_numpy(float) / np.where(demand.to_numpy(float) > 0,
                                                           demand.to_numpy(float), np.nan)
        label, vmax, cmap = "% of demand unmet", 100.0, "Reds"
    else:
        values = unmet.to_numpy(float)
        label, vmax, cmap = "unmet (item units)", None, "Oranges"
    im = ax.imshow(values.T, aspect="auto", cmap=cmap, vmin=0, vmax=vmax, interpolation="nearest")
    ax.set_yticks(np.arange(len(unmet.columns)), [str(c).replace("_", " ") for c in unmet.columns],
                  fontsize=8)
    ax.set_xticks(np.arange(len(unmet.index)), [str(i) for i in unmet.index], fontsize=8)
    ax.set_xlabel(unmet.index.name or "day", fontsize=8)
    for (j, i), v in np.ndenumerate(values.T):
        if np.isfinite(v):
            ax.text(i, j, f"{v:.0f}" if demand is not None else f"{v:,.3g}", ha="center",
                    va="center", fontsize=6)
    ax.figure.colorbar(im, ax=ax, label=label, shrink=0.8)
    ax.set_title("Supply shortfall by item and day", fontsize=11)
    return ax


DEFAULT_COMPARE = ["deaths_direct", "evacuated_safe", "still_exposed", "evacuation_time_p90_s",
                   "meals_unmet", "water_l_unmet"]


def compare_strategies(df, kpis=None, axes=None, ncols=None):
    """Strategy (variant) comparison from a batch() table: per KPI, the mean over seeds as a
    bar, the range as a whisker and every seed as a dot. Returns the array of Axes."""
    import matplotlib.pyplot as plt
    if kpis is None:
        kpis = [k for k in DEFAULT_COMPARE if k in df.columns][:4]
        if not kpis:
            kpis = [c for c in df.columns if c not in ("file", "ok", "error", "member")][:4]
    kpis = list(kpis)
    if axes is None:
        ncols = ncols or min(len(kpis), 4)
        nrows = int(np.ceil(len(kpis) / ncols))
        _, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.4 * nrows),
                               layout="constrained", squeeze=False)
    axes = np.asarray(axes).ravel()
    variants = list(dict.fromkeys(df.index.get_level_values("variant")))
    colours = plt.get_cmap("tab10")(np.arange(len(variants)) % 10)
    for ax, k in zip(axes, kpis):
        g = df[k].groupby(level="variant", sort=False)
        mean, lo, hi = g.mean().reindex(variants), g.min().reindex(variants), g.max().reindex(variants)
        x = np.arange(len(variants))
        ax.bar(x, mean, color=colours, alpha=0.75)
        ax.errorbar(x, mean, yerr=[mean - lo, hi - mean], fmt="none", ecolor="black", capsize=4,
                    lw=1)
        for i, v in enumerate(variants):
            vals = df.xs(v, level="variant")[k].to_numpy(float)
            ax.scatter(np.full(len(vals), i) + np.linspace(-0.15, 0.15, len(vals)), vals, s=10,
                       color="black", zorder=3)
        ax.set_xticks(x, variants, rotation=30 if max(map(len, map(str, variants))) > 8 else 0,
                      ha="right" if max(map(len, map(str, variants))) > 8 else "center",
                      fontsize=8)
        ax.set_title(k.replace("_", " "), fontsize=10)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_formatter(_thousands())
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(kpis):]:
        ax.axis("off")
    seeds = df.index.get_level_values("seed").nunique()
    axes[0].figure.suptitle(f"Strategies compared (bars: mean of {seeds} seed(s); whiskers: "
                            f"range)", fontsize=11)
    return axes


def compare_curves(results, series="evacuated_safe", zone="JP", ax=None):
    """One time series of several runs on one chart: `results` is {label: Results or path}."""
    ax = new_ax(ax)
    xlabel = "minutes after the main shock"
    for label, res in results.items():
        res = as_results(res)
        t = res.timeseries_table([series], zone=zone)
        x, xlabel = _time_axis(t.index.to_numpy())
        ax.plot(x, t[series], lw=1.8, label=str(label))
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(series.replace("_", " "), fontsize=8)
    ax.yaxis.set_major_formatter(_thousands())
    ax.set_title(f"{series.replace('_', ' ')} — {zone}", fontsize=11)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax
