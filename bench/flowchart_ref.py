#!/usr/bin/env python3
"""flowchart_ref.py - ecpr-flowchart's counts in plain Python 3, for
bench-flowchart.

usage: flowchart_ref.py [--csv] CRITERIA FILE...

Reads the criteria file (ecpr-criteria(5)) with a parser of its own and
the case-record files with bench/table_ref.py (the Python reference of
the intervals), evaluates every criterion on every episode in three
values (pass, fail, unknown: an empty attribute or the code unknown is
unknown, an interval whose events are missing is unknown, a range passes
or fails only when its whole span does, "has EVENT" fails when the event
is not recorded; and/or/not as in SQL), runs the episodes through the
criteria in file order and prints what `ecpr-flowchart -f text` prints:
the counts per step with the outcomes of the excluded, and the eligible
with theirs.  With --csv, each episode's verdicts and box as
`ecpr-flowchart -f csv` does, sorted by site, subject (bytes) and
episode.
"""
import os
import re
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_ref  # noqa: E402  (the reader and the intervals)

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
DAYS = ("ecpr_days", "icu_days", "hospital_days")
TOKEN_RE = re.compile(r'\s*(?:(<=|>=|!=|[=<>(),])|"([^"]*)"|([^\s=<>!(),"]+))')


def tokens(text):
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if m is None:
            raise SystemExit("flowchart_ref.py: cannot read %r" % text)
        if m.group(1):
            out.append(("op", m.group(1)))
        elif m.group(2) is not None:
            out.append(("str", m.group(2)))
        else:
            out.append(("word", m.group(3)))
        pos = m.end()
    return out


class Parser:
    """Recursive descent: or < and < not < comparison, as the man page."""

    def __init__(self, text):
        self.t = tokens(text)
        self.i = 0

    def peek(self, kind=None, value=None):
        if self.i >= len(self.t):
            return False
        k, v = self.t[self.i]
        return (kind is None or k == kind) and (value is None or v == value)

    def take(self):
        self.i += 1
        return self.t[self.i - 1][1]

    def parse(self):
        e = self.disj()
        assert self.i == len(self.t), self.t[self.i:]
        return e

    def disj(self):
        e = self.conj()
        while self.peek("word", "or"):
            self.take()
            e = ("or", e, self.conj())
        return e

    def conj(self):
        e = self.neg()
        while self.peek("word", "and"):
            self.take()
            e = ("and", e, self.neg())
        return e

    def neg(self):
        if self.peek("word", "not"):
            self.take()
            return ("not", self.neg())
        if self.peek("op", "("):
            self.take()
            e = self.disj()
            assert self.take() == ")"
            return e
        if self.peek("word", "has"):
            self.take()
            return ("has", table_ref.EV[self.take()])
        name = self.take()
        if self.peek("word", "not"):
            self.take()
            assert self.take() == "in"
            return ("not", ("in", name, self.values()))
        if self.peek("word", "in"):
            self.take()
            return ("in", name, self.values())
        op = self.take()
        return ("cmp", name, op, self.take())

    def values(self):
        assert self.take() == "("
        vs = [self.take()]
        while self.peek("op", ","):
            self.take()
            vs.append(self.take())
        assert self.take() == ")"
        return vs


def load(path):
    crit, title, source = [], "", ""
    with open(path, encoding="utf-8-sig") as fp:
        for line in fp:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            key, value = key.strip(), value.strip()
            if key == "title":
                title = value
            elif key == "source":
                source = value
            elif key == "criterion":
                crit.append({"name": value})
            elif key == "label":
                crit[-1]["label"] = value
            elif key == "expr":
                crit[-1]["expr"] = Parser(value).parse()
    return title, source, crit


def compare(a, op, b):
    return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
            ">": a > b, ">=": a >= b}[op]


def three(lo_ok, hi_ok):
    if lo_ok and hi_ok:
        return PASS
    if not lo_ok and not hi_ok:
        return FAIL
    return UNKNOWN


def cmp_value(ep, ivs, name, op, value):
    if name in ivs:
        text = ivs[name]
        if text == "":
            return UNKNOWN
        scale = 10 if name in DAYS else 1
        a, _, b = text.partition("..")
        lo = Decimal(a) * scale
        hi = Decimal(b or a) * scale
        v = Decimal(value) * scale
        # every value of lo..hi must agree
        if op in ("=", "!="):
            if lo == hi:
                return PASS if compare(lo, op, v) else FAIL
            inside = lo <= v <= hi
            if not inside:
                return PASS if op == "!=" else FAIL
            return UNKNOWN
        return three(compare(lo, op, v), compare(hi, op, v))
    raw = ep.attrs.get(name)
    if raw is None or raw.lower() == "unknown" and name in table_ref.CODES:
        return UNKNOWN
    if name in table_ref.NUMBERS:
        return PASS if compare(Decimal(raw), op, Decimal(value)) else FAIL
    if name in table_ref.CODES:
        return PASS if compare(raw.lower(), op, value.lower()) else FAIL
    return PASS if compare(raw, op, value) else FAIL


def evaluate(e, ep, first, ivs):
    kind = e[0]
    if kind == "has":
        return PASS if e[1] in first else FAIL
    if kind == "not":
        v = evaluate(e[1], ep, first, ivs)
        return {PASS: FAIL, FAIL: PASS, UNKNOWN: UNKNOWN}[v]
    if kind in ("and", "or"):
        a = evaluate(e[1], ep, first, ivs)
        b = evaluate(e[2], ep, first, ivs)
        win = FAIL if kind == "and" else PASS
        if win in (a, b):
            return win
        return UNKNOWN if UNKNOWN in (a, b) else a
    if kind == "in":
        vs = [cmp_value(ep, ivs, e[1], "=", v) for v in e[2]]
        if PASS in vs:
            return PASS
        return UNKNOWN if UNKNOWN in vs else FAIL
    return cmp_value(ep, ivs, e[1], e[2], e[3])


def died_in_hospital(first):
    death = first.get(table_ref.EV["death"])
    if death is None:
        return False
    dis = first.get(table_ref.EV["hospital_discharge"])
    return dis is None or death[1] <= dis[1]


def outcomes(ep, first):
    """(survived, favourable): 1, 0 or -1 (unknown), as ecpr_episode_*."""
    died = died_in_hospital(first)
    cpc = ep.attrs.get("cpc_discharge")
    if died:
        s = 0
    elif cpc is not None:
        s = int(cpc != "5")
    else:
        s = 1 if table_ref.EV["hospital_discharge"] in first else -1
    if cpc is not None:
        f = int(cpc in ("1", "2"))
    else:
        f = 0 if died else -1
    return s, f


def main(argv):
    csv_out = len(argv) > 1 and argv[1] == "--csv"
    if csv_out:
        argv = argv[1:]
    if len(argv) < 3:
        print("usage: flowchart_ref.py [--csv] CRITERIA FILE...")
        return 64
    title, source, crit = load(argv[1])
    episodes = {}
    for path in argv[2:]:
        table_ref.read_file(path, episodes)
    steps = [[0, 0, 0, 0, 0, 0] for _ in crit]  # in pass fail unk surv fav
    elig = [0] * 7  # n survived died s? favourable unfavourable cpc?
    rows = []
    for key, ep in episodes.items():
        events, first = table_ref.finish(ep)
        segs = table_ref.check_episode(ep, events, first)
        ivs = dict(zip(table_ref.INTERVALS,
                       table_ref.intervals(ep, events, first, segs)))
        verdicts = [evaluate(c["expr"], ep, first, ivs) for c in crit]
        s, f = outcomes(ep, first)
        box = "eligible"
        for i, v in enumerate(verdicts):
            st = steps[i]
            st[0] += 1
            if v == PASS:
                st[1] += 1
                continue
            if v == FAIL:
                st[2] += 1
                st[4] += s == 1
                st[5] += f == 1
                box = "excluded:" + crit[i]["name"]
            else:
                st[3] += 1
                box = "unknown:" + crit[i]["name"]
            break
        else:
            elig[0] += 1
            elig[1 + (0 if s == 1 else 1 if s == 0 else 2)] += 1
            elig[4 + (0 if f == 1 else 1 if f == 0 else 2)] += 1
        if csv_out:
            rows.append((key[0].encode(), key[1].encode(), key[2],
                         verdicts, box))
    out = []
    if csv_out:
        out.append("site,subject,episode,%s,box\n"
                   % ",".join(c["name"] for c in crit))
        rows.sort(key=lambda r: r[:3])
        for site, subject, number, verdicts, box in rows:
            out.append("%s,%s,%d,%s,%s\n"
                       % (table_ref.quote(site.decode()),
                          table_ref.quote(subject.decode()), number,
                          ",".join(verdicts), box))
    else:
        out.append("%s\nSource: %s\n\nEpisodes: %d\n"
                   % (title, source, len(episodes)))
        for i, c in enumerate(crit):
            st = steps[i]
            out.append("%d. %s (%s): %d in, %d passed, %d excluded, "
                       "%d unknown\n   excluded: %d survived to discharge, "
                       "%d CPC 1-2 at discharge\n"
                       % (i + 1, c["label"], c["name"], st[0], st[1],
                          st[2], st[3], st[4], st[5]))
        out.append("Eligible: %d\n   survival to discharge: %d survived, "
                   "%d died, %d unknown\n   CPC at discharge: %d CPC 1-2, "
                   "%d CPC 3-5, %d unknown\n" % tuple(elig))
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
