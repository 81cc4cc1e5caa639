"""Replicate-design estimation with plausible values (stage: results & comparative analysis).

``RepDesign`` holds the data, the full-sample weight, the replicate weights, the variance
constants and the plausible-value scales; every statistic goes through one
replicate-variance routine, one Rubin combination (see ``_variance``) and one rule for
degrees of freedom, intervals and p-values (``_inference``). ``RepDesign.iea`` builds the
design of an IEA-named analysis file (``student_results``).
"""

from ._compare import p_adjust
from ._design import RepDesign
from ._replicates import ReplicateEstimates
from .mixed import MixedModel, mixed

__all__ = ["MixedModel", "RepDesign", "ReplicateEstimates", "mixed", "p_adjust"]
