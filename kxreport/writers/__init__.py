"""Output writers. Each formats the one rendered document into the bytes of its file."""
