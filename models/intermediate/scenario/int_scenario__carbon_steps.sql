{#- Carbon price steps from var scenario.carbon: [start_date, end_date) in $/metric ton. -#}
select
    steps.start as start_date,
    steps."end" as end_date,
    steps.usd_per_metric_ton
from (
    {{ aurum.scenario_literal_rows('carbon', [('start', 'date'), ('end', 'date'), ('usd_per_metric_ton', 'double')]) }}
) as steps
