"""Differential reference for feature importance and contributions, run with Debian's python3-xgboost 1.7.4.

make <root> <cases> <seed>: trains <cases> random small models (counts and continuous features, NaN
cells, class imbalance, exact/hist/approx, depthwise and lossguide growth, depth 1-10, gamma, lambda,
alpha, subsample, min_child_weight, base_score, feature names on some) and writes, in <root>/case<k>/:
  model.json      Booster.save_model
  x.f64           test rows (float64, row-major; NaN = missing): fresh rows, some with extra NaN,
                  and rows with a value exactly on a split threshold
  contribs.f32    predict(pred_contribs=True), rows x (features + 1), all trees
  approx.f32      predict(pred_contribs=True, approx_contribs=True)
  importance.json {type: {feature: value}} from get_score for the five importance types
  meta.json       rows, columns, params
"""
import json, os, sys
import numpy as np
import xgboost as xgb

assert xgb.__version__ == '1.7.4', xgb.__version__
TYPES = ['weight', 'gain', 'cover', 'total_gain', 'total_cover']


def make(root, cases, seed):
    rng = np.random.default_rng(seed)
    for k in range(cases):
        d = os.path.join(root, 'case%d' % k)
        os.makedirs(d, exist_ok=True)
        n = int(rng.integers(80, 400))
        f = int(rng.integers(1, 9))
        cols = []
        for j in range(f):
            kind = rng.integers(0, 3)
            if kind == 0:
                cols.append(rng.poisson(rng.uniform(0.3, 6), n).astype(np.float64))
            elif kind == 1:
                cols.append(rng.normal(0, rng.uniform(0.01, 100), n))
            else:
                cols.append(rng.uniform(0, 1, n))
        X = np.stack(cols, axis=1)
        if rng.random() < 0.6:
            X[rng.random(X.shape) < rng.uniform(0.02, 0.3)] = np.nan
        w = rng.normal(0, 1, f)
        score = np.nan_to_num(X, nan=0.0) @ w / (np.nanstd(X) + 1e-9)
        cut = np.quantile(score, 1 - rng.uniform(0.03, 0.5))
        y = ((score + rng.normal(0, 0.5 * np.std(score) + 1e-9, n)) > cut).astype(np.float64)
        if y.min() == y.max():
            y[0] = 1 - y[0]
        method = str(rng.choice(['exact', 'hist', 'approx']))
        params = dict(objective='binary:logistic', nthread=1, seed=int(rng.integers(0, 1000)), tree_method=method,
                      max_depth=int(rng.integers(1, 11)), eta=float(rng.choice([0.05, 0.1, 0.3, 0.7, 1.0])),
                      gamma=float(rng.choice([0, 0, 0.5, 2])), reg_lambda=float(rng.choice([0, 1, 3])),
                      reg_alpha=float(rng.choice([0, 0, 0.3])), min_child_weight=float(rng.choice([0.1, 0.5, 1, 3])),
                      subsample=float(rng.choice([1, 1, 0.7])))
        if method != 'exact' and rng.random() < 0.3:
            params.update(grow_policy='lossguide', max_leaves=int(rng.integers(4, 40)), max_depth=0)
        if rng.random() < 0.3:
            params['base_score'] = float(rng.choice([0.1, 0.3, 0.73, 0.9]))
        names = ['feat_%d' % j for j in range(f)] if rng.random() < 0.4 else None
        rounds = int(rng.integers(1, 16))
        bst = xgb.train(params, xgb.DMatrix(X, label=y, missing=np.nan, nthread=1, feature_names=names), rounds)
        bst.save_model(os.path.join(d, 'model.json'))
        model = json.loads(bst.save_raw('json'))
        thresholds = [(t['split_indices'][i], t['split_conditions'][i])
                      for t in model['learner']['gradient_booster']['model']['trees']
                      for i in range(len(t['left_children'])) if t['left_children'][i] != -1]
        rows = [X[rng.permutation(n)[:100]]]
        extra = X[rng.permutation(n)[:30]].copy()
        extra[rng.random(extra.shape) < 0.4] = np.nan
        rows.append(extra)
        for (j, v) in thresholds[:30]:
            row = X[int(rng.integers(0, n))].copy()
            row[j] = v
            rows.append(row[None, :])
        T = np.ascontiguousarray(np.vstack(rows), dtype=np.float64)
        dt = xgb.DMatrix(T, missing=np.nan, nthread=1, feature_names=names)
        T.tofile(os.path.join(d, 'x.f64'))
        bst.predict(dt, pred_contribs=True).astype(np.float32).tofile(os.path.join(d, 'contribs.f32'))
        bst.predict(dt, pred_contribs=True, approx_contribs=True).astype(np.float32).tofile(os.path.join(d, 'approx.f32'))
        json.dump({t: bst.get_score(importance_type=t) for t in TYPES}, open(os.path.join(d, 'importance.json'), 'w'))
        json.dump(dict(rows=int(T.shape[0]), columns=f, params=params, names=names), open(os.path.join(d, 'meta.json'), 'w'))
    print(cases)


make(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
