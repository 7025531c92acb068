"""Funding pages, one module per feature; what they share is in `base`. Business rules stay in
the services and `funding.calc`."""
