"""Differential reference for the model formats and prediction, run with Debian's python3-xgboost 1.7.4.

make <root> <cases> <seed>: trains <cases> random small models (counts and continuous features, NaN,
class imbalance, exact/hist/approx, depth 1-8, gamma, lambda, alpha, subsample, max_bin, base_score,
scale_pos_weight, early stopping; the last two cases grow trees deeper than 12 levels) and writes per
case, in <root>/case<k>/:
  model.json, model.ubj, xgboost-model (legacy binary)   save_model in each format
  x.f64          test rows (float64, row-major; NaN = missing; values on and next to split thresholds)
  margin.f32 prob.f32 leaves.i32   predict(output_margin=True), predict(), predict(pred_leaf=True), all trees
  prob_best.f32  predict(iteration_range=(0, best_ntree_limit)), what the SageMaker container serves
  margin_narrow.f32   margins for the rows without their last column (missing, as XGBoost treats it)
  meta.json      rows, columns, num_trees, best_ntree_limit, params
check <root> <cases>: loads <root>/case<k>/ours.json, ours.ubj, ours-binary (written by the library)
with XGBoost and writes ours_json.f32, ours_ubj.f32, ours_binary.f32: their margins on x.f64.
"""
import json, os, sys
import numpy as np
import xgboost as xgb

def make(root, cases, seed):
    rng = np.random.default_rng(seed)
    for k in range(cases):
        d = os.path.join(root, 'case%d' % k)
        os.makedirs(d, exist_ok=True)
        n = int(rng.integers(60, 400))
        f = int(rng.integers(1, 10))
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
        if rng.random() < 0.5:
            X[rng.random(X.shape) < rng.uniform(0.02, 0.3)] = np.nan
        w = rng.normal(0, 1, f)
        score = np.nan_to_num(X, nan=0.0) @ w / (np.nanstd(X) + 1e-9)
        cut = np.quantile(score, 1 - rng.uniform(0.03, 0.5))
        y = ((score + rng.normal(0, 0.5 * np.std(score) + 1e-9, n)) > cut).astype(np.float64)
        if y.min() == y.max():
            y[0] = 1 - y[0]
        params = dict(objective='binary:logistic', nthread=1, seed=int(rng.integers(0, 1000)),
                      tree_method=str(rng.choice(['exact', 'hist', 'approx'])),
                      max_depth=int(rng.integers(1, 9)), eta=float(rng.choice([0.05, 0.1, 0.3, 0.7, 1.0])),
                      gamma=float(rng.choice([0, 0, 0.5, 2, 5])), reg_lambda=float(rng.choice([0, 1, 3])),
                      reg_alpha=float(rng.choice([0, 0, 0.3])), min_child_weight=float(rng.choice([0.5, 1, 3])),
                      subsample=float(rng.choice([1, 1, 0.7])), max_bin=int(rng.choice([16, 64, 256])))
        if k >= cases - 2:
            # Deep trees (beyond the 12 levels the fast kernels take): continuous features, no pruning.
            n = 1500
            X = rng.normal(0, 1, (n, 6))
            y = (np.sin(3 * X[:, 0]) + X[:, 1] * X[:, 2] + rng.normal(0, 0.3, n) > 0).astype(np.float64)
            params.update(tree_method='exact', max_depth=20, min_child_weight=0.01, gamma=0.0, reg_lambda=0.01, reg_alpha=0.0, subsample=1.0, eta=0.3)
            f = 6
        if rng.random() < 0.3:
            params['base_score'] = float(rng.choice([0.1, 0.3, 0.73, 0.9]))
        if rng.random() < 0.2:
            params['scale_pos_weight'] = float(rng.choice([2.5, 10]))
        rounds = int(rng.integers(1, 16))
        dtrain = xgb.DMatrix(X, label=y, missing=np.nan, nthread=1)
        if rng.random() < 0.3 and n > 100:
            half = n // 2
            dva = xgb.DMatrix(X[half:], label=y[half:], missing=np.nan, nthread=1)
            bst = xgb.train(params, xgb.DMatrix(X[:half], label=y[:half], missing=np.nan, nthread=1), rounds + 10,
                            evals=[(dva, 'validation')], early_stopping_rounds=3, verbose_eval=False)
        else:
            bst = xgb.train(params, dtrain, rounds)
        bst.save_model(os.path.join(d, 'model.json'))
        bst.save_model(os.path.join(d, 'model.ubj'))
        bst.save_model(os.path.join(d, 'xgboost-model'))
        # Test rows: fresh draws, the training rows, and values exactly on / one float64 ulp around thresholds.
        model = json.loads(bst.save_raw('json'))
        thresholds = [(t['split_indices'][i], t['split_conditions'][i])
                      for t in model['learner']['gradient_booster']['model']['trees']
                      for i in range(len(t['left_children'])) if t['left_children'][i] != -1]
        rows = [X[rng.permutation(n)[:120]]]
        for (j, v) in thresholds[:60]:
            for x in (v, np.nextafter(v, -np.inf), np.nextafter(v, np.inf), float(np.float32(v)) - 1e-9):
                row = X[int(rng.integers(0, n))].copy()
                row[j] = x
                rows.append(row[None, :])
        T = np.ascontiguousarray(np.vstack(rows), dtype=np.float64)
        dt = xgb.DMatrix(T, missing=np.nan, nthread=1)
        T.tofile(os.path.join(d, 'x.f64'))
        bst.predict(dt, output_margin=True).astype(np.float32).tofile(os.path.join(d, 'margin.f32'))
        bst.predict(dt).astype(np.float32).tofile(os.path.join(d, 'prob.f32'))
        bst.predict(dt, pred_leaf=True).astype(np.int32).tofile(os.path.join(d, 'leaves.i32'))
        best = int(bst.attr('best_ntree_limit') or bst.num_boosted_rounds())
        bst.predict(dt, iteration_range=(0, best)).astype(np.float32).tofile(os.path.join(d, 'prob_best.f32'))
        if f > 1:
            bst.predict(xgb.DMatrix(np.ascontiguousarray(T[:, :-1]), missing=np.nan, nthread=1), output_margin=True).astype(np.float32).tofile(os.path.join(d, 'margin_narrow.f32'))
        json.dump(dict(rows=int(T.shape[0]), columns=f, num_trees=bst.num_boosted_rounds(), best_ntree_limit=best,
                       params={k: v for k, v in params.items()}), open(os.path.join(d, 'meta.json'), 'w'))
    print(cases)

def check(root, cases):
    for k in range(cases):
        d = os.path.join(root, 'case%d' % k)
        meta = json.load(open(os.path.join(d, 'meta.json')))
        T = np.fromfile(os.path.join(d, 'x.f64'), dtype=np.float64).reshape(meta['rows'], meta['columns'])
        dt = xgb.DMatrix(T, missing=np.nan, nthread=1)
        for name, out in (('ours.json', 'ours_json.f32'), ('ours.ubj', 'ours_ubj.f32'), ('ours-binary', 'ours_binary.f32')):
            b = xgb.Booster(model_file=os.path.join(d, name))
            b.predict(dt, output_margin=True).astype(np.float32).tofile(os.path.join(d, out))
    print(cases)

if sys.argv[1] == 'make':
    make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
else:
    check(sys.argv[2], int(sys.argv[3]))
