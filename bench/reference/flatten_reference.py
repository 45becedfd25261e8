#!/usr/bin/env python3
"""pandas anchor for bench/flatten.bench.ts: the seed notebook's flattening.

The seed reads the TSV log, orders each session's events by time, cuts every session six ways
(drop0: whole sessions; drop20: 20% of each session's events dropped at random; first5, first10,
last5, last10) and flattens each cut into one row per session with the count of every action code,
pandas groupby/pivot style, with the session's label.

Usage: flatten_reference.py LOG.tsv ROUNDS [--dump]. The read and sort are timed apart from the
flattening; each round flattens the six variants and is timed with time.process_time (CPU) and
time.perf_counter (wall). One untimed warm-up round runs first. With --dump, the count matrix of
each variant is printed too (session ids, action codes, counts row by row) so that the caller can
check them against its own. Output: one JSON object on stdout.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

VARIANTS = ["drop0", "drop20", "first5", "first10", "last5", "last10"]


def read(path):
    df = pd.read_csv(path, sep="\t", dtype={"SessionNo": str, "Act": str})
    df["LogTime"] = pd.to_datetime(df["LogTime"], format="%Y-%m-%d %H:%M:%S.%f")
    return df.sort_values(["SessionNo", "LogTime"], kind="mergesort").reset_index(drop=True)


def truncate(df, name, rng):
    by_session = df.groupby("SessionNo", sort=False)
    if name == "drop0":
        return df
    if name == "drop20":
        return by_session.sample(frac=0.8, random_state=rng).sort_index()
    if name.startswith("first"):
        return by_session.head(int(name[len("first") :]))
    if name.startswith("last"):
        return by_session.tail(int(name[len("last") :]))
    raise ValueError(name)


def flatten(cut, sessions, codes):
    counts = cut.pivot_table(index="SessionNo", columns="Act", values="LogTime", aggfunc="count", fill_value=0)
    # Every session keeps its row, every known code its column, as the model's feature schema needs.
    counts = counts.reindex(index=sessions.index, columns=codes, fill_value=0)
    counts["BadActor"] = sessions
    return counts


def one_round(df, sessions, codes, rng):
    frames = {}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    per_variant = {}
    for name in VARIANTS:
        c0, w0 = time.process_time(), time.perf_counter()
        frames[name] = flatten(truncate(df, name, rng), sessions, codes)
        per_variant[name] = {"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0}
    return frames, {
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
        "variants": per_variant,
    }


def main():
    path, rounds, dump = sys.argv[1], int(sys.argv[2]), "--dump" in sys.argv[3:]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    df = read(path)
    sessions = df.groupby("SessionNo", sort=False)["BadActor"].max()
    codes = sorted(df["Act"].unique())
    read_time = {"cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0}
    rng = np.random.RandomState(0)
    frames, _ = one_round(df, sessions, codes, rng)  # warm-up: pandas' lazy imports and caches
    timed = []
    for _ in range(rounds):
        frames, figures = one_round(df, sessions, codes, rng)
        timed.append(figures)
    out = {"pandas": pd.__version__, "events": len(df), "sessions": len(sessions), "read": read_time, "rounds": timed}
    if dump:
        out["counts"] = {
            name: {
                "sessions": list(frame.index),
                "codes": codes,
                "rows": frame[codes].to_numpy(dtype=np.int64).ravel().tolist(),
            }
            for name, frame in frames.items()
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
