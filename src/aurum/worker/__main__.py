from aurum.worker.consumer import main

raise SystemExit(main())
