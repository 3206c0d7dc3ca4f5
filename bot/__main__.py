"""`python -m bot` runs the installed `verdict` command.

The command line is the composition root (`adapters/cli.py`): it wires the core to every
adapter, so the core cannot import it without depending on its own adapters. It is found here
the way the `verdict` script finds it, through the package's entry point.
"""

from importlib.metadata import entry_points

(command,) = entry_points(group="console_scripts", name="verdict")
raise SystemExit(command.load()())
