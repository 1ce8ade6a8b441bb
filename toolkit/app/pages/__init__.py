"""Pages of the designer app: one module per page, each with its own state."""
