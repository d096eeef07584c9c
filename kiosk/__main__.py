"""`python -m kiosk` is the same as the `kiosk` command."""

from kiosk.cli.main import main

raise SystemExit(main())
