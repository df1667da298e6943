import sys

from aurum.scenarios.cli import main

sys.exit(main())
