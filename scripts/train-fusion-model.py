"""Trains the fusion model (XGBoost binary:logistic, Debian's python3-xgboost 1.7.x) on a training table made
by `sap features` (one row per study, the card's feature columns) joined with the outcome column (1 = SAP),
and writes <out>/model.ubj and <out>/model-card.json (with the model's sha256), ready for the models bucket.

  /usr/bin/python3 scripts/train-fusion-model.py --table table.csv --features features.json \
      --out models/site-1 --name my-site --version 1

Without arguments it rebuilds the synthetic demo model from models/demo/ (after scripts/demo-model/make-cohort.ts).
"""
import argparse
import csv
import hashlib
import json
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, '..', 'models', 'demo')


def main():
    parser = argparse.ArgumentParser(description='Train the SAP fusion model from a sap features table.')
    parser.add_argument('--table', default=os.path.join(DEMO, 'cohort.csv'))
    parser.add_argument('--features', default=os.path.join(DEMO, 'features.json'), help="the card's features list")
    parser.add_argument('--outcome', default='sap', help='outcome column: 1 = severe AP (revised Atlanta)')
    parser.add_argument('--out', default=DEMO)
    parser.add_argument('--name', default='sap-fusion-demo')
    parser.add_argument('--version', default='demo-1')
    parser.add_argument('--synthetic', action='store_true', default=None, help='label results as a synthetic demo')
    args = parser.parse_args()
    synthetic = args.synthetic if args.synthetic is not None else os.path.abspath(args.out) == os.path.abspath(DEMO)
    with open(args.features) as f:
        features = json.load(f)
    names = [feature['name'] for feature in features]
    with open(args.table) as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[n]) if r[n] != '' else np.nan for n in names] for r in rows], dtype=np.float32)
    y = np.array([int(r[args.outcome]) for r in rows])
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
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, 'model.ubj')
    booster.save_model(path)
    with open(path, 'rb') as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    card = {
        'schemaVersion': 1,
        'name': args.name,
        'version': args.version,
        'file': 'model.ubj',
        'sha256': sha256,
        'features': features,
        'riskThresholds': {'moderate': 0.3, 'high': 0.6},
        'syntheticDemo': synthetic,
    }
    with open(os.path.join(args.out, 'model-card.json'), 'w') as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write('\n')
    auc = booster.eval(dtrain)
    print(f'{len(rows)} studies, {int(y.sum())} SAP; training {auc}; sha256 {sha256}')


if __name__ == '__main__':
    main()
