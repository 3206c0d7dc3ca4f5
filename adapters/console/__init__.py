"""The console platform: a pretend chat channel in the terminal (and the end-to-end fixture)."""
