"""Plotly's own strings in the app's languages: the modebar, its messages and the legend's double-click hint.
Keys are plotly.js's English strings, which change between versions (v4 says "PNG" where v2 said "png").

Plotly ships its locales as separate scripts; a chart's config can carry them instead, so nothing extra loads.
"""

from __future__ import annotations

_ZH_CN = {
    "Download plot as a png": "下载图表为 PNG", "Download plot as a PNG": "下载图表为 PNG",
    "Download plot as JSON": "下载图表为 JSON", "Download plot": "下载图表", "Zoom": "缩放", "Pan": "平移",
    "Zoom in": "放大", "Zoom out": "缩小", "Reset axes": "重置坐标轴", "Autoscale": "自动缩放",
    "Box Select": "框选", "Lasso Select": "套索选择", "Reset view": "重置视图", "Reset": "重置",
    "Toggle Spike Lines": "切换辅助线", "Show closest data on hover": "悬停时显示最近的数据",
    "Compare data on hover": "悬停时比较数据", "Double-click to zoom back out": "双击恢复缩放",
    "Double-click on legend to isolate one trace": "双击图例只显示这一条",
    "Taking snapshot - this may take a few seconds": "正在生成图片，可能需要几秒钟",
    "Snapshot succeeded": "图片已生成", "Sorry, there was a problem downloading your snapshot!": "抱歉，图片下载失败！",
    "Produced with Plotly.js": "由 Plotly.js 生成", "trace": "曲线",
}
_ZH_TW = {
    "Download plot as a png": "下載圖表為 PNG", "Download plot as a PNG": "下載圖表為 PNG",
    "Download plot as JSON": "下載圖表為 JSON", "Download plot": "下載圖表", "Zoom": "縮放", "Pan": "平移",
    "Zoom in": "放大", "Zoom out": "縮小", "Reset axes": "重設座標軸", "Autoscale": "自動縮放",
    "Box Select": "框選", "Lasso Select": "套索選擇", "Reset view": "重設檢視", "Reset": "重設",
    "Toggle Spike Lines": "切換輔助線", "Show closest data on hover": "懸停時顯示最接近的資料",
    "Compare data on hover": "懸停時比較資料", "Double-click to zoom back out": "按兩下恢復縮放",
    "Double-click on legend to isolate one trace": "按兩下圖例只顯示這一條",
    "Taking snapshot - this may take a few seconds": "正在產生圖片，可能需要幾秒鐘",
    "Snapshot succeeded": "圖片已產生", "Sorry, there was a problem downloading your snapshot!": "抱歉，圖片下載失敗！",
    "Produced with Plotly.js": "由 Plotly.js 產生", "trace": "曲線",
}
MODEBAR = {"zh-CN": _ZH_CN, "zh-TW": _ZH_TW}


def modebar_locale(lang: str) -> dict:
    """The part of a plotly config that puts its modebar in `lang` (English needs nothing)."""
    if lang not in MODEBAR:
        return {}
    return {"locale": lang, "locales": {lang: {"dictionary": MODEBAR[lang]}}}
