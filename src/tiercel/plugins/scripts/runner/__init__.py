"""Task runners of the script plugins."""
