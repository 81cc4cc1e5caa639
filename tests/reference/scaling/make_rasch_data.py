"""Make the Rasch/PCM data that ``erm_pcm.R`` calibrates (run once; output committed).

1500 students x 20 items (16 dichotomous Rasch items, 4 partial-credit items scored 0-2),
theta ~ N(0.3, 1.2^2), complete data. Run: ``.venv/bin/python make_rasch_data.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(20261124)
n, n_dich, n_poly = 1500, 16, 4
theta = rng.normal(0.3, 1.2, n)
b = np.linspace(-1.8, 1.8, n_dich) + rng.normal(0, 0.1, n_dich)
cols = {}
for j, bj in enumerate(b):
    cols[f"I{j + 1:02d}"] = (rng.random(n) < 1 / (1 + np.exp(-(theta - bj)))).astype(int)
for j in range(n_poly):
    steps = np.array([-0.8, 0.6]) + rng.normal(0, 0.3, 2) + 0.3 * (j - 1.5)
    eta = np.column_stack([np.zeros(n), np.cumsum(theta[:, None] - steps, axis=1)])
    prob = np.exp(eta - eta.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    cols[f"P{j + 1:02d}"] = (rng.random(n)[:, None] > prob.cumsum(axis=1)).sum(axis=1)
pd.DataFrame(cols).to_csv(Path(__file__).with_name("rasch_data.csv"), index=False)
