"""Runs xgb.cv (XGBoost 1.7.4) on every case of a cross-validation differential batch.

argv[1]: a directory holding manifest.json ([{"dir", "params", "num_boost_round", "metrics",
"early_stopping_rounds", "weighted"}]) and one folder per case with data.csv (label first, then the
weight when weighted, then the features; empty field = missing) and folds.json ([[train], [test]] per
fold). Writes per case cv.json: xgb.cv's columns (as_pandas=False) with every value as the hex of its
float64 bits, and oof.json: each of xgb.cv's fold models scoring its fold's test rows with the trees up to
the best round, as float32 hex, in fold order.
"""
import json, os, struct, sys
import numpy as np
import xgboost as xgb

def hex64(x):
    return struct.pack('>d', float(x)).hex()

class Keep(xgb.callback.TrainingCallback):
    """Keeps xgb.cv's fold boosters (its _PackedBooster's cvfolds), which xgb.cv does not return."""
    def after_training(self, model):
        self.folds = model.cvfolds
        return model

root = sys.argv[1]
cases = json.load(open(os.path.join(root, 'manifest.json')))
for case in cases:
    d = os.path.join(root, case['dir'])
    with open(os.path.join(d, 'data.csv')) as f:
        table = np.array([[float(v) if v != '' else np.nan for v in line.rstrip('\n').split(',')] for line in f], dtype=np.float64)
    y = table[:, 0]
    if case['weighted']:
        w, X = table[:, 1], table[:, 2:]
    else:
        w, X = None, table[:, 1:]
    dall = xgb.DMatrix(X, label=y, weight=w, missing=np.nan)
    folds = [(np.array(tr, dtype=np.int64), np.array(te, dtype=np.int64)) for tr, te in json.load(open(os.path.join(d, 'folds.json')))]
    params = dict(case['params'], objective='binary:logistic', nthread=1)
    keep = Keep()
    res = xgb.cv(params, dall, num_boost_round=case['num_boost_round'], folds=folds, metrics=case['metrics'],
                 early_stopping_rounds=case['early_stopping_rounds'], as_pandas=False, verbose_eval=False,
                 callbacks=[keep])
    out = {'columns': list(res.keys()), 'values': {k: [hex64(v) for v in vs] for k, vs in res.items()}}
    json.dump(out, open(os.path.join(d, 'cv.json'), 'w'))
    kept = len(next(iter(res.values())))
    # The best round: the first optimum of the last metric's test mean (auc is maximised), as the
    # early-stopping callback keeps it; without early stopping, the last round.
    if case['early_stopping_rounds']:
        watched = np.array(res['test-%s-mean' % case['metrics'][-1]])
        kept = int(np.argmax(watched) if case['metrics'][-1] == 'auc' else np.argmin(watched)) + 1
    oof = []
    for (tr, te), fold in zip(folds, keep.folds):
        p = fold.bst.predict(dall.slice(te), iteration_range=(0, kept)).astype(np.float32)
        oof.append([format(int(v), '08x') for v in p.view(np.uint32)])
    json.dump(oof, open(os.path.join(d, 'oof.json'), 'w'))
print('cv', len(cases))
