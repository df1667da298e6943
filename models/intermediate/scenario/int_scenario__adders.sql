{#- Other policy adders from var scenario.adders: [start_date, end_date) in $/MWh. -#}
select
    adders.name as adder_name,
    adders.start as start_date,
    adders."end" as end_date,
    adders.usd_per_mwh
from (
    {{ aurum.scenario_literal_rows('adders', [('name', 'varchar'), ('start', 'date'), ('end', 'date'), ('usd_per_mwh', 'double')]) }}
) as adders
