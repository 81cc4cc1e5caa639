"""Scaling (stage: scaling): MML item calibration, person estimates, latent regression,
plausible values, the reporting scale, benchmarks and trend linking.

The item models are the PIRLS/NAEP family in the logistic metric (no 1.7 constant):
3PL/2PL/1PL for dichotomous items and the generalized (or Masters') partial credit model for
polytomous items, estimated by Bock-Aitkin EM on a fixed grid of quadrature nodes.

Examples
--------
>>> import workbench.synth as synth
>>> nation = synth.make_nation(seed=3, schools=60, items=12, blocks=2)
>>> cal = calibrate(nation.tables["responses"], items=nation.tables["items"]["item_id"],
...                 se=False)
>>> cal.converged
True
"""

from workbench.scaling.calibration import Calibration, calibrate
from workbench.scaling.linking import Linking, link
from workbench.scaling.persons import eap, wle
from workbench.scaling.population import PopulationModel, latent_regression, plausible_values
from workbench.scaling.reporting import (
                                         PIRLS_BENCHMARKS,
                                         ScaleTransform,
                                         benchmark_levels,
                                         percent_at_or_above,
                                         reporting_scale,
)

__all__ = [
    "Calibration", "calibrate", "eap", "wle", "PopulationModel", "latent_regression",
    "plausible_values", "ScaleTransform", "reporting_scale", "PIRLS_BENCHMARKS",
    "benchmark_levels", "percent_at_or_above", "Linking", "link",
]
