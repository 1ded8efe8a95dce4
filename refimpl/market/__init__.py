"""The peer-ranking market: miners, validators, Yuma Consensus, the subnet on chain.

Introduced in lessons 06-09.
"""

__all__: list[str] = []
