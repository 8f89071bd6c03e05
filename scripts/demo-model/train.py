"""Step 2 of the demo fusion model: trains XGBoost (Debian's python3-xgboost 1.7.x) on models/demo/cohort.csv
and writes models/demo/model.ubj and models/demo/model-card.json (with the model's sha256).

The cohort is synthetic (phantom studies): the model is a demonstration of the pipeline, not for clinical use.
Run: /usr/bin/python3 scripts/demo-model/train.py   (after make-cohort.ts)
"""
import csv
import hashlib
import json
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, '..', '..', 'models', 'demo')


def main():
    with open(os.path.join(DEMO, 'features.json')) as f:
        features = json.load(f)
    names = [feature['name'] for feature in features]
    with open(os.path.join(DEMO, 'cohort.csv')) as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[n]) if r[n] != '' else np.nan for n in names] for r in rows], dtype=np.float32)
    y = np.array([int(r['sap']) for r in rows])
    dtrain = xgb.DMatrix(x, label=y, feature_names=names, missing=np.nan)
    params = {
        'objective': 'binary:logistic',
        'eval_metric': 'auc',
        'max_depth': 3,
        'eta': 0.1,
        'subsample': 0.9,
        'colsample_bytree': 0.9,
        'tree_method': 'exact',
        'seed': 20261126,
        'nthread': 1,
    }
    booster = xgb.train(params, dtrain, num_boost_round=150)
    path = os.path.join(DEMO, 'model.ubj')
    booster.save_model(path)
    with open(path, 'rb') as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    card = {
        'schemaVersion': 1,
        'name': 'sap-fusion-demo',
        'version': 'demo-1',
        'file': 'model.ubj',
        'sha256': sha256,
        'features': features,
        'riskThresholds': {'moderate': 0.3, 'high': 0.6},
        'syntheticDemo': True,
    }
    with open(os.path.join(DEMO, 'model-card.json'), 'w') as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write('\n')
    auc = booster.eval(dtrain)
    print(f'{len(rows)} studies, {int(y.sum())} SAP; training {auc}; sha256 {sha256}')


if __name__ == '__main__':
    main()
