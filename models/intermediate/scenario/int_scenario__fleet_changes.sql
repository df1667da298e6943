{#- Capacity added (positive MW) or retired (negative MW) from var scenario.fleet,
    per ISO (zone null) or per zone, effective from a date. -#}
select
    fleet.iso_code,
    fleet.zone,
    fleet.technology,
    fleet.mw_delta,
    fleet.effective as effective_date
from (
    {{ aurum.scenario_literal_rows('fleet', [
        ('iso_code', 'varchar'), ('zone', 'varchar'), ('technology', 'varchar'),
        ('mw_delta', 'double'), ('effective', 'date'),
    ]) }}
) as fleet
