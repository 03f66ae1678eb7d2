"""Progress bars for long runs: an HTML <progress> bar in Jupyter (no widget extension needed;
updated in place through a display handle), a redrawn bar on a terminal, or one line per 10 %
when stderr is a file or pipe (logs, CI), like the CLI's."""

import sys
import time


def in_notebook():
    """True inside a Jupyter kernel (where HTML output is rendered)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def format_hms(seconds):
    s = max(0, int(round(seconds)))
    return f"{s // 3600}:{(s // 60) % 60:02d}:{s % 60:02d}"


class ProgressBar:
    """Shows ticks done out of total as simulated time. Use as progress(done, total) callback."""

    def __init__(self, total_ticks, tick_s, label="", stream=None, min_interval_s=0.25):
        """tick_s: seconds per tick, or a function of the ticks done giving the simulated
        seconds (ticks get longer after scenario.coarse_after_s)."""
        self.total = max(int(total_ticks), 1)
        self.time_of = tick_s if callable(tick_s) else (lambda done, s=float(tick_s): done * s)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.min_interval_s = min_interval_s
        self.start = time.monotonic()
        self.last = -1e9
        self.last_decile = -1
        self.done = 0
        self.finished = False
        self.mode = "html" if in_notebook() else (
            "tty" if getattr(self.stream, "isatty", lambda: False)() else "lines")
        self.handle = None

    def __call__(self, done, total=None):
        self.update(done)

    def _text(self, done, final=False):
        frac = min(max(done / self.total, 0.0), 1.0)
        elapsed = time.monotonic() - self.start
        eta = 0.0 if final or frac <= 0 else elapsed * (1 - frac) / frac
        sim = format_hms(self.time_of(done))
        end = format_hms(self.time_of(self.total))
        return frac, (f"{frac * 100:3.0f}%  sim {sim} / {end}  elapsed {format_hms(elapsed)}"
                      f"  ETA {format_hms(eta)}")

    def update(self, done):
        self.done = done
        now = time.monotonic()
        if self.mode == "lines":
            decile = int(10 * done / self.total)
            if decile != self.last_decile:
                self.last_decile = decile
                self._draw(done, done >= self.total)
            return
        if done < self.total and now - self.last < self.min_interval_s:
            return
        self.last = now
        self._draw(done, False)

    def _draw(self, done, final):
        frac, text = self._text(done, final)
        label = f"{self.label}  " if self.label else ""
        if self.mode == "html":
            from IPython.display import HTML, display
            html = HTML(f'<div style="font-family:monospace">{label}<progress value="{done}" '
                        f'max="{self.total}" style="width:30ex"></progress> {text}</div>')
            if self.handle is None:
                self.handle = display(html, display_id=True)
            else:
                self.handle.update(html)
        elif self.mode == "tty":
            bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
            self.stream.write(f"\r  {label}{bar} {text}\033[K" + ("\n" if final else ""))
            self.stream.flush()
        else:
            self.stream.write(f"progress: {label}{text}\n")
            self.stream.flush()

    def finish(self):
        """Draws the completed bar (once)."""
        if self.finished:
            return
        self.finished = True
        if self.mode == "lines" and self.last_decile >= 10:
            return
        self._draw(self.total, True)
