"""Stage 6, versions: releases, their diffs and a record's history across them."""
