"""Modal screens of the tco app: add candidate, save as, export, quit, help."""
