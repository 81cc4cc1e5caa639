"""Replicate-design estimation with plausible values (stage: results & comparative analysis).

``RepDesign`` holds the data, the full-sample weight, the replicate weights, the variance
constants and the plausible-value scales; every statistic goes through one
replicate-variance routine and one Rubin combination (see ``_variance``).
"""

from ._design import RepDesign

__all__ = ["RepDesign"]
