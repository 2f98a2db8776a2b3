"""Records from outside (import files): reading JSON Lines and CSV into validated fields."""
