"""Stage 5, validation: Pandera on every column, the cross-table rules, the model's custom
checks for both engines, and the Frictionless pass, reported as located problems."""
