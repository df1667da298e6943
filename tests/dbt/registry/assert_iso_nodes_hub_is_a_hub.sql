{#- Every non-empty `hub` must name a HUB row of the same ISO. Fails with the orphans. -#}
select
    nodes.iso_code,
    nodes.location_id,
    nodes.hub
from {{ ref('iso_nodes') }} as nodes
left join {{ ref('iso_nodes') }} as hubs
    on hubs.iso_code = nodes.iso_code
    and hubs.location_id = nodes.hub
    and hubs.location_type = 'HUB'
where nullif(nodes.hub, '') is not null
    and hubs.location_id is null
