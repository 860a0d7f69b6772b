#!/usr/bin/env python3
"""Drops TrueType hinting (the instructions screens use at small pixel sizes, which print
never needs) from a font, copying every other table untouched, so that the bundled faces
and the subsets Folio embeds are smaller. Used once per bundled face when it is added or
updated; needs fontTools (`pip install fonttools`).

Usage: scripts/strip-font-hinting.py IN.ttf OUT.ttf
"""
import sys

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram

source, target = sys.argv[1], sys.argv[2]
font = TTFont(source, recalcTimestamp=False)  # the same input gives the same bytes
for tag in ("fpgm", "prep", "cvt ", "cvar", "hdmx", "VDMX", "LTSH", "DSIG"):
    if tag in font:
        del font[tag]
if "glyf" in font:
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        glyph.expand(glyf)
        if hasattr(glyph, "program"):
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
    maxp = font["maxp"]
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
font.save(target)
