"""Stages 0-2, inputs in: the articles and the curated records, each file read and checked
against its schema."""
