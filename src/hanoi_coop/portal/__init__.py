"""Stage 7, the data portal: Datasette over every release, its own pages and pictures."""
