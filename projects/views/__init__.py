"""Web pages, one module per feature. Thin: every check of role and territory and every write
goes through services.

A project outside the person's territory does not exist for them (404); a project they see but
may not act on answers 403.
"""
