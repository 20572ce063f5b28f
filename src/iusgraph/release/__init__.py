"""Releases: differences between graphs, and release bundles with their dataset
description."""
