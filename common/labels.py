"""Words several apps' forms and lists share, so that they read the same everywhere."""

CHOOSE = "Choisir…"  # the empty choice of a select, never Django's « --------- »
ALL = "Tous"  # a list filter's "no filter" choice
