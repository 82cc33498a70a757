"""Synthetic Japanese-style company names for the sample's accounts."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import take

__all__ = ["company_names"]

_NAME_STEMS = (
    "サクラ", "ミドリ", "アオバ", "ヒカリ", "ツバサ", "アサヒ", "ホクト", "ミナト",
    "カエデ", "スバル", "ヤマト", "コスモ", "ソラ", "ハヤテ", "イズミ", "ナギ",
    "ミライ", "アカツキ", "シオン", "リンク", "ネクスト", "ユニオン", "フロンティア",
    "クレスト", "ブライト", "エール", "ノア", "ルミナ", "オリオン", "テラス",
    "東洋", "日之出", "大和", "北辰", "富士", "瑞穂", "青葉", "若葉", "朝日", "白鷺",
    "三和", "丸山", "高砂", "千代田", "浪速", "紀伊", "常盤", "錦", "松風", "桜井",
    "北斗", "港南", "東邦", "西海", "中央", "光陽", "栄光", "旭", "山城", "緑川",
)
_NAME_MIDDLES = ("", "総合", "国際", "ジャパン", "デジタル", "グリーン", "メディカル", "ネット")
_NAME_PARTS = (
    "商事", "物産", "製作所", "工業", "電機", "精機", "化学", "食品", "建設", "運輸",
    "物流", "システムズ", "テクノロジー", "ソリューションズ", "ホールディングス",
    "不動産", "薬品", "印刷", "興業", "サービス", "通信", "設計", "技研", "産業",
    "開発", "ラボ", "パートナーズ", "エンジニアリング", "コンサルティング", "リテール",
)
_NAME_CITIES = ("", "東京", "大阪", "名古屋", "横浜", "京都", "神戸", "福岡", "札幌", "仙台", "広島")
_NAME_FORMS = (("株式会社", ""), ("", "株式会社"), ("合同会社", ""), ("有限会社", ""))
_NAME_FORM_P = (0.55, 0.35, 0.05, 0.05)


def company_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Unique synthetic Japanese-style company names.

    Stem x middle x business word gives 14,400 names; beyond that a city
    prefix is added (x11), and beyond that a number in brackets.

    Examples
    --------
    >>> names = company_names(np.random.default_rng(0), 3)
    >>> len(set(names.to_pylist()))
    3
    """
    sizes = (len(_NAME_STEMS), len(_NAME_MIDDLES), len(_NAME_PARTS))
    space = int(np.prod(sizes))
    slot = np.arange(n)
    combo = rng.permutation(space)[slot % space]
    dup = slot // space
    order = rng.permutation(n)
    combo, dup = combo[order], dup[order]
    stem, rest = combo % sizes[0], combo // sizes[0]
    mid, part = rest % sizes[1], rest // sizes[1]
    city, number = dup % len(_NAME_CITIES), dup // len(_NAME_CITIES)
    form = rng.choice(len(_NAME_FORMS), size=n, p=_NAME_FORM_P)
    suffix_labels = [""] + [f"（{i + 1}）" for i in range(1, int(number.max()) + 1)]
    return pc.binary_join_element_wise(
        take([f[0] for f in _NAME_FORMS], form), take(_NAME_CITIES, city),
        take(_NAME_STEMS, stem), take(_NAME_MIDDLES, mid), take(_NAME_PARTS, part),
        take([f[1] for f in _NAME_FORMS], form), take(suffix_labels, number), "")
