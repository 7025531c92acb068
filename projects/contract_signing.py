"""The ACI contract belongs to funding, which this layer may not import: a script of the
workflow layer (the demo) signs one through the function funding registers here at start-up.
"ACI signé" only ever follows a contract's third signature (`Project.has_signed_contract`)."""

_signer = None


def register_signer(signer) -> None:
    """`signer(project, *, leader, cpam, ars, signed_on)`: a contract signed by the three."""
    global _signer
    _signer = signer


def sign_contract(project, *, leader, cpam, ars, signed_on):
    if _signer is None:
        raise RuntimeError("Aucun service de signature de contrat n'est enregistré (funding).")
    return _signer(project, leader=leader, cpam=cpam, ars=ars, signed_on=signed_on)
