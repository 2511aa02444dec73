#!/usr/bin/env python3
"""summary_ref.py - the numeric rows of ecpr-summary's cohort table in
plain Python 3 (the statistics module), for bench-summary.

usage: summary_ref.py [--by-site] FILE...

Reads the case-record files with bench/table_ref.py (the Python reference
of the intervals), then for every numeric attribute (age_years, bmi,
apache2) and every interval but cpc_discharge writes the rows
"NAME, median [IQR]" and "  min, max" as ecpr-summary -f csv does: the
median from statistics.median, the quartiles from statistics.quantiles
(method="inclusive": R's type 7), computed on the low ends and on the
high ends of ranges (LO..HI) and shown as "lo..hi" when they differ;
two more decimals than the values, trailing zeros cut.  With --by-site,
a column per site (byte order) after the overall one.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_ref  # noqa: E402  (the reader and the intervals)

NUMERIC_ATTRS = ("age_years", "bmi", "apache2")
VARS = NUMERIC_ATTRS + tuple(i for i in table_ref.INTERVALS
                             if i != "cpc_discharge")
DAYS = ("ecpr_days", "icu_days", "hospital_days")


def as_units(text, scale):
    """A written value ("15.8", "15.8..16.8") as (lo, hi) in units."""
    a, _, b = text.partition("..")
    b = b or a
    return (round(float(a) * scale), round(float(b) * scale))


def fmt_num(x, scale, dec, extra):
    s = "%.*f" % (dec + extra, x / scale)
    if dec + extra > 0:
        point = s.index(".")
        while s.endswith("0") and len(s) - 1 - point > dec:
            s = s[:-1]
        if s.endswith("."):
            s = s[:-1]
    return "0" if s == "-0" else s


def stat(lo, hi, scale, dec, extra):
    a, b = fmt_num(lo, scale, dec, extra), fmt_num(hi, scale, dec, extra)
    return a if a == b else "%s..%s" % (a, b)


def quartiles(xs):
    if len(xs) == 1:
        return (xs[0], xs[0], xs[0])
    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    return (q1, statistics.median(xs), q3)


def cells(pairs, scale, dec):
    if not pairs:
        return ("–", "–")
    lo = sorted(p[0] for p in pairs)
    hi = sorted(p[1] for p in pairs)
    ql, qh = quartiles(lo), quartiles(hi)
    med = "%s [%s, %s]" % (stat(ql[1], qh[1], scale, dec, 2),
                           stat(ql[0], qh[0], scale, dec, 2),
                           stat(ql[2], qh[2], scale, dec, 2))
    mm = "%s, %s" % (stat(lo[0], hi[0], scale, dec, 0),
                     stat(lo[-1], hi[-1], scale, dec, 0))
    return (med, mm)


def main(argv):
    by_site = len(argv) > 1 and argv[1] == "--by-site"
    files = argv[2:] if by_site else argv[1:]
    if not files:
        print("usage: summary_ref.py [--by-site] FILE...")
        return 64
    episodes = {}
    for path in files:
        table_ref.read_file(path, episodes)
    rows = []   # (site, {var: (lo, hi)})
    decimals = dict.fromkeys(NUMERIC_ATTRS, 0)
    for key, ep in episodes.items():
        events, first = table_ref.finish(ep)
        segs = table_ref.check_episode(ep, events, first)
        ivs = dict(zip(table_ref.INTERVALS,
                       table_ref.intervals(ep, events, first, segs)))
        vals = {}
        for name in NUMERIC_ATTRS:
            v = ep.attrs.get(name, "")
            if v:
                if "." in v:
                    decimals[name] = max(decimals[name],
                                         len(v) - v.index(".") - 1)
                vals[name] = (float(v), float(v))
        for name in VARS[len(NUMERIC_ATTRS):]:
            if ivs[name]:
                vals[name] = as_units(ivs[name], 10 if name in DAYS else 1)
        rows.append((key[0].encode(), vals))
    sites = sorted({r[0] for r in rows}) if by_site else []
    out = []
    for name in VARS:
        scale = 10 if name in DAYS else 1
        dec = decimals.get(name, 1 if name in DAYS else 0)
        cols = [[r[1][name] for r in rows if name in r[1]]]
        for s in sites:
            cols.append([r[1][name] for r in rows
                         if r[0] == s and name in r[1]])
        made = [cells(c, scale, dec) for c in cols]
        out.append(",".join(['"%s, median [IQR]"' % name] +
                            [table_ref.quote(m[0]) for m in made]))
        out.append(",".join(['"  min, max"'] +
                            [table_ref.quote(m[1]) for m in made]))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
