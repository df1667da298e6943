{#- Fails with every distinct non-null value that is not an IANA zone the engine knows. -#}
{% test valid_timezone(model, column_name) %}

select distinct {{ column_name }} as invalid_timezone
from {{ model }}
where {{ column_name }} is not null
    and not ({{ aurum.is_valid_timezone(column_name) }})

{% endtest %}
