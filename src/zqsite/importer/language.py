"""A text's language from its script: en, ja, zh-Hant or zh-Hans."""

from __future__ import annotations

import re

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

# Pairs (traditional, simplified) of common characters that exist in only one of the scripts;
# the script with more of its own characters wins. Characters shared by both are left out.
_PAIRS = tuple((
    "會会 國国 區区 發发 慶庆 這这 個个 們们 來来 時时 對对 說说 為为 與与 開开 關关 經经 濟济 產产 業业 "
    "資资 貿贸 進进 設设 實实 際际 現现 電电 車车 東东 華华 廣广 門门 長长 書书 學学 問问 間间 聞闻 網网 "
    "務务 動动 員员 達达 場场 體体 萬万 億亿 輛辆 運运 還还 過过 選选 邊边 鎮镇 縣县 責责 負负 項项 頻频 "
    "護护 馬马 氣气 預预 報报 幫帮 則则 訪访 搶抢 確确 傳传 統统 談谈 論论 協协 議议 團团 隊队 歡欢 導导 "
    "營营 環环 樣样 緊紧 織织 裝装 備备 鐵铁 銅铜 鋁铝 機机 構构 廠厂 園园 測测 驗验 證证 態态 質质 規规 "
    "積积 極极 優优 勢势 術术 創创 辦办 處处 腦脑 熱热 雙双 頭头 價价 錢钱 銷销 數数 據据 條条 級级 線线 "
    "號号 寫写 讀读 聽听 記记 講讲 讓让 認认 識识 請请 謝谢 權权 歷历 農农 廳厅 縮缩 總总 費费 貨货 購购 "
    "貸贷 額额 點点 擴扩 簽签 約约 細细 層层 齊齐 節节 葉叶 蘇苏 靈灵 爾尔 龍龙 島岛 陽阳 陰阴 閱阅 聯联 "
    "絡络 維维 "
).split())
_TRADITIONAL = frozenset(pair[0] for pair in _PAIRS)
_SIMPLIFIED = frozenset(pair[1] for pair in _PAIRS)
assert all(len(pair) == 2 for pair in _PAIRS) and not _TRADITIONAL & _SIMPLIFIED


def cjk_count(text: str) -> int:
    """Han and kana characters in `text`."""
    return len(_HAN.findall(text)) + len(_KANA.findall(text))


def is_cjk_text(text: str) -> bool:
    """True if the text is written mainly in Chinese or Japanese (a few Latin names allowed)."""
    # A CJK character carries about as much as a short word: CJK text has at least one CJK
    # character for every four Latin letters.
    cjk = cjk_count(text)
    return cjk > 0 and cjk * 4 >= len(_LATIN.findall(text))


def detect_language(text: str) -> str:
    """Any kana -> ja; Han -> zh-Hant or zh-Hans by the characters only one script has; else en."""
    if not is_cjk_text(text):
        return "en"
    if _KANA.search(text):
        return "ja"
    traditional = sum(1 for char in text if char in _TRADITIONAL)
    simplified = sum(1 for char in text if char in _SIMPLIFIED)
    return "zh-Hant" if traditional > simplified else "zh-Hans"
