"""Checks for lesson 07 (validators rank peers).

The exercises transfer the lesson: a reward hardened against malformed answers (as
refimpl's ``loss_rewards``), the template's moving average over a queried subset,
weights to u16 exactly as the SDK rounds them, top-k gating, and subtensor's own
``set_weights`` checks, which differ from our chain's.
"""

from __future__ import annotations

import math

from refimpl.course import FunctionCheck, Wrong
from refimpl.course.checks._pure import error_kind, near_float
from refimpl.course.feedback import args_whole

__all__ = [
    "safe_reward",
    "moving_average",
    "to_u16",
    "topk_gated_answer",
    "subtensor_accepts",
]

U16_MAX = 65535


def _tight(got, expected) -> bool:
    """float64 agreement: a float32 computation is off by more than this. The text
    asks for a Python float: an int (even 0) is refused, and told so."""
    if isinstance(got, int) and not isinstance(got, bool):
        raise Wrong(
            f"safe_reward returned the int {got!r}; the exercise asks for a Python "
            "float (write 0.0, not 0)"
        )
    kind = type(got)
    if kind.__module__ == "numpy" and kind.__name__ in ("float32", "float16"):
        raise Wrong(
            f"safe_reward returned a numpy {kind.__name__} ({got!r}); the exercise "
            "asks for a Python float, computed in float64 (float(...) of a float64 "
            "value)"
        )
    if isinstance(got, bool) or not isinstance(got, float):
        return False
    if math.isclose(got, expected, rel_tol=1e-13, abs_tol=1e-14):
        return True
    if math.isclose(got, expected, rel_tol=1e-5):
        # float64 sums agree to ~1e-15; a float32 MSE (torch's default dtype) is off
        # by 1e-10..1e-6 here, as no other realistic mistake is
        raise Wrong(
            f"safe_reward returned {got!r}, "
            + near_float(
                got, expected, "compute the MSE and mean(y**2) in float64 (.double())"
            )
        )
    return False


def _array_close(got, expected) -> bool:
    import numpy as np

    if isinstance(got, list | tuple):
        raise Wrong(
            f"moving_average returned a {type(got).__name__}; the exercise asks for a "
            "float64 numpy array (np.ndarray)"
        )
    if not isinstance(got, np.ndarray) or got.shape != expected.shape:
        return False
    if got.dtype.kind != "f":
        return False
    if got.dtype == np.float64 and np.allclose(got, expected, rtol=1e-12, atol=1e-15):
        return True
    # float32 named only when it explains the difference (never blamed for a value
    # that is wrong anyway): a float32 array as close as float32 can be, or float64
    # values that went through float32
    if got.dtype != np.float64 and np.allclose(got, expected, rtol=1e-5, atol=1e-7):
        raise Wrong(
            f"moving_average({_AVG_SHOWN[0]}) returned a {got.dtype} numpy array, "
            "which keeps only "
            "about 7 digits; the exercise asks for float64 (np.float64, numpy's "
            "default): convert scores with np.asarray(scores, dtype=np.float64)"
        )
    if error_kind(got, expected) == "float32":
        raise Wrong(
            f"moving_average({_AVG_SHOWN[0]}) returned values right only to about "
            "7 digits, the "
            "precision of float32: compute in float64 (convert scores with "
            "np.asarray(scores, dtype=np.float64) before the arithmetic)"
        )
    return False


def _show_whole(args: tuple) -> str:
    """A call's arguments as the Python that rebuilds them (07.4's tensors have at
    most 30 values), a tensor too big for that as its shape and dtype."""
    from refimpl.course.feedback import array_code

    out = []
    for a in args:
        whole = array_code(a)
        if whole is None and hasattr(a, "shape"):
            whole = f"<{tuple(a.shape)} {str(a.dtype).replace('torch.', '')} tensor>"
        out.append(whole if whole is not None else repr(a))
    return ", ".join(out)


# -- 07.1 safe_reward ----------------------------------------------------------------
def _safe_reward(pred, y) -> float:
    from refimpl.market.validators import loss_rewards

    return float(loss_rewards([pred], y)[0])


class _Case(tuple):
    """A case's arguments and ``recipe``: the code that rebuilds them."""

    recipe = ""


def _randn(seed: int, rows: int = 64) -> str:
    return f"torch.randn({rows}, 1, generator=torch.Generator().manual_seed({seed}))"


_Y71 = f"y = {_randn(71)} * 2 + 0.5"
_GOOD = f"pred = y + 0.1 * {_randn(72)}"
# a target near 5 with little spread: a constant 5 (or a [64] answer, which
# broadcasts against [64, 1]) is close to it, so a broadcast answer earns a high
# reward here, not one clipped to 0
_Y5 = f"y = 5 + 0.1 * {_randn(75)}"
_NEAR5 = f"pred = y + 0.01 * {_randn(76)}"
_REWARD_RECIPES = [
    f"{_Y71}; {_GOOD}",
    f"{_Y71}; pred = torch.zeros(64, 1)",  # the trivial answer: exactly 0
    f"{_Y71}; pred = -y",  # harmful: 0, not negative
    f"{_Y71}; {_GOOD}; pred = (pred * 1.01).reshape(64)",  # [64, 64] broadcast
    f"{_Y71}; {_GOOD}; pred = (pred * 0.99)[:32]",  # half an answer
    f"{_Y71}; pred = None",  # the miner crashed
    f"{_Y71}; {_GOOD}; pred[3, 0] = float('nan')",
    f"{_Y71}; {_GOOD}; pred[5, 0] = float('inf')",
    f"{_Y71}; {_GOOD}; pred = pred.double()",  # float64 is fine
    f"{_Y71}; pred = y.clone()",  # perfect
    f"{_Y71}; {_GOOD}; pred, y = pred.reshape(1, 64), y.reshape(1, 64)",
    # values near 100: float32 differences lose digits
    f"y = {_randn(73, 5000)} + 100; pred = y + 0.01 * {_randn(74, 5000)}",
    f"{_Y5}; {_NEAR5}; pred = pred.reshape(64)",  # [64, 64]: must still be 0.0
    f"{_Y5}; {_NEAR5}; pred = pred.reshape(64, 1, 1)",  # one dimension more
    f"{_Y5}; {_NEAR5}; pred = pred.reshape(1, 64)",  # [1, 64] - [64, 1]: [64, 64]
    f"{_Y5}; {_NEAR5}",
    # shapes that broadcast to y's own shape: still malformed, 0.0
    f"{_Y5}; pred = torch.full((1, 1), 5.0)",
    f"{_Y5}; pred = torch.tensor(5.0)",  # 0-d
    f"{_Y5}; pred = torch.full((1,), 5.0)",
    f"{_Y5}; pred = torch.full((64,), 5.0)",
    # same rows, more columns: [64, 3] against [64, 1] broadcasts too
    f"{_Y5}; pred = y.repeat(1, 3)",
    # pred far from y: the difference itself is rounded in float32
    f"{_Y71}; pred = y + 0.5 * {_randn(72)}",
    # tiny targets are not zero targets: no tolerance, and y**2 in float64
    "y = torch.full((64, 1), 1e-7); pred = 0.5 * y",
    "y = torch.full((64, 1), 1e-30); pred = 0.5 * y",
    # every target 0: the trivial answer is already perfect, nobody can beat it
    "y = torch.zeros(64, 1); pred = torch.zeros(64, 1)",
    f"y = torch.zeros(64, 1); pred = 0.1 * {_randn(77)}",
]


def _reward_cases():
    import torch

    cases = []
    for recipe in _REWARD_RECIPES:
        space: dict = {"torch": torch}
        exec(recipe, space)  # the recipe is what the learner is shown
        case = _Case((space["pred"], space["y"]))
        case.recipe = recipe
        cases.append(case)
    return cases


class _RecipeCheck(FunctionCheck):
    """A check whose failing case is told by the code that rebuilds it (07.1: the
    tensors have up to 5000 values, too many to show)."""

    def __init__(self, *args, **kwargs):
        self._shown: tuple | None = None
        super().__init__(*args, show=self._show_case, **kwargs)

    def _show_case(self, args: tuple) -> str:
        self._shown = args
        return "pred, y"

    def _where(self) -> str:
        recipe = getattr(self._shown, "recipe", "")
        return f"; the case: {recipe}" if recipe else ""

    def _run(self, answer) -> None:
        from refimpl.course.feedback import LearnerError

        self._shown = None
        try:
            super()._run(answer)
        except Wrong as wrong:
            raise Wrong(f"{wrong}{self._where()}") from None
        except LearnerError as error:
            recipe = getattr(self._shown, "recipe", "")
            if recipe:
                error.call = f"{error.call} (the case: {recipe})"
            raise


def _reward_no_guards(pred, y):
    mse = float(((pred.double() - y.double()) ** 2).mean())
    return max(0.0, 1.0 - mse / float((y.double() ** 2).mean()))


def _reward_none_only(pred, y):
    return 0.0 if pred is None else _reward_no_guards(pred, y)


def _reward_numel_only(pred, y):
    import torch

    if pred is None or pred.numel() != y.numel() or not torch.isfinite(pred).all():
        return 0.0
    return _reward_no_guards(pred.reshape(y.shape), y)  # reshapes instead of refusing


def _reward_nan_to_zero(pred, y):
    import torch

    if pred is None or pred.shape != y.shape:
        return 0.0
    return _reward_no_guards(torch.nan_to_num(pred), y)


def _reward_first_dim_only(pred, y):
    if pred is None or pred.shape[0] != y.shape[0]:  # [64] passes against [64, 1]
        return 0.0
    return _reward_no_guards(pred, y) if _finite(pred) else 0.0


def _reward_difference_float32(pred, y):
    # pred - y in float32, then float64: the subtraction has rounded already
    if pred is None or pred.shape != y.shape or not _finite(pred):
        return 0.0
    base = float((y.double() ** 2).mean())
    if base == 0:
        return 0.0
    return max(0.0, 1.0 - float(((pred - y).double() ** 2).mean()) / base)


def _reward_zero_tolerance(pred, y):
    # "every target 0" read as "mean(y**2) below 1e-12"
    if pred is None or pred.shape != y.shape or not _finite(pred):
        return 0.0
    if float((y.double() ** 2).mean()) < 1e-12:
        return 0.0
    return _reward_no_guards(pred, y)


def _reward_zero_guard_float32(pred, y):
    # the zero-target guard in float32: 1e-30 squared underflows to 0 there
    if pred is None or pred.shape != y.shape or not _finite(pred):
        return 0.0
    if float((y**2).mean()) == 0:
        return 0.0
    return _reward_no_guards(pred, y)


def _reward_rows_and_dims(pred, y):
    # same number of dimensions and rows, columns never compared
    if pred is None or pred.dim() != y.dim() or pred.shape[0] != y.shape[0]:
        return 0.0
    return _reward_no_guards(pred, y) if _finite(pred) else 0.0


def _finite(pred) -> bool:
    import torch

    return bool(torch.isfinite(pred).all())


def _reward_try_except(pred, y):
    try:  # catches what raises, but broadcasting raises nothing
        if not _finite(pred):
            return 0.0
        return _reward_no_guards(pred, y)
    except Exception:
        return 0.0


def _reward_dim_only(pred, y):
    if pred is None or pred.dim() != y.dim():  # [1, 1] and [1, 64] pass
        return 0.0
    try:
        return _reward_no_guards(pred, y) if _finite(pred) else 0.0
    except RuntimeError:  # shapes that do not broadcast
        return 0.0


def _reward_broadcast_to(pred, y):
    import torch

    if pred is None:
        return 0.0
    try:  # a [1, 1] or 0-d answer broadcasts to y's shape without an error
        p = torch.broadcast_to(pred.double(), y.shape)
    except RuntimeError:
        return 0.0
    return _reward_no_guards(p, y) if _finite(p) else 0.0


def _reward_broadcast_shapes(pred, y):
    import torch

    try:  # [1, 1] and 0-d answers broadcast to y.shape, so they pass
        if pred is None or torch.broadcast_shapes(pred.shape, y.shape) != y.shape:
            return 0.0
    except RuntimeError:  # shapes that do not broadcast at all
        return 0.0
    return _reward_no_guards(pred, y) if _finite(pred) else 0.0


def _reward_zero_target_unguarded(pred, y):
    import torch

    if pred is None or pred.shape != y.shape or not torch.isfinite(pred).all():
        return 0.0
    return _reward_no_guards(pred, y)  # every y 0: a division by zero


def _reward_zero_target_perfect(pred, y):
    import torch

    if pred is None or pred.shape != y.shape or not torch.isfinite(pred).all():
        return 0.0
    if float((y.double() ** 2).mean()) == 0.0:  # a perfect answer earns 1.0 here
        return 1.0 if bool(torch.equal(pred.double(), y.double())) else 0.0
    return _reward_no_guards(pred, y)


def _reward_float32(pred, y):
    import torch

    if pred is None or pred.shape != y.shape or not torch.isfinite(pred).all():
        return 0.0
    mse = float(((pred.float() - y) ** 2).mean())
    return max(0.0, 1.0 - mse / float((y**2).mean()))


safe_reward = _RecipeCheck(
    "07.1 safe_reward",
    reference=_safe_reward,
    cases=_reward_cases,
    compare=_tight,
    hints=[
        "Start from the lesson's reward and refuse, with 0.0, every answer a real "
        "validator can receive: None (the miner crashed), a shape other than y's, "
        "nan or inf. When every target is 0, mean(y**2) is 0: every reward is 0.0.",
        "Compare shapes exactly (pred.shape != y.shape): a [64] answer minus a "
        "[64, 1] target broadcasts to [64, 64] without any error, and a [1, 1] or 0-d "
        "answer broadcasts to [64, 1]. Compute in float64 (.double()).",
        "if pred is None or pred.shape != y.shape or not torch.isfinite(pred).all(): "
        "return 0.0; base = mean(y**2) in float64; if base == 0: return 0.0; then "
        "max(0.0, 1 - MSE / base)",
    ],
    wrong=[
        _reward_none_only,
        _reward_numel_only,
        _reward_nan_to_zero,
        _reward_float32,
        lambda pred, y: 1.0 - _safe_reward(pred, y) if pred is not None else 0.0,
        _reward_first_dim_only,
        _reward_rows_and_dims,
        _reward_zero_tolerance,
        _reward_difference_float32,
        _reward_zero_guard_float32,
        _reward_try_except,
        lambda pred, y: _safe_reward(pred, y) or 0,  # the int 0, not 0.0
        _reward_dim_only,
        _reward_broadcast_to,
        _reward_broadcast_shapes,
        _reward_zero_target_unguarded,
        _reward_zero_target_perfect,
    ],
)


# -- 07.2 moving_average -------------------------------------------------------------
_AVG_SHOWN = [""]  # the case being run, as shown: a float32 note names it


def _avg_show(args: tuple) -> str:
    from refimpl.course.feedback import array_code, short_repr

    _AVG_SHOWN[0] = ", ".join(array_code(a) or short_repr(a) for a in args)
    return _AVG_SHOWN[0]


def _moving_average(scores, rewards, uids, alpha):
    from refimpl.market.validators import update_scores

    return update_scores(scores, rewards, uids, alpha)


def _only_queried(scores, rewards, uids, alpha):
    import numpy as np

    out = np.asarray(scores, dtype=np.float64).copy()
    for u, r in zip(uids, rewards, strict=True):
        out[u] = alpha * r + (1 - alpha) * out[u]
    return out


def _avg_cases():
    import numpy as np

    return [
        (np.zeros(3), [1.0, 0.5, 0.2], [0, 1, 2], 0.1),
        (np.array([1.0, 0.5, 0.2]), [1.0], [0], 0.1),
        (np.array([0.3, 0.6, 0.9, 0.1]), [0.2, 0.4], [3, 1], 0.5),
        (np.array([0.3, 0.6, 0.9]), [], [], 0.1),  # nobody queried: all decay
        (np.array([0.3, 0.6, 0.9]), [0.7, 0.1, 0.2], [2, 0, 1], 1.0),  # alpha = 1
        (np.array([0.3, 0.6, 0.9]), [0.7], [2], 0.0),  # alpha = 0: nothing moves
        (np.array([0.5, 0.25], dtype=np.float32), [0.1, 0.3], [0, 1], 0.1),
        (np.array([0.123456789, 0.987654321]), [0.333333333], [1], 0.1),
        # uid 1 queried twice: its last reward counts, as numpy's scatter gives
        (np.array([0.4, 0.6, 0.8]), [0.2, 0.8, 0.5], [1, 2, 1], 0.5),
        # a nan reward (a broken score) counts as 0, as the template's nan_to_num
        (np.array([0.4, 0.6, 0.8]), [float("nan"), 0.5], [0, 2], 0.1),
        # ... also when it is the last reward of a uid listed twice: 0, not 0.5
        (np.array([0.0, 0.0]), [0.5, float("nan")], [1, 1], 0.5),
        # rewards outside [0, 1] go in as they are (the package takes them too)
        (np.array([0.5, 0.5]), [1.5, -0.2], [0, 1], 0.1),
        # integer scores (a fresh validator's zeros as ints): the result is float64
        (np.array([1, 0, 2]), [0.5], [1], 0.1),
        # rewards as a numpy array (as a validator's reward function returns them):
        # not to be changed either
        (np.array([0.4, 0.6]), np.array([float("nan"), 0.5]), [0, 1], 0.1),
    ]


def _avg_float32(scores, rewards, uids, alpha):
    import numpy as np

    return _moving_average(scores, rewards, uids, alpha).astype(np.float32)


def _avg_in_place(scores, rewards, uids, alpha):
    import numpy as np

    scores *= 1 - alpha
    scattered = np.zeros(len(scores))
    scattered[list(uids)] = rewards
    scores += alpha * scattered
    return np.asarray(scores, dtype=np.float64)


def _avg_float32_then_float64(scores, rewards, uids, alpha):
    import numpy as np

    s = np.asarray(scores)  # float32 scores stay float32 ...
    scattered = np.zeros_like(s)
    scattered[list(uids)] = np.nan_to_num(rewards)
    return (alpha * scattered + (1 - alpha) * s).astype(np.float64)  # ... until here


def _avg_by_position(scores, rewards, uids, alpha):
    import numpy as np

    scattered = np.zeros(len(scores))
    scattered[: len(rewards)] = rewards  # ignores which uid each reward is for
    return alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)


def _avg_repeats_added(scores, rewards, uids, alpha):
    import numpy as np

    scattered = np.zeros(len(scores))
    for u, r in zip(uids, rewards, strict=True):
        scattered[u] += r  # a uid queried twice gets both rewards
    return alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)


def _avg_first_reward_kept(scores, rewards, uids, alpha):
    import numpy as np

    scattered = np.zeros(len(scores))
    for u, r in reversed(list(zip(uids, rewards, strict=True))):
        scattered[u] = r  # the first reward of a repeated uid wins
    return alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)


def _avg_keeps_nan(scores, rewards, uids, alpha):
    import numpy as np

    scattered = np.zeros(len(scores))
    scattered[list(uids)] = rewards  # a nan reward makes that uid's score nan
    return alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)


def _avg_nan_skipped(scores, rewards, uids, alpha):
    import numpy as np

    keep = [(u, r) for u, r in zip(uids, rewards, strict=True) if r == r]
    out = _moving_average(scores, [r for _, r in keep], [u for u, _ in keep], alpha)
    for u, r in zip(uids, rewards, strict=True):
        if r != r:  # the nan uid keeps its old score instead of observing 0
            out[u] = np.float64(scores[u])
    return out


def _avg_rewards_clipped(scores, rewards, uids, alpha):
    import numpy as np

    clipped = np.clip(np.nan_to_num(np.asarray(rewards, float)), 0, 1)  # to [0, 1]
    return _moving_average(scores, list(clipped), uids, alpha)


def _avg_int_buffer(scores, rewards, uids, alpha):
    import numpy as np

    scattered = np.zeros_like(scores)  # an int array for int scores: 0.5 becomes 0
    scattered[list(uids)] = np.nan_to_num(np.asarray(rewards, dtype=float))
    return alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)


def _avg_nan_loop(scores, rewards, uids, alpha):
    import numpy as np

    s = np.array(scores, dtype=np.float64)
    scattered = np.zeros_like(s)
    for u, r in zip(uids, rewards, strict=True):
        if not np.isnan(r):  # a nan skipped: an earlier reward of that uid stays
            scattered[u] = r
    return alpha * scattered + (1 - alpha) * s


def _avg_rewards_cleaned_in_place(scores, rewards, uids, alpha):
    import numpy as np

    if isinstance(rewards, np.ndarray):
        rewards[np.isnan(rewards)] = 0  # the caller's rewards array changes
    return _moving_average(scores, rewards, uids, alpha)


moving_average = FunctionCheck(
    "07.2 moving_average",
    reference=_moving_average,
    cases=_avg_cases,
    compare=_array_close,
    show=_avg_show,
    hints=[
        "The template updates every uid, not only the ones it queried this step: "
        "unqueried uids observe 0. Rewards come in the order of `uids`, not by uid; "
        "a uid listed twice keeps its last reward, and a nan reward counts as 0.",
        "Scatter the rewards into a float64 zero vector at positions `uids`, then "
        "alpha * scattered + (1 - alpha) * scores. Build a new array: never change "
        "`scores` in place.",
        "scattered = np.zeros(len(scores)); scattered[list(uids)] = np.nan_to_num("
        "rewards); return "
        "alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)",
    ],
    wrong=[
        _only_queried,
        lambda scores, rewards, uids, alpha: _moving_average(
            scores, rewards, uids, 1 - alpha
        ),
        _avg_float32,
        _avg_in_place,
        _avg_by_position,
        lambda s, r, u, a: list(_moving_average(s, r, u, a)),  # a list, not an array
        _avg_repeats_added,
        _avg_first_reward_kept,
        _avg_keeps_nan,
        _avg_nan_skipped,
        _avg_nan_loop,
        _avg_int_buffer,
        _avg_rewards_clipped,
        _avg_rewards_cleaned_in_place,
        _avg_float32_then_float64,
    ],
)


# -- 07.3 to_u16 ---------------------------------------------------------------------
def _u16_tiny_is_zero(weights):
    """Wrong: "all zero" tested with a tolerance."""
    if not weights or max(weights) < 1e-9:
        return [], []
    return _to_u16(weights)


def _u16_exact(weights):
    """Wrong: exact fractions, not the SDK's float64."""
    from fractions import Fraction

    if not weights or max(weights) <= 0:
        return [], []
    m = Fraction(max(weights))
    out = [(i, round(Fraction(w) / m * U16_MAX)) for i, w in enumerate(weights)]
    return [i for i, v in out if v], [v for _, v in out if v]


def _to_u16(weights):
    from refimpl.market.weights import weights_to_u16

    return weights_to_u16(range(len(weights)), weights)


def _sum_scaled(weights):
    total = sum(weights)
    if total <= 0:
        return [], []
    pairs = [(u, round(w / total * U16_MAX)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [int(v) for u, v in pairs if v]


def _keeps_zeros(weights):
    m = max(weights)
    if m <= 0:
        return [], []
    return list(range(len(weights))), [round(w / m * U16_MAX) for w in weights]


def _rounded_with(weights, rounder):
    m = max(weights)
    if m <= 0:
        return [], []
    pairs = [(u, int(rounder(w / m * U16_MAX))) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [v for u, v in pairs if v]


def _scale_first(weights):  # s = 65535 / m, then w * s: not the SDK's w / m * 65535
    m = max(weights)
    if m <= 0:
        return [], []
    s = U16_MAX / m
    pairs = [(u, round(w * s)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [v for u, v in pairs if v]


def _normalised_first(weights):  # w / sum, then / (max / sum): other float steps
    total = sum(weights)
    if total <= 0:
        return [], []
    top = max(weights) / total
    pairs = [(u, round(w / total / top * U16_MAX)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [v for u, v in pairs if v]


def _empty_row_fails(weights):  # max([]) raises: an empty row is not guarded
    m = max(weights)
    if m <= 0:
        return [], []
    pairs = [(u, round(w / m * U16_MAX)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [v for u, v in pairs if v]


def _multiply_first(weights):  # w * 65535 / m: another float rounding than the SDK's
    m = max(weights)
    if m <= 0:
        return [], []
    pairs = [(u, round(w * U16_MAX / m)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [v for u, v in pairs if v]


def _float32_scaled(weights):
    import numpy as np

    w = np.asarray(weights, dtype=np.float32)
    if w.max() <= 0:
        return [], []
    scaled = np.rint(w / w.max() * np.float32(U16_MAX)).astype(np.int64)
    return [u for u, k in enumerate(scaled) if k], [int(k) for k in scaled if k]


def _u16_numpy_arrays(weights):  # the right numbers as numpy arrays
    import numpy as np

    uids, values = _to_u16(weights)
    return np.array(uids, dtype=np.int64), np.array(values, dtype=np.int64)


def _u16_numpy_ints(weights):  # lists of numpy ints: ints, by the type policy
    import numpy as np

    uids, values = _to_u16(weights)
    return [np.int64(u) for u in uids], [np.int64(v) for v in values]


def _plain(value):
    """``value`` as nested Python lists of ints if it looks like one, else None."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        items = [_plain(v) for v in value]
        return None if any(v is None for v in items) else items
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        return None
    return int(value.__index__())


def _u16_compare(got, exp) -> bool:
    # the type policy: numpy integers are ints (a list of np.int64 passes)
    if (
        isinstance(got, tuple)
        and len(got) == 2
        and all(isinstance(part, list) for part in got)
        and all(_is_integer(x) for part in got for x in part)
    ):
        return [int(x) for x in got[0]] == exp[0] and [int(x) for x in got[1]] == exp[1]
    if _plain(got) != [exp[0], exp[1]]:
        floats = _floats_equal(got, exp)
        if floats:
            raise Wrong(
                f"returned {floats}: the right values, but as floats; u16 values "
                "are ints (convert with int(v), or .astype(int) before .tolist())"
            )
        return False  # wrong values: the usual description
    # the right numbers in the wrong types: say which type is wanted
    if not isinstance(got, tuple):
        raise Wrong(
            f"returned {_a_type(got)} holding the right numbers, but a tuple of "
            f"two lists is wanted: return (uids, values)"
        )
    if all(isinstance(part, list) for part in got):
        raise Wrong(
            "returned the right numbers, but not as ints: a list of "
            "ints is wanted for each part (convert with .tolist() or int(v))"
        )
    kinds = " and ".join(sorted({_type_of(part) for part in got}))
    raise Wrong(
        f"returned a tuple of {kinds} (not lists) holding the right numbers, but a "
        f"list of ints is wanted for each part (convert with .tolist())"
    )


def _is_integer(x) -> bool:
    import numpy as np

    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _floats_equal(got, exp) -> str:
    """The answer's repr if it holds exactly the right numbers as floats, else ''."""
    try:
        parts = [list(p.tolist() if hasattr(p, "tolist") else p) for p in got]
        if len(parts) == 2 and parts == [exp[0], exp[1]]:
            return repr(got)
    except Exception:
        return ""
    return ""


def _type_of(value) -> str:
    name = type(value).__module__ + "." + type(value).__qualname__
    return name.removeprefix("builtins.")


def _a_type(value) -> str:
    name = _type_of(value)
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


to_u16 = FunctionCheck(
    "07.3 to_u16",
    reference=_to_u16,
    cases=[
        ([0.2, 0.1, 0.0],),
        ([1.0, 1.0, 1.0],),
        ([0.5, 0.0, 0.25, 0.125],),
        ([3.0, 1e-6, 2.0],),
        ([0.0, 0.0],),
        ([0.7, 0.2, 0.1],),
        ([6.0, 1.0],),  # 10922.5 exactly: a half, rounds to the even 10922
        ([30.0, 1.0, 0.0],),  # 2184.5: rounds to 2184
        ([2.0, 1.0],),  # 32767.5: rounds to the even 32768
        ([1.0, 1e-5, 7e-6],),  # 0.655 and 0.459: one kept, one dropped
        ([1.0, 2.0, 3.0, 5.0, 7.0, 11.0, 13.0],),
        ([8.984722196648951, 6.710333568091361],),  # float32 rounds this one up
        ([3.0, 2.3],),  # w / m * 65535 and w * 65535 / m round differently here
        ([12.0, 1.2],),  # 1.2 / 12 * 65535 is 6553.4999..., 1.2 * (65535 / 12) 6553.5
        ([9.0, 8.1],),  # the same: 58981.4999... divided first, 58981.5 scaled first
        ([],),  # an empty row: nothing to send, ([], []) as the SDK mirror gives
        ([0.7, 3.0],),  # 15291.4999... divided by the max, 15291.5 normalised first
        # float64, as the SDK computes: exact fractions round 54612.5... up
        ([1.2, 1.0],),
        # tiny weights are weights: only exact zeros send nothing
        ([1e-12, 5e-13],),
    ],
    compare=_u16_compare,
    hints=[
        "The SDK scales the LARGEST weight to 65535 (max-upscale), not the sum, "
        "rounds, and drops the uids whose value rounds to 0. Divide first: "
        "w / max * 65535, in that order, as the SDK does.",
        "Rounding is half to even (Python's round, numpy's rint): 10922.5 becomes "
        "10922. Return a tuple of two lists of ints; all-zero weights and an empty "
        "list give ([], []).",
        "if not weights or max(weights) <= 0: return [], []; m = max(weights); "
        "pairs = [(u, round(w / m * 65535)) for u, w in enumerate(weights)]; keep "
        "the pairs whose value is not 0",
    ],
    wrong=[
        _u16_exact,
        _u16_tiny_is_zero,
        _sum_scaled,
        _keeps_zeros,
        lambda w: _rounded_with(w, math.floor),
        lambda w: _rounded_with(w, lambda v: math.floor(v + 0.5)),  # half up
        lambda w: _rounded_with(w, math.ceil),
        _float32_scaled,
        lambda w: list(_to_u16(w)),  # a list of lists, not a tuple
        _multiply_first,
        _scale_first,
        _empty_row_fails,
        _normalised_first,
        _u16_numpy_arrays,
    ],
)


# -- 07.4 topk_gated_answer ----------------------------------------------------------
def _topk_gated(logits, outputs, k):
    import torch

    k = min(k, logits.shape[-1])
    top = torch.topk(logits, k, dim=-1)
    masked = torch.full_like(logits, float("-inf")).scatter(-1, top.indices, top.values)
    gates = torch.softmax(masked, dim=-1)
    return (gates * outputs).sum(dim=-1, keepdim=True)


def _gate_cases():
    import torch

    gen = torch.Generator().manual_seed(7)
    logits = torch.randn(6, 5, generator=gen)
    outputs = torch.randn(6, 5, generator=gen)
    return [
        (logits, outputs, 2),
        (logits, outputs, 1),  # only the best miner per input
        (logits, outputs, 5),  # all of them: the lesson's gate
        (logits, outputs, 9),  # more than there are: all of them
        (
            torch.tensor([[3.0, -1.0, 2.0, 0.5]]),
            torch.tensor([[1.0, 2.0, 3.0, 4.0]]),
            2,
        ),
        (torch.randn(3, 4, generator=gen) * 30, torch.randn(3, 4, generator=gen), 3),
        # ties at the k-th logit: exactly k miners are kept (the tied ones answer the
        # same, so which of them is kept does not change the answer)
        (
            torch.tensor([[2.0, 1.0, 1.0, 0.0], [0.5, 0.5, 0.5, 0.5]]),
            torch.tensor([[0.0, 5.0, 5.0, 9.0], [3.0, 3.0, 3.0, 3.0]]),
            2,
        ),
        (
            torch.tensor([[1.0, 3.0, 1.0, 1.0, -2.0]]),
            torch.tensor([[4.0, -1.0, 4.0, 4.0, 8.0]]),
            3,
        ),
        # large logits: exp(1000) overflows unless the softmax subtracts the max
        (torch.tensor([[1000.0, 999.0, 0.0]]), torch.tensor([[1.0, 2.0, 3.0]]), 2),
        # very negative logits: a mask of -1e9 is no longer "exactly 0" for the rest
        (torch.tensor([[-3e9, -4e9, -5e9]]), torch.tensor([[1.0, 2.0, 3.0]]), 1),
        # ... near float32's lowest: no finite fill is low enough, only -inf
        (torch.tensor([[-3e38, -3.1e38, -3.2e38]]), torch.tensor([[1.0, 2.0, 3.0]]), 1),
    ]


def _tensor_close(got, expected) -> bool:
    import torch

    from refimpl.course.feedback import array_code

    if isinstance(got, torch.Tensor) and got.shape != expected.shape:
        raise Wrong(
            f"{_GATE_SHOWN[0]} returned a tensor of shape {list(got.shape)}; the "
            f"answer has shape [B, 1], one column (keepdim=True)"
        )
    if not isinstance(got, torch.Tensor):
        return False
    if bool(torch.allclose(got.double(), expected.double(), atol=1e-6)):
        return True
    close = torch.isclose(got.double(), expected.double(), atol=1e-6).all(dim=-1)
    row = int((~close).nonzero()[0, 0]) if not bool(close.all()) else 0
    shown = array_code(got) or f"<{tuple(got.shape)} tensor>"
    raise Wrong(
        f"{_GATE_SHOWN[0]} returned {shown}, whose row {row} (from logits[{row}] "
        f"and outputs[{row}]) is the first row that is not right"
    )


_GATE_SHOWN = ["topk_gated_answer(...)"]  # the call being judged, for the message


def _gate_show(args: tuple) -> str:
    shown = _show_whole(args)
    _GATE_SHOWN[0] = f"topk_gated_answer({shown})"
    return shown


def _topk_not_renormalised(logits, outputs, k):
    import torch

    k = min(k, logits.shape[-1])
    gates = torch.softmax(logits, dim=-1)
    top = torch.topk(gates, k, dim=-1)
    kept = torch.zeros_like(gates).scatter(-1, top.indices, top.values)
    return (kept * outputs).sum(dim=-1, keepdim=True)


def _topk_zero_logits(logits, outputs, k):
    import torch

    k = min(k, logits.shape[-1])
    top = torch.topk(logits, k, dim=-1)
    masked = torch.zeros_like(logits).scatter(
        -1, top.indices, top.values
    )  # 0, not -inf
    return (torch.softmax(masked, dim=-1) * outputs).sum(dim=-1, keepdim=True)


def _topk_over_batch(logits, outputs, k):
    import torch

    k = min(k, logits.shape[0])
    top = torch.topk(logits, k, dim=0)
    masked = torch.full_like(logits, float("-inf")).scatter(0, top.indices, top.values)
    return (torch.softmax(masked, dim=-1).nan_to_num() * outputs).sum(
        dim=-1, keepdim=True
    )


def _topk_threshold(logits, outputs, k):
    import torch

    k = min(k, logits.shape[-1])
    kth = torch.topk(logits, k, dim=-1).values[:, -1:]
    masked = torch.where(logits >= kth, logits, float("-inf"))  # ties: more than k
    return (torch.softmax(masked, dim=-1) * outputs).sum(dim=-1, keepdim=True)


def _topk_own_softmax(logits, outputs, k):
    import torch

    top = torch.topk(logits, min(k, logits.shape[-1]), dim=-1)
    masked = torch.full_like(logits, float("-inf")).scatter(-1, top.indices, top.values)
    e = torch.exp(masked)  # no max subtracted: exp(1000) is inf, inf / inf is nan
    return (e / e.sum(dim=-1, keepdim=True) * outputs).sum(dim=-1, keepdim=True)


def _topk_fill(logits, outputs, k, fill):
    import torch

    top = torch.topk(logits, min(k, logits.shape[-1]), dim=-1)
    masked = torch.full_like(logits, fill).scatter(-1, top.indices, top.values)
    return (torch.softmax(masked, dim=-1) * outputs).sum(dim=-1, keepdim=True)


def _topk_big_negative(logits, outputs, k):
    import torch

    top = torch.topk(logits, min(k, logits.shape[-1]), dim=-1)
    masked = torch.full_like(logits, -1e9).scatter(-1, top.indices, top.values)
    return (torch.softmax(masked, dim=-1) * outputs).sum(dim=-1, keepdim=True)


def _topk_smallest(logits, outputs, k):
    return _topk_gated(-logits, outputs, k)


topk_gated_answer = FunctionCheck(
    "07.4 topk_gated_answer",
    reference=_topk_gated,
    cases=_gate_cases,
    compare=_tensor_close,
    show=_gate_show,
    hints=[
        "Per input (row), keep the k largest logits and give every other miner a gate "
        "of exactly 0; the kept gates must still sum to 1 (a softmax over the kept).",
        "Set the dropped logits to -inf before the softmax (torch.topk and scatter, or "
        "a mask), then torch.softmax: it subtracts each row's max, so a logit of "
        "1000 does not overflow exp. k above the number of miners means all of them. "
        "Keep shape [B, 1].",
        "top = torch.topk(logits, min(k, n), dim=-1); masked = torch.full_like(logits, "
        "-inf).scatter(-1, top.indices, top.values); (softmax(masked) * outputs)"
        ".sum(-1, keepdim=True)",
    ],
    wrong=[
        lambda lg, out, k: (torch_softmax(lg) * out).sum(dim=-1, keepdim=True),
        _topk_not_renormalised,
        _topk_zero_logits,
        _topk_over_batch,
        _topk_smallest,
        _topk_big_negative,  # -1e9 for -inf
        lambda logits, outputs, k: _topk_fill(logits, outputs, k, -1e30),
        lambda lg, out, k: _topk_gated(lg, out, k).squeeze(-1),  # shape [B]
        _topk_threshold,
        _topk_own_softmax,
    ],
)


def torch_softmax(logits):
    import torch

    return torch.softmax(logits, dim=-1)


# -- 07.5 subtensor_accepts ----------------------------------------------------------
def _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params) -> bool:
    self_only = len(uids) == 1 and len(values) == 1 and uids[0] == my_uid
    if len(uids) != len(values) or len(uids) > n:
        return False
    if stake < params["min_stake"]:
        return False
    key = params["version_key"]
    if key != 0 and version < key:
        return False
    if len(set(uids)) != len(uids) or any(not 0 <= u < n for u in uids):
        return False
    if any(not 0 <= v <= U16_MAX for v in values):
        return False
    if not (permit or self_only):
        return False
    if self_only:
        return True
    if len(values) < min(n, params["min_allowed_weights"]):
        return False
    limit = params["max_weight_limit"]
    if limit == U16_MAX:
        return True
    up = _max_upscaled(values)  # an empty row has no top share: it passes, as on chain
    return max(up, default=0) * U16_MAX <= limit * sum(up)  # top share <= limit/65535


def _max_upscaled(values: list[int]) -> list[int]:
    """Subtensor's ``vec_u16_max_upscale_to_u16``: the largest value becomes 65535,
    the others ``v * 65535 / max`` rounded half up (fixed point's ``round()``)."""
    m = max(values, default=0)
    if m == 0:
        return list(values)
    return [(2 * v * U16_MAX + m) // (2 * m) for v in values]


_P = {
    "min_stake": 1000,
    "version_key": 7,
    "min_allowed_weights": 3,
    "max_weight_limit": 30000,
}


def _accept_cases() -> list[tuple]:
    p, free = dict(_P), dict(_P, version_key=0, max_weight_limit=U16_MAX)
    free_7 = dict(free, version_key=7)
    none_min = dict(p, min_allowed_weights=0)

    def limit(value: int) -> dict:
        return dict(p, max_weight_limit=value)

    other = dict(p, min_stake=50, version_key=3, min_allowed_weights=2)
    return [
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 5000, 7, p),  # fine
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 999, 7, p),  # stake too low
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 1000, 7, p),  # stake exactly
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 5000, 6, p),  # old version
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 5000, 8, p),  # newer: fine
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 5000, 0, free),  # key 0
        ([0, 1], [100, 100], 9, 10, True, 5000, 7, p),  # fewer than 3 weights
        ([0, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, p),  # exactly 3
        ([9], [65535], 9, 10, False, 5000, 7, p),  # only itself: no permit needed
        # ... and with a permit, still no minimum count and no weight limit
        ([9], [65535], 9, 10, True, 5000, 7, p),
        ([9], [65535], 9, 10, True, 5000, 7, dict(p, min_allowed_weights=1)),
        ([9, 1, 2], [100, 100, 100], 9, 10, True, 5000, 7, p),  # includes itself: ok
        (
            [9, 1, 2],
            [100, 100, 100],
            9,
            10,
            False,
            5000,
            7,
            p,
        ),  # ... but needs a permit
        ([0, 1, 2, 3], [0, 0, 0, 0], 9, 10, True, 5000, 7, p),  # all zero: accepted
        ([0, 1, 2], [2, 1, 1], 9, 10, True, 5000, 7, p),  # a share near 1/2
        # a top share of exactly 1/2: above 32767/65535, within 32768/65535
        ([0, 1, 2, 3], [3, 1, 1, 1], 9, 10, True, 5000, 7, limit(32767)),
        ([0, 1, 2, 3], [3, 1, 1, 1], 9, 10, True, 5000, 7, limit(32768)),
        # max-upscaled, 1 becomes 10922.5 -> 10923 (half up): a share within 49151
        ([0, 1, 2], [6, 1, 1], 9, 10, True, 5000, 7, limit(49151)),
        ([0, 1, 2], [6, 1, 1], 9, 10, True, 5000, 7, limit(49150)),
        # upscaled, 2 and 38 become 6 and 120: the raw share would pass 65409
        ([0, 1, 2, 3], [2, 0, 38, 20736], 9, 10, True, 5000, 7, limit(65409)),
        ([0, 1, 2, 3], [2, 0, 38, 20736], 9, 10, True, 5000, 7, limit(65410)),
        # a subnet of 2 uids needs only min(n, min_allowed_weights) = 2 weights
        ([0, 1], [1, 1], 1, 2, True, 5000, 7, free_7),
        ([0], [1], 1, 2, True, 5000, 7, free_7),  # ... not 1
        ([0, 1, 2, 3], [100, 100, 100], 9, 10, True, 5000, 7, p),  # lengths differ
        ([0, 1, 1, 3], [100, 100, 100, 100], 9, 10, True, 5000, 7, p),  # duplicate
        ([0, 1, 2, 10], [100, 100, 100, 100], 9, 10, True, 5000, 7, p),  # uid 10 of 10
        ([0, 1, 2, 3], [100, 100, 100, 65536], 9, 10, True, 5000, 7, free),  # not u16
        ([0, 1, 2, 3], [65535, 1, 1, 1], 9, 10, True, 5000, 7, free),  # no limit
        ([0, 1, 2, 3, 4], [1, 1, 1, 1, 1], 9, 4, True, 5000, 7, free),  # more than n
        # a weight for every one of the n uids: allowed
        ([0, 1, 2], [1, 1, 1], 0, 3, True, 5000, 7, free_7),
        ([3, 0, 2, 1], [5, 1, 2, 1], 1, 4, True, 5000, 7, free),
        ([0, 1, 2], [-1, 1, 1], 9, 10, True, 5000, 7, free_7),  # -1 is not a u16
        ([-1, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, free_7),  # nor a uid
        # only itself, yet every other rule still applies: a value above u16 ...
        ([9], [70000], 9, 10, False, 5000, 7, free_7),
        ([10], [5], 10, 10, False, 5000, 7, free_7),  # ... and a uid out of range
        ([9], [65535], 9, 10, False, 999, 7, free_7),  # ... and the minimum stake
        ([9], [65535], 9, 10, False, 5000, 6, p),  # ... and the version key
        ([9], [1, 2], 9, 10, False, 5000, 7, p),  # ... and equal lengths
        ([9, 9], [1, 1], 9, 10, False, 5000, 7, p),  # ... and distinct uids
        # 13 * 65535 / 26 is 32767.5: half up gives 32768, exactly at this limit
        (
            [0, 1],
            [26, 13],
            9,
            10,
            True,
            0,
            0,
            dict(
                p,
                min_stake=0,
                version_key=0,
                min_allowed_weights=1,
                max_weight_limit=43690,
            ),
        ),
        # all-zero rows are judged by every rule: too few uids ...
        ([0, 1], [0, 0], 9, 10, True, 5000, 7, p),
        # ... and, with no top share, within any limit
        ([0, 1, 2, 3], [0, 0, 0, 0], 9, 10, True, 5000, 7, limit(10000)),
        # "only itself" is one uid, not one non-zero weight
        ([9, 1, 2], [100, 0, 0], 9, 10, False, 5000, 7, p),
        ([9], [0], 9, 10, False, 5000, 7, p),  # ... a zero weight on itself included
        # a limit of 0 is a limit (only 65535 means none): any weight is above it
        ([0, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, limit(0)),
        # other subnets' parameters than the lesson's: stake 60 and version 3 pass,
        # stake 49 or version 2 do not
        *(
            ([0, 1], [5, 5], 9, 10, True, stake, version, other)
            for stake, version in ((60, 3), (49, 3), (60, 2))
        ),
        # a top share of exactly 21845/65535 = 1/3: within the limit (<=, not <)
        ([0, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, limit(21845)),
        ([0, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, limit(21844)),
        # version 0 from the caller is just an old version when the key is 7
        ([0, 1, 2, 3], [100, 100, 100, 100], 9, 10, True, 5000, 0, p),
        # an empty row: fewer than min(n, min_allowed_weights) = 3 weights
        ([], [], 9, 10, True, 5000, 7, p),
        # ... with no minimum, a permitted sender may send it (no top share to limit)
        ([], [], 9, 10, True, 5000, 7, none_min),
        ([], [], 9, 10, False, 5000, 7, none_min),  # ... not one without a permit
        ([], [], 9, 10, True, 999, 7, none_min),  # ... nor below the minimum stake
        ([], [], 9, 10, True, 5000, 6, none_min),  # ... nor with an old version
    ]


def _wrong_no_zero_rows(uids, values, *rest):
    return _subtensor_accepts(uids, values, *rest) and sum(values) > 0


def _wrong_no_self(uids, values, my_uid, *rest):
    return my_uid not in uids and _subtensor_accepts(uids, values, my_uid, *rest)


def _wrong_one_sided_u16(uids, values, my_uid, n, permit, stake, version, params):
    if any(v > U16_MAX for v in values):  # -1 slips through
        return False
    values = [abs(v) for v in values]  # the other rules, as if -1 were a fine u16
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _wrong_uid_below_n(uids, values, my_uid, n, permit, stake, version, params):
    if any(u >= n for u in uids):  # uid -1 slips through
        return False
    uids = [u % n for u in uids]  # the other rules, as if -1 were a fine uid
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _wrong_permitted_self_row(uids, values, my_uid, n, permit, stake, version, params):
    self_only = len(uids) == 1 and uids[0] == my_uid
    if not permit:  # the self-only waiver, but only for validators without a permit
        return self_only and _subtensor_accepts(
            uids, values, my_uid, n, permit, stake, version, params
        )
    if not _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params):
        return False
    limit = params["max_weight_limit"]
    up = _max_upscaled(values)
    return len(values) >= min(n, params["min_allowed_weights"]) and (
        limit == U16_MAX or max(up) * U16_MAX <= limit * sum(up)
    )


def _wrong_self_first(uids, values, my_uid, n, permit, stake, version, params):
    if stake < params["min_stake"]:
        return False
    if len(uids) == 1 and uids[0] == my_uid:
        return True  # only itself: accepted before its uid and value are looked at
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _limit_by(rule):
    """A wrong answer: subtensor's rules, but the weight limit judged by
    ``rule(values, limit)`` (when the row is not only itself and the limit is set)."""

    def answer(uids, values, my_uid, n, permit, stake, version, params):
        limit = params["max_weight_limit"]
        no_limit = dict(params, max_weight_limit=U16_MAX)
        if not _subtensor_accepts(
            uids, values, my_uid, n, permit, stake, version, no_limit
        ):
            return False
        self_only = len(uids) == 1 and uids[0] == my_uid
        return self_only or limit == U16_MAX or rule(values, limit)

    return answer


def _raw_values_within(values, limit) -> bool:  # the values as sent, not normalised
    return max(values) <= limit


def _floor_normalised_within(values, limit) -> bool:  # sum 65535, no max-upscale
    total = sum(values)
    return not total or max(v * U16_MAX // total for v in values) <= limit


def _raw_share_within(values, limit) -> bool:  # the exact share, but not upscaled
    return max(values) * U16_MAX <= limit * sum(values)


def _half_even_upscaled_within(values, limit) -> bool:  # upscaled as the SDK rounds
    m = max(values)
    up = [round(v / m * U16_MAX) for v in values] if m else values
    return max(up) * U16_MAX <= limit * sum(up)


def _wrong_min_weights_ignore_n(
    uids, values, my_uid, n, permit, stake, version, params
):
    self_only = len(uids) == 1 and uids[0] == my_uid
    if not self_only and len(uids) < params["min_allowed_weights"]:
        return False  # a subnet smaller than the minimum can never pass
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _share_at_limit_refused(values, limit) -> bool:  # < where the text says <=
    m = max(values, default=0)
    up = [(2 * v * U16_MAX + m) // (2 * m) for v in values] if m else values
    return not sum(up) or max(up) * U16_MAX < limit * sum(up)


def _wrong_empty_row_free(uids, values, my_uid, n, permit, stake, version, params):
    if not uids and not values:
        return True  # nothing sent, nothing to refuse
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _wrong_version_zero_any(uids, values, my_uid, n, permit, stake, version, params):
    key = params["version_key"]
    if key != 0 and version != 0 and version < key:  # version 0 taken as "any"
        return False
    p = dict(params, version_key=0)
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, p)


def _wrong_version_exact(uids, values, my_uid, n, permit, stake, version, params):
    key = params["version_key"]
    if key != 0 and version != key:
        return False
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _wrong_self_needs_permit(uids, values, my_uid, n, permit, stake, version, params):
    return permit and _subtensor_accepts(
        uids, values, my_uid, n, permit, stake, version, params
    )


def _wrong_stake_strict(uids, values, my_uid, n, permit, stake, version, params):
    return stake > params["min_stake"] and _subtensor_accepts(
        uids, values, my_uid, n, permit, stake, version, params
    )


def _wrong_min_weights_strict(uids, values, my_uid, n, permit, stake, version, params):
    p = dict(params, min_allowed_weights=params["min_allowed_weights"] + 1)
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, p)


def _wrong_all_uids_refused(uids, values, my_uid, n, permit, stake, version, params):
    if len(uids) >= n:  # refuses a weight for every uid, not just more than n
        return False
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _wrong_key_zero_blocks(uids, values, my_uid, n, permit, stake, version, params):
    if version < params["version_key"] or version == 0:
        return False
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _upscale_by_float_factor(uids, values, my_uid, n, permit, stake, version, params):
    """Wrong: the upscale factor 65535 / max computed first, then + 0.5 and int()."""
    self_only = len(uids) == 1 and uids[0] == my_uid
    if self_only or params["max_weight_limit"] == U16_MAX or not values:
        return _subtensor_accepts(
            uids, values, my_uid, n, permit, stake, version, params
        )
    if not _subtensor_accepts(
        uids,
        values,
        my_uid,
        n,
        permit,
        stake,
        version,
        dict(params, max_weight_limit=U16_MAX),
    ):
        return False
    m = max(values)
    if m == 0:
        return True
    up = [int(v * (U16_MAX / m) + 0.5) for v in values]
    return max(up) * U16_MAX <= params["max_weight_limit"] * sum(up)


def _self_only_as_a_set(uids, values, my_uid, n, permit, stake, version, params):
    """Wrong: "only itself" tested as set(uids) == {my_uid}, before distinctness."""
    if len(uids) == len(values) and uids and set(uids) == {my_uid}:
        rules_pass = stake >= params["min_stake"] and 0 <= my_uid < n
        key = params["version_key"]
        rules_pass = rules_pass and (key == 0 or version >= key)
        return bool(rules_pass and all(0 <= v <= U16_MAX for v in values))
    return _subtensor_accepts(uids, values, my_uid, n, permit, stake, version, params)


def _self_only_early(rest):
    """Wrong: an only-itself row returns early, checking stake, range and ``rest``
    only (the text spares it the permit rule and the next one, never the others)."""

    def answer(uids, values, my_uid, n, permit, stake, version, params):
        if list(uids) == [my_uid]:
            return bool(
                stake >= params["min_stake"]
                and 0 <= my_uid < n
                and all(0 <= v <= U16_MAX for v in values)
                and rest(values, version, params)
            )
        return _subtensor_accepts(
            uids, values, my_uid, n, permit, stake, version, params
        )

    return answer


subtensor_accepts = FunctionCheck(
    "07.5 subtensor_accepts",
    reference=_subtensor_accepts,
    cases=_accept_cases,
    show=args_whole,  # params whole
    hints=[
        "Go through the rules one by one, each a simple test; the exercise lists "
        "them. 'Only itself' means exactly one uid, the sender's: such a row "
        "needs no permit, "
        "no minimum number of weights and no weight limit; every other rule (length, "
        "stake, version, uids in range, values in 0..65535) still applies.",
        "The boundaries: stake >= min_stake; version >= version_key unless the key is "
        "0; at least min(n, min_allowed_weights) uids; the limit is skipped when it "
        "is 65535, and otherwise judges the row AFTER subtensor max-upscales it "
        "(halves round up, not to even); a share exactly at the limit passes. An "
        "all-zero row passes the limit, and so does an empty one (it has no top "
        "share), but an empty row still needs a permit, the stake, the version and "
        "min(n, min_allowed_weights) <= 0.",
        "m = max(values, default=0); up = [(2 * v * 65535 + m) // (2 * m) for v in "
        "values] if m else values; return max(up, default=0) * 65535 <= limit * "
        "sum(up)",
    ],
    wrong=[
        lambda u, v, me, n, permit, stake, version, p: _subtensor_accepts(
            u, v, me, n, permit, stake, version, dict(p, min_stake=1000, version_key=7)
        ),  # the lesson's minimum stake and version key, whatever the subnet's
        _self_only_early(lambda v, version, p: len(v) == 1),  # no version check
        _self_only_as_a_set,
        _upscale_by_float_factor,
        lambda u, v, me, n, permit, stake, version, p: _subtensor_accepts(
            u,
            v,
            me,
            n,
            permit,
            stake,
            version,
            dict(p, max_weight_limit=U16_MAX) if p["max_weight_limit"] == 0 else p,
        ),  # a limit of 0 read as "no limit", like version_key 0
        lambda u, v, me, n, permit, stake, version, p: (
            False
            if len(u) == 1 and u[0] == me and v and v[0] == 0 and not permit
            else _subtensor_accepts(u, v, me, n, permit, stake, version, p)
        ),  # "only itself" needs a non-zero weight
        _self_only_early(  # no length check
            lambda v, version, p: p["version_key"] == 0 or version >= p["version_key"]
        ),
        _wrong_no_zero_rows,
        _wrong_no_self,
        _limit_by(_raw_values_within),
        _wrong_version_exact,
        _wrong_self_needs_permit,
        _wrong_stake_strict,
        _wrong_min_weights_strict,
        _wrong_key_zero_blocks,
        _wrong_all_uids_refused,
        lambda *args: int(_subtensor_accepts(*args)),  # an int, not a bool
        _wrong_one_sided_u16,
        _wrong_uid_below_n,
        _wrong_self_first,
        _limit_by(_floor_normalised_within),
        _limit_by(_raw_share_within),
        _limit_by(_half_even_upscaled_within),
        _wrong_min_weights_ignore_n,
        _wrong_permitted_self_row,
        _limit_by(_share_at_limit_refused),
        _wrong_empty_row_free,
        _wrong_version_zero_any,
    ],
)

# The type policy: numpy integers are ints, in a list as anywhere else.
to_u16.right.append(_u16_numpy_ints)
