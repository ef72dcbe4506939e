"""Stage 4, the package's files: opened safely, read (each file once, hashed from the bytes
parsed) and written deterministically."""
