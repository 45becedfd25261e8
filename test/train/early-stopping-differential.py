"""Trains every case of the early-stopping differential test the way SageMaker's XGBoost 1.7-1 container does.

The container (aws/sagemaker-xgboost-container, branch 1.7-1, algorithm_mode/train.py and callback.py):
- watches [(train, 'train'), (validation, 'validation')];
- pops early_stopping_rounds from the hyperparameters; early stopping is on only with a validation
  channel AND an eval_metric (the last one decides; maximised for auc and the other XGB_MAXIMIZE_METRICS);
- adds xgb.callback.EarlyStopping(rounds, data_name='validation', metric_name=eval_metric[-1],
  maximize=..., save_best=True), so the saved booster keeps the trees up to the best round only;
- saves with bst.save_model('xgboost-model') (legacy binary), and serving predicts with
  ntree_limit=best_ntree_limit.

argv[1]: a directory holding cases.json ([{"dir", "hyperparameters"}]) and per case folder train.csv,
optionally validation.csv, and test.csv (label first, no header, empty field = missing; with
csv_weights=1 the second column is the weight). Writes per case: model.json (the saved xgboost-model
loaded back and written as JSON), scores.txt (float32 hex of what the endpoint would answer for
test.csv's features) and result.json (evals_result, best iteration, trees).
"""
import json, os, sys
import numpy as np
import xgboost as xgb

MAXIMIZE = {"accuracy", "auc", "aucpr", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "map", "ndcg",
            "precision", "r2", "recall", "precision_macro", "precision_micro", "recall_macro", "recall_micro"}


def load(path, weights):
    with open(path) as f:
        t = np.array([[float(v) if v != '' else np.nan for v in l.rstrip('\n').split(',')] for l in f], dtype=np.float64)
    if weights:
        return xgb.DMatrix(t[:, 2:], label=t[:, 0], weight=t[:, 1], missing=np.nan), t[:, 2:]
    return xgb.DMatrix(t[:, 1:], label=t[:, 0], missing=np.nan), t[:, 1:]


root = sys.argv[1]
for case in json.load(open(os.path.join(root, 'cases.json'))):
    d = os.path.join(root, case['dir'])
    cfg = dict(case['hyperparameters'])
    weights = cfg.pop('csv_weights', '0') == '1'
    num_round = int(cfg.pop('num_round'))
    cfg['nthread'] = 1
    eval_metric = cfg['eval_metric'].split(',') if 'eval_metric' in cfg else None
    if eval_metric is not None:
        cfg['eval_metric'] = eval_metric
    early_stopping_rounds = cfg.pop('early_stopping_rounds', None)
    dtrain, _ = load(os.path.join(d, 'train.csv'), weights)
    has_validation = os.path.exists(os.path.join(d, 'validation.csv'))
    watchlist = [(dtrain, 'train')]
    if has_validation:
        dvalid, _ = load(os.path.join(d, 'validation.csv'), weights)
        watchlist.append((dvalid, 'validation'))
    callbacks = []
    metric = eval_metric[-1] if early_stopping_rounds and eval_metric else None
    if has_validation and metric and early_stopping_rounds:
        callbacks.append(xgb.callback.EarlyStopping(rounds=int(early_stopping_rounds), data_name='validation',
                                                    metric_name=metric, maximize=metric in MAXIMIZE, save_best=True))
    history = {}
    bst = xgb.train(cfg, dtrain, num_boost_round=num_round, evals=watchlist, callbacks=callbacks,
                    evals_result=history, verbose_eval=False)
    saved = os.path.join(d, 'xgboost-model')
    bst.save_model(saved)
    served = xgb.Booster()
    served.load_model(saved)
    with open(os.path.join(d, 'model.json'), 'wb') as f:
        f.write(served.save_raw('json'))
    _, test = load(os.path.join(d, 'test.csv'), False)
    scores = served.predict(xgb.DMatrix(test, missing=np.nan), ntree_limit=getattr(served, 'best_ntree_limit', 0),
                            validate_features=False).astype(np.float32)
    with open(os.path.join(d, 'scores.txt'), 'w') as f:
        f.write('\n'.join(format(int(v), '08x') for v in scores.view(np.uint32)))
    with open(os.path.join(d, 'result.json'), 'w') as f:
        json.dump(dict(history={k: {m: list(v) for m, v in ms.items()} for k, ms in history.items()},
                       best_iteration=int(served.attr('best_iteration')), trees=served.num_boosted_rounds(),
                       early_stopping=bool(callbacks)), f)
print('trained', len(json.load(open(os.path.join(root, 'cases.json')))))
