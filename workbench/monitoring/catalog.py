"""The Intake catalog of a school-monitoring cycle (``catalogs/school_monitoring.yaml``).

One entry per stored table of :data:`workbench.monitoring.cycle.TABLES`, each read from
``outputs/<cycle>/data/<name>.parquet`` -- or, for :data:`workbench.monitoring.cycle.RESTRICTED`
(a row per teacher, teacher counts before suppression), from the restricted-use tier
``outputs/<cycle>/release/restricted/<name>.parquet``; the entry's metadata say which stage
writes it.

Examples
--------
>>> cat = open_catalog("school-monitoring-demo")
>>> "pd_compliance" in list(cat), cat["pd_compliance"].metadata["stage"]
(True, 's40_development')
"""

from __future__ import annotations

from workbench.paths import PROJECT_ROOT, outputs_root

__all__ = ["CATALOG", "open_catalog"]

#: the catalog file of every school-monitoring cycle
CATALOG = PROJECT_ROOT / "catalogs" / "school_monitoring.yaml"


def open_catalog(cycle: str):
    """The catalog of ``cycle`` (``cat.pd_compliance.read()``; ``list(cat)`` names them all)."""
    import intake

    catalog = intake.from_yaml_file(str(CATALOG))
    return catalog(cycle=cycle, outputs=str(outputs_root()))
