"""Forms of the registry's staff pages. Their cleaned data feeds the actions."""
