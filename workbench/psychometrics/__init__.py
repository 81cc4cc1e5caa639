"""Psychometrics for the item-review and validity stages: scoring, CTT, reliability, Rasch/PCM
by CML, DIF (Mantel-Haenszel and IRT-based), factor analysis (EFA, CFA, invariance), test
information, rater agreement, questionnaire scales and the item verdicts.

Every public name is importable as ``workbench.psychometrics.<name>``. The IRT engine (MML
calibration, EAP/WLE person scores, item fit) is :mod:`workbench.psychometrics.irt`; plausible
values, the population model and linking belong to :mod:`workbench.scaling`, which uses it.
"""

from workbench.psychometrics import irt, review, validity
from workbench.psychometrics.dif import mantel_haenszel
from workbench.psychometrics.efa import bartlett, efa, kmo, varimax
from workbench.psychometrics.factor import dimensionality, one_factor
from workbench.psychometrics.information import item_information, test_information, wright_map
from workbench.psychometrics.invariance import CFAResult, cfa, measurement_invariance
from workbench.psychometrics.irt import Calibration, calibrate, person_scores
from workbench.psychometrics.irt_dif import irt_dif
from workbench.psychometrics.items import distractor_analysis, item_analysis, score_levels
from workbench.psychometrics.mml import twopl
from workbench.psychometrics.rasch import RaschModel, pcm, rasch
from workbench.psychometrics.raters import coder_agreement, intraclass_correlation, rater_agreement
from workbench.psychometrics.reliability import booklet_reliability, reliability
from workbench.psychometrics.scales import ScaleAnalysis, background_indices, scale_analysis
from workbench.psychometrics.scoring import missing_rates, score_missing, score_responses
from workbench.psychometrics.validity import dif_table, item_statistics, option_table
from workbench.psychometrics.verdicts import item_verdicts

__all__ = [
    "score_missing",
    "score_responses",
    "missing_rates",
    "item_analysis",
    "distractor_analysis",
    "score_levels",
    "reliability",
    "booklet_reliability",
    "one_factor",
    "dimensionality",
    "kmo",
    "bartlett",
    "efa",
    "varimax",
    "cfa",
    "CFAResult",
    "measurement_invariance",
    "mantel_haenszel",
    "irt_dif",
    "rasch",
    "pcm",
    "twopl",
    "RaschModel",
    "item_information",
    "test_information",
    "wright_map",
    "rater_agreement",
    "intraclass_correlation",
    "coder_agreement",
    "scale_analysis",
    "ScaleAnalysis",
    "background_indices",
    "item_verdicts",
    "item_statistics",
    "dif_table",
    "option_table",
    "review",
    "validity",
    "irt",
    "Calibration",
    "calibrate",
    "person_scores",
]
