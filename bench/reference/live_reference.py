#!/usr/bin/env python3
"""pandas + XGBoost 1.7.4 reference for bench/live-detection.bench.ts.

The seed notebook's way of building features (per-session counts of each action code, a pandas
groupby/pivot), extended the straightforward way to live detection:

* a whole-session model: one row per training session;
* a prefix model: every prefix 1..40 of every training session a row (cumulative counts), each
  weighted 1/(its session's number of prefix rows);
* a threshold per model chosen on held-out validation sessions so that at most the budget of
  innocent sessions (per 10 000) ever cross it when scored after every event; the combined
  detector alerts when either model crosses its threshold, each model given half the budget.

Input: a JSON request on stdin: {"train": [tsv paths], "test": tsv path, "budget": 10,
"validationFraction": 0.3, "seed": 1, "hyperparameters": {...}}. Output: JSON figures per detector
on the test log (recall, false alerts per 10K, median and p90 events to the first alert).
"""
import json
import sys

import numpy as np
import pandas as pd
import xgboost as xgb


def read(paths):
    frames = [pd.read_csv(p, sep="\t", dtype={"SessionNo": str, "Act": str}) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    df["t"] = pd.to_datetime(df["LogTime"])
    df = df.sort_values(["SessionNo", "t"], kind="mergesort").reset_index(drop=True)
    return df


def cumulative_counts(df, codes):
    """Per event: the counts of each code in the session up to and including it (the live feature row)."""
    onehot = pd.get_dummies(pd.Categorical(df["Act"], categories=codes)).to_numpy(dtype=np.float32)
    sessions = df["SessionNo"].to_numpy()
    cum = np.cumsum(onehot, axis=0)
    starts = np.r_[0, np.flatnonzero(sessions[1:] != sessions[:-1]) + 1]
    lengths = np.diff(np.r_[starts, len(df)])
    base = np.repeat(np.r_[np.zeros((1, len(codes)), np.float32), cum[starts[1:] - 1]], lengths, axis=0)
    position = np.arange(len(df)) - np.repeat(starts, lengths) + 1
    return cum - base, position, starts, lengths


def session_labels(df, starts, lengths):
    return np.maximum.reduceat(df["BadActor"].to_numpy(), starts).astype(int)


def train_model(x, y, w, params, rounds):
    d = xgb.DMatrix(x, label=y, weight=w)
    return xgb.train(params, d, num_boost_round=rounds)


def peaks(scores, starts, lengths):
    return np.maximum.reduceat(scores, starts)


def threshold_for(peak, labels, budget):
    """The lowest threshold, halfway between two innocent peaks, with at most the budget of innocent sessions at or over it."""
    innocent = np.sort(peak[labels == 0])
    allowed = int(np.floor(budget * len(innocent) / 10000))
    distinct = np.unique(innocent)[::-1]
    at_or_over = len(innocent) - np.searchsorted(innocent, distinct, side="left")
    ok = np.flatnonzero(at_or_over <= allowed)
    if len(ok) == 0:
        return float((distinct[0] + 1) / 2)
    i = ok[-1]
    lower = distinct[i + 1] if i + 1 < len(distinct) else 0.0
    return float((distinct[i] + lower) / 2)


def figures(alert_at, labels):
    attackers = labels == 1
    caught = alert_at[attackers] > 0
    events = alert_at[attackers][caught]
    innocents = (~attackers).sum()
    return {
        "recall": float(caught.mean()),
        "caught": int(caught.sum()),
        "attackers": int(attackers.sum()),
        "falseAlertsPer10k": float((alert_at[~attackers] > 0).sum() / innocents * 10000),
        "medianEvents": float(np.median(events)) if len(events) else None,
        "p90Events": float(np.percentile(events, 90)) if len(events) else None,
    }


def first_alert(scores_by_model, thresholds, position, starts, lengths):
    over = np.zeros(len(position), dtype=bool)
    for s, t in zip(scores_by_model, thresholds):
        over |= s >= t
    idx = np.where(over, position, np.iinfo(np.int64).max)
    first = np.minimum.reduceat(idx, starts)
    return np.where(first == np.iinfo(np.int64).max, 0, first)


def main():
    req = json.load(sys.stdin)
    budget = req.get("budget", 10)
    rng = np.random.default_rng(req.get("seed", 1))
    hp = {"max_depth": 5, "eta": 0.2, "gamma": 4, "min_child_weight": 6, "subsample": 0.7,
          "objective": "binary:logistic", "tree_method": "hist", "nthread": 1, "seed": req.get("seed", 1)}
    hp.update(req.get("hyperparameters", {}))
    rounds = int(hp.pop("num_round", 50))

    train = read(req["train"])
    codes = sorted(train["Act"].unique())
    counts, position, starts, lengths = cumulative_counts(train, codes)
    labels = session_labels(train, starts, lengths)
    # Hold out a stratified share of sessions for calibration.
    hold = np.zeros(len(starts), dtype=bool)
    for label in (0, 1):
        idx = np.flatnonzero(labels == label)
        rng.shuffle(idx)
        hold[idx[: int(round(len(idx) * req.get("validationFraction", 0.3)))]] = True
    event_session = np.repeat(np.arange(len(starts)), lengths)
    fit_event = ~hold[event_session]
    ends = starts + lengths - 1

    # Whole-session rows: the last cumulative row of each training session.
    whole_rows = ends[~hold]
    whole = train_model(counts[whole_rows], labels[~hold], None, hp, rounds)
    # Prefix rows: every event at position <= 40 of a training session, weighted 1/rows of its session.
    prefix_mask = fit_event & (position <= 40)
    rows_per_session = np.minimum(lengths, 40)
    w = 1.0 / rows_per_session[event_session[prefix_mask]]
    prefix = train_model(counts[prefix_mask], labels[event_session[prefix_mask]], w, hp, rounds)

    # Calibrate on the held-out sessions, scored after every event.
    v_event = hold[event_session]
    v_counts = counts[v_event]
    v_sessions = np.flatnonzero(hold)
    v_starts = np.r_[0, np.cumsum(lengths[v_sessions])[:-1]]
    v_labels = labels[v_sessions]
    v_scores = {name: m.predict(xgb.DMatrix(v_counts)) for name, m in (("prefix", prefix), ("whole", whole))}
    v_peaks = {name: peaks(s, v_starts, lengths[v_sessions]) for name, s in v_scores.items()}

    test = read([req["test"]])
    t_counts, t_position, t_starts, t_lengths = cumulative_counts(test, codes)
    t_labels = session_labels(test, t_starts, t_lengths)
    t_scores = {name: m.predict(xgb.DMatrix(t_counts)) for name, m in (("prefix", prefix), ("whole", whole))}

    out = {}
    for name in ("prefix", "whole"):
        t = threshold_for(v_peaks[name], v_labels, budget)
        out[name] = figures(first_alert([t_scores[name]], [t], t_position, t_starts, t_lengths), t_labels)
        out[name]["threshold"] = float(t)
    halves = [threshold_for(v_peaks[name], v_labels, budget / 2) for name in ("prefix", "whole")]
    out["combined"] = figures(first_alert([t_scores["prefix"], t_scores["whole"]], halves, t_position, t_starts, t_lengths), t_labels)
    out["combined"]["thresholds"] = [float(x) for x in halves]
    out["xgboost"] = xgb.__version__
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
