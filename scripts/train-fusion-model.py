"""Trains the fusion model (XGBoost binary:logistic, Debian's python3-xgboost 1.7.x) on a training table made
by `sap batch run --mode features` and `sap join` (one row per study, the card's feature columns and the
outcome column, 1 = SAP), and writes <out>/model.ubj and <out>/model-card.json (with the model's sha256),
ready for the models bucket. Reports the in-sample AUC and a stratified k-fold cross-validated AUC.

  /usr/bin/python3 scripts/train-fusion-model.py --table train.csv --features features.json \
      --out models/site-1 --name my-site --version 1

Without arguments it rebuilds the synthetic demo model from models/demo/ (after scripts/demo-model/make-cohort.ts).
Bad input stops it with one line on stderr and exit status 2.
"""
import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, '..')
DEMO = os.path.join(REPO, 'models', 'demo')
PARAMS = {
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
ROUNDS = 150
# Cross-validation: 5 folds where each outcome class has 5 patients, fewer where it has fewer.
FOLDS = 5
# Below this many events an AUC (in-sample or cross-validated) says little (issue #19: "about 10").
FEW_EVENTS = 10
# How many row numbers a refusal names.
EXAMPLES = 5


class InputError(Exception):
    """Input the script cannot train on: reported as one line, exit status 2."""


def main():
    parser = argparse.ArgumentParser(description='Train the SAP fusion model from a sap features table.')
    parser.add_argument('--table', default=os.path.join(DEMO, 'cohort.csv'), help='CSV: features and the outcome')
    parser.add_argument('--features', default=os.path.join(DEMO, 'features.json'), help="the card's features list")
    parser.add_argument('--outcome', default='sap', help='outcome column: 1 = severe AP (revised Atlanta), 0 = not')
    parser.add_argument('--out', default=DEMO)
    parser.add_argument('--name', default='sap-fusion-demo')
    parser.add_argument('--version', default='demo-1')
    parser.add_argument('--description', help="the card's description: what the model is, on which patients")
    parser.add_argument('--intended-use', help="the card's intendedUse: who may use it for what")
    parser.add_argument('--folds', type=int, default=FOLDS, help='folds of the cross-validated AUC (default 5)')
    parser.add_argument('--synthetic', action='store_true', default=None, help='label results as a synthetic demo')
    args = parser.parse_args()
    try:
        train(args)
    except InputError as error:
        print(f'train-fusion-model: {error}', file=sys.stderr)
        sys.exit(2)


def train(args):
    synthetic = args.synthetic if args.synthetic is not None else os.path.abspath(args.out) == os.path.abspath(DEMO)
    check_card(args.features)
    features = read_json(args.features)
    names = [feature['name'] for feature in features]
    x, y = read_table(args.table, names, args.outcome)
    events = int(y.sum())
    if events == 0 or events == len(y):
        raise InputError(f'{args.table}: every row has {args.outcome} = {int(y[0])}; training needs both outcomes')
    if args.folds < 2:
        raise InputError(f'--folds must be 2 or more, not {args.folds}')

    booster = xgb.train(PARAMS, xgb.DMatrix(x, label=y, feature_names=names, missing=np.nan), num_boost_round=ROUNDS)
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
        **({'description': args.description} if args.description else {}),
        **({'intendedUse': args.intended_use} if args.intended_use else {}),
        'features': features,
        'riskThresholds': {'moderate': 0.3, 'high': 0.6},
        'syntheticDemo': synthetic,
    }
    with open(os.path.join(args.out, 'model-card.json'), 'w') as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write('\n')

    in_sample = auc(y, booster.predict(xgb.DMatrix(x, feature_names=names, missing=np.nan)))
    print(f'{len(y)} studies, {events} SAP; in-sample AUC {in_sample:.3f} (optimistic: the model has seen them)')
    cross_validate(x, y, names, args.folds)
    if events < FEW_EVENTS or len(y) - events < FEW_EVENTS:
        print(f'warning: only {min(events, len(y) - events)} patients in the smaller outcome class (fewer than '
              f'{FEW_EVENTS}): these AUCs are very uncertain; evaluate on more patients before relying on the model',
              file=sys.stderr)
    print(f'wrote {path} and model-card.json; sha256 {sha256}')


def check_card(features_file):
    """The features list through `sap check-card`: every path must name something the pipeline produces."""
    try:
        checked = subprocess.run(['node', os.path.join(REPO, 'bin', 'sap.js'), 'check-card', features_file],
                                 capture_output=True, text=True)
    except FileNotFoundError:
        raise InputError('node is not on the PATH: it checks the features list (sap check-card) before training')
    if checked.returncode != 0:
        detail = (checked.stderr or checked.stdout).strip().replace('\n', '; ')
        raise InputError(f'{features_file} does not pass sap check-card: {detail}')


def read_json(file):
    try:
        with open(file, encoding='utf-8') as f:
            features = json.load(f)
    except OSError as error:
        raise InputError(f'{file}: {error.strerror}')
    except json.JSONDecodeError as error:
        raise InputError(f'{file}: not JSON ({error.msg}, line {error.lineno})')
    if not isinstance(features, list) or not all(isinstance(f, dict) and 'name' in f for f in features):
        raise InputError(f"{file}: expected the card's features list, a JSON array of objects with a name")
    return features


def read_table(file, names, outcome):
    """The feature matrix (float32, NaN where empty) and the 0/1 outcome; refuses what cannot be trained on."""
    try:
        # utf-8-sig drops a byte order mark; the csv module reads quoted fields and CRLF (R, spreadsheets).
        with open(file, encoding='utf-8-sig', newline='') as f:
            rows = list(csv.DictReader(f))
            header = rows[0].keys() if rows else None
    except OSError as error:
        raise InputError(f'{file}: {error.strerror}')
    if not rows:
        raise InputError(f'{file}: no rows; expected a header row and one row per patient')
    absent = [name for name in [outcome, *names] if name not in header]
    if outcome in absent:
        raise InputError(f'{file}: no {outcome} column (the outcome; choose another with --outcome)')
    if absent:
        raise InputError(f'{file}: feature column{"s" if len(absent) > 1 else ""} {", ".join(absent)} '
                         f'of the features list {"are" if len(absent) > 1 else "is"} not in the table')
    labels = [(r[outcome] or '').strip() for r in rows]
    bad = [n + 2 for n, v in enumerate(labels) if v not in ('0', '1')]
    if bad:
        raise InputError(f'{file}: {outcome} must be 0 or 1; {len(bad)} row(s) are not '
                         f'(lines {", ".join(map(str, bad[:EXAMPLES]))}{", ..." if len(bad) > EXAMPLES else ""})')
    x = np.full((len(rows), len(names)), np.nan, dtype=np.float32)
    for i, r in enumerate(rows):
        for j, name in enumerate(names):
            cell = (r[name] or '').strip()
            if cell == '':
                continue
            try:
                x[i, j] = float(cell)
            except ValueError:
                raise InputError(f'{file}: line {i + 2}, column {name}: not a number')
    return x, np.array([int(v) for v in labels])


def cross_validate(x, y, names, folds):
    """Stratified k-fold: each class shuffled (seeded) and dealt round the folds; the AUC of the pooled out-of-fold predictions."""
    smaller = int(min(y.sum(), len(y) - y.sum()))
    k = min(folds, smaller)
    if k < 2:
        print(f'warning: cross-validation skipped: the smaller outcome class has {smaller} patient(s); '
              'each fold needs one of each', file=sys.stderr)
        return
    rng = np.random.default_rng(PARAMS['seed'])
    fold = np.empty(len(y), dtype=int)
    for label in (0, 1):
        members = rng.permutation(np.flatnonzero(y == label))
        fold[members] = np.arange(len(members)) % k
    predicted = np.empty(len(y), dtype=np.float64)
    for f in range(k):
        test = fold == f
        booster = xgb.train(PARAMS, xgb.DMatrix(x[~test], label=y[~test], feature_names=names, missing=np.nan),
                            num_boost_round=ROUNDS)
        predicted[test] = booster.predict(xgb.DMatrix(x[test], feature_names=names, missing=np.nan))
    events_per_fold = [int(y[fold == f].sum()) for f in range(k)]
    print(f'cross-validated AUC {auc(y, predicted):.3f} ({k}-fold stratified, seed {PARAMS["seed"]}; '
          f'events per fold {", ".join(map(str, events_per_fold))})')
    if k < folds:
        print(f'warning: {k} folds, not {folds}: the smaller outcome class has only {smaller} patients, '
              'so more folds would lack events', file=sys.stderr)


def auc(y, score):
    """Mann-Whitney AUC: the chance a random event scores above a random non-event, ties counting half."""
    ranks = np.empty(len(score))
    order = np.argsort(score, kind='mergesort')
    sorted_scores = score[order]
    i = 0
    while i < len(score):
        j = i
        while j + 1 < len(score) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    events = int(y.sum())
    non_events = len(y) - events
    return (ranks[y == 1].sum() - events * (events + 1) / 2) / (events * non_events)


if __name__ == '__main__':
    main()
