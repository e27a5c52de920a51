"""The published series read through the validating loaders, as dataset schemas: ASCOF and the
ICB discharge sitrep (read by ``engines/published.py`` and ``engines/sitrep.py``).

The MAR and DToC series have their one reader in ``reference.published_series`` (core, so plan baselines
and the evaluation read them without an adapter), mapped to areas by
``reference.published_mapping``.
"""

from __future__ import annotations

from carepool.activity.schemas import Column, Schema

ASCOF = Schema(
    name="published_ascof",
    doc="ASCOF measures for Greater Manchester councils (as published via LG Inform).",
    columns=(
        Column("area_code", "string"), Column("area_name", "string"), Column("period", "string"),
        Column("indicator", "string"), Column("value", "float", whole_number=False),
    ),
    key=("area_code", "period", "indicator"),
)

SITREP_METRICS = ("discharged_total", "do_not_meet_criteria_to_reside", "discharged_by_1700",
                  "discharged_between_1701_2359")

DISCHARGE_SITREP = Schema(
    name="published_discharge_sitrep",
    doc="NHS England acute discharge sitrep by ICB, daily values summed to months (as shipped).",
    columns=(
        Column("month", "string", pattern=r"20[0-9]{2}-(0[1-9]|1[0-2])"),
        Column("icb23_code", "string", pattern=r"E54[0-9]{6}", area=True),   # known areas: the 42 ICBs
        Column("icb_ods_code", "string", pattern=r"Q[A-Z0-9]{2}"),
        Column("metric", "string", allowed=SITREP_METRICS),
        Column("days_in_file", "int", minimum=1, maximum=31),
        Column("days_missing", "int", minimum=0, maximum=31),
        Column("days_with_zero", "int", minimum=0, maximum=31),
        Column("sum_of_daily", "int", minimum=0),
        Column("mean_of_daily", "float", minimum=0, whole_number=False),
    ),
    key=("month", "icb23_code", "metric"),
)
