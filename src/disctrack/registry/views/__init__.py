"""The registry's staff pages: one module per area; every view reaches objects through access."""
