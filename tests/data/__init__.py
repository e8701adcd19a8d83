"""Hand-written test data sets."""
