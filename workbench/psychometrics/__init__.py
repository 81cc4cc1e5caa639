"""Psychometrics for the item-review and validity stages: scoring, CTT, reliability, Rasch/PCM
by CML, DIF, factor analysis, rater agreement and questionnaire scales.

Every public name is importable as ``workbench.psychometrics.<name>``. MML calibration,
plausible values and linking belong to :mod:`workbench.scaling`.
"""

from workbench.psychometrics.dif import mantel_haenszel
from workbench.psychometrics.factor import dimensionality, one_factor
from workbench.psychometrics.items import distractor_analysis, item_analysis
from workbench.psychometrics.rasch import RaschModel, pcm, rasch
from workbench.psychometrics.raters import rater_agreement
from workbench.psychometrics.reliability import reliability
from workbench.psychometrics.scales import ScaleAnalysis, scale_analysis
from workbench.psychometrics.scoring import score_missing

__all__ = ["score_missing", "item_analysis", "distractor_analysis", "reliability",
           "one_factor", "dimensionality", "mantel_haenszel", "rasch", "pcm", "RaschModel",
           "rater_agreement", "scale_analysis", "ScaleAnalysis"]
