{#- Hourly average price per location, weighted by interval length.
    Sub-hourly markets do not tile the hour evenly (NYISO RTD-CAM runs close
    intervals of a few seconds), so a plain mean over rows over-weights them.
    Compile with `dbt compile --select lmp_hourly_time_weighted` and run the SQL. -#}
select
    iso_code,
    market,
    location_id,
    {{ dbt.date_trunc('hour', 'interval_start_utc') }} as hour_start_utc,
    sum(lmp * interval_seconds) / sum(interval_seconds) as lmp_time_weighted,
    avg(lmp) as lmp_row_mean,
    sum(interval_seconds) as seconds_covered,
    count(*) as intervals
from {{ ref('fct_lmp') }}
group by 1, 2, 3, 4
