{#- CPI monthly index (var cpi_series_id, default CPIAUCSL), rebased to var
    cpi_base_month = 100, with month-over-month and year-over-year changes. -#}
with

ranked as (

    select
        series_id,
        observation_date,
        observation_value,
        value_is_missing,
        row_number() over (
            partition by series_id, observation_date
            order by loaded_at desc, source_file desc
        ) as load_rank
    from {{ ref('stg_fred__observations') }}
    -- a var reaches SQL as an escaped literal, never pasted between quotes
    where series_id = {{ aurum.sql_string_literal(var("cpi_series_id", "CPIAUCSL")) }}

),

monthly as (

    select
        series_id,
        observation_date as month_start,
        observation_value as index_value,
        value_is_missing
    from ranked
    where load_rank = 1

),

base as (

    select
        series_id,
        index_value as base_value
    from monthly
    where month_start = {{ aurum.cpi_base_month() }}

)

select
    monthly.series_id,
    monthly.month_start,
    monthly.value_is_missing,
    monthly.index_value,
    {{ aurum.cpi_base_month() }} as base_month,
    100.0 * monthly.index_value / base.base_value as rebased_index,
    100.0 * (monthly.index_value - previous_month.index_value) / previous_month.index_value as mom_change_pct,
    100.0 * (monthly.index_value - previous_year.index_value) / previous_year.index_value as yoy_change_pct
from monthly
left join base
    on monthly.series_id = base.series_id
left join monthly as previous_month
    on
        monthly.series_id = previous_month.series_id
        and previous_month.month_start = {{ dbt.dateadd('month', -1, 'monthly.month_start') }}
left join monthly as previous_year
    on
        monthly.series_id = previous_year.series_id
        and previous_year.month_start = {{ dbt.dateadd('month', -12, 'monthly.month_start') }}
