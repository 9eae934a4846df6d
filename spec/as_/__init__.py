"""AS statements."""
