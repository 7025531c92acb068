"""Funding grids, entitlements and payments: see issue 4/7."""
