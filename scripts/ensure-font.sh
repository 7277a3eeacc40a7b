#!/usr/bin/env bash
# Certificates (志愿服务证明) are PDFs in Chinese and need a CJK font on the
# system. If none of the usual ones is there, install WenQuanYi Micro Hei
# from Debian when we may (root with apt-get); otherwise say how.
# Sourced by run.sh and test.sh; LINLI_CJK_FONT names a font file explicitly.
for f in "${LINLI_CJK_FONT:-}" \
  /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
  /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
  /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
  /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc; do
  if [ -n "$f" ] && [ -f "$f" ]; then return 0 2>/dev/null || exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing a CJK font for certificates (fonts-wqy-microhei)"
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1; }; then
    return 0 2>/dev/null || exit 0
  fi
fi
echo "note: no CJK font found; certificates will answer 503 certificate.font_missing." >&2
echo "      install one (apt-get install fonts-wqy-microhei) or set LINLI_CJK_FONT=/path/to/font.ttc" >&2
