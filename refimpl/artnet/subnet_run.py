"""The art subnet on chain: submissions, critics, ``set_weights``, Yuma, minting.

:class:`ArtSubnet` puts lesson 09's :class:`~refimpl.market.subnet.Subnet` and
lesson 12's :class:`~refimpl.nft.onchain.NFTExtension` on one chain. The eight
:func:`~refimpl.artnet.miners.standard_art_miners` are uids 0-7; the validators
(:data:`ART_VALIDATORS`, uids 8-11) are three honest ones, each with its own
critic trained on the published examples, and a ``cabal`` holding 20% of stake
that weights only its friends ``lazy`` and ``spammer``. Each epoch (:meth:`step`):

1. every miner submits an image (a copier sees the earlier answers);
2. each validator scores the submissions and sends a signed ``set_weights``;
3. blocks are mined until the subnet's epoch runs Yuma Consensus and pays
   emission (18% owner, 41% miners by incentive, 41% validators by dividends);
4. the miner with the highest incentive wins: its image is re-rendered from its
   ``(style, seed)``, described (EIP-721 metadata with the provenance record and
   the miner, seed and epoch) and minted by the **miner's own hotkey**, so the
   EIP-2981 royalty receiver is the miner (token id = epoch number).

Introduced in lesson 13.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from torch import nn

from refimpl.art import MODEL_NAME, make_artwork
from refimpl.artnet.critic import IMAGE_SIZE, example_images, train_critic
from refimpl.artnet.errors import ArtNetError
from refimpl.artnet.miners import ArtMiner, Submission, standard_art_miners
from refimpl.artnet.validators import score_submissions, weights_from_scores
from refimpl.chain import ChainParams
from refimpl.chain.state import State
from refimpl.crypto import PrivateKey
from refimpl.market.harness import SubnetHarness, course_key
from refimpl.market.subnet import total_stake
from refimpl.nft import build_metadata, cid_v1, metadata_bytes
from refimpl.nft.collection import CollectionItem
from refimpl.nft.onchain import NFTExtension, nft_tx
from refimpl.nft.pipeline import Verification, verify_token

__all__ = [
    "ART_VALIDATORS",
    "CABAL_FRIENDS",
    "ArtSubnet",
    "WinnerRecord",
    "art_key",
    "supply_ok",
    "train_validator_critics",
]

#: (name, stake) of the validators, uids after the miners.
ART_VALIDATORS = (("val_a", 4000), ("val_b", 2500), ("val_c", 1500), ("cabal", 2000))
CABAL_FRIENDS = ("lazy", "spammer")


def art_key(i: int, cold: bool = False) -> PrivateKey:
    """Fixed course keys: hotkey ``i`` and coldkey ``i`` (never use in real life)."""
    return course_key(0xA47_0000, i, cold)


def supply_ok(state: State) -> bool:
    """``supply == sum(balances) + stake``: no token created or lost off the books."""
    return state.supply == sum(state.balances.values()) + total_stake(state)


def train_validator_critics(
    per_style: int = 40, steps: int = 200
) -> dict[str, nn.Module]:
    """One critic per honest validator, all on the same published examples, each
    with its own seed (initial weights and minibatch order)."""
    images, labels = example_images(per_style)
    honest = [name for name, _ in ART_VALIDATORS if name != "cabal"]
    return {
        name: train_critic(images, labels, seed=j, steps=steps)
        for j, name in enumerate(honest)
    }


@dataclass(frozen=True)
class WinnerRecord:
    """One epoch's winner as minted: who, from which seed, in which epoch, and the
    published files (PNG and metadata) with their content ids."""

    epoch: int
    token_id: int
    uid: int
    miner: str
    hotkey: str
    style: str
    seed: int
    image_cid: str
    metadata_cid: str
    png: bytes = field(repr=False)
    metadata: bytes = field(repr=False)

    @property
    def item(self) -> CollectionItem:
        """The files to publish, for :func:`refimpl.nft.pipeline.verify_token`."""
        return CollectionItem(self.token_id, self.png, self.metadata)


class ArtSubnet(SubnetHarness):
    """The capstone subnet (see the module docstring): lesson 09's
    :class:`~refimpl.market.harness.SubnetHarness` with an NFT registry on the same
    chain, submissions each epoch and the winner minted.

    ``critics`` maps each honest validator's name to a trained critic (default:
    :func:`train_validator_critics`). ``history`` holds, per epoch, the metagraph's
    ``incentive``, ``dividends`` and ``emission`` and the ``submissions``.
    """

    def __init__(
        self,
        critics: dict[str, nn.Module] | None = None,
        miners: list[ArtMiner] | None = None,
        *,
        tempo: int = 5,
        emission_per_block: int = 1000,
        royalty_bps: int = 500,
        chain_id: int = 13,
    ) -> None:
        self.miners = miners or standard_art_miners()
        self.critics = critics or train_validator_critics()
        self.royalty_bps = royalty_bps
        self.nft = NFTExtension("ChainMind Art Subnet", "CMAS")
        super().__init__(
            [m.name for m in self.miners],
            ART_VALIDATORS,
            art_key,
            tempo=tempo,
            emission_per_block=emission_per_block,
            chain_params=ChainParams(chain_id=chain_id, genesis_bits=0x207FFFFF),
            extensions=[self.nft],
        )
        self.seen: set[str] = set()  # content ids of every earlier submission
        self.epoch = 0
        self.winners: list[WinnerRecord] = []
        self.history["submissions"] = []

    # ------------------------------------------------------------ one epoch
    def submissions(self) -> list[Submission]:
        """Every miner's answer for the coming epoch, in uid order."""
        earlier: dict[str, Submission] = {}
        subs = []
        for uid, miner in enumerate(self.miners):
            sub = miner.submit(uid, self.epoch + 1, earlier)
            earlier[miner.name] = sub
            subs.append(sub)
        return subs

    def weight_rows(self, subs: list[Submission]) -> dict[str, np.ndarray]:
        """Each validator's float weights over the miners."""
        reg = self.subnet.metagraph().registered_at[: self.n_miners].tolist()
        rows = {
            name: weights_from_scores(score_submissions(critic, subs, reg, self.seen))
            for name, critic in self.critics.items()
        }
        cabal = np.zeros(self.n_miners)
        for friend in CABAL_FRIENDS:
            if friend in self.names[: self.n_miners]:
                cabal[self.names.index(friend)] = 1.0
        rows["cabal"] = cabal
        return rows

    def step(self) -> WinnerRecord | None:
        """One epoch: submit, score, set weights, mine to the epoch, mint the winner
        (``None`` when no miner earned, or the winner's image has no provenance)."""
        subs = self.submissions()
        self.set_weights(self.weight_rows(subs))
        self.seen.update(s.cid for s in subs)
        self.mine_to_epoch()
        self.epoch += 1
        self.record()
        self.history["submissions"].append(subs)
        incentive = self.history["incentive"][-1][: self.n_miners]
        if incentive.max() <= 0:
            return None
        uid = int(np.argmax(incentive))  # ties: the lower uid
        try:
            return self.mint_winner(subs[uid])
        except ArtNetError:  # no provenance (noise, a forged seed): nothing minted
            return None

    # ------------------------------------------------------------ minting
    def prepare_winner(self, sub: Submission) -> WinnerRecord:
        """Re-render the winning submission from its ``(style, seed)`` and describe
        it; ArtNetError if the image cannot be re-rendered (no provenance)."""
        if sub.style is None or sub.seed is None:
            raise ArtNetError(f"uid {sub.uid}'s image names no (style, seed)")
        art = make_artwork(sub.seed, sub.style, IMAGE_SIZE)
        if not np.array_equal(art.pixels, sub.pixels):
            raise ArtNetError(f"uid {sub.uid}'s image is not what its seed renders")
        image_cid = cid_v1(art.png)
        record = replace(art.record, cid=image_cid)
        name = self.names[sub.uid]
        hotkey = self.hotkeys[sub.uid].public_key.address
        md = build_metadata(
            name=f"Art subnet, epoch {sub.epoch}: {name}",
            description=(
                f"Winner of epoch {sub.epoch} on subnet {self.subnet.params.netuid} "
                f"(brief: warm sunset colours), by miner uid {sub.uid}."
            ),
            image_cid=image_cid,
            model="trained-decoder" if sub.style == MODEL_NAME else "cppn",
            seed=sub.seed,
            style=sub.style,
            attributes=[
                {"trait_type": "epoch", "value": sub.epoch, "display_type": "number"},
                {"trait_type": "miner", "value": name},
                {"trait_type": "style", "value": sub.style},
            ],
            provenance=record.to_dict(),
            subnet={
                "netuid": self.subnet.params.netuid,
                "epoch": sub.epoch,
                "miner_uid": sub.uid,
                "miner": name,
                "miner_hotkey": hotkey,
            },
        )
        data = metadata_bytes(md)
        return WinnerRecord(
            epoch=sub.epoch,
            token_id=sub.epoch,
            uid=sub.uid,
            miner=name,
            hotkey=hotkey,
            style=sub.style,
            seed=sub.seed,
            image_cid=image_cid,
            metadata_cid=cid_v1(data),
            png=art.png,
            metadata=data,
        )

    def mint_winner(self, sub: Submission) -> WinnerRecord:
        """Prepare the winner and mine a block with its ``nft_mint``, signed by the
        miner's hotkey (owner and royalty receiver)."""
        rec = self.prepare_winner(sub)
        key = self.hotkeys[rec.uid]
        payload = {
            "token_id": rec.token_id,
            "image_cid": rec.image_cid,
            "metadata_cid": rec.metadata_cid,
            "royalty_bps": self.royalty_bps,
        }
        tx = nft_tx(
            key,
            "nft_mint",
            payload,
            nonce=self.chain.state.nonce(rec.hotkey),
            chain_id=self.chain.params.chain_id,
        )
        self.mine([tx])
        self.winners.append(rec)
        return rec

    def verify(self, rec: WinnerRecord) -> Verification:
        """Anyone's check of a minted winner (lesson 12's ``verify_token``)."""
        return verify_token(self.chain.state, rec.token_id, rec.item)
