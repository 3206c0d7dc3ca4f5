"""The console platform: a pretend chat channel in the terminal, and the fixture end-to-end tests use."""
