"""Renderers turn core models (cards, tool pages) into text for one kind of output."""
