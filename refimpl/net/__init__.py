"""The market goes live: a classroom network over real HTTP (lesson 15).

Everything of Parts I and II, now between processes on a LAN (or on 127.0.0.1):

* ``keys``: the course's deterministic keys for a role and a seed;
* ``serving``: the ``serve_axon`` transaction (an axon's ip:port on chain);
* ``params``: the network's chain and subnet parameters;
* ``protocol``: signed requests and responses, the nonce store;
* ``node``: a chain node (mempool, mining, peers, SQLite) and its JSON API;
* ``axon`` / ``dendrite``: a miner's server and a validator's client;
* ``miner`` / ``validator``: the two neuron processes;
* ``client``: a small httpx client for a node's API;
* ``procs``: start and stop the processes (lesson, tests, ``make classroom``).

Command line: ``python -m refimpl.net node|miner|validator ...`` (see ``__main__``).
Importing the package loads neither torch nor FastAPI.
"""

__all__: list[str] = []
