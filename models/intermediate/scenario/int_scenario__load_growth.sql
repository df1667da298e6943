{#- Load growth from var scenario.load_growth, per ISO (zone null) or per zone. -#}
select
    growth.iso_code,
    growth.zone,
    growth.annual_fraction,
    growth.price_elasticity,
    growth.base_year
from (
    {{ aurum.scenario_literal_rows('load_growth', [
        ('iso_code', 'varchar'), ('zone', 'varchar'), ('annual_fraction', 'double'),
        ('price_elasticity', 'double'), ('base_year', 'integer'),
    ]) }}
) as growth
