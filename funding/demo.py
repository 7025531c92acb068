"""A contract signed by the three parties, each for itself, through the services (the demo)."""

from .services import create_contract, record_signature


def sign_demo_contract(project, *, leader, cpam, ars, signed_on, members=30):
    contract = create_contract(project, cpam, members=members)
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        contract = record_signature(contract, user, party, signed_on)
    return contract
