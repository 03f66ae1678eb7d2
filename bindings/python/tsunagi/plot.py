"""tsunagi plot: figures, an animation and GIS layers from an output file.

    python3 -m tsunagi.plot OUT.h5 [-o DIR] [--summary FILE] [--animate] [--gis] [--dpi N]
    tsunagi plot OUT.h5 ...          (the CLI runs this module with Debian's python3)

Without --summary it writes the standard set into DIR (default: OUT's name without .h5, plus
_plots): summary.png, maps, charts; evacuation.gif when the file has /snapshots. --summary FILE
writes only the one-page summary (what `make demo` writes to out/demo.png). --animate makes the
animation also for a file without /snapshots by re-running its resolved scenario (same seed:
the run is reproduced exactly, which is checked) while recording them. --gis also writes
GeoTIFF/GeoPackage layers for QGIS into DIR/gis. Exit codes: 0 done, 2 bad input, 1 internal.
"""

import argparse
import pathlib
import sys


def _parser():
    p = argparse.ArgumentParser(
        prog="tsunagi plot",
        description="Figures, an evacuation animation and GIS layers from a Tsunagi output file.")
    p.add_argument("file", metavar="OUT.h5", help="output file of `tsunagi run`")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="directory for the standard set (default: OUT_plots next to the file)")
    p.add_argument("--summary", metavar="FILE",
                   help="write only the one-page summary (map + key KPIs) to FILE (.png, .pdf, .svg)")
    p.add_argument("--animate", action="store_true",
                   help="make evacuation.gif even if the file has no /snapshots (re-runs the "
                        "scenario recording residents per cell)")
    p.add_argument("--snapshot-every", type=float, default=60.0, metavar="S",
                   help="with --animate: seconds of simulated time between frames (default 60)")
    p.add_argument("--threads", type=int, default=0,
                   help="with --animate: threads for the re-run (default: all cores)")
    p.add_argument("--gis", action="store_true",
                   help="also export GeoTIFF rasters and a GeoPackage (roads, facilities, zones) "
                        "to DIR/gis for QGIS")
    p.add_argument("--dpi", type=int, default=100, help="resolution of the PNG files (default 100)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return p


def rerun_with_snapshots(res, every_s, threads=0, quiet=False):
    """Reproduces the run of `res` from its resolved scenario, recording /snapshots, and checks
    that every KPI is identical. Returns Results of a temporary file."""
    import tsunagi
    sc = tsunagi.Scenario.from_string(res.scenario, f"{res.path} (/meta/scenario)")
    again = tsunagi.run(sc, threads=threads, snapshot_every_s=every_s, progress=not quiet)
    if again.kpi != res.kpi:
        diff = {k: (res.kpi.get(k), again.kpi.get(k)) for k in set(res.kpi) | set(again.kpi)
                if res.kpi.get(k) != again.kpi.get(k)}
        raise tsunagi.ModelError(
            f"{res.path}: re-running its scenario did not reproduce its KPIs ({diff}); was it "
            f"written by another version of tsunagi ({res.meta.get('version')} "
            f"{res.meta.get('git_revision')})?")
    return again


def main(argv=None):
    args = _parser().parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    from tsunagi import InputError
    from tsunagi.results import Results
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    try:
        res = Results(args.file)
        from tsunagi import viz
        if args.summary:
            out = pathlib.Path(args.summary)
            out.parent.mkdir(parents=True, exist_ok=True)
            viz.summary_figure(res, out, dpi=args.dpi)
            say(f"wrote {out}")
            return 0
        out_dir = pathlib.Path(args.output) if args.output else \
            res.path.with_name(res.path.stem + "_plots")
        source = res
        if args.animate and res.snapshots is None:
            say(f"re-running {res.name} (seed {res.seed}) to record residents per cell for the "
                f"animation ...")
            source = rerun_with_snapshots(res, args.snapshot_every, args.threads, args.quiet)
        files = viz.standard_set(source, out_dir, dpi=args.dpi, animate=True, gis=args.gis,
                                 log=lambda m: say(f"  {m}"))
        for f in files:
            say(f"wrote {f}")
        return 0
    except InputError as e:
        print(f"tsunagi plot: error: {e}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, FileNotFoundError) as e:
        print(f"tsunagi plot: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
    except Exception as e:  # noqa: BLE001  the exit code tells scripts it was not their input
        import traceback
        traceback.print_exc()
        print(f"tsunagi plot: internal error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
