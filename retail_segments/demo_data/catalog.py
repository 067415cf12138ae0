"""The stock-code catalog: products, their descriptions, prices and popularity.

About 2,900 five-digit product codes (some with letter suffixes) get distinct
descriptions built from word lists, log-normal prices and a Zipf-like
popularity; eight products are also described a second way. After the products
come the non-product codes the demo has a line shape for (POSTAGE, Manual,
Discount, ...), each of which must be an exact code of the project's seed
``seeds/non_product_stock_codes.csv`` (dbt reads the same file), then the
bad-debt code.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Which stock codes are not products is the project's seed (dbt reads the same
# file); the demo plants the seed's exact codes it has a line shape for. The shapes
# are in draw order: changing the order changes the generated data.
NON_PRODUCT_SEED = Path(__file__).resolve().parents[2] / "seeds" / "non_product_stock_codes.csv"
NON_PRODUCT_LINE_SHAPES = {
    # stock code: (description, weight, quantity, low price, high price)
    "POST": ("POSTAGE", 0.45, 1, 15.0, 40.0),
    "DOT": ("DOTCOM POSTAGE", 0.12, 1, 50.0, 900.0),
    "M": ("Manual", 0.14, 1, 0.5, 60.0),
    "C2": ("CARRIAGE", 0.06, 1, 50.0, 50.0),
    "D": ("Discount", 0.05, -1, 5.0, 60.0),
    "BANK CHARGES": ("Bank Charges", 0.04, 1, 15.0, 15.0),
    "AMAZONFEE": ("AMAZON FEE", 0.02, -1, 100.0, 5000.0),
    "CRUK": ("CRUK Commission", 0.02, -1, 1.0, 60.0),
    "PADS": ("PADS TO MATCH ALL CUSHIONS", 0.04, 1, 0.01, 0.01),
    "S": ("SAMPLES", 0.06, 1, 1.0, 40.0),
}
BAD_DEBT_CODE = ("B", "Adjust bad debt")


@dataclass(frozen=True)
class NonProductCode:
    """A non-product stock code of the seed and how the demo draws its lines."""

    code: str
    description: str
    weight: float
    quantity: int
    low_price: float
    high_price: float


def seed_non_product_codes(path: Path = NON_PRODUCT_SEED) -> set[str]:
    """The stock codes the seed lists as exact non-product codes."""
    with path.open(newline="", encoding="utf-8") as file:
        return {row["stock_code"] for row in csv.DictReader(file) if row["match_type"] == "exact"}


@functools.cache
def non_product_codes(path: Path = NON_PRODUCT_SEED) -> tuple[NonProductCode, ...]:
    """The seed's non-product codes the demo plants, in draw order."""
    listed = seed_non_product_codes(path)
    unknown = sorted(set(NON_PRODUCT_LINE_SHAPES) - listed) + sorted({BAD_DEBT_CODE[0]} - listed)
    if unknown:
        raise ValueError(f"demo non-product codes not listed in {path}: {unknown}")
    return tuple(NonProductCode(code, *shape) for code, shape in NON_PRODUCT_LINE_SHAPES.items())


ADJECTIVES = (
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "BLACK", "CREAM",
    "VINTAGE", "RETRO", "JUMBO", "SMALL", "LARGE", "REGENCY", "HANGING",
    "GLASS", "WOODEN", "ENAMEL", "PAPER", "ZINC", "ANTIQUE", "SWEETHEART",
    "FRENCH", "SET OF 3", "SET OF 6", "PACK OF 12", "MINI", "SILVER",
)  # fmt: skip
MOTIFS = (
    "HEART", "SPOTTY", "POLKADOT", "ROSE", "STRAWBERRY", "CHRISTMAS", "BIRD",
    "SKULL", "OWL", "PAISLEY", "DOILY", "UNION JACK", "STAR", "FLOWER",
    "BUTTERFLY", "CHERRY", "LOVE", "GARDEN", "PARTY", "DOLLY GIRL", "RABBIT",
    "SPACEBOY", "CIRCUS", "ALPHABET",
)  # fmt: skip
ITEMS = (
    "T-LIGHT HOLDER", "LUNCH BAG", "CAKE CASES", "MUG", "BUNTING", "DOORMAT",
    "NAPKINS", "TEA TOWEL", "CANDLE", "LANTERN", "SHOPPER", "CUSHION COVER",
    "PHOTO FRAME", "ALARM CLOCK", "PURSE", "NOTEBOOK", "HOT WATER BOTTLE",
    "METAL SIGN", "STORAGE JAR", "TRAY", "BOWL", "PLATE", "PARASOL",
    "GIFT WRAP", "BAKING SET", "CHALKBOARD", "WALL CLOCK", "JEWELLERY BOX",
    "PICNIC BASKET", "CHARM", "KEY RING", "GARLAND",
)  # fmt: skip


@dataclass(frozen=True)
class Catalog:
    """Stock codes with descriptions, prices and popularity.

    Products come first; the non-product codes follow, then the bad-debt code.
    ``descriptions`` has one entry per code plus the alternative descriptions
    of the few products that are described two ways.
    """

    codes: np.ndarray
    descriptions: np.ndarray
    prices: np.ndarray
    popularity: np.ndarray
    n_products: int
    alt_products: np.ndarray  # product indices with a second description
    alt_desc_index: np.ndarray  # index into ``descriptions`` of that second one


def _stock_codes(rng: np.random.Generator) -> np.ndarray:
    """~2,900 distinct 5-digit stock codes, some with letter suffixes."""
    bases = np.sort(rng.choice(np.arange(10002, 90000), size=2700, replace=False))
    lettered = np.zeros(len(bases), dtype=bool)
    lettered[rng.choice(len(bases), size=150, replace=False)] = True
    n_letters = np.where(lettered, rng.integers(2, 4, size=len(bases)), 1)
    base_rep = np.repeat(bases, n_letters)
    within = np.arange(len(base_rep)) - np.repeat(np.cumsum(n_letters) - n_letters, n_letters)
    suffix = np.where(np.repeat(lettered, n_letters), np.array(list("ABCD"))[within], "")
    return np.char.add(base_rep.astype(str), suffix).astype(object)


def _descriptions(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct uppercase descriptions built from word lists."""
    n_combos = len(ADJECTIVES) * len(MOTIFS) * len(ITEMS)
    combo = rng.choice(n_combos, size=n, replace=False)
    adj, rest = np.divmod(combo, len(MOTIFS) * len(ITEMS))
    motif, item = np.divmod(rest, len(ITEMS))
    words = [np.array(w, dtype=object) for w in (ADJECTIVES, MOTIFS, ITEMS)]
    return words[0][adj] + " " + words[1][motif] + " " + words[2][item]


def _product_prices(rng: np.random.Generator, n: int) -> np.ndarray:
    """Log-normal unit prices rounded to 5 pence (0.10 .. 45.00)."""
    raw = rng.lognormal(mean=np.log(2.4), sigma=0.75, size=n)
    return np.round(np.clip(np.round(raw * 20) / 20, 0.1, 45.0), 2)


def make_catalog(rng: np.random.Generator) -> Catalog:
    """Products (Zipf-like popularity) plus non-product and bad-debt codes."""
    codes = _stock_codes(rng)
    n = len(codes)
    desc = _descriptions(rng, n)
    ranks = rng.permutation(n)
    popularity = 1.0 / (ranks + 8.0) ** 0.95
    alt_products = rng.choice(n, size=8, replace=False)
    first_word = np.array([d.split(" ")[0] for d in desc[alt_products]], dtype=object)
    alt_words = np.array(ADJECTIVES, dtype=object)[rng.integers(0, 8, size=8)]
    alt_words = np.where(alt_words == first_word, "CREAM", alt_words)
    alt_desc = np.array(
        [
            w + d[len(f) :]
            for w, d, f in zip(alt_words, desc[alt_products], first_word, strict=True)
        ],
        dtype=object,
    )
    planted = non_product_codes()
    special_codes = np.array([c.code for c in planted] + [BAD_DEBT_CODE[0]], dtype=object)
    special_desc = np.array([c.description for c in planted] + [BAD_DEBT_CODE[1]], dtype=object)
    n_special = len(special_codes)
    return Catalog(
        codes=np.concatenate([codes, special_codes]),
        descriptions=np.concatenate([desc, special_desc, alt_desc]),
        prices=np.concatenate([_product_prices(rng, n), np.zeros(n_special)]),
        popularity=popularity / popularity.sum(),
        n_products=n,
        alt_products=alt_products,
        alt_desc_index=np.arange(n + n_special, n + n_special + len(alt_products)),
    )


def pick_products(
    rng: np.random.Generator, catalog: Catalog, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Product and description indices for ``n`` lines."""
    product = rng.choice(catalog.n_products, size=n, p=catalog.popularity)
    desc = product.copy()
    lookup = np.full(catalog.n_products, -1)
    lookup[catalog.alt_products] = catalog.alt_desc_index
    use_alt = (lookup[product] >= 0) & (rng.random(n) < 0.3)
    desc[use_alt] = lookup[product[use_alt]]
    return product, desc
