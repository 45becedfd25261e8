"""Trains every case of a differential-test batch with XGBoost, one process for the whole batch.

argv[1]: a directory holding manifest.json ([{"dir", "params", "num_round", "csv_weights"}]) and one
folder per case with data.csv (label first, then the instance weight when csv_weights is 1, as
SageMaker's container reads a channel with csv_weights=1; no header, empty field = missing) and ours.json (the model trained by the
TypeScript trainer). Writes per case: xgb.json (XGBoost's model) and ours_margin.txt (XGBoost's margins
for ours.json on the same data, as float32 hex).
"""
import json, os, sys
import numpy as np
import xgboost as xgb

root = sys.argv[1]
for case in json.load(open(os.path.join(root, 'manifest.json'))):
    d = os.path.join(root, case['dir'])
    with open(os.path.join(d, 'data.csv')) as f:
        table = np.array([[float(v) if v != '' else np.nan for v in line.rstrip('\n').split(',')] for line in f], dtype=np.float64)
    y = table[:, 0]
    if case.get('csv_weights') == 1:
        w, X = table[:, 1], table[:, 2:]
    else:
        w, X = None, table[:, 1:]
    params = dict(case['params'], objective='binary:logistic', nthread=1)
    bst = xgb.train(params, xgb.DMatrix(X, label=y, weight=w, missing=np.nan), case['num_round'])
    with open(os.path.join(d, 'xgb.json'), 'wb') as f:
        f.write(bst.save_raw('json'))
    ours = xgb.Booster(model_file=os.path.join(d, 'ours.json'))
    margin = ours.predict(xgb.DMatrix(X, missing=np.nan), output_margin=True).astype(np.float32)
    with open(os.path.join(d, 'ours_margin.txt'), 'w') as f:
        f.write('\n'.join(format(int(v), '08x') for v in margin.view(np.uint32)))
print('trained', len(json.load(open(os.path.join(root, 'manifest.json')))))
