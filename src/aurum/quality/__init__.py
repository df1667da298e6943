"""Data-quality reports: Elementary's dbt package and edr, great-expectations, dbt docs.

`dbt_packages` installs the hub packages (hub, mirror, or off); `expectations` holds the
great-expectations suites and runs them (in the reports environment, envs/reports/);
`report` builds the three reports and their index page for `make report`.
"""
