#!/usr/bin/python3
"""timeline_ref.py - the matplotlib reference for bench-timeline.

Draws the same chart as `ecpr-timeline -o OUT.pdf CASES.csv` from a wide
case-record CSV: one lane per episode aligned at ca_onset, the
resuscitation, support and stay tracks, point markers, a segmented axis
(minutes | hours | days), a legend and the abbreviation caption, as a
multi-page A4-height PDF of 175 mm width.  Only the wide form with
first occurrences is read (what gen-cases --form wide writes).

usage: timeline_ref.py CASES.csv OUT.pdf
Prints "draw_seconds N" (reading, drawing and writing, after imports).
"""
import csv
import re
import sys
import time
from datetime import datetime

T_IMPORT = time.perf_counter()
import matplotlib  # noqa: E402
matplotlib.use("pdf")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

MIN_END, HOUR_END = 120 * 60.0, 48 * 3600.0


DUR = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def resolve(row):
    """Absolute seconds of every event, relative values resolved."""
    out, todo = {}, {}
    for k, v in row.items():
        if not v or k not in EVENTS:
            continue
        m = re.match(r"^([a-z_]+)([+-])(P.*)$", v)
        if m:
            todo[k] = m.groups()
        else:
            out[k] = seconds(v)
    while todo:
        before = len(todo)
        for k, (anchor, sign, dur) in list(todo.items()):
            if anchor in out:
                w, d, h, mi, se = (int(x or 0) for x in DUR.match(dur).groups())
                sec = (((w * 7 + d) * 24 + h) * 60 + mi) * 60 + se
                out[k] = out[anchor] + (sec if sign == "+" else -sec)
                del todo[k]
        if len(todo) == before:
            break
    return out


def seconds(v):
    if len(v) == 10:
        v += "T00:00+00:00"
    return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()


def segx(t, days_end):
    """Segmented axis: minutes 0..0.35, hours 0.36..0.55, days 0.56..1."""
    if t <= MIN_END:
        return 0.35 * max(t, 0) / MIN_END
    if t <= HOUR_END:
        return 0.36 + 0.19 * (t - MIN_END) / (HOUR_END - MIN_END)
    return 0.56 + 0.44 * (min(t, days_end) - HOUR_END) / (days_end - HOUR_END)


BARS = [("no_flow", "ca_onset", "cpr_start", "#000000", "", 0),
        ("Conventional CPR", "cpr_start", "ecmo_flow_start", "#d55e00", "", 0),
        ("Mechanical CC", "mcc_start", "mcc_stop", "#e69f00", "////", 0),
        ("ECMO flow", "ecmo_flow_start", "ecmo_stop", "#0072b2", "", 0),
        ("IABP", "iabp_start", "iabp_stop", "#cc79a7", "", 1),
        ("CRRT", "crrt_start", "crrt_stop", "#009e73", "||", 2),
        ("MV", "mv_start", "mv_stop", "#56b4e9", "..", 3),
        ("ICU stay", "icu_admit", "icu_discharge", "#f0e442", "xx", 4),
        ("Hospital stay", "hospital_admit", "hospital_discharge", "#999999",
         "", 5)]
MARKS = [("Cardiac arrest", "ca_onset", "v", True),
         ("Transient ROSC", "rosc_transient", "o", False),
         ("Re-arrest", "rearrest", "v", False),
         ("Sustained ROSC", "rosc", "o", True),
         ("PCI", "pci", "D", False),
         ("ECMO weaning", "ecmo_stop", "D", True),
         ("ICU discharge", "icu_discharge", "s", False),
         ("Hospital discharge", "hospital_discharge", "^", True),
         ("Death", "death", "x", True)]
EVENTS = set([b[1] for b in BARS] + [b[2] for b in BARS] +
             [m[1] for m in MARKS])
CAPTION = ("CC chest compression, CPR cardiopulmonary resuscitation, CRRT "
           "continuous renal replacement therapy, ECMO extracorporeal "
           "membrane oxygenation, IABP intra-aortic balloon pump, ICU "
           "intensive care unit, MV mechanical ventilation, PCI percutaneous "
           "coronary intervention, ROSC return of spontaneous circulation.")


def main():
    t0 = time.perf_counter()
    with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    lanes = []
    tmax = 0
    for r in rows:
        ab = resolve(r)
        ca = ab["ca_onset"]
        ev = {k: v - ca for k, v in ab.items()}
        end = max(v for v in ev.values() if v is not None)
        tmax = max(tmax, end)
        lanes.append((r["subject"], "%s y, %s, %s" % (
            r["age_years"], r["sex"], r["primary_disease"]), ev, end))
    days_end = (int(tmax / 86400) + 1) * 86400.0
    per_page = 22
    with PdfPages(sys.argv[2]) as pdf:
        for p in range(0, len(lanes), per_page):
            fig = plt.figure(figsize=(175 / 25.4, 11.69))
            ax = fig.add_axes([0.2, 0.2, 0.77, 0.77])
            for i, (subj, info, ev, end) in enumerate(lanes[p:p + per_page]):
                y = -i * 6
                ax.text(-0.26, y, subj + "\n" + info, fontsize=7,
                        va="center", transform=ax.transData)
                for name, a, b, col, hatch, row in BARS:
                    if ev.get(a) is None:
                        continue
                    stop = ev.get(b)
                    if stop is None:
                        stop = ev.get("death") or end
                    x0, x1 = segx(ev[a], days_end), segx(stop, days_end)
                    ax.broken_barh([(x0, max(x1 - x0, 0.001))],
                                   (y - row * 0.8 - (1 if row == 0 else 0.35),
                                    2 if row == 0 else 0.7),
                                   facecolor=col, hatch=hatch,
                                   label=name if i == 0 else None)
                for name, k, shape, filled in MARKS:
                    if ev.get(k) is not None:
                        ax.scatter([segx(ev[k], days_end)], [y], marker=shape,
                                   s=16, c="black" if filled else "white",
                                   edgecolors="black", zorder=3,
                                   label=name if i == 0 else None)
            ticks = [segx(m * 60, days_end) for m in range(0, 121, 15)]
            ticks += [segx(h * 3600, days_end) for h in range(12, 49, 12)]
            ticks += [segx(d * 86400, days_end)
                      for d in range(7, int(days_end / 86400), 7)]
            labels = [str(m) for m in range(0, 121, 15)]
            labels += [str(h) for h in range(12, 49, 12)]
            labels += [str(d) for d in range(7, int(days_end / 86400), 7)]
            ax.set_xticks(ticks)
            ax.set_xticklabels(labels, fontsize=6)
            ax.set_yticks([])
            ax.set_xlim(-0.01, 1.01)
            ax.set_xlabel("Time from cardiac arrest (minutes | hours | days)",
                          fontsize=7)
            ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.06),
                      ncol=5, fontsize=6, frameon=False)
            fig.text(0.03, 0.03, CAPTION, fontsize=6, wrap=True)
            pdf.savefig(fig)
            plt.close(fig)
    print("draw_seconds %.3f" % (time.perf_counter() - t0))


if __name__ == "__main__":
    main()
