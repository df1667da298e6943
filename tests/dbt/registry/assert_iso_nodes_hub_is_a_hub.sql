{#- Every non-empty `hub` must name a HUB row of the same ISO. Fails with the orphans. -#}
select
    nodes.iso_code,
    nodes.location_id,
    nodes.hub
from {{ ref('iso_nodes') }} as nodes
left join {{ ref('iso_nodes') }} as hubs
    on
        nodes.iso_code = hubs.iso_code
        and nodes.hub = hubs.location_id
        and hubs.location_type = 'HUB'
where
    nullif(nodes.hub, '') is not null
    and hubs.location_id is null
