#!/usr/bin/python3
"""obs_ref.py - reference for `ecpr-table --format csv` with observations.

A plain Python 3 reference (stdlib only) of the columns ecpr-table adds
when case records come with observation and complication files
(ecpr-case-record(5)): per observation the worst value during the ECPR
course (from the first ecmo_flow_start to the first ecmo_stop) in the
observation's unit, censored values kept censored, and its flag against
the adult reference range; per attribution the complication codes.  The
intervals come from table_ref.py (imported, not copied), so the output is
the whole csv and is compared with ecpr-table's byte for byte.

It knows only what the benchmark files use: the units gen-cases writes,
the adult ranges (gen-cases writes no children), no --window, no
--ranges.  The conversion rule is the contract's: a factor that is a
power of ten moves the decimal point (trailing zeros it leaves go), any
other factor gives the observation's decimals, rounded half away from
zero for a measured value, down for a lower bound (">15.0") and up for an
upper bound ("<0.5").

usage: obs_ref.py FILE...  (wide and long case records, observation and
complication files, in any order)
"""

import csv
import os
import re
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_ref as T  # noqa: E402  (the interval reference, reused)

PROG = "obs_ref.py"

# name, direction of "worst" (+1 highest, -1 lowest), decimals, adult
# range, {unit spelling: factor to the observation's unit}
OBS = (
    ("nt_probnp", 1, 0, "0-300", {"pg/mL": 1}),
    ("pct", 1, 2, "<0.5", {"ng/mL": 1}),
    ("troponin_i", 1, 3, "<0.15", {"ng/mL": 1, "ng/L": Fraction(1, 1000)}),
    ("lactate", 1, 1, "0.7-2.5",
     {"mmol/L": 1, "mg/dL": Fraction(1000, 9008)}),
    ("creatinine", 1, 1, "50.4-98.1",
     {"umol/L": 1, "\u00b5mol/L": 1, "mg/dL": Fraction(884, 10)}),
    ("alt", 1, 0, "5-35", {"U/L": 1}),
    ("bilirubin", 1, 1, "3.4-17.1",
     {"umol/L": 1, "mg/dL": Fraction(171, 10)}),
    ("platelets", -1, 0, "100-300",
     {"10*9/L": 1, "10^9/L": 1, "/uL": Fraction(1, 1000)}),
    ("urine_output", -1, 1, ">17", {"mL/h": 1}),
    ("urine_output_kg", -1, 2, ">=0.5", {"mL/kg/h": 1}),
    ("ecmo_flow", -1, 2, "", {"L/min": 1}),
    ("map", -1, 0, ">=65", {"mm[Hg]": 1, "mmHg": 1}),
)
OBS_INDEX = {o[0]: i for i, o in enumerate(OBS)}

# the complication code list of ecpr(7), in its order
CODES = (
    "none", "pulmonary_contusion", "rib_fracture", "sternal_fracture",
    "abdominal_organ_injury", "pneumothorax", "pulmonary_infection",
    "pulmonary_oedema", "pulmonary_haemorrhage", "bleeding_cannulation_site",
    "bleeding_surgical_site", "bleeding_gi", "haemolysis", "dic",
    "intracranial_haemorrhage", "stroke", "seizure", "brain_death",
    "limb_ischaemia", "compartment_syndrome", "infection", "sepsis",
    "renal_failure", "arrhythmia", "cardiac_tamponade", "circuit_failure",
    "circuit_thrombosis", "mods", "other")
CODE_INDEX = {c: i for i, c in enumerate(CODES)}
BY = ("mcc", "ecpr", "other")

VALUE_RE = re.compile(r"(<=|>=|<|>|\u2264|\u2265)? ?(\d+)(?:\.(\d+))?\Z")
CMP = {None: "", "<": "<", "<=": "<=", "\u2264": "<=", ">": ">",
       ">=": ">=", "\u2265": ">="}


class Value:
    """An exact decimal with a comparator: cmp ("", <, <=, >, >=),
    number (a Fraction) and scale (decimals as written)."""
    __slots__ = ("cmp", "num", "scale")

    def __init__(self, cmp, num, scale):
        self.cmp, self.num, self.scale = cmp, num, scale

    def text(self):
        m = int(self.num * 10 ** self.scale)
        s = str(abs(m)).rjust(self.scale + 1, "0")
        if self.scale:
            s = s[:-self.scale] + "." + s[-self.scale:]
        return self.cmp + ("-" if m < 0 else "") + s


def parse_value(text):
    m = VALUE_RE.match(text)
    if m is None:
        raise ValueError('"%s" is not a value' % text)
    frac = m.group(3) or ""
    return Value(CMP[m.group(1)], Fraction(int(m.group(2) + frac),
                                           10 ** len(frac)), len(frac))


def power_of_ten(f):
    """k when f is 10**k (k >= 0), else None."""
    if f.denominator != 1:
        return None
    n, k = f.numerator, 0
    while n > 1 and n % 10 == 0:
        n, k = n // 10, k + 1
    return k if n == 1 else None


def convert(v, factor, decimals):
    """v (in a unit) times factor, in the observation's unit."""
    factor = Fraction(factor)
    up, down = power_of_ten(factor), power_of_ten(1 / factor)
    if up is not None:
        scale = max(v.scale - up, 0)
    elif down is not None:
        scale = v.scale + down
    else:
        scale = decimals
    x = v.num * factor * 10 ** scale
    if x.denominator != 1:
        if v.cmp == "":
            q = (abs(x.numerator) * 2 + x.denominator) // \
                (2 * x.denominator)
            x = Fraction(-q if x < 0 else q)
        elif v.cmp in (">", ">="):
            x = Fraction(x.numerator // x.denominator)
        else:
            x = Fraction(-(-x.numerator // x.denominator))
    out = Value(v.cmp, x / 10 ** scale, scale)
    if up is not None or down is not None:
        while out.scale > v.scale and (out.num * 10 ** out.scale) % 10 == 0:
            out.scale -= 1
    return out


class Worst:
    """The highest (dir > 0) or lowest of values, kept as bounds."""
    __slots__ = ("dir", "n", "lo", "hi", "lo_open", "hi_open")

    def __init__(self, direction):
        self.dir, self.n = direction, 0
        self.lo = self.hi = None  # Value or None (unbounded)
        self.lo_open = self.hi_open = False

    def add(self, v):
        lo = v if v.cmp in ("", ">", ">=") else None
        hi = v if v.cmp in ("", "<", "<=") else None
        lo_open, hi_open = v.cmp == ">", v.cmp == "<"
        if self.n == 0:
            self.lo, self.hi = lo, hi
            self.lo_open, self.hi_open = lo_open, hi_open
        elif self.dir > 0:
            if lo is not None and (self.lo is None or lo.num > self.lo.num or
                                   (lo.num == self.lo.num and lo_open)):
                self.lo, self.lo_open = lo, lo_open
            if hi is None:
                self.hi = None
            elif self.hi is not None and (hi.num > self.hi.num or (
                    hi.num == self.hi.num and not hi_open)):
                self.hi, self.hi_open = hi, hi_open
        else:
            if hi is not None and (self.hi is None or hi.num < self.hi.num or
                                   (hi.num == self.hi.num and hi_open)):
                self.hi, self.hi_open = hi, hi_open
            if lo is None:
                self.lo = None
            elif self.lo is not None and (lo.num < self.lo.num or (
                    lo.num == self.lo.num and not lo_open)):
                self.lo, self.lo_open = lo, lo_open
        self.n += 1

    def value(self):
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None and not self.lo_open and \
                not self.hi_open and lo.num == hi.num:
            return Value("", lo.num, max(lo.scale, hi.scale))
        if (hi is not None) if self.dir > 0 else (lo is None):
            return Value("<" if self.hi_open else "<=", hi.num, hi.scale)
        return Value(">" if self.lo_open else ">=", lo.num, lo.scale)


def certainly(v, op, bound):
    """Whether every number v may stand for satisfies `x op bound`."""
    if op in (">", ">="):
        if v.cmp not in ("", ">", ">="):
            return False
        return v.num >= bound if op == ">=" or v.cmp == ">" \
            else v.num > bound
    if v.cmp not in ("", "<", "<="):
        return False
    return v.num <= bound if op == "<=" or v.cmp == "<" else v.num < bound


def flag(rng, v):
    """H, L, N or ? for v against a range text ("" -> no flag)."""
    if not rng:
        return ""
    if "-" in rng:
        a, b = rng.split("-")
        lo, hi = (">=", Fraction(a)), ("<=", Fraction(b))
    else:
        op = rng[:2] if rng[1] == "=" else rng[:1]
        n = Fraction(rng[len(op):])
        lo, hi = ((op, n), None) if op[0] == ">" else (None, (op, n))
    if hi is not None and certainly(v, ">" if hi[0] == "<=" else ">=",
                                    hi[1]):
        return "H"
    if lo is not None and certainly(v, "<" if lo[0] == ">=" else "<=",
                                    lo[1]):
        return "L"
    if (lo is None or certainly(v, lo[0], lo[1])) and \
            (hi is None or certainly(v, hi[0], hi[1])):
        return "N"
    return "?"


def header_of(path):
    with open(path, newline="", encoding="utf-8-sig") as fp:
        return [h.strip(" \t") for h in next(csv.reader(fp), [])]


def rows_of(path, names):
    """(line, key, fields named names) of an observation or complication
    file."""
    with open(path, newline="", encoding="utf-8-sig") as fp:
        rows = csv.reader(fp, strict=True)
        header = [h.strip(" \t") for h in next(rows)]
        col = {n: i for i, n in enumerate(header)}
        iep = col.get("episode")
        idx = [col.get(n) for n in names]
        for row in rows:
            number = row[iep].strip(" \t") if iep is not None else ""
            key = (row[col["site"]].strip(" \t"),
                   row[col["subject"]].strip(" \t"),
                   int(number) if number else 1)
            yield rows.line_num, key, [row[i].strip(" \t") if i is not None
                                       else "" for i in idx]


def item_time(text, first):
    """(t, end) of an observation's or complication's time."""
    m = T.REL_RE.match(text) if text[0].isalpha() else None
    if m is None:
        t, end, _ = T.parse_time(text)
        return t, end
    a = first.get(T.EV[m.group(1)])
    if a is None:
        raise ValueError('relative value "%s" has no anchor' % text)
    d = T.parse_duration(m.group(3))
    d = d if m.group(2) == "+" else -d
    return a[1] + d, a[2] + d


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print("usage: %s FILE..." % PROG)
        return 0 if len(argv) == 2 else 64
    episodes, obs_files, compl_files = {}, [], []
    try:
        for path in argv[1:]:
            header = header_of(path)
            if "observation" in header:
                obs_files.append(path)
            elif "complication" in header:
                compl_files.append(path)
            else:
                T.read_file(path, episodes)
        # intervals (table_ref) and the first of each event per episode
        eps = {}
        for key, ep in episodes.items():
            events, first = T.finish(ep)
            segs = T.check_episode(ep, events, first)
            eps[key] = (T.intervals(ep, events, first, segs), first)
            ep.raw = None
        episodes = None
        worst = {}   # (key, obs index) -> Worst
        flow, stop = T.EV["ecmo_flow_start"], T.EV["ecmo_stop"]
        for path in obs_files:
            for line, key, (name, text, value, unit) in rows_of(
                    path, ("observation", "time", "value", "unit")):
                try:
                    i = OBS_INDEX[name]
                    first = eps[key][1]
                    t, end = item_time(text, first)
                    v = convert(parse_value(value), OBS[i][4][unit],
                                OBS[i][2])
                except (KeyError, ValueError) as e:
                    raise T.DataError(path, line, str(e)) from None
                a, b = first.get(flow), first.get(stop)
                if a is None or t < a[1] or (b is not None and end > b[2]):
                    continue
                w = worst.get((key, i))
                if w is None:
                    w = worst[(key, i)] = Worst(OBS[i][1])
                w.add(v)
        codes = {}   # (key, attribution) -> set of code indexes
        for path in compl_files:
            for line, key, (code, by) in rows_of(
                    path, ("complication", "attribution")):
                if key not in eps or code not in CODE_INDEX or by not in BY:
                    raise T.DataError(path, line, "bad complication row")
                codes.setdefault((key, by), set()).add(CODE_INDEX[code])
    except T.DataError as e:
        sys.stderr.write("%s: %s: %s\n" % (PROG, e.where, e.message))
        return 65
    except OSError as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 66
    has_obs = sorted({i for _, i in worst})
    has_by = [b for b in BY if any(k[1] == b for k in codes)]
    extra = bool(worst) or bool(codes)
    rows = []
    for key, (ivs, _) in eps.items():
        cells = list(ivs)
        if extra:
            for i in has_obs:
                w = worst.get((key, i))
                if w is None:
                    cells += ["", ""]
                    continue
                v = w.value()
                cells += [v.text(), flag(OBS[i][3], v)]
            for b in has_by:
                cells.append(";".join(CODES[c] for c in
                                      sorted(codes.get((key, b), ()))))
        rows.append((key[0].encode(), key[1].encode(), key[2], cells))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    head = ["site,subject,episode"] + list(T.INTERVALS)
    for i in has_obs:
        head += [OBS[i][0] + "_worst", OBS[i][0] + "_flag"]
    head += ["complications_" + b for b in has_by]
    out = [",".join(head) + "\n"]
    for site, subject, number, cells in rows:
        out.append("%s,%s,%d,%s\n" % (T.quote(site.decode()),
                                      T.quote(subject.decode()), number,
                                      ",".join(T.quote(c) for c in cells)))
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
