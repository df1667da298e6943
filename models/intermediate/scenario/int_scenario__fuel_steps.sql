{#- Fuel price steps from var scenario.fuel: natural_gas or coal, [start_date, end_date),
    either a price ($/MMBtu) or a multiplier on the base price. -#}
select
    steps.fuel,
    steps.start as start_date,
    steps."end" as end_date,
    steps.mode as price_mode,
    steps.usd_per_mmbtu,
    steps.multiplier
from (
    {{ aurum.scenario_literal_rows('fuel', [
        ('fuel', 'varchar'), ('start', 'date'), ('end', 'date'), ('mode', 'varchar'),
        ('usd_per_mmbtu', 'double'), ('multiplier', 'double'),
    ]) }}
) as steps
