#!/usr/bin/python3
"""table_pandas.py - the durations csv of `ecpr-table --format csv` in pandas.

What a data scientist would write with pandas (Debian python3-pandas) for
a long-form case-record file (site,subject,episode,event,time,note), all
vectorised: read_csv, times split into the local part and the UTC offset
and parsed with to_datetime (one ISO 8601 format, not the slow per-value
path mixed offsets take), relative values (ca_onset+PT8M) joined to their
anchor with merge and to_timedelta, duplicates dropped, the first of each
event type by pivot_table, segments paired by rank within the episode,
intervals as column differences rounded half away from zero.

It assumes valid input (ecpr-table checks every rule; this script checks
none) and cannot express what ISO 8601 partial values mean: a value known
only to the day (or month, year) is a span, and ecpr-table prints the
range of an interval over it (LO..HI).  pandas has no interval-valued
time, so every interval that uses such a value, and every interval whose
events are relative to one, is left empty here (not compared).  So is
cpc_discharge, an attribute of the wide form.

usage: table_pandas.py FILE
       table_pandas.py --compare PANDAS.csv ECPR.csv
The second form compares the two outputs where this script defines a
value and prints how many values were compared, how many were left
undefined, and the differences (exit 1 when any).
"""

import sys

import numpy as np
import pandas as pd

INTERVALS = ["no_flow_min", "conventional_cpr_min", "mechanical_cc_min",
             "cardiac_arrest_min", "ecmo_setup_min", "ca_to_flow_min",
             "ecpr_days", "icu_days", "hospital_days", "cpc_discharge"]
KEY = ["site", "subject", "episode"]


def parse_times(s):
    """UTC seconds of absolute values with a time of day (NaN otherwise)
    and whether the value is exact (a minute or a second)."""
    exact = s.str.len() >= 17            # YYYY-MM-DDTHH:MM and an offset
    z = s.str.endswith("Z")
    local = s.str[:-6].where(~z, s.str[:-1]).where(exact)
    # one ISO 8601 form without offsets: pandas' fast C parser
    t = pd.to_datetime(local, errors="coerce")
    secs = (t - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    off = s.str[-6:].where(exact & ~z)
    sign = np.where(off.str[0] == "-", -1, 1)
    offset = sign * (pd.to_numeric(off.str[1:3], errors="coerce") * 3600 +
                     pd.to_numeric(off.str[4:6], errors="coerce") * 60)
    return secs - offset.fillna(0), exact


def read(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False,
                     usecols=["site", "subject", "episode", "event", "time"])
    df["episode"] = pd.to_numeric(df["episode"].replace("", "1"))
    rel = df["time"].str.extract(r"^([a-z_]+)([+-])(P.*)$")
    isrel = rel[0].notna()
    t, exact = parse_times(df["time"].where(~isrel, ""))
    df["t"] = t.where(exact)
    df["exact"] = exact
    # relative values: the first value of the anchor event plus the duration
    first = (df[~isrel].groupby(KEY + ["event"], sort=False)
             .agg(t=("t", "min"), exact=("exact", "all")).reset_index())
    r = df.loc[isrel, KEY + ["event"]].assign(
        anchor=rel.loc[isrel, 0],
        delta=(pd.to_timedelta(rel.loc[isrel, 2]) //
               pd.Timedelta(seconds=1)) *
        np.where(rel.loc[isrel, 1] == "-", -1, 1))
    r = r.merge(first.rename(columns={"event": "anchor"}),
                on=KEY + ["anchor"], how="left")
    r["t"] = (r["t"] + r["delta"]).where(r["exact"].fillna(False))
    r["exact"] = r["exact"].fillna(False)
    ev = pd.concat([df.loc[~isrel, KEY + ["event", "t", "exact"]],
                    r[KEY + ["event", "t", "exact"]]], ignore_index=True)
    return ev.drop_duplicates(KEY + ["event", "t"])


def minutes(sec):
    return np.sign(sec) * ((2 * sec.abs() + 60) // 120)


def tenths_of_days(sec):
    return np.sign(sec) * ((2 * sec.abs() + 8640) // 17280)


def fmt_days(v):
    return (v // 10).astype("Int64").astype(str) + "." + \
        (v % 10).astype("Int64").astype(str)


def durations(ev):
    # the first (earliest) value of each event, and whether it is exact
    # (a value known only to the day makes the whole row undefined there)
    first = ev.pivot_table(index=KEY, columns="event", values="t",
                           aggfunc="min")
    allexact = ev.pivot_table(index=KEY, columns="event", values="exact",
                              aggfunc="all")
    first = first.where(allexact.reindex_like(first).fillna(True)
                        .astype(bool))
    first = first.reindex(columns=sorted(set(first.columns) | {
        "ca_onset", "cpr_start", "ecmo_flow_start", "rosc",
        "cannulation_start", "ecmo_stop", "icu_admit", "icu_discharge",
        "hospital_admit", "hospital_discharge", "death"}))
    f = first
    out = pd.DataFrame(index=f.index)
    out["no_flow_min"] = minutes(f["cpr_start"] - f["ca_onset"])
    out["conventional_cpr_min"] = minutes(
        f["ecmo_flow_start"].fillna(f["rosc"]) - f["cpr_start"])
    # MCC: the k-th start with the k-th stop, in time order
    seg = ev[ev["event"].isin(["mcc_start", "mcc_stop"])].sort_values("t")
    seg = seg.assign(k=seg.groupby(KEY + ["event"]).cumcount())
    pairs = (seg.set_index(KEY + ["k", "event"])["t"].unstack("event")
             .reindex(columns=["mcc_start", "mcc_stop"]))
    segsec = (pairs["mcc_stop"] - pairs["mcc_start"]).groupby(KEY).sum(
        min_count=1)
    complete = pairs.notna().all(axis=1).groupby(KEY).all()
    out["mechanical_cc_min"] = minutes(segsec.where(complete))
    out["cardiac_arrest_min"] = minutes(f["rosc"] - f["ca_onset"])
    out["ecmo_setup_min"] = minutes(f["ecmo_flow_start"] -
                                    f["cannulation_start"])
    out["ca_to_flow_min"] = minutes(f["ecmo_flow_start"] - f["ca_onset"])
    out["ecpr_days"] = tenths_of_days(f["ecmo_stop"] - f["ecmo_flow_start"])
    out["icu_days"] = tenths_of_days(
        f["icu_discharge"].fillna(f["death"]) - f["icu_admit"])
    out["hospital_days"] = tenths_of_days(
        f["hospital_discharge"].fillna(f["death"]) - f["hospital_admit"])
    for c in INTERVALS[:6]:
        out[c] = out[c].astype("Int64").astype(str).replace("<NA>", "")
    for c in INTERVALS[6:9]:
        out[c] = fmt_days(out[c].astype("Int64")).replace("<NA>.<NA>", "")
    out["cpc_discharge"] = ""
    out = out.reset_index()
    # byte order of UTF-8 is code point order, which str compares by
    return out.sort_values(KEY, kind="stable")


def compare(mine, theirs):
    a = pd.read_csv(mine, dtype=str, keep_default_na=False)
    b = pd.read_csv(theirs, dtype=str, keep_default_na=False)
    if len(a) != len(b) or not (a[KEY] == b[KEY]).all().all():
        print("different episodes: %d and %d rows" % (len(a), len(b)))
        return 1
    compared = undefined = differ = 0
    per = []
    for c in INTERVALS:
        defined = a[c] != ""
        bad = defined & (a[c] != b[c])
        compared += int(defined.sum())
        undefined += int((~defined & (b[c] != "")).sum())
        differ += int(bad.sum())
        per.append("%s %d" % (c, int(defined.sum())))
        for i in list(a.index[bad])[:3]:
            print("differs: %s/%s/%s %s: pandas %s, ecpr-table %s" % (
                a.at[i, "site"], a.at[i, "subject"], a.at[i, "episode"],
                c, a.at[i, c], b.at[i, c]))
    print("compared %d values (%s); %d values ecpr-table gives are "
          "undefined here (ranges of partial dates, the wide form's "
          "cpc_discharge); %d differ" % (compared, ", ".join(per),
                                         undefined, differ))
    return 1 if differ else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--compare":
        return compare(argv[2], argv[3])
    if len(argv) != 2:
        sys.stderr.write("usage: table_pandas.py FILE\n"
                         "       table_pandas.py --compare PANDAS ECPR\n")
        return 64
    out = durations(read(argv[1]))
    out.to_csv(sys.stdout, index=False, columns=KEY + INTERVALS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
