"""An animation of the evacuation on the map, from the output's /snapshots: residents on their
way (density), the water as it arrives, deaths where they happen, and the evacuation curve
advancing below. GIF through Pillow (python3-pil) or MP4 through ffmpeg when installed."""

import pathlib
import shutil

import numpy as np

from ._common import MapFrame, as_results, fmt_minutes


def animate_evacuation(res, path, fps=6, dpi=80, width=12.0, max_frames=240):
    """Writes an animation (.gif, or .mp4 if ffmpeg is installed) of the run's snapshots to
    `path`; returns the path. Needs /snapshots (tsunagi.run(..., snapshot_every_s=60) or
    `tsunagi plot OUT.h5 --animate`)."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
    from matplotlib.colors import LogNorm

    from .maps import _flat, draw_base, draw_flooded_at, land_mask

    res = as_results(res)
    snaps = res.snapshots
    if snaps is None or len(snaps) == 0:
        raise ValueError(f"{res.path}: has no /snapshots to animate. Fix: run with "
                         f"tsunagi.run(..., snapshot_every_s=60), or use `tsunagi plot "
                         f"{res.path} --animate`, which re-runs the scenario recording them")
    path = pathlib.Path(path)
    if path.suffix.lower() == ".mp4":
        if shutil.which("ffmpeg") is None:
            raise ValueError("writing MP4 needs ffmpeg (apt-get install ffmpeg); write a .gif "
                             "instead")
        writer = FFMpegWriter(fps=fps)
    elif path.suffix.lower() == ".gif":
        writer = PillowWriter(fps=fps)
    else:
        raise ValueError(f"{path}: give a .gif or .mp4 file name")

    frame = MapFrame(res.world)
    idx = np.arange(len(snaps))
    if len(idx) > max_frames:
        idx = np.unique(np.linspace(0, len(idx) - 1, max_frames).round().astype(int))
    moving = snaps.all("evacuating")
    dead = snaps.all("dead") if "dead" in snaps.layers else None
    safe = snaps.all("safe") if "safe" in snaps.layers else None
    t_all = snaps.time_s
    vmax = max(float(moving.max()), 2.0)

    n = int(min(3, max(1, np.ceil(frame.aspect / 6.0))))  # a long coast in strips
    strip_h = min(max((width - 1.5) / max(frame.aspect / n, 0.2), 1.6), 8.0 / n)
    fig = plt.figure(figsize=(width, n * strip_h + 2.4), dpi=dpi, layout="constrained")
    gs = fig.add_gridspec(n + 1, 1, height_ratios=[strip_h] * n + [2.0])
    axes = [fig.add_subplot(gs[i]) for i in range(n)]
    axc = fig.add_subplot(gs[n])
    ranges = frame.strips(n) if n > 1 else [None]
    w = res.world
    arrival = w.raster("tsunami_arrival_s") if "tsunami_arrival_s" in w.rasters else None
    wet_base = land_mask(w) & (w.raster("tsunami_max_depth_m") > 0) if arrival is not None else None
    xs, ys = w.cell_centres()
    X, Y = np.meshgrid(*frame.xy(xs, ys))
    waters, crowds, dots = [], [], []
    for a, r in zip(axes, ranges):
        draw_base(a, res, frame)
        waters.append(a.imshow(np.full((w.ny, w.nx), np.nan), extent=frame.extent_km,
                               cmap=_flat("#2b83ba"), alpha=0.45, interpolation="nearest",
                               zorder=1, vmin=0, vmax=1))
        crowds.append(a.imshow(np.full((w.ny, w.nx), np.nan), extent=frame.extent_km,
                               cmap="inferno_r", norm=LogNorm(1, vmax), interpolation="nearest",
                               zorder=2))
        dots.append(a.scatter([], [], s=[], c="#d62728", marker="x", linewidths=0.8, zorder=3))
        frame.setup(a, None, r)
    fig.colorbar(crowds[0], ax=axes, label="residents on their way per cell", shrink=0.9,
                 pad=0.01, aspect=30)
    title = axes[0].set_title("", fontsize=10)

    tot_moving = moving.sum(axis=(1, 2))
    axc.fill_between(t_all / 60, tot_moving, color="#fdae61", alpha=0.8, label="on their way")
    if safe is not None:
        axc.plot(t_all / 60, safe.sum(axis=(1, 2)), color="#1a9850", lw=1.5, label="safe")
    if dead is not None:
        axc.plot(t_all / 60, dead.sum(axis=(1, 2)), color="#d73027", lw=1.5, label="dead")
    now = axc.axvline(0, color="black", lw=1)
    axc.set_xlim(t_all[0] / 60, t_all[-1] / 60)
    axc.set_xlabel("minutes after the main shock", fontsize=8)
    axc.set_ylabel("residents", fontsize=8)
    axc.tick_params(labelsize=7)
    axc.legend(fontsize=7, loc="upper left")

    def draw(k):
        i = idx[k]
        t = float(t_all[i])
        m = moving[i].astype(float)
        crowd = np.where(m > 0, m, np.nan)
        wet = np.where(wet_base & (arrival <= t), 1.0, np.nan) if arrival is not None else None
        d = dead[i] if dead is not None else None
        sel = d > 0 if d is not None else None
        for water, im, dot in zip(waters, crowds, dots):
            if wet is not None:
                water.set_data(wet)
            im.set_data(crowd)
            if d is not None:
                dot.set_offsets(np.column_stack([X[sel], Y[sel]]) if sel.any() else np.empty((0, 2)))
                dot.set_sizes(4 + 3 * np.sqrt(d[sel]))
        now.set_xdata([t / 60, t / 60])
        n_dead = int(d.sum()) if d is not None else 0
        n_safe = int(safe[i].sum()) if safe is not None else 0
        title.set_text(f"{res.name}: t = {fmt_minutes(t)} — on their way {int(m.sum()):,}, "
                       f"safe {n_safe:,}, dead {n_dead:,} (× where they died; blue: water)")
        return [*waters, *crowds, *dots, now, title]

    anim = FuncAnimation(fig, draw, frames=len(idx), blit=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    anim.save(path, writer=writer, dpi=dpi)
    plt.close(fig)
    return path
