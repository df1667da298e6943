{#- One row per implied heat rate bucket with the share-weighted factors of its
    marginal technologies: heat rate burning gas, heat rate burning coal (MMBtu/MWh)
    and the emission rate (t CO2/MWh). -#}
with

mix as (

    select
        buckets.marginal_technology,
        buckets.lower_mmbtu_per_mwh,
        buckets.upper_mmbtu_per_mwh,
        buckets.share,
        technologies.fuel,
        technologies.heat_rate_mmbtu_per_mwh,
        technologies.co2_metric_ton_per_mmbtu
    from {{ ref('scenario_implied_heat_rate_buckets') }} as buckets
    inner join {{ ref('scenario_technology_parameters') }} as technologies
        on buckets.technology = technologies.technology

)

select
    marginal_technology,
    lower_mmbtu_per_mwh,
    upper_mmbtu_per_mwh,
    sum(case when fuel = 'natural_gas' then share * heat_rate_mmbtu_per_mwh else 0.0 end) as gas_heat_rate,
    sum(case when fuel = 'coal' then share * heat_rate_mmbtu_per_mwh else 0.0 end) as coal_heat_rate,
    sum(share * heat_rate_mmbtu_per_mwh * co2_metric_ton_per_mmbtu) as emission_rate_t_per_mwh,
    sum(share) as share_total,
    count(*) as technology_count
from mix
group by marginal_technology, lower_mmbtu_per_mwh, upper_mmbtu_per_mwh
