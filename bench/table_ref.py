#!/usr/bin/python3
"""table_ref.py - reference derivation of `ecpr-table --format csv`.

A plain Python 3 implementation (stdlib csv + datetime only) of what
ecpr-table does for case-record CSV files with explicit UTC offsets:
read wide and long files (rows of one episode merged across files),
resolve relative values, merge duplicate events, pair segments, check the
ordering rules and attributes, derive the DOMAIN.md section 4 intervals
(ranges for day-precision inputs, rounding half away from zero) and print
them sorted by site, subject (byte order) and episode.

It is the benchmark's cross-check and speed reference, written to be
fair: one pass over the rows, no needless copies.

usage: table_ref.py FILE...
"""

import csv
import datetime
import re
import sys

PROG = "table_ref.py"

EVENTS = (
    "ca_onset", "cpr_start", "mcc_start", "mcc_stop", "rosc_transient",
    "rearrest", "cannulation_start", "ecmo_flow_start", "rosc", "ecmo_stop",
    "iabp_start", "iabp_stop", "crrt_start", "crrt_stop", "mv_start",
    "mv_stop", "pci", "icu_admit", "icu_discharge", "hospital_admit",
    "hospital_discharge", "death")
EV = {name: i for i, name in enumerate(EVENTS)}
REPEATABLE = {EV[n] for n in (
    "mcc_start", "mcc_stop", "rosc_transient", "rearrest", "iabp_start",
    "iabp_stop", "crrt_start", "crrt_stop", "mv_start", "mv_stop", "pci")}
SEGMENTS = ((EV["mcc_start"], EV["mcc_stop"]),
            (EV["iabp_start"], EV["iabp_stop"]),
            (EV["crrt_start"], EV["crrt_stop"]),
            (EV["mv_start"], EV["mv_stop"]))

ATTRS = ("age_years", "sex", "bmi", "primary_disease", "ca_location",
         "first_cpr_provider", "initial_rhythm", "apache2",
         "cannulation_method", "mcc_device", "ecmo_device", "cpc_discharge",
         "pupillary_light_reflex", "cerebral_haemorrhage", "witnessed",
         "bystander_cpr")
CODES = {
    "sex": ("M", "F", "U"),
    "ca_location": ("home", "street", "public", "ems", "ed", "icu", "ward",
                    "cath_lab", "other"),
    "first_cpr_provider": ("bystander", "first_aider", "ems", "physician",
                           "nurse", "intensivist", "other"),
    "initial_rhythm": ("vf", "pvt", "pea", "asystole", "unknown"),
    "cannulation_method": ("percutaneous", "surgical", "hybrid"),
    "pupillary_light_reflex": ("yes", "no", "unknown"),
    "cerebral_haemorrhage": ("yes", "no", "unknown"),
    "witnessed": ("yes", "no", "unknown"),
    "bystander_cpr": ("yes", "no", "unknown"),
}
CODE_MAP = {a: {c.lower(): c for c in cs} for a, cs in CODES.items()}
NUMBERS = {"age_years": (0, 150, True), "bmi": (5, 100, True),
           "apache2": (0, 71, False), "cpc_discharge": (1, 5, False)}

INTERVALS = ("no_flow_min", "conventional_cpr_min", "mechanical_cc_min",
             "cardiac_arrest_min", "ecmo_setup_min", "ca_to_flow_min",
             "ecpr_days", "icu_days", "hospital_days", "cpc_discharge")

YEAR, MONTH, DAY, MINUTE, SECOND = 1, 2, 3, 4, 5
EPOCH = datetime.date(1970, 1, 1).toordinal()

TIME_RE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?\Z")
DUR_RE = re.compile(
    r"P(?:(\d+)W|(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)\Z")
REL_RE = re.compile(r"([a-z_]+)([+-])(P[0-9WDTHMS]*)\Z")
NUM_RE = re.compile(r"\d+(?:\.\d+)?\Z")


class DataError(Exception):
    """Bad input: printed as FILE:LINE: message, exit 65."""

    def __init__(self, file, line, message):
        super().__init__(message)
        self.where = "%s:%d" % (file, line) if file else ""
        self.message = message


def day_number(y, m, d, text):
    try:
        return datetime.date(y, m, d).toordinal() - EPOCH
    except ValueError:
        raise ValueError('"%s" is not a valid date' % text) from None


def parse_time(text):
    """(t, end, precision) of an absolute value; partial values in UTC."""
    m = TIME_RE.match(text)
    if m is None:
        raise ValueError('"%s" is not an ISO 8601 date or time' % text)
    y, mo, d, hh, mi, ss, off = m.groups()
    y = int(y)
    if y == 0:
        raise ValueError('"%s" is not a valid date' % text)
    if mo is None:
        return ((day_number(y, 1, 1, text) * 86400,
                 day_number(y + 1, 1, 1, text) * 86400 if y < 9999
                 else 253402300800, YEAR))
    mo = int(mo)
    if d is None:
        if not 1 <= mo <= 12:
            raise ValueError('"%s" is not a valid date' % text)
        nxt = (y + 1, 1) if mo == 12 else (y, mo + 1)
        return (day_number(y, mo, 1, text) * 86400,
                day_number(nxt[0], nxt[1], 1, text) * 86400
                if nxt[0] <= 9999 else 253402300800, MONTH)
    days = day_number(y, mo, int(d), text)
    if hh is None:
        return (days * 86400, days * 86400 + 86400, DAY)
    hh, mi = int(hh), int(mi)
    sec = int(ss) if ss is not None else 0
    if hh > 23 or mi > 59 or sec > 59:
        raise ValueError('"%s" is not a valid time' % text)
    if off is None:
        raise ValueError('local time "%s" has no UTC offset and no time '
                         'zone is known' % text)
    if off == "Z":
        offset = 0
    else:
        oh, om = int(off[1:3]), int(off[4:6])
        if oh > 18 or om > 59 or oh * 60 + om > 18 * 60:
            raise ValueError('"%s": offset out of range' % text)
        offset = (oh * 3600 + om * 60) * (-1 if off[0] == "-" else 1)
    t = days * 86400 + hh * 3600 + mi * 60 + sec - offset
    if ss is None:
        return (t, t + 60, MINUTE)
    return (t, t + 1, SECOND)


def parse_duration(text):
    m = DUR_RE.match(text)
    if m is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError('"%s" is not an ISO 8601 duration' % text)
    w, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    total = w * 7 * 86400 + d * 86400 + h * 3600 + mi * 60 + s
    if total > 100 * 366 * 86400:
        raise ValueError('"%s" is too long' % text)
    return total


def normalize_attr(name, value):
    if name in NUMBERS:
        lo, hi, decimals = NUMBERS[name]
        if NUM_RE.match(value) is None or (not decimals and "." in value):
            raise ValueError('attribute "%s": "%s" is not a%s number'
                             % (name, value, "" if decimals else "n integer"))
        if not lo <= float(value) <= hi:
            raise ValueError('attribute "%s": "%s" is out of range (%d-%d)'
                             % (name, value, lo, hi))
        if "." in value:
            return value
        return str(int(value))
    if name in CODE_MAP:
        code = CODE_MAP[name].get(value.lower())
        if code is None:
            raise ValueError('attribute "%s": "%s" is not one of %s'
                             % (name, value, ", ".join(CODES[name])))
        return code
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError('attribute "%s": control character' % name)
    return value


class Episode:
    __slots__ = ("key", "attrs", "raw")

    def __init__(self, key):
        self.key = key
        self.attrs = {}
        self.raw = []   # (type, text, file, line)


def add_attr(ep, name, value, file, line):
    try:
        value = normalize_attr(name, value)
    except ValueError as e:
        raise DataError(file, line, str(e)) from None
    old = ep.attrs.get(name)
    if old is not None and old != value:
        raise DataError(file, line, 'attribute "%s" given twice: "%s" and '
                        '"%s"' % (name, old, value))
    ep.attrs[name] = value


def episode_of(episodes, site, subject, number, file, line):
    if not site or not subject:
        raise DataError(file, line, "site and subject are required")
    if number == "":
        n = 1
    else:
        if not number.isdigit() or int(number) < 1:
            raise DataError(file, line, 'field "episode": "%s" is not a '
                            'positive integer' % number)
        n = int(number)
    key = (site, subject, n)
    ep = episodes.get(key)
    if ep is None:
        ep = episodes[key] = Episode(key)
    return ep


def read_file(path, episodes):
    with open(path, newline="", encoding="utf-8-sig") as fp:
        rows = csv.reader(fp, strict=True)
        try:
            header = [h.strip(" \t") for h in next(rows)]
        except StopIteration:
            raise DataError(path, 1, "empty file") from None
        col = {name: i for i, name in enumerate(header)}
        if len(col) != len(header):
            raise DataError(path, 1, "duplicate column")
        for need in ("site", "subject"):
            if need not in col:
                raise DataError(path, 1, 'no column "%s"' % need)
        nf = len(header)
        isite, isubj = col["site"], col["subject"]
        iep = col.get("episode")
        if "event" in col and "time" in col:
            for i, name in enumerate(header):
                if name not in ("site", "subject", "episode", "event",
                                "time", "note"):
                    raise DataError(path, 1, 'column %d: unknown column '
                                    '"%s"' % (i + 1, name))
            iev, itime = col["event"], col["time"]
            last = ep = None
            for row in rows:
                line = rows.line_num
                if len(row) != nf:
                    raise DataError(path, line, "expected %d fields, found "
                                    "%d" % (nf, len(row)))
                # rows of one episode usually follow each other
                key = (row[isite], row[isubj],
                       row[iep] if iep is not None else "")
                if key != last:
                    ep = episode_of(episodes, key[0].strip(" \t"),
                                    key[1].strip(" \t"),
                                    key[2].strip(" \t"), path, line)
                    last = key
                name = row[iev].strip(" \t")
                ev = EV.get(name)
                if ev is None:
                    raise DataError(path, line, 'field "event": unknown '
                                    'event "%s"' % name)
                text = row[itime].strip(" \t")
                if not text:
                    raise DataError(path, line, 'field "%s": empty time'
                                    % name)
                ep.raw.append((ev, text, path, line))
            return
        cols = []
        for i, name in enumerate(header):
            if name in ("site", "subject", "episode", "note"):
                continue
            if name in EV:
                cols.append((i, EV[name], None))
            elif name in ATTRS:
                cols.append((i, None, name))
            else:
                raise DataError(path, 1, 'column %d: unknown column "%s"'
                                % (i + 1, name))
        seen = {}
        for row in rows:
            line = rows.line_num
            if len(row) != nf:
                raise DataError(path, line, "expected %d fields, found %d"
                                % (nf, len(row)))
            ep = episode_of(episodes, row[isite].strip(" \t"),
                            row[isubj].strip(" \t"),
                            row[iep].strip(" \t") if iep is not None
                            else "", path, line)
            if ep.key in seen:
                raise DataError(path, line, "episode %s/%s/%d given twice "
                                "(line %d)" % (ep.key + (seen[ep.key],)))
            seen[ep.key] = line
            for i, ev, attr in cols:
                v = row[i].strip(" \t")
                if not v:
                    continue
                if ev is not None:
                    ep.raw.append((ev, v, path, line))
                else:
                    add_attr(ep, attr, v, path, line)


def fmt_val(ev):
    return ev[4]


def finish(ep):
    """Resolved, merged events: list of (type, t, end, prec, text, file,
    line), sorted by (t, type)."""
    name = "episode %s/%s/%d" % ep.key
    resolved = []
    pending = []
    for ev, text, file, line in ep.raw:
        m = REL_RE.match(text) if text[0].isalpha() else None
        if m is None:
            try:
                t, end, prec = parse_time(text)
            except ValueError as e:
                raise DataError(file, line, 'field "%s": %s'
                                % (EVENTS[ev], e)) from None
            resolved.append((ev, t, end, prec, text, file, line))
        else:
            anchor = EV.get(m.group(1))
            if anchor is None:
                raise DataError(file, line, 'field "%s": unknown event "%s"'
                                % (EVENTS[ev], m.group(1)))
            try:
                d = parse_duration(m.group(3))
            except ValueError as e:
                raise DataError(file, line, 'field "%s": %s'
                                % (EVENTS[ev], e)) from None
            pending.append((ev, anchor, d if m.group(2) == "+" else -d,
                            text, file, line))
    if pending:
        # depth-first over event types: a type is done when all its
        # relative values are resolved; its anchor is its first occurrence
        by_type = {}
        for p in pending:
            by_type.setdefault(p[0], []).append(p)
        state = {}

        def first_of(typ, path):
            if typ in by_type:
                if state.get(typ) == 1:
                    raise DataError(by_type[typ][0][4], by_type[typ][0][5],
                                    'field "%s": relative value "%s" is '
                                    'part of a cycle' % (EVENTS[typ],
                                                         by_type[typ][0][3]))
                if state.get(typ) is None:
                    state[typ] = 1
                    for ev, anchor, d, text, file, line in by_type[typ]:
                        a = first_of(anchor, path)
                        if a is None:
                            raise DataError(file, line, 'field "%s": '
                                            'anchor "%s" has no value'
                                            % (EVENTS[ev], EVENTS[anchor]))
                        resolved.append((ev, a[1] + d, a[2] + d, a[3], text,
                                         file, line))
                    state[typ] = 2
            best = None
            for r in resolved:
                if r[0] == typ and (best is None or r[1] < best[1]):
                    best = r
            return best

        for typ in list(by_type):
            first_of(typ, ())
    # merge duplicates, refuse conflicting non-repeatable values
    seen = {}
    events = []
    for r in resolved:
        k = (r[0], r[1], r[3])
        if k in seen:
            continue
        seen[k] = True
        events.append(r)
    events.sort(key=lambda r: (r[1], r[0]))
    first = {}
    for r in events:
        if r[0] not in first:
            first[r[0]] = r
        elif r[0] not in REPEATABLE:
            o = first[r[0]]
            raise DataError(r[5], r[6], '%s: field "%s": %s (line %d) and '
                            '%s' % (name, EVENTS[r[0]], o[4], o[6], r[4]))
    return events, first


def check_order(name, later, earlier):
    if later is not None and earlier is not None and later[2] <= earlier[1]:
        raise DataError(later[5], later[6], '%s: field "%s": %s is before '
                        '%s %s' % (name, EVENTS[later[0]], later[4],
                                   EVENTS[earlier[0]], earlier[4]))


def pair(name, events, start, stop):
    """Segments [(start, stop or None)] of one kind in time order."""
    segs = []
    open_ = None
    i, n = 0, len(events)
    kinds = [r for r in events if r[0] == start or r[0] == stop]
    i, n = 0, len(kinds)
    while i < n:
        t = kinds[i][1]
        j = i
        while j < n and kinds[j][1] == t:
            j += 1
        starts = [r for r in kinds[i:j] if r[0] == start]
        stops = [r for r in kinds[i:j] if r[0] == stop]
        if open_ is not None and stops:
            segs.append((open_, stops.pop(0)))
            open_ = None
        for s in starts:
            if open_ is not None:
                raise DataError(s[5], s[6], '%s: field "%s": %s while a '
                                'segment is open' % (name, EVENTS[start],
                                                     s[4]))
            open_ = s
            if stops:
                segs.append((open_, stops.pop(0)))
                open_ = None
        if stops:
            s = stops[0]
            raise DataError(s[5], s[6], '%s: field "%s": %s has no start'
                            % (name, EVENTS[stop], s[4]))
        i = j
    if open_ is not None:
        segs.append((open_, None))
    return segs


def check_episode(ep, events, first):
    name = "episode %s/%s/%d" % ep.key
    ca = first.get(EV["ca_onset"])
    for n in ("cpr_start", "rosc", "rosc_transient", "rearrest",
              "mcc_start", "cannulation_start", "ecmo_flow_start"):
        check_order(name, first.get(EV[n]), ca)
    check_order(name, first.get(EV["ecmo_flow_start"]),
                first.get(EV["cannulation_start"]))
    check_order(name, first.get(EV["ecmo_stop"]),
                first.get(EV["ecmo_flow_start"]))
    check_order(name, first.get(EV["icu_discharge"]),
                first.get(EV["icu_admit"]))
    check_order(name, first.get(EV["hospital_discharge"]),
                first.get(EV["hospital_admit"]))
    segs = []
    for start, stop in SEGMENTS:
        s = pair(name, events, start, stop)
        for a, b in s:
            check_order(name, b, a)
        segs.append(s)
    death = first.get(EV["death"])
    if death is not None:
        for r in events:
            if death[2] <= r[1]:
                raise DataError(r[5], r[6], '%s: field "%s": %s is after '
                                'death %s' % (name, EVENTS[r[0]], r[4],
                                              death[4]))
        hd = first.get(EV["hospital_discharge"])
        cpc = ep.attrs.get("cpc_discharge")
        if cpc is not None and cpc != "5" and (hd is None or
                                                not hd[2] <= death[1]):
            raise DataError(death[5], death[6], '%s: cpc_discharge %s but '
                            'death in hospital' % (name, cpc))
    return segs


def rnd(x, d):
    """x / d rounded half away from zero."""
    q = (abs(x) * 2 + d) // (2 * d)
    return -q if x < 0 else q


def span(name, start, stop):
    """(lo, hi) seconds of stop - start; day precision widens."""
    slo = shi = start[1]
    if start[3] <= DAY:
        shi = start[2]
    tlo = thi = stop[1]
    if stop[3] <= DAY:
        thi = stop[2]
    lo, hi = tlo - shi, thi - slo
    if hi < 0:
        raise DataError(stop[5], stop[6], '%s: %s %s is before %s %s'
                        % (name, EVENTS[stop[0]], stop[4], EVENTS[start[0]],
                           start[4]))
    return (max(lo, 0), hi)


def fmt(lo, hi, unit):
    a, b = rnd(lo, unit), rnd(hi, unit)
    if unit == 60:
        return str(a) if a == b else "%d..%d" % (a, b)
    a = "%d.%d" % (a // 10, a % 10)
    if rnd(lo, unit) == b:
        return a
    return "%s..%d.%d" % (a, b // 10, b % 10)


def intervals(ep, events, first, segs):
    name = "episode %s/%s/%d" % ep.key
    g = first.get
    ca, cpr, flow = g(EV["ca_onset"]), g(EV["cpr_start"]), \
        g(EV["ecmo_flow_start"])
    rosc, cann, stop = g(EV["rosc"]), g(EV["cannulation_start"]), \
        g(EV["ecmo_stop"])
    death = g(EV["death"])

    def iv(a, b, unit):
        if a is None or b is None:
            return ""
        lo, hi = span(name, a, b)
        return fmt(lo, hi, unit)

    out = [iv(ca, cpr, 60), iv(cpr, flow if flow is not None else rosc, 60)]
    mcc = segs[0]
    if not mcc or any(b is None for a, b in mcc):
        out.append("")
    else:
        lo = hi = 0
        for a, b in mcc:
            x, y = span(name, a, b)
            lo += x
            hi += y
        out.append(fmt(lo, hi, 60))
    out.append(iv(ca, rosc, 60))
    out.append(iv(cann, flow, 60))
    out.append(iv(ca, flow, 60))
    out.append(iv(flow, stop, 8640))
    icu_end = g(EV["icu_discharge"]) or death
    out.append(iv(g(EV["icu_admit"]), icu_end, 8640))
    hosp_end = g(EV["hospital_discharge"]) or death
    out.append(iv(g(EV["hospital_admit"]), hosp_end, 8640))
    out.append(ep.attrs.get("cpc_discharge", ""))
    return out


def quote(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print("usage: %s FILE..." % PROG)
        return 0 if len(argv) == 2 else 64
    episodes = {}
    try:
        for path in argv[1:]:
            try:
                read_file(path, episodes)
            except OSError as e:
                sys.stderr.write("%s: %s: cannot open: %s\n"
                                 % (PROG, path, e.strerror))
                return 66
            except (csv.Error, UnicodeDecodeError) as e:
                raise DataError(path, 0, str(e)) from None
        rows = []
        for key, ep in episodes.items():
            events, first = finish(ep)
            segs = check_episode(ep, events, first)
            rows.append((key[0].encode(), key[1].encode(), key[2],
                         intervals(ep, events, first, segs)))
    except DataError as e:
        sys.stderr.write("%s: %s: %s\n" % (PROG, e.where, e.message))
        return 65
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out = ["site,subject,episode," + ",".join(INTERVALS) + "\n"]
    for site, subject, number, ivs in rows:
        out.append("%s,%s,%d,%s\n" % (quote(site.decode()),
                                      quote(subject.decode()), number,
                                      ",".join(ivs)))
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
