"""The peer-ranking market: miners, validators, Yuma Consensus, the subnet on chain.

Import from the modules (importing the package loads no torch):

* ``task`` (the generated regression task), ``axon`` (synapse, axon, dendrite) and
  ``miners`` (small torch models of every quality and honesty): lesson 06;
* ``validators`` (loss + moving average, gating network, leave-one-out) and
  ``weights`` (u16 quantisation as the SDK does): lesson 07;
* ``yuma`` (one Yuma Consensus epoch as subtensor computes it): lesson 08;
* ``subnet`` (registration, stake, weights, epochs and emission as a chain
  extension), ``simulation`` (the whole market on chain) and ``commit_reveal``
  (a weight copier against late reveals): lesson 09.

Errors: ``errors.InvalidWeights`` (Yuma inputs); subnet transactions raise the
chain's ``InvalidTransaction`` with a readable reason.
"""

__all__: list[str] = []
