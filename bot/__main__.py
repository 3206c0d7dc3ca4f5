"""`python -m bot` runs the same CLI as the `verdict` command."""

from bot.cli import main

raise SystemExit(main())
