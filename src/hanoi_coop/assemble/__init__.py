"""Stage 3, tables made from the inputs: quotes located, authorities linked, coverage of
numbers and names, derived tables."""
