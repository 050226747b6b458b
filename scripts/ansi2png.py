#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` dump (text with ANSI SGR escapes) as a PNG.

    python3 scripts/ansi2png.py IN.ansi OUT.png [--cols C --rows R] [--font-size N]
                                [--fg '#e5e5e5'] [--bg '#0c0c0c'] [--pad N]

One character per cell on a fixed grid, drawn with DejaVu Sans Mono (regular and bold) via
Pillow. Box-drawing lines, block elements and shades are drawn as shapes that fill the whole
cell, so borders join and bar charts stack without gaps, as in a real terminal; any other
character comes from the font (falling back to DejaVu Sans when the mono face lacks it).

SGR handled: 0 reset, 1 bold, 2 dim, 3 italic (ignored), 4 underline, 7 reverse, 9 strike,
22/23/24/27/29, 30-37/90-97 fg, 40-47/100-107 bg, 39/49 defaults, 38;5;N / 48;5;N (256
colours), 38;2;R;G;B / 48;2;R;G;B (truecolour). Other escape sequences are dropped.
"""

import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT_REGULAR = FONT_DIR + "DejaVuSansMono.ttf"
FONT_BOLD = FONT_DIR + "DejaVuSansMono-Bold.ttf"
FONT_FALLBACK = FONT_DIR + "DejaVuSans.ttf"
FONT_FALLBACK_BOLD = FONT_DIR + "DejaVuSans-Bold.ttf"

# xterm's default 16-colour palette.
XTERM16 = [
    (0x00, 0x00, 0x00), (0xCD, 0x00, 0x00), (0x00, 0xCD, 0x00), (0xCD, 0xCD, 0x00),
    (0x00, 0x00, 0xEE), (0xCD, 0x00, 0xCD), (0x00, 0xCD, 0xCD), (0xE5, 0xE5, 0xE5),
    (0x7F, 0x7F, 0x7F), (0xFF, 0x00, 0x00), (0x00, 0xFF, 0x00), (0xFF, 0xFF, 0x00),
    (0x5C, 0x5C, 0xFF), (0xFF, 0x00, 0xFF), (0x00, 0xFF, 0xFF), (0xFF, 0xFF, 0xFF),
]


def xterm256(n):
    """The RGB of xterm colour n (0-255)."""
    if n < 16:
        return XTERM16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


def parse_hex(s):
    s = s.lstrip("#")
    if len(s) != 6:
        raise argparse.ArgumentTypeError(f"colour must be #rrggbb, got {s!r}")
    return tuple(int(s[i:i + 2], 16) for i in (0, 2, 4))


class Cell:
    __slots__ = ("ch", "fg", "bg", "bold", "dim", "rev", "ul", "strike", "wide")

    def __init__(self, ch=" ", st=None, wide=False):
        self.ch = ch
        self.wide = wide
        st = st or Style()
        self.fg, self.bg = st.fg, st.bg
        self.bold, self.dim, self.rev = st.bold, st.dim, st.rev
        self.ul, self.strike = st.ul, st.strike


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None  # None = default; else (r, g, b)
        self.bg = None
        self.bold = self.dim = self.rev = self.ul = self.strike = False

    def apply(self, params):
        ps = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")] if params else [0]
        i = 0
        while i < len(ps):
            p = ps[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 4:
                self.ul = True
            elif p == 7:
                self.rev = True
            elif p == 9:
                self.strike = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 24:
                self.ul = False
            elif p == 27:
                self.rev = False
            elif p == 29:
                self.strike = False
            elif 30 <= p <= 37:
                self.fg = XTERM16[p - 30]
            elif 90 <= p <= 97:
                self.fg = XTERM16[p - 90 + 8]
            elif 40 <= p <= 47:
                self.bg = XTERM16[p - 40]
            elif 100 <= p <= 107:
                self.bg = XTERM16[p - 100 + 8]
            elif p == 39:
                self.fg = None
            elif p == 49:
                self.bg = None
            elif p in (38, 48, 58):
                colour = None
                if i + 2 < len(ps) and ps[i + 1] == 5:
                    colour = xterm256(ps[i + 2] & 0xFF)
                    i += 2
                elif i + 4 < len(ps) and ps[i + 1] == 2:
                    colour = tuple(min(255, v) for v in ps[i + 2:i + 5])
                    i += 4
                else:
                    i = len(ps)  # malformed: drop the rest
                if p == 38:
                    self.fg = colour
                elif p == 48:
                    self.bg = colour
            # anything else (italic, blink, underline colour...) is ignored
            i += 1


ESC_RE = re.compile(
    r"\x1b\[([0-9;:?]*)([@-~])"          # CSI ... final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC ... BEL/ST (e.g. hyperlinks)
    r"|\x1b[PX^_][^\x1b]*\x1b\\"          # DCS/SOS/PM/APC
    r"|\x1b[()][0-9A-Za-z]"               # charset designation
    r"|\x1b[@-_]"                          # other 2-char escapes
)


def char_width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text, cols=None, rows=None):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    grid = []
    st = Style()  # tmux resets the style at each line's start anyway; carry it over like a terminal
    for line in lines:
        line = line.rstrip("\r")
        row = []
        pos = 0
        for m in ESC_RE.finditer(line + "\x1b[Z"):  # sentinel to flush the tail
            for ch in line[pos:m.start()]:
                if ch == "\t":
                    for _ in range(8 - len(row) % 8):
                        row.append(Cell(" ", st))
                    continue
                if ord(ch) < 0x20 or ord(ch) == 0x7F:
                    continue
                w = char_width(ch)
                if w == 0:
                    if row:
                        row[-1].ch += ch
                    continue
                row.append(Cell(ch, st, wide=(w == 2)))
                if w == 2:
                    row.append(Cell("", st))  # the right half of a wide character
            pos = m.end()
            if m.group(2) == "m":
                st.apply(m.group(1))
        grid.append(row)
    ncols = cols or max((len(r) for r in grid), default=1)
    nrows = rows or len(grid)
    grid = grid[:nrows]
    while len(grid) < nrows:
        grid.append([])
    for r in grid:
        del r[ncols:]
        while len(r) < ncols:
            r.append(Cell(" "))
    return grid, ncols, nrows


# --- cell-filling shapes ------------------------------------------------------------------

# Box drawing: (up, right, down, left) arm weights, 1 = light, 2 = heavy, 3 = double.
BOX = {}


def _box(chars, arms):
    for c in chars:
        BOX[c] = arms


for _c, _a in {
    "─": (0, 1, 0, 1), "│": (1, 0, 1, 0), "┌": (0, 1, 1, 0), "┐": (0, 0, 1, 1),
    "└": (1, 1, 0, 0), "┘": (1, 0, 0, 1), "├": (1, 1, 1, 0), "┤": (1, 0, 1, 1),
    "┬": (0, 1, 1, 1), "┴": (1, 1, 0, 1), "┼": (1, 1, 1, 1),
    "━": (0, 2, 0, 2), "┃": (2, 0, 2, 0), "┏": (0, 2, 2, 0), "┓": (0, 0, 2, 2),
    "┗": (2, 2, 0, 0), "┛": (2, 0, 0, 2), "┣": (2, 2, 2, 0), "┫": (2, 0, 2, 2),
    "┳": (0, 2, 2, 2), "┻": (2, 2, 0, 2), "╋": (2, 2, 2, 2),
    "═": (0, 3, 0, 3), "║": (3, 0, 3, 0), "╔": (0, 3, 3, 0), "╗": (0, 0, 3, 3),
    "╚": (3, 3, 0, 0), "╝": (3, 0, 0, 3), "╠": (3, 3, 3, 0), "╣": (3, 0, 3, 3),
    "╦": (0, 3, 3, 3), "╩": (3, 3, 0, 3), "╬": (3, 3, 3, 3),
    "╴": (0, 0, 0, 1), "╵": (1, 0, 0, 0), "╶": (0, 1, 0, 0), "╷": (0, 0, 1, 0),
}.items():
    BOX[_c] = _a
ROUNDED = {"╭": (0, 1, 1, 0), "╮": (0, 0, 1, 1), "╰": (1, 1, 0, 0), "╯": (1, 0, 0, 1)}

SHADES = {"░": 0.25, "▒": 0.5, "▓": 0.75}
# Quadrants: (upper-left, upper-right, lower-left, lower-right).
QUADS = {
    "▖": (0, 0, 1, 0), "▗": (0, 0, 0, 1), "▘": (1, 0, 0, 0), "▝": (0, 1, 0, 0),
    "▙": (1, 0, 1, 1), "▚": (1, 0, 0, 1), "▛": (1, 1, 1, 0), "▜": (1, 1, 0, 1),
    "▞": (0, 1, 1, 0), "▟": (0, 1, 1, 1), "▀": (1, 1, 0, 0), "▄": (0, 0, 1, 1),
    "▌": (1, 0, 1, 0), "▐": (0, 1, 0, 1), "█": (1, 1, 1, 1),
}


def mix(a, b, t):
    """a blended toward b by t."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def draw_shape(d, ch, x, y, cw, chh, fg, bg, lw):
    """Draw ch as a shape if it is one; True if it was."""
    o = ord(ch) if len(ch) == 1 else 0
    if 0x2581 <= o <= 0x2588:  # ▁▂▃▄▅▆▇█ lower eighths
        h = round(chh * (o - 0x2580) / 8)
        d.rectangle([x, y + chh - h, x + cw - 1, y + chh - 1], fill=fg)
        return True
    if 0x2589 <= o <= 0x258F:  # ▉▊▋▌▍▎▏ left eighths
        w = max(1, round(cw * (0x2590 - o) / 8))
        d.rectangle([x, y, x + w - 1, y + chh - 1], fill=fg)
        return True
    if ch == "▔":
        d.rectangle([x, y, x + cw - 1, y + max(1, round(chh / 8)) - 1], fill=fg)
        return True
    if ch == "▕":
        w = max(1, round(cw / 8))
        d.rectangle([x + cw - w, y, x + cw - 1, y + chh - 1], fill=fg)
        return True
    if ch in QUADS:
        ul, ur, ll, lr = QUADS[ch]
        mx, my = x + cw // 2, y + chh // 2
        for on, box in ((ul, [x, y, mx - 1, my - 1]), (ur, [mx, y, x + cw - 1, my - 1]),
                        (ll, [x, my, mx - 1, y + chh - 1]), (lr, [mx, my, x + cw - 1, y + chh - 1])):
            if on:
                d.rectangle(box, fill=fg)
        return True
    if ch in SHADES:
        d.rectangle([x, y, x + cw - 1, y + chh - 1], fill=mix(bg, fg, SHADES[ch]))
        return True
    if ch in BOX or ch in ROUNDED:
        up, right, down, left = BOX.get(ch) or ROUNDED[ch]
        cx, cy = x + (cw - lw) // 2, y + (chh - lw) // 2  # top-left of the centre stroke
        x1, y1 = x + cw - 1, y + chh - 1

        def stroke(weight, horizontal, a, b):
            # a..b along the axis; the stroke is centred on the cell's middle line
            if weight == 3:
                gap = lw + 1
                for off in (-gap, gap):
                    stroke_at(horizontal, a, b, off, lw)
                return
            w = lw * 2 if weight == 2 else lw
            stroke_at(horizontal, a, b, -(w - lw) // 2, w)

        def stroke_at(horizontal, a, b, off, w):
            if horizontal:
                d.rectangle([a, cy + off, b, cy + off + w - 1], fill=fg)
            else:
                d.rectangle([cx + off, a, cx + off + w - 1, b], fill=fg)

        ext = lw  # arms overlap the centre so corners close
        if left:
            stroke(left, True, x, cx + ext - 1 + (lw if left == 3 or right == 3 else 0))
        if right:
            stroke(right, True, cx - (lw if left == 3 or right == 3 else 0), x1)
        if up:
            stroke(up, False, y, cy + ext - 1 + (lw if up == 3 or down == 3 else 0))
        if down:
            stroke(down, False, cy - (lw if up == 3 or down == 3 else 0), y1)
        return True
    return False


class Fonts:
    def __init__(self, size):
        self.mono = ImageFont.truetype(FONT_REGULAR, size)
        self.mono_bold = ImageFont.truetype(FONT_BOLD, size)
        self.fallback = ImageFont.truetype(FONT_FALLBACK, size)
        self.fallback_bold = ImageFont.truetype(FONT_FALLBACK_BOLD, size)
        self.cw = round(self.mono.getlength("M"))
        asc, desc = self.mono.getmetrics()
        self.ch = asc + desc
        self._cache = {}
        # The mono face's "missing glyph" bitmap, to spot characters it lacks.
        self._notdef = {id(f): self._mask(f, "\U000F0000") for f in (self.mono, self.mono_bold, self.fallback, self.fallback_bold)}

    @staticmethod
    def _mask(font, ch):
        m = font.getmask(ch)
        return (m.size, bytes(m))

    def pick(self, ch, bold):
        key = (ch, bold)
        if key not in self._cache:
            chain = [self.mono_bold, self.mono, self.fallback_bold, self.fallback] if bold else [self.mono, self.fallback]
            chosen = chain[0]
            for f in chain:
                if ch.isspace() or self._mask(f, ch) != self._notdef[id(f)]:
                    chosen = f
                    break
            self._cache[key] = chosen
        return self._cache[key]


def render(grid, ncols, nrows, fonts, dfg, dbg, pad):
    cw, chh = fonts.cw, fonts.ch
    lw = max(1, round(fonts.cw / 9))
    img = Image.new("RGB", (ncols * cw + 2 * pad, nrows * chh + 2 * pad), dbg)
    d = ImageDraw.Draw(img)
    for r, row in enumerate(grid):
        y = pad + r * chh
        for c, cell in enumerate(row):
            x = pad + c * cw
            fg = cell.fg or dfg
            bg = cell.bg or dbg
            if cell.rev:
                fg, bg = bg, fg
            if cell.dim:
                fg = mix(fg, bg, 0.45)
            width = 2 if cell.wide else 1
            if bg != dbg:
                d.rectangle([x, y, x + cw * width - 1, y + chh - 1], fill=bg)
            ch = cell.ch
            if ch and not ch.isspace():
                if not draw_shape(d, ch, x, y, cw, chh, fg, bg, lw):
                    font = fonts.pick(ch[0], cell.bold)
                    gw = font.getlength(ch)
                    gx = x + (cw * width - gw) / 2
                    if gw > cw * width:  # squeeze wide fallback glyphs onto their cells
                        glyph = Image.new("L", (int(gw) + 2, chh), 0)
                        ImageDraw.Draw(glyph).text((1, 0), ch, font=font, fill=255)
                        glyph = glyph.resize((cw * width, chh), Image.LANCZOS)
                        img.paste(Image.new("RGB", glyph.size, fg), (x, y), glyph)
                    else:
                        d.text((gx, y), ch, font=font, fill=fg)
            if cell.ul:
                d.rectangle([x, y + chh - 2, x + cw * width - 1, y + chh - 2 + lw - 1], fill=fg)
            if cell.strike:
                d.rectangle([x, y + chh // 2, x + cw * width - 1, y + chh // 2 + lw - 1], fill=fg)
    return img


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="tmux capture-pane -e -p dump ('-' for stdin)")
    ap.add_argument("output", help="PNG to write")
    ap.add_argument("--cols", type=int, help="grid width (default: the widest line)")
    ap.add_argument("--rows", type=int, help="grid height (default: the number of lines)")
    ap.add_argument("--font-size", type=int, default=15, help="pixels (default 15)")
    ap.add_argument("--fg", type=parse_hex, default=parse_hex("#e5e5e5"), help="default foreground #rrggbb")
    ap.add_argument("--bg", type=parse_hex, default=parse_hex("#0c0c0c"), help="default background #rrggbb")
    ap.add_argument("--pad", type=int, default=8, help="padding in pixels (default 8)")
    a = ap.parse_args()
    text = sys.stdin.read() if a.input == "-" else open(a.input, encoding="utf-8", errors="replace").read()
    grid, ncols, nrows = parse(text, a.cols, a.rows)
    fonts = Fonts(a.font_size)
    img = render(grid, ncols, nrows, fonts, a.fg, a.bg, a.pad)
    img.save(a.output, optimize=True)


if __name__ == "__main__":
    main()
