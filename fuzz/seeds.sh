#!/usr/bin/env bash
# Seeds the fuzzers' corpora with the examples and the hostile corpus (one option byte
# first, as the render target reads it).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/render corpus/options
for f in ../examples/*.md ../tests/hostile/*.md ../tests/layout/*.md ../tests/math/*.md; do
  { printf '\0'; cat "$f"; } > "corpus/render/$(basename "$f")"
done

# Front matter blocks (the target fences each as YAML and as TOML itself).
mkdir -p corpus/front_matter
fm() { printf '%s' "$2" > "corpus/front_matter/$1"; }
fm yaml-basic 'title: "Paper, again"
subtitle: A test
author: Ada Lovelace
date: 2026-11-15
lang: en
toc: true
font_size: 10.5'
fm yaml-anchors 'defaults: &d
  justify: false
  hyphenate: true
base: &b [one, two, three]
title: *b
keywords: *b
more:
  <<: *d
  extra: *d
author: &who { name: Ada, email: a@example.org }
authors: [*who, *who, { name: Grace }]'
fm yaml-nested 'tags:
  - a
  - - b
    - - c
      - { d: [e, { f: g }] }
page-size: A5
margins: 20mm 15mm
template: article
authors:
  - name: Ada
  - name: Grace
    affiliation: Navy'
fm yaml-block-scalars 'title: >
  A folded
  title
subtitle: |-
  Line one
  Line two
description: |+
  kept

summary: >2
    indented
date: !!str 2026-01-01
url: ? complex key
  : value
"quoted key": '"'"'single '"'"''"'"'quoted'"'"'
empty:
nul: ~
big: 1e400
neg: -0x1F
inf: .inf'
fm yaml-flow '{title: Flow, toc: yes, toc_depth: 2, show-date: off, links: inline, images: hide, code_theme: print, text_scale: 1.2, duplex: true}'
fm yaml-multidoc 'title: one
---
title: two
...'
fm toml-basic 'title = "Paper, again"
author = "Ada"
date = 2026-11-15
toc = true
font_size = 10.5
page_size = "Letter"
keywords = ["a", "b"]'
fm toml-tables '[author]
name = "Ada"

[[authors]]
name = "Grace"

[[authors]]
name = "Ada"

[blog.deep.table]
x = { y = { z = [1, [2, [3]]] } }
dt = 1979-05-27T07:32:00-08:00
lt = 07:32:00
s = """multi
line"""
l = '"'"''"'"''"'"'raw
text'"'"''"'"''"'"''
fm toml-dotted 'a.b.c.d = 1
"quoted.key" = 2
title.main = "x"
[x."y.z"]
w = inf
n = nan
h = 0xDEAD_BEEF'

# SVG drawings (the target puts each in a data: URI in a small article).
mkdir -p corpus/svg
sv() { printf '%s' "$2" > "corpus/svg/$1"; }
sv shapes '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 100 50">
<rect x="10" y="10" width="30" height="20" rx="3" fill="#ff0000" stroke="black" stroke-width="2" stroke-dasharray="2 1"/>
<circle cx="70" cy="25" r="10" fill="blue" opacity="0.5"/>
<ellipse cx="50" cy="40" rx="8" ry="3" fill="none" stroke="green" stroke-linecap="round"/>
<line x1="0" y1="0" x2="100" y2="50" stroke="gray"/>
<polyline points="0,50 10,40 20,45 30,30" fill="none" stroke="purple" stroke-linejoin="bevel"/>
<polygon points="80,5 95,5 90,15" fill="orange" fill-rule="evenodd"/>
</svg>'
sv groups-use '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="120">
<defs>
<g id="dot"><circle r="4" fill="teal"/></g>
<g id="row"><use xlink:href="#dot" x="10"/><use href="#dot" x="20"/><use xlink:href="#dot" x="30"/></g>
<linearGradient id="lg"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue" stop-opacity="0.5"/></linearGradient>
<radialGradient id="rg" href="#lg"/>
<pattern id="p" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="2" height="2"/></pattern>
<clipPath id="c"><rect width="50" height="50"/></clipPath>
</defs>
<g transform="translate(5 5) rotate(10) scale(1.5 0.8) skewX(5)" opacity="0.8">
<use xlink:href="#row" y="10"/>
<use xlink:href="#row" y="20" transform="matrix(1 0 0 1 3 3)"/>
<g clip-path="url(#c)"><rect width="80" height="30" y="40" fill="url(#lg)"/></g>
<rect width="40" height="20" y="80" fill="url(#rg)" stroke="url(#p)"/>
</g>
<svg x="60" y="60" width="40" height="40" viewBox="0 0 10 10" preserveAspectRatio="xMidYMid slice"><rect width="10" height="10" fill="pink"/></svg>
</svg>'
sv text '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" font-family="serif">
<style>.b { font-weight: bold; fill: #333 } text { font-size: 14px }</style>
<text x="10" y="20" class="b">Label <tspan dx="5" fill="red" font-style="italic">span</tspan> end</text>
<text x="10" y="40" text-anchor="middle" letter-spacing="2" word-spacing="4">Centered text</text>
<text x="10" y="60" writing-mode="tb" font-family="monospace">vertical</text>
<text x="10" y="80" dir="rtl" xml:space="preserve">مرحبا   عالم</text>
<defs><path id="curve" d="M10 100 Q 150 60 290 100"/></defs>
<text><textPath href="#curve" startOffset="10%">Text on a path, कागज़ 中文</textPath></text>
</svg>'
sv paths '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<path d="M10 10 L20 20 H30 V40 h-5 v-5 l-3 3 Z" fill="black"/>
<path d="M5 50 C10 40 20 40 25 50 S40 60 45 50 Q50 40 55 50 T60 55" fill="none" stroke="red" stroke-width="0.5" stroke-miterlimit="2" stroke-dashoffset="1" stroke-dasharray="1,2,3"/>
<path d="M32 32 m-10 0 a10 10 0 1 0 20 0 a10 10 0 1 0 -20 0 z" fill="none" stroke="blue" paint-order="stroke"/>
<path d="M1e2.5-3.2.1.2l.3.4e-1z"/>
</svg>'
sv doctype '<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg [ <!ENTITY e "entity text"> ]>
<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="2in" style="fill:green">
<title>&e;</title>
<switch><rect systemLanguage="en" width="10" height="10"/><circle r="3"/></switch>
<a href="https://example.org"><rect x="20" width="10" height="10" filter="url(#f)" mask="url(#m)"/></a>
<image width="10" height="10" href="data:image/png;base64,iVBORw0KGgo="/>
<marker id="mk" markerWidth="4" markerHeight="4" refX="2" refY="2"><circle cx="2" cy="2" r="2"/></marker>
<polyline points="0,30 20,40 40,30" marker-mid="url(#mk)" marker-end="url(#mk)" fill="none" stroke="black"/>
</svg>'
