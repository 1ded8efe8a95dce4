"""The capstone: an art subnet whose miners are generators and whose validators
rank them with a learned critic; each epoch's winner is minted as an NFT.

Modules: ``critic`` (the brief, generated examples, the small torch critic),
``miners`` (generators of different skill and honesty), ``validators`` (validity,
duplicates by content id, scores to weights), ``subnet_run`` (the epoch loop on
the chain: ``set_weights``, Yuma emission, minting the winner). Introduced in
lesson 13.
"""

from refimpl.artnet.critic import (
    BRIEF,
    IMAGE_SIZE,
    Critic,
    adam_update,
    brief_score,
    critic_scores,
    example_images,
    to_tensor,
    train_critic,
)
from refimpl.artnet.errors import ArtNetError
from refimpl.artnet.miners import ArtMiner, Submission, image_cid, standard_art_miners
from refimpl.artnet.subnet_run import (
    ART_VALIDATORS,
    ArtSubnet,
    WinnerRecord,
    supply_ok,
)
from refimpl.artnet.validators import (
    find_duplicates,
    is_valid_image,
    score_submissions,
    weights_from_scores,
)

__all__ = [
    "ART_VALIDATORS",
    "BRIEF",
    "IMAGE_SIZE",
    "ArtMiner",
    "ArtNetError",
    "ArtSubnet",
    "Critic",
    "Submission",
    "WinnerRecord",
    "adam_update",
    "brief_score",
    "critic_scores",
    "example_images",
    "find_duplicates",
    "image_cid",
    "is_valid_image",
    "score_submissions",
    "standard_art_miners",
    "supply_ok",
    "to_tensor",
    "train_critic",
    "weights_from_scores",
]
