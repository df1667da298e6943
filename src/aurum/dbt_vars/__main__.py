from aurum.dbt_vars.contracts import main

raise SystemExit(main())
