"""Item response theory by marginal maximum likelihood: the one home of the IRT engine.

Calibration (3PL/2PL/1PL and the generalized or Masters' partial credit model, Bock-Aitkin EM
on a fixed quadrature grid, rotated booklets, several groups), item fit (RMSD) and person
scores (:func:`person_scores`, ``method="eap"`` or ``"wle"``). The scaling stage
(:mod:`workbench.scaling`: latent regression, plausible values, linking) builds on it; the
Rasch/PCM by conditional ML is :func:`workbench.psychometrics.rasch`.

Examples
--------
>>> import workbench.synth as synth
>>> nation = synth.make_nation(seed=3, schools=60, items=12, blocks=2)
>>> cal = calibrate(nation.tables["responses"], items=nation.tables["items"]["item_id"],
...                 se=False)
>>> cal.converged
True
"""

from workbench.psychometrics.irt.calibration import Calibration, calibrate
from workbench.psychometrics.irt.persons import person_scores

__all__ = ["Calibration", "calibrate", "person_scores"]
