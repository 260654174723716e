#!/usr/bin/env python3
"""Render terminal text with SGR escapes (e.g. `tmux capture-pane -e -p`) as SVG.

Reads the captured screen on stdin, writes an SVG on stdout (or --output).
Python 3 standard library only; the output is deterministic (same input and
options, same bytes).

    tmux capture-pane -e -p -N -t SESSION | ansi2svg.py --cols 120 --rows 40 > shot.svg
    rsvg-convert shot.svg -o shot.png

Layout: every cell is CELL_W x LINE_H pixels. The cell width is the advance of
DejaVu Sans Mono (1233/2048 em); the line height is the font's ascent+descent
(2384/2048 em), so box-drawing and block characters, which span exactly that
height in DejaVu Sans Mono, join without gaps. Characters the font may lack
(CJK, emoji, symbols) are placed one by one at their cell, so a fallback
font's different advance never shifts the rest of the line.
"""

import argparse
import re
import sys
import unicodedata

# DejaVu Sans Mono metrics, in font units (unitsPerEm 2048).
UPEM = 2048.0
ADVANCE = 1233.0
ASCENT = 1901.0
DESCENT = 483.0

DEFAULT_BG = "#1a1b26"
DEFAULT_FG = "#c0caf5"

# The 16 base colours (Tokyo Night flavoured, to suit the dark background).
BASE16 = [
    "#15161e", "#f7768e", "#9ece6a", "#e0af68",
    "#7aa2f7", "#bb9af7", "#7dcfff", "#a9b1d6",
    "#414868", "#ff899d", "#b9f27c", "#ffc777",
    "#8db0ff", "#c7a9ff", "#a4daff", "#c0caf5",
]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        levels = (0, 95, 135, 175, 215, 255)
        r, g, b = levels[n // 36], levels[(n // 6) % 6], levels[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse",
                 "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None  # None = default colour, else "#rrggbb"
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic,
                self.underline, self.reverse, self.hidden, self.strike)


def _extended_colour(params, i):
    """Parse 38/48 arguments starting at params[i] (the 5 or 2).

    Returns (colour or None, number of params consumed)."""
    if i >= len(params):
        return None, 0
    mode = params[i]
    if mode == 5 and i + 1 < len(params):
        return xterm256(max(0, min(255, params[i + 1]))), 2
    if mode == 2 and i + 3 < len(params):
        r, g, b = (max(0, min(255, v)) for v in params[i + 1:i + 4])
        return "#%02x%02x%02x" % (r, g, b), 4
    return None, len(params) - i


def apply_sgr(style, raw):
    if raw == "":
        style.reset()
        return
    # Colon sub-parameters (38:2::R:G:B, 4:3, ...) are handled per group;
    # semicolon-separated ones as a flat list.
    groups = raw.split(";")
    flat = []
    for g in groups:
        if ":" in g:
            sub = [int(x) if x.isdigit() else 0 for x in g.split(":")]
            if sub[0] in (38, 48, 58) and len(sub) >= 2:
                if sub[1] == 2 and len(sub) >= 6:  # 38:2:CS:R:G:B
                    sub = [sub[0], 2] + sub[-3:]
                flat.append(tuple(sub))
            elif sub[0] == 4:
                flat.append(4 if (len(sub) < 2 or sub[1] != 0) else 24)
            else:
                flat.append(sub[0])
        else:
            flat.append(int(g) if g.isdigit() else 0)
    i = 0
    while i < len(flat):
        p = flat[i]
        i += 1
        if isinstance(p, tuple):
            colour, _ = _extended_colour(list(p), 1)
            if p[0] == 38:
                style.fg = colour
            elif p[0] == 48:
                style.bg = colour
            continue
        if p == 0:
            style.reset()
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p == 4:
            style.underline = True
        elif p == 7:
            style.reverse = True
        elif p == 8:
            style.hidden = True
        elif p == 9:
            style.strike = True
        elif p == 21:
            style.underline = True
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = False
        elif p == 27:
            style.reverse = False
        elif p == 28:
            style.hidden = False
        elif p == 29:
            style.strike = False
        elif 30 <= p <= 37:
            style.fg = BASE16[p - 30]
        elif p == 39:
            style.fg = None
        elif 40 <= p <= 47:
            style.bg = BASE16[p - 40]
        elif p == 49:
            style.bg = None
        elif 90 <= p <= 97:
            style.fg = BASE16[p - 90 + 8]
        elif 100 <= p <= 107:
            style.bg = BASE16[p - 100 + 8]
        elif p in (38, 48, 58):
            ints = [x if isinstance(x, int) else 0 for x in flat]
            colour, used = _extended_colour(ints, i)
            i += used
            if p == 38:
                style.fg = colour
            elif p == 48:
                style.bg = colour
        # anything else (blink, overline, fonts, ...) is ignored


ESCAPE_RE = re.compile(
    r"\x1b\[([0-9;:<=>?]*)([ -/]*)([@-~])"      # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"       # OSC (hyperlinks, titles)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"            # DCS / PM / APC / SOS
    r"|\x1b[()*+][ -/]*[0-~]"                    # charset designation
    r"|\x1b[ -/]*[0-~]?"                         # any other escape
)


def char_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def parse(text, cols, rows):
    """Return a rows x cols grid of (char, style key); char "" marks the
    right half of a wide character."""
    blank = Style().key()
    grid = [[[" ", blank] for _ in range(cols)] for _ in range(rows)]
    style = Style()  # tmux carries SGR state from one line to the next
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for r, line in enumerate(lines[:rows]):
        row = grid[r]
        col = [0]

        def put(chunk):
            c = col[0]
            for ch in chunk:
                if ch == "\t":
                    nxt = min(cols, (c // 8 + 1) * 8)
                    while c < nxt:
                        row[c] = [" ", style.key()]
                        c += 1
                    continue
                o = ord(ch)
                if o < 0x20 or 0x7f <= o < 0xa0:
                    continue
                w = char_width(ch)
                if w == 0:  # combining mark: joins the previous cell
                    prev = c - 1
                    if prev > 0 and row[prev][0] == "":
                        prev -= 1
                    if prev >= 0:
                        row[prev][0] += ch
                    continue
                if c + w > cols:
                    break
                row[c] = [ch, style.key()]
                if w == 2:
                    row[c + 1] = ["", style.key()]
                c += w
            col[0] = c

        pos = 0
        for m in ESCAPE_RE.finditer(line):
            put(line[pos:m.start()])
            pos = m.end()
            params = m.group(1)
            if (m.group(3) == "m" and not m.group(2)
                    and not (params or "").startswith(("<", "=", ">", "?"))):
                apply_sgr(style, params)
        put(line[pos:])
    return grid


def groupable(ch):
    """ASCII and Latin-1: always in the monospace font, one advance each, so a
    run of them stays on the cell grid when drawn as one string. Everything
    else is drawn one character per <text>, centred in its cell(s), so box
    drawing lines up exactly and a fallback font's glyph (braille, CJK,
    emoji, symbols) cannot shift its neighbours."""
    o = ord(ch)
    return 0x20 <= o < 0x7f or 0xa0 <= o <= 0xff


def num(v):
    s = "%.2f" % v
    s = s.rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def esc(s):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(ch if (ord(ch) >= 0x20 or ch in "\t\n") and ch not in "\ufffe\uffff" else " " for ch in s)


def mix(a, b, t):
    """Blend colour a towards b by t (0..1)."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))


def effective(key, default_fg, default_bg):
    fg, bg, bold, dim, italic, underline, reverse, hidden, strike = key
    fg = fg or default_fg
    bg_set = bg is not None
    bg = bg or default_bg
    if reverse:
        fg, bg = bg, fg
        bg_set = True
    if dim:
        fg = mix(fg, bg, 0.45)
    if hidden:
        fg = bg
    return fg, (bg if bg_set else None), bold, italic, underline, strike


def render(grid, cols, rows, font_size, pad, default_fg, default_bg, font_family):
    cw = font_size * ADVANCE / UPEM
    lh = font_size * (ASCENT + DESCENT) / UPEM
    base = font_size * ASCENT / UPEM
    width = round(2 * pad + cols * cw)
    height = round(2 * pad + rows * lh)
    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">\n'
      % (width, height, width, height))
    w('<rect width="100%%" height="100%%" fill="%s"/>\n' % default_bg)
    backgrounds = []
    texts = []
    decorations = []
    for r in range(rows):
        row = grid[r]
        y = pad + r * lh
        cells = [effective(k, default_fg, default_bg) for _, k in row]
        # Background runs.
        c = 0
        while c < cols:
            bg = cells[c][1]
            s = c
            while c < cols and cells[c][1] == bg:
                c += 1
            if bg is not None:
                backgrounds.append('<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>\n'
                                   % (num(pad + s * cw), num(y), num((c - s) * cw), num(lh), bg))
        # Underline / strike-through runs.
        for idx, (attr, dy) in enumerate(((4, base + font_size * 0.12), (5, base - font_size * 0.3))):
            c = 0
            while c < cols:
                if not cells[c][attr]:
                    c += 1
                    continue
                colour = cells[c][0]
                s = c
                while c < cols and cells[c][attr] and cells[c][0] == colour:
                    c += 1
                decorations.append('<rect x="%s" y="%s" width="%s" height="1" fill="%s"/>\n'
                                   % (num(pad + s * cw), num(y + dy), num((c - s) * cw), colour))
        # Text runs.
        c = 0
        while c < cols:
            ch = row[c][0]
            if ch in (" ", ""):
                c += 1
                continue
            tstyle = (cells[c][0], cells[c][2], cells[c][3])
            s = c
            centred = not (len(ch) == 1 and groupable(ch))
            if not centred:
                buf = []
                while c < cols:
                    ch2 = row[c][0]
                    if not (len(ch2) == 1 and groupable(ch2)):
                        break
                    if ch2 != " " and (cells[c][0], cells[c][2], cells[c][3]) != tstyle:
                        break
                    buf.append(ch2)
                    c += 1
                s_text = "".join(buf).rstrip(" ")
            else:
                s_text = ch
                c += 1
                if c < cols and row[c][0] == "":
                    c += 1
            fill, bold, italic = tstyle
            attrs = ' fill="%s"' % fill
            if bold:
                attrs += ' font-weight="bold"'
            if italic:
                attrs += ' font-style="italic"'
            if centred:
                x = pad + (s + c) * cw / 2.0  # centre of the cell(s)
                attrs += ' text-anchor="middle"'
            else:
                x = pad + s * cw
            texts.append('<text x="%s" y="%s"%s xml:space="preserve">%s</text>\n'
                         % (num(x), num(y + base), attrs, esc(s_text)))
    w('<g shape-rendering="crispEdges">\n')
    out.extend(backgrounds)
    w('</g>\n')
    w('<g font-family="%s" font-size="%s">\n' % (font_family, num(font_size)))
    out.extend(texts)
    w('</g>\n')
    if decorations:
        w('<g shape-rendering="crispEdges">\n')
        out.extend(decorations)
        w('</g>\n')
    w('</svg>\n')
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--font-size", type=float, default=14.0)
    ap.add_argument("--font-family", default="DejaVu Sans Mono")
    ap.add_argument("--padding", type=float, default=8.0)
    ap.add_argument("--fg", default=DEFAULT_FG, help="default foreground colour")
    ap.add_argument("--bg", default=DEFAULT_BG, help="default background colour")
    ap.add_argument("--output", "-o", help="write here instead of stdout")
    ap.add_argument("input", nargs="?", help="read here instead of stdin")
    a = ap.parse_args()
    for opt in ("fg", "bg"):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", getattr(a, opt)):
            ap.error("--%s must be #rrggbb" % opt)
    if a.input:
        with open(a.input, "rb") as f:
            data = f.read()
    else:
        data = sys.stdin.buffer.read()
    text = data.decode("utf-8", errors="replace")
    grid = parse(text, a.cols, a.rows)
    svg = render(grid, a.cols, a.rows, a.font_size, a.padding, a.fg.lower(),
                 a.bg.lower(), esc(a.font_family).replace('"', "&quot;"))
    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(svg)
    else:
        sys.stdout.buffer.write(svg.encode("utf-8"))


if __name__ == "__main__":
    main()
