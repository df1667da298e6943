{#- Known-bad rows for our own generic tests: each test on this model is
    configured to pass only when it finds exactly the failures planted here, so a
    generic test that stops detecting problems fails the build (the PUDL habit). -#}
select cases.* from (
    values
    (1, 'a', 'America/New_York', 10.0),
    (1, 'a', 'Mars/Olympus_Mons', -5.0),
    (2, 'b', 'UTC', null),
    (3, 'c', 'not a zone', 7.5)
) as cases (case_id, case_code, case_timezone, case_value)
