"""The scenario worker: consumes scenario.request.v1 and runs dbt for each run."""
