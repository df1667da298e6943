{#- Daily and weekly fuel prices in explicit units: Henry Hub spot from the EIA
    workbooks, daily/weekly API v2 series (e.g. NYMEX futures). The frequency is the
    publisher's (the workbook's Contents sheet, the API's frequency), never assumed: the
    daily and weekly Henry Hub workbooks share one series id, and a weekly price must
    not pass for a daily one. One row per (series, source, frequency, date): a date
    published in several files keeps the latest load.

    Incremental by that key (config in _reference__models.yml): a build re-reads the
    dates that newly loaded rows of either source touch (macro incremental_window over
    both staging models), so a revised price replaces the earlier one. -#}
{%- set changes -%}
    (
        select period_date as price_date, loaded_at
        from {{ ref('stg_eia__hist_series') }}
        where frequency in ('daily', 'weekly')
        union all
        select cast(period as date) as price_date, loaded_at
        from {{ ref('stg_eia__api_series') }}
        where frequency in ('daily', 'weekly')
    ) as changes
{%- endset %}
with

hist as (

    select
        series_id,
        'hist_xls' as source_kind,
        frequency,
        period_date as price_date,
        series_value as price,
        -- hist_xls states units in the description: "(Dollars per Million Btu)"
        case when lower(series_description) like '%dollars per million btu%' then 'MMBtu' end as unit,
        source_file,
        loaded_at
    from {{ ref('stg_eia__hist_series') }}
    where value_status = 'ok' and frequency in ('daily', 'weekly')

),

api as (

    select
        coalesce(series_id, route || ' ' || facets) as series_id,
        'api_v2' as source_kind,
        frequency,
        cast(period as date) as price_date,
        series_value as price,
        case lower(published_units)
            when '$/mmbtu' then 'MMBtu'
            when 'dollars per short ton' then 'short_ton'
        end as unit,
        source_file,
        loaded_at
    from {{ ref('stg_eia__api_series') }}
    where value_status = 'ok' and frequency in ('daily', 'weekly')

),

unioned as (

    select * from hist
    union all
    select * from api

),

in_window as (

    select * from unioned
    where {{ aurum.incremental_window(changes, 'price_date') }}

),

latest as (

    select
        *,
        row_number() over (
            partition by series_id, source_kind, frequency, price_date
            order by loaded_at desc, source_file desc
        ) as load_rank
    from in_window

)

select
    series_id,
    source_kind,
    frequency,
    price_date,
    price,
    'USD' as currency,
    unit,
    source_file,
    loaded_at
from latest
where load_rank = 1
