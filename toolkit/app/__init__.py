"""The designer and facilitator app (Reflex): one module per page with its state."""
