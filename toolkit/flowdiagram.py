"""The flow view: who goes where under which condition, drawn as a standalone SVG.

:func:`flow_svg` draws a journey's steps and branches top to bottom, server-side, as pure
string building (no layout library, no JavaScript). The picture is deterministic: the same
journey gives the same bytes, so it caches and diffs well.

How it is laid out (a small Sugiyama-style layered drawing):

1. **Back edges** (loops) are found by a depth-first walk from the start step, following
   branches in file order; an edge to a step still on the walk's path goes *back*.
2. **Layers**: every other edge points down; a step's layer is the longest path to it from
   the start (unreachable steps start their own walk), so an early exit sits right beside
   the step that leads to it and a join sits below every branch that meets there.
3. **Ranks**: layer ``n`` is rank ``2n``; the odd rank below each layer holds the edge
   labels. An edge that spans ranks gets a point per rank it crosses, so long edges route
   around steps instead of through them, and labels take up room like steps do.
4. **Order within ranks**: a few barycentre sweeps down and up, keeping the order with the
   fewest crossings.
5. **Positions**: each rank is placed as close as possible to the mean of its neighbours
   above (then below) while keeping its order and spacing (weighted isotonic regression).
6. **Back edges** are drawn dashed in their own colour, out of a step's right side, up a lane
   beside the drawing and into the earlier step's right side.

Shapes: a screen is a rounded rectangle, a decision a diamond, an offline step a rectangle
with a dashed border and its channel; an end step has a double border; the start step has
a dot and an arrow above it; a branch to a step that does not exist is drawn to a red dashed
``id ?`` box. Only presentation attributes are used (no ``style``), so the image also works
under a strict Content-Security-Policy, and every step and branch has a ``<title>`` (a
tooltip with the whole text when a label had to be shortened) and ``data-step`` /
``data-from`` / ``data-to`` attributes for the app to hook onto.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from journeys import DecisionStep, Journey, OfflineStep, ScreenStep, is_end
from journeys.export import condition_text
from journeys.model import CHANNEL_LABELS

AnyStep = ScreenStep | DecisionStep | OfflineStep

# --- look -----------------------------------------------------------------------------------

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = "#1a1a1a"  # on every fill below: contrast 12:1 or more
MUTED = "#4a4f57"  # channel line and legend: 7:1 on white, 6.5:1 on the offline grey
EDGE = "#4a4f57"
BACK = "#6b21a8"  # loops: purple, 9:1 on white
HIGHLIGHT = "#0b0c0c"
HALO = "#ffdd00"
LABEL_FILL = "#ffffff"
LABEL_STROKE = "#c9ced6"
BACKGROUND = "#ffffff"

SHAPES: dict[str, tuple[str, str, str]] = {
    # kind: (fill, stroke, dash)
    "screen": ("#e8f0fb", "#1d4f91", ""),
    "decision": ("#fff2d6", "#8a5a00", ""),
    "offline": ("#f1f2f4", "#4a4f57", "6 4"),
    "missing": ("#fdeceb", "#b3261e", "4 3"),
}

TITLE_SIZE = 14
TITLE_LINE = 18
SUB_SIZE = 12
SUB_LINE = 16
LABEL_SIZE = 12
LABEL_LINE = 15
WRAP = 22
DECISION_WRAP = 18
LABEL_WRAP = 30
MAX_LINES = 3
MAX_LABEL_LINES = 9
NODE_MIN_WIDTH = 196
NODE_PAD_X = 14
NODE_PAD_Y = 12
DIAMOND_MIN_WIDTH = 236
END_GAP = 4  # between the two borders of an end step
RANK_GAP = 26  # room for an edge to bend between two ranks
ARROW = 9
LEG_START = 13  # a back edge's first leg below the top of its gap
LEG_STEP = 10  # between legs sharing a gap
MARGIN = 24
LEGEND_HEIGHT = 44
START_HEIGHT = 34
SWEEPS = 4
PLACEMENT_ROUNDS = 16

_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "otherwise": "annars",
        "or": "eller",
        "missing": "steget saknas",
        "title": "Flödet i {title}",
        "screen": "skärm",
        "decision": "beslut",
        "offline": "utanför e-tjänsten",
        "end": "slutsteg",
        "start": "start",
        "legend_screen": "Skärm",
        "legend_decision": "Beslut",
        "legend_offline": "Brev, samtal, besök",
        "legend_end": "Slutsteg",
        "legend_back": "Tillbaka till ett tidigare steg",
        "legend_missing": "Steget saknas",
        "from_to": "Från ”{source}” till ”{target}”",
        "back": " (tillbaka)",
    },
    "en": {
        "otherwise": "otherwise",
        "or": "or",
        "missing": "step missing",
        "title": "The flow of {title}",
        "screen": "screen",
        "decision": "decision",
        "offline": "outside the e-service",
        "end": "end step",
        "start": "start",
        "legend_screen": "Screen",
        "legend_decision": "Decision",
        "legend_offline": "Letter, call, visit",
        "legend_end": "End step",
        "legend_back": "Back to an earlier step",
        "legend_missing": "Step missing",
        "from_to": "From “{source}” to “{target}”",
        "back": " (back)",
    },
}


# Rough advance widths (in em) of DejaVu Sans, the widest common system-ui fallback, so
# boxes are big enough everywhere; narrower fonts just get a little more air.
_NARROW = set("iljI.,:;|!'`")
_SEMI = set('ftr-()[]{}/\\ "*')
_WIDE = set("mwMW%@")
_SYMBOL = set("=<>≤≥≠+~^")

_OPERATORS = frozenset({"=", "≠", "<", "≤", ">", "≥"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- the picture's parts --------------------------------------------------------------------


@dataclass
class _Node:
    step_id: str
    kind: str  # screen, decision, offline, missing
    title: str
    lines: list[str]
    sub: str
    w: float
    h: float
    end: bool
    start: bool = False
    layer: int = 0
    item: int = -1


@dataclass
class _Edge:
    source: int
    target: int
    labels: list[str]  # one per branch: condition text, "annars", or "" (always)
    back: bool = False
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (text, italic)
    label_w: float = 0.0
    label_h: float = 0.0
    chain: list[int] = field(default_factory=list)  # item ids, top to bottom


@dataclass
class _Item:
    rank: int
    w: float
    h: float
    node: int | None = None
    label: bool = False
    ups: list[int] = field(default_factory=list)
    downs: list[int] = field(default_factory=list)
    x: float = 0.0


def flow_svg(
    journey: Journey, *, lang: str = "sv", highlight: str | None = None, legend: bool = True
) -> str:
    """The journey's steps and branches as a standalone, accessible SVG document.

    ``lang`` (``sv`` or ``en``) picks the words the drawing adds itself ("annars", the
    legend, the description); titles and conditions are the journey's own. ``highlight``
    is a step id to mark, with the branches in and out of it. ``legend`` adds a key to the
    shapes at the top. Never raises on a journey that passed the shape check, even one with
    missing targets, loops or unreachable steps.
    """
    lang = lang if lang in _WORDS else "sv"
    words, channels = _WORDS[lang], CHANNEL_LABELS[lang]
    nodes, edges = _graph(journey, words, channels)
    _find_back_edges(nodes, edges)
    _layer(nodes, edges)
    items, ranks = _ranks(nodes, edges)
    _order(items, ranks)
    _place_x(items, ranks)
    return _draw(journey, nodes, edges, items, ranks, lang, highlight, legend)


# --- graph ----------------------------------------------------------------------------------


def _graph(
    journey: Journey, words: dict[str, str], channels: dict[str, str]
) -> tuple[list[_Node], list[_Edge]]:
    nodes: list[_Node] = []
    by_id: dict[str, int] = {}
    first = journey.first_step()
    for step in journey.steps:
        by_id.setdefault(step.id, len(nodes))  # a repeated id is drawn, but not linked to
        sub = channels.get(step.channel.value, "") if isinstance(step, OfflineStep) else ""
        node = _make_node(step.id, step.kind, step.title, is_end(step), words, sub=sub)
        node.start = step is first
        nodes.append(node)

    edges: list[_Edge] = []
    pairs: dict[tuple[int, int], int] = {}
    for source, step in enumerate(journey.steps):
        branches = _branches(step, words)
        for goto, label in branches:
            if goto not in by_id:
                by_id[goto] = len(nodes)
                nodes.append(_make_node(goto, "missing", f"{goto} ?", False, words))
            pair = (source, by_id[goto])
            if pair in pairs:
                edges[pairs[pair]].labels.append(label)
            else:
                pairs[pair] = len(edges)
                edges.append(_Edge(source=source, target=by_id[goto], labels=[label]))
    for edge in edges:
        edge.lines = _label_lines(edge.labels, words)
        if edge.lines:
            edge.label_w = max(_text_width(t, LABEL_SIZE) for t, _ in edge.lines) + 14
            edge.label_h = len(edge.lines) * LABEL_LINE + 8
    return nodes, edges


def _branches(step: AnyStep, words: dict[str, str]) -> list[tuple[str, str]]:
    """(target, label) per branch in file order; the default of a multi-way one is "annars"."""
    if isinstance(step, DecisionStep):
        raw = [(rule.goto, rule.if_) for rule in step.rules]
    else:
        raw = [(t.goto, t.if_) for t in step.transitions()]
    several = len(raw) > 1
    out: list[tuple[str, str]] = []
    for goto, condition in raw:
        if condition is None:
            out.append((goto, words["otherwise"] if several else ""))
        else:
            out.append((goto, condition_text(condition) or words["otherwise"]))
    return out


def _make_node(
    step_id: str, kind: str, title: str, end: bool, words: dict[str, str], *, sub: str = ""
) -> _Node:
    """A step's box: its title wrapped, and a size that fits the text in its shape."""
    if kind == "missing":
        sub = words["missing"]
    wrap = DECISION_WRAP if kind == "decision" else WRAP
    lines = _wrap(title, wrap, MAX_LINES)
    text_w = max([_text_width(line, TITLE_SIZE) for line in lines] + [_text_width(sub, SUB_SIZE)])
    text_h = len(lines) * TITLE_LINE + (SUB_LINE if sub else 0)
    if kind == "decision":
        # the text block must fit inside the diamond: |dx|/(w/2) + |dy|/(h/2) <= 1
        w = max(DIAMOND_MIN_WIDTH, 2 * (text_w + 8))
        h = max(96.0, 2.2 * text_h + 24)
        h = max(h, text_h / (1 - (text_w + 8) / w) + 8)
    else:
        w = max(NODE_MIN_WIDTH, text_w + 2 * NODE_PAD_X)
        h = text_h + 2 * NODE_PAD_Y
    if end:
        w += 2 * END_GAP
        h += 2 * END_GAP
    return _Node(step_id=step_id, kind=kind, title=title, lines=lines, sub=sub, w=w, h=h, end=end)


def _label_lines(labels: list[str], words: dict[str, str]) -> list[tuple[str, bool]]:
    if all(not label for label in labels):
        return []
    lines: list[tuple[str, bool]] = []
    shown = [label or words["otherwise"] for label in labels]
    per = {1: MAX_LINES + 1, 2: MAX_LINES}.get(len(shown), 2)
    for n, label in enumerate(shown):
        if n:
            lines.append((words["or"], True))
        italic = label == words["otherwise"]
        lines.extend((line, italic) for line in _wrap(label, LABEL_WRAP, per))
    if len(lines) > MAX_LABEL_LINES:
        lines = [*lines[: MAX_LABEL_LINES - 1], ("…", False)]
    return lines


# --- text -----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Word wrap to about ``width`` characters in at most ``max_lines``, "…" when cut.

    Lines are balanced (the narrowest width that needs no more lines than ``width`` does),
    so a title reads "Behöver du / hjälp i dag?" rather than "Behöver du hjälp i / dag?".
    A word a little longer than a line keeps its own line; only a much longer one is split.
    """
    words = _glue(_clean(text).split(" "))
    lines = _greedy(words, width)
    if len(lines) > max_lines:
        cut = " ".join(lines[max_lines - 1 :])[: width - 1].rstrip(" -,(")
        return [*lines[: max_lines - 1], cut + "…"]
    narrow = width
    while narrow > 8 and len(_greedy(words, narrow - 1)) == len(lines):
        narrow -= 1
    return _greedy(words, narrow) if narrow < width else lines


def _glue(words: list[str]) -> list[str]:
    """Keep an operator with the word before it: "alder <" / "15", never "alder" / "< 15"."""
    glued: list[str] = []
    for word in words:
        if glued and word in _OPERATORS:
            glued[-1] = f"{glued[-1]} {word}"
        else:
            glued.append(word)
    return glued


def _greedy(words: list[str], width: int) -> list[str]:
    longest = width + width // 3
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > longest:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _text_width(text: str, size: float) -> float:
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.3
        elif ch in _SEMI:
            em += 0.38
        elif ch in _WIDE:
            em += 0.92
        elif ch in _SYMBOL:
            em += 0.84
        elif ch == "…":
            em += 1.0
        elif ch.isupper():
            em += 0.72
        elif ch.isdigit():
            em += 0.64
        else:
            em += 0.62
    return em * size


# --- layering -------------------------------------------------------------------------------


def _find_back_edges(nodes: list[_Node], edges: list[_Edge]) -> None:
    """Depth-first from the start step, then from every step not yet seen, in file order."""
    out: list[list[int]] = [[] for _ in nodes]
    for n, edge in enumerate(edges):
        out[edge.source].append(n)
    state = [0] * len(nodes)  # 0 new, 1 on the path, 2 done
    roots = [n for n, node in enumerate(nodes) if node.start] + list(range(len(nodes)))
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack: list[tuple[int, int]] = [(root, 0)]
        while stack:
            node, i = stack[-1]
            if i == len(out[node]):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            edge = edges[out[node][i]]
            if state[edge.target] == 1:
                edge.back = True
            elif state[edge.target] == 0:
                state[edge.target] = 1
                stack.append((edge.target, 0))


def _layer(nodes: list[_Node], edges: list[_Edge]) -> None:
    """Longest path from the roots over the forward edges (Kahn's order, file order ties)."""
    incoming = [0] * len(nodes)
    out: list[list[int]] = [[] for _ in nodes]
    for edge in edges:
        if not edge.back:
            incoming[edge.target] += 1
            out[edge.source].append(edge.target)
    ready = [n for n in range(len(nodes)) if incoming[n] == 0]
    ready.sort(key=lambda n: (not nodes[n].start, n))
    queue = list(ready)
    head = 0
    while head < len(queue):
        node = queue[head]
        head += 1
        for target in out[node]:
            nodes[target].layer = max(nodes[target].layer, nodes[node].layer + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                queue.append(target)


def _ranks(nodes: list[_Node], edges: list[_Edge]) -> tuple[list[_Item], list[list[int]]]:
    """Items (steps, and a point per rank an edge crosses) per rank, in a first order that
    follows a depth-first walk so a journey's main line starts out left and straight."""
    top = max(node.layer for node in nodes)
    ranks: list[list[int]] = [[] for _ in range(2 * top + 1)]
    items: list[_Item] = []
    for n, node in enumerate(nodes):
        node.item = len(items)
        items.append(_Item(rank=2 * node.layer, w=node.w, h=node.h, node=n))
    for edge in edges:
        if edge.back:
            continue
        first, last = 2 * nodes[edge.source].layer, 2 * nodes[edge.target].layer
        previous = nodes[edge.source].item
        for rank in range(first + 1, last):
            label = rank == first + 1 and bool(edge.lines)
            item = _Item(
                rank=rank,
                w=edge.label_w if label else 0.0,
                h=edge.label_h if label else 0.0,
                label=label,
            )
            items.append(item)
            here = len(items) - 1
            edge.chain.append(here)
            items[previous].downs.append(here)
            item.ups.append(previous)
            previous = here
        items[previous].downs.append(nodes[edge.target].item)
        items[nodes[edge.target].item].ups.append(previous)

    placed = [False] * len(items)

    def put(item: int) -> None:
        if not placed[item]:
            placed[item] = True
            ranks[items[item].rank].append(item)

    out: list[list[int]] = [[] for _ in nodes]
    for e, edge in enumerate(edges):
        if not edge.back:
            out[edge.source].append(e)
    seen = [False] * len(nodes)
    roots = [n for n, node in enumerate(nodes) if node.start] + list(range(len(nodes)))
    for root in roots:
        if seen[root]:
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if seen[node]:
                continue
            seen[node] = True
            put(nodes[node].item)
            for e in out[node]:
                for item in edges[e].chain:
                    put(item)
            stack.extend(reversed([edges[e].target for e in out[node]]))
    return items, ranks


# --- order and position ---------------------------------------------------------------------


def _crossings(items: list[_Item], ranks: list[list[int]]) -> int:
    total = 0
    for r in range(len(ranks) - 1):
        below = {item: i for i, item in enumerate(ranks[r + 1])}
        links = sorted((i, below[d]) for i, item in enumerate(ranks[r]) for d in items[item].downs)
        for a in range(len(links)):
            for b in range(a + 1, len(links)):
                if links[a][0] < links[b][0] and links[a][1] > links[b][1]:
                    total += 1
    return total


def _order(items: list[_Item], ranks: list[list[int]]) -> None:
    """Barycentre sweeps down and up; keep the order with the fewest crossings."""
    best = [list(rank) for rank in ranks]
    best_count = _crossings(items, ranks)
    for _ in range(SWEEPS):
        for down in (True, False):
            sequence = range(1, len(ranks)) if down else range(len(ranks) - 2, -1, -1)
            for r in sequence:
                other = ranks[r - 1] if down else ranks[r + 1]
                position = {item: i for i, item in enumerate(other)}
                keyed = []
                for i, item in enumerate(ranks[r]):
                    near = items[item].ups if down else items[item].downs
                    centre = sum(position[n] for n in near) / len(near) if near else float(i)
                    keyed.append((centre, i, item))
                ranks[r] = [item for _, _, item in sorted(keyed)]
            for ties in (False, True, False):
                _transpose(items, ranks, ties=ties)
                count = _crossings(items, ranks)
                if count < best_count:
                    best, best_count = [list(rank) for rank in ranks], count
    ranks[:] = best


def _transpose(items: list[_Item], ranks: list[list[int]], *, ties: bool = False) -> None:
    """Swap neighbours in a rank while that removes crossings (the step barycentres miss
    when two items tie). With ``ties``, also swap pairs that cross as much either way, which
    lets two swaps that only help together happen (the caller keeps the best order)."""
    for _ in range(3 if ties else 50):
        improved = False
        for r, rank in enumerate(ranks):
            above = {item: i for i, item in enumerate(ranks[r - 1])} if r else {}
            below = {item: i for i, item in enumerate(ranks[r + 1])} if r + 1 < len(ranks) else {}

            def crossings(
                u: int, v: int, above: dict[int, int] = above, below: dict[int, int] = below
            ) -> int:
                count = sum(1 for a in items[u].ups for b in items[v].ups if above[a] > above[b])
                return count + sum(
                    1 for a in items[u].downs for b in items[v].downs if below[a] > below[b]
                )

            for i in range(len(rank) - 1):
                u, v = rank[i], rank[i + 1]
                now, swapped = crossings(u, v), crossings(v, u)
                if swapped < now or (ties and now and swapped == now):
                    rank[i], rank[i + 1] = v, u
                    improved = True
        if not improved:
            return


def _gap(a: _Item, b: _Item) -> float:
    if a.node is not None and b.node is not None:
        return 32.0
    if a.node is not None or b.node is not None:
        return 18.0 if (a.w or b.w) else 14.0
    return 12.0 if (a.label or b.label) else 8.0


def _place_rank(
    items: list[_Item], rank: list[int], desired: list[float], weights: list[float]
) -> None:
    """Closest positions to ``desired`` (weighted least squares) keeping order and spacing:
    isotonic regression by pool-adjacent-violators on positions minus the spacing."""
    offsets = [0.0]
    for a, b in itertools.pairwise(rank):
        offsets.append(offsets[-1] + (items[a].w + items[b].w) / 2 + _gap(items[a], items[b]))
    blocks: list[list[float]] = []  # weight, weighted sum, first, last
    for i in range(len(rank)):
        blocks.append([weights[i], weights[i] * (desired[i] - offsets[i]), i, i])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] > blocks[-1][1] / blocks[-1][0]:
            weight, total, _, last = blocks.pop()
            blocks[-1][0] += weight
            blocks[-1][1] += total
            blocks[-1][3] = last
    for weight, total, first, last in blocks:
        for i in range(int(first), int(last) + 1):
            items[rank[i]].x = total / weight + offsets[i]


def _place_x(items: list[_Item], ranks: list[list[int]]) -> None:
    """Minimise the weighted squared horizontal length of every link, one rank at a time
    (each rank solved exactly given its neighbours), sweeping down and up. A link that is
    the only way out of one item and the only way into the next weighs much more, so a
    chain of steps and a long edge stand straight and branches spread out around them."""
    links: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(items))}
    for i, item in enumerate(items):
        for d in item.downs:
            simple = len(item.downs) == 1 and len(items[d].ups) == 1
            weight = 8.0 if simple else 1.0
            links[i].append((d, weight))
            links[d].append((i, weight))
    for rank in ranks:
        _place_rank(items, rank, [0.0] * len(rank), [1.0] * len(rank))
    for round_ in range(PLACEMENT_ROUNDS):
        for down in (True, False):
            sequence = range(len(ranks)) if down else range(len(ranks) - 1, -1, -1)
            for r in sequence:
                desired, weights = [], []
                for item in ranks[r]:
                    near = links[item]
                    if round_ < 2:  # first follow one direction only, to get a good start
                        wanted = items[item].ups if down else items[item].downs
                        near = [(n, w) for n, w in near if n in wanted]
                    total = sum(w for _, w in near)
                    if total:
                        desired.append(sum(items[n].x * w for n, w in near) / total)
                        weights.append(total)
                    else:
                        desired.append(items[item].x)
                        weights.append(0.5)
                _place_rank(items, ranks[r], desired, weights)
    _straighten(items, ranks, links)
    left = min(item.x - item.w / 2 for item in items)
    for item in items:
        item.x = item.x - left + MARGIN


def _straighten(
    items: list[_Item], ranks: list[list[int]], links: dict[int, list[tuple[int, float]]]
) -> None:
    """Make each chain of simple links (one way out, one way in) exactly straight where its
    ranks have room: least squares leaves kinks of a few pixels that read as mistakes."""
    down: dict[int, int] = {}
    has_up: set[int] = set()
    for i, item in enumerate(items):
        if len(item.downs) == 1 and len(items[item.downs[0]].ups) == 1:
            down[i] = item.downs[0]
            has_up.add(item.downs[0])
    chains: list[list[int]] = []
    for i in range(len(items)):
        if i in down and i not in has_up:
            chain = [i]
            while chain[-1] in down:
                chain.append(down[chain[-1]])
            chains.append(chain)
    chains.sort(key=lambda chain: (-len(chain), chain[0]))
    where = {item: (r, i) for r, rank in enumerate(ranks) for i, item in enumerate(rank)}

    def fits(item_id: int, x: float) -> bool:
        item = items[item_id]
        r, i = where[item_id]
        rank = ranks[r]
        if i > 0:
            left = items[rank[i - 1]]
            if x - item.w / 2 < left.x + left.w / 2 + _gap(left, item) - 0.01:
                return False
        if i + 1 < len(rank):
            right = items[rank[i + 1]]
            if x + item.w / 2 > right.x - right.w / 2 - _gap(item, right) + 0.01:
                return False
        return True

    for chain in chains:
        xs = [items[m].x for m in chain]
        mean = sum(xs) / len(xs)
        for x in sorted([mean, *xs], key=lambda x: (abs(x - mean), x)):
            if max(abs(x - old) for old in xs) <= 40 and all(fits(m, x) for m in chain):
                for m in chain:
                    items[m].x = x
                break


# --- drawing --------------------------------------------------------------------------------


def _n(value: float) -> str:
    text = f"{round(value, 1) + 0.0:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


@dataclass
class _Box:
    cx: float
    cy: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.h / 2

    @property
    def right(self) -> float:
        return self.cx + self.w / 2


def _draw(
    journey: Journey,
    nodes: list[_Node],
    edges: list[_Edge],
    items: list[_Item],
    ranks: list[list[int]],
    lang: str,
    highlight: str | None,
    legend: bool,
) -> str:
    words = _WORDS[lang]
    has_back = any(edge.back for edge in edges)
    has_missing = any(node.kind == "missing" for node in nodes)
    # A back edge runs in the gap below its step and the gap above its target: make room.
    # Legs are stacked so none crosses another's drop: leaving ones first, the rightmost
    # port highest; then arriving ones, the leftmost port highest.
    nth_out, nth_in = _nth_back(edges)
    outs: dict[int, list[tuple[float, int]]] = {}
    ins: dict[int, list[tuple[float, int]]] = {}
    for e, edge in enumerate(edges):
        if edge.back:
            source, target = nodes[edge.source], nodes[edge.target]
            x_out = _back_port_x(source, items[source.item].x, nth_out[e])
            x_in = _back_port_x(target, items[target.item].x, nth_in[e])
            outs.setdefault(2 * source.layer + 1, []).append((-x_out, e))
            ins.setdefault(2 * target.layer, []).append((x_in, e))
    legs: dict[int, list[int]] = {}  # gap above rank r -> back edges, top to bottom
    for r in sorted(set(outs) | set(ins)):
        legs[r] = [e for _, e in sorted(outs.get(r, []))] + [e for _, e in sorted(ins.get(r, []))]
    y = MARGIN + (LEGEND_HEIGHT if legend else 0) + START_HEIGHT
    rank_top: list[float] = []
    rank_h: list[float] = []
    leg_y: dict[tuple[int, int], float] = {}  # (edge, gap) -> y of the leg
    for r, rank in enumerate(ranks):
        if r:
            y += RANK_GAP
        gap_top = y - (RANK_GAP if r else RANK_GAP / 2)
        for k, e in enumerate(legs.get(r, [])):
            leg_y[(e, r)] = gap_top + LEG_START + LEG_STEP * k
        y += LEG_STEP * len(legs.get(r, []))
        height = max([items[i].h for i in rank] + [0.0])
        rank_top.append(y)
        rank_h.append(height)
        y += height
    for k, e in enumerate(legs.get(len(ranks), [])):
        leg_y[(e, len(ranks))] = y + LEG_START + LEG_STEP * k
    bottom = y + LEG_STEP * len(legs.get(len(ranks), []))

    boxes = [
        _Box(
            items[node.item].x,
            rank_top[items[node.item].rank] + rank_h[items[node.item].rank] / 2,
            node.w,
            node.h,
        )
        for node in nodes
    ]
    right = max([item.x + item.w / 2 for item in items] + [0.0])
    lanes = _lanes(nodes, edges, items, ranks, leg_y)
    for x, half, _, _ in lanes.values():
        right = max(right, x + half)

    highlighted = {n for n, node in enumerate(nodes) if highlight and node.step_id == highlight}
    edge_parts: list[str] = []
    ports_out, ports_in = _ports(nodes, edges, items, boxes)
    for e, edge in enumerate(edges):
        source, target = nodes[edge.source], nodes[edge.target]
        hot = edge.source in highlighted or edge.target in highlighted
        title = words["from_to"].format(source=_clean(source.title), target=_clean(target.title))
        if edge.back:
            title += words["back"]
        conditions = [label or words["otherwise"] for label in edge.labels if label]
        if conditions:
            title += ": " + f" {words['or']} ".join(conditions)
        classes = "branch branch-back" if edge.back else "branch"
        if hot:
            classes += " branch-highlight"
        parts = [
            f"<g class={_attr(classes)} data-from={_attr(source.step_id)} "
            f"data-to={_attr(target.step_id)}>",
            f"<title>{_text(title)}</title>",
        ]
        if edge.back:
            parts.extend(
                _back_edge(edge, lanes[e], boxes, nodes, hot, nth_out=nth_out[e], nth_in=nth_in[e])
            )
        else:
            parts.extend(
                _forward_edge(e, edge, items, rank_top, rank_h, boxes, ports_out, ports_in, hot)
            )
        parts.append("</g>")
        edge_parts.append("".join(parts))

    node_parts = [
        _node_svg(node, boxes[n], words, n in highlighted) for n, node in enumerate(nodes)
    ]
    halos = [  # under the branches, so arrows into the marked step stay visible
        _shape(nodes[n], boxes[n], -5.0, "none", HALO, "7", "") for n in sorted(highlighted)
    ]
    start = next((n for n, node in enumerate(nodes) if node.start), 0)
    sb = boxes[start]
    start_mark = (
        f'<g class="start" aria-hidden="true">'
        f'<circle cx="{_n(sb.cx)}" cy="{_n(sb.top - START_HEIGHT + 7)}" r="7" fill="{TEXT}"/>'
        f'<path d="M{_n(sb.cx)} {_n(sb.top - START_HEIGHT + 14)}V{_n(sb.top - ARROW)}" '
        f'stroke="{EDGE}" stroke-width="1.5" fill="none"/>'
        f"{_arrow_down(sb.cx, sb.top, EDGE)}</g>"
    )

    legend_svg, legend_w = _legend(words, has_back, has_missing) if legend else ("", 0.0)
    width = max(right + MARGIN, legend_w + 2 * MARGIN)
    height = bottom + MARGIN
    title = words["title"].format(title=_clean(journey.title))
    description = _description(nodes, edges, lang)
    ident = re.sub(r"[^a-z0-9-]", "", journey.id) or "journey"
    title_id, desc_id = f"flow-{ident}-title", f"flow-{ident}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" lang="{lang}" '
        f'font-family={_attr(FONT)} font-size="{TITLE_SIZE}" fill="{TEXT}">'
    )
    parts = [
        head,
        f'<title id="{title_id}">{_text(title)}</title>',
        f'<desc id="{desc_id}">{_text(description)}</desc>',
        f'<rect width="100%" height="100%" fill="{BACKGROUND}"/>',
        legend_svg,
        f'<g class="highlight" aria-hidden="true">{"".join(halos)}</g>' if halos else "",
        '<g class="branches">',
        *edge_parts,
        "</g>",
        '<g class="steps">',
        *node_parts,
        "</g>",
        start_mark,
        "</svg>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _ports(
    nodes: list[_Node], edges: list[_Edge], items: list[_Item], boxes: list[_Box]
) -> tuple[dict[int, float], dict[int, float]]:
    """Where each forward edge leaves its step's bottom and enters the next step's top:
    spread along the side in the order of where the edges go, so arrows do not pile up."""
    outs: dict[int, list[int]] = {}
    ins: dict[int, list[int]] = {}
    for e, edge in enumerate(edges):
        if not edge.back:
            outs.setdefault(edge.source, []).append(e)
            ins.setdefault(edge.target, []).append(e)
    port_out: dict[int, float] = {}
    port_in: dict[int, float] = {}
    for ports, groups, end in ((port_out, outs, 0), (port_in, ins, -1)):
        for n, group in groups.items():
            box = boxes[n]
            group.sort(key=lambda e, end=end: (items[edges[e].chain[end]].x, e))
            k = len(group)
            if k == 1 or nodes[n].kind == "decision":
                step = 0.0
            else:
                step = min(26.0, (box.w - 2 * END_GAP - 48) / (k - 1))
            for i, e in enumerate(group):
                ports[e] = box.cx + (i - (k - 1) / 2) * step
    return port_out, port_in


def _forward_edge(
    e: int,
    edge: _Edge,
    items: list[_Item],
    rank_top: list[float],
    rank_h: list[float],
    boxes: list[_Box],
    ports_out: dict[int, float],
    ports_in: dict[int, float],
    hot: bool,
) -> list[str]:
    colour = HIGHLIGHT if hot else EDGE
    width = "2.5" if hot else "1.5"
    x, y = ports_out[e], boxes[edge.source].bottom
    d = [f"M{_n(x)} {_n(y)}"]
    label_svg = ""
    for item_id in edge.chain:
        item = items[item_id]
        top, height = rank_top[item.rank], rank_h[item.rank]
        if not height:  # an empty label rank: one smooth bend over both gaps instead of two
            continue
        d.append(_curve(x, y, item.x, top))
        x, y = item.x, top
        if height:
            d.append(f"V{_n(top + height)}")
            y = top + height
        if item.label:
            label_svg = _label(edge, item.x, top + height / 2)
    target = boxes[edge.target]
    end_x = ports_in[e]
    d.append(_curve(x, y, end_x, target.top - ARROW))
    return [
        f'<path d="{"".join(d)}" fill="none" stroke="{colour}" stroke-width="{width}"/>',
        _arrow_down(end_x, target.top, colour),
        label_svg,
    ]


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    if abs(x1 - x2) < 0.05:
        return f"V{_n(y2)}"
    bend = (y2 - y1) / 2
    return f"C{_n(x1)} {_n(y1 + bend)} {_n(x2)} {_n(y2 - bend)} {_n(x2)} {_n(y2)}"


def _arrow_down(x: float, tip: float, colour: str) -> str:
    return (
        f'<path d="M{_n(x - 5)} {_n(tip - ARROW)}L{_n(x + 5)} {_n(tip - ARROW)}L{_n(x)} '
        f'{_n(tip)}Z" fill="{colour}"/>'
    )


def _label(edge: _Edge, cx: float, cy: float) -> str:
    w, h = edge.label_w, edge.label_h
    left, top = cx - w / 2, cy - h / 2
    stroke = BACK if edge.back else LABEL_STROKE
    parts = [
        f'<g class="branch-label"><rect x="{_n(left)}" y="{_n(top)}" width="{_n(w)}" '
        f'height="{_n(h)}" rx="4" fill="{LABEL_FILL}" stroke="{stroke}"/>'
        f'<text text-anchor="middle" font-size="{LABEL_SIZE}">'
    ]
    for i, (line, italic) in enumerate(edge.lines):
        baseline = top + 4 + i * LABEL_LINE + LABEL_LINE / 2 + LABEL_SIZE * 0.35
        style = ' font-style="italic"' if italic else ""
        parts.append(f'<tspan x="{_n(cx)}" y="{_n(baseline)}"{style}>{_text(line)}</tspan>')
    parts.append("</text></g>")
    return "".join(parts)


def _lanes(
    nodes: list[_Node],
    edges: list[_Edge],
    items: list[_Item],
    ranks: list[list[int]],
    leg_y: dict[tuple[int, int], float],
) -> dict[int, tuple[float, float, float, float]]:
    """A vertical lane right of the drawing per back edge: (x, label half width, y of the
    leg into the target, y of the leg out of the step). Shorter loops go nearer; lanes
    whose heights overlap never share an x."""
    back = [e for e, edge in enumerate(edges) if edge.back]
    back.sort(key=lambda e: (nodes[edges[e].source].layer - nodes[edges[e].target].layer, e))
    lanes: dict[int, tuple[float, float, float, float]] = {}
    for e in back:
        edge = edges[e]
        low, high = 2 * nodes[edge.target].layer, 2 * nodes[edge.source].layer
        y_in, y_out = leg_y[(e, low)], leg_y[(e, high + 1)]
        reach = max(items[i].x + items[i].w / 2 for r in range(low, high + 1) for i in ranks[r])
        half = edge.label_w / 2
        x = reach + 22 + half
        for other_x, other_half, y1, y2 in lanes.values():
            if y1 <= y_out + 12 and y_in - 12 <= y2:
                x = max(x, other_x + other_half + 16 + half)
        lanes[e] = (x, half, y_in, y_out)
    return lanes


def _nth_back(edges: list[_Edge]) -> tuple[dict[int, int], dict[int, int]]:
    """For each back edge: how many back edges leave its step, and enter its target, before it."""
    nth_out: dict[int, int] = {}
    nth_in: dict[int, int] = {}
    seen_out: dict[int, int] = {}
    seen_in: dict[int, int] = {}
    for e, edge in enumerate(edges):
        if edge.back:
            nth_out[e] = seen_out.get(edge.source, 0)
            nth_in[e] = seen_in.get(edge.target, 0)
            seen_out[edge.source] = nth_out[e] + 1
            seen_in[edge.target] = nth_in[e] + 1
    return nth_out, nth_in


def _along(nth: int) -> float:
    return max(0.1, 0.3 - 0.1 * nth)


def _back_port_x(node: _Node, cx: float, nth: int) -> float:
    if node.kind == "decision":
        return cx + node.w / 2 * _along(nth)
    return cx + node.w / 2 - 18 - 12 * min(nth, 4)


def _back_port(node: _Node, box: _Box, *, below: bool, nth: int) -> tuple[float, float]:
    """Where the ``nth`` back edge leaves a step (bottom right) or enters one (top right)."""
    sign = 1 if below else -1
    x = _back_port_x(node, box.cx, nth)
    if node.kind == "decision":
        return x, box.cy + sign * box.h / 2 * (1 - _along(nth))
    return x, box.cy + sign * box.h / 2


def _back_edge(
    edge: _Edge,
    lane: tuple[float, float, float, float],
    boxes: list[_Box],
    nodes: list[_Node],
    hot: bool,
    *,
    nth_out: int,
    nth_in: int,
) -> list[str]:
    """Down out of the step, right to the lane, up, left above the earlier step, into it."""
    x, _, y_in, y_out = lane
    width = "3" if hot else "1.75"
    x1, y1 = _back_port(nodes[edge.source], boxes[edge.source], below=True, nth=nth_out)
    x2, y2 = _back_port(nodes[edge.target], boxes[edge.target], below=False, nth=nth_in)
    r = 8.0
    d = (
        f"M{_n(x1)} {_n(y1)}V{_n(y_out - r)}Q{_n(x1)} {_n(y_out)} {_n(x1 + r)} {_n(y_out)}"
        f"H{_n(x - r)}Q{_n(x)} {_n(y_out)} {_n(x)} {_n(y_out - r)}"
        f"V{_n(y_in + r)}Q{_n(x)} {_n(y_in)} {_n(x - r)} {_n(y_in)}"
        f"H{_n(x2 + r)}Q{_n(x2)} {_n(y_in)} {_n(x2)} {_n(y_in + r)}V{_n(y2 - ARROW)}"
    )
    parts = [
        f'<path d="{d}" fill="none" stroke="{BACK}" stroke-width="{width}" '
        f'stroke-dasharray="7 5"/>',
        _arrow_down(x2, y2, BACK),
    ]
    if edge.lines:
        parts.append(_label(edge, x, (y_in + y_out) / 2))
    return parts


def _node_svg(node: _Node, box: _Box, words: dict[str, str], hot: bool) -> str:
    fill, stroke, dash = SHAPES[node.kind]
    classes = f"step step-{node.kind}"
    if node.end:
        classes += " step-end"
    if node.start:
        classes += " step-start"
    if hot:
        classes += " step-highlight"
    kind_word = words["end"] if node.end else words.get(node.kind, "")
    tooltip = f"{_clean(node.title)} ({kind_word}, {node.step_id})"
    if node.kind == "missing":
        tooltip = f"{node.step_id}: {words['missing']}"
    parts = [
        f"<g class={_attr(classes)} data-step={_attr(node.step_id)}>",
        f"<title>{_text(tooltip)}</title>",
    ]
    inset = END_GAP if node.end else 0.0
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    stroke_w = "2"
    if hot:
        stroke, stroke_w = HIGHLIGHT, "3"
    if node.end:
        parts.append(_shape(node, box, 0.0, fill, stroke, stroke_w, ""))
        parts.append(_shape(node, box, inset, fill, stroke, "1.5", dash_attr))
    else:
        parts.append(_shape(node, box, 0.0, fill, stroke, stroke_w, dash_attr))
    lines = node.lines
    block = len(lines) * TITLE_LINE + (SUB_LINE if node.sub else 0)
    top = box.cy - block / 2
    text = [f'<text text-anchor="middle" fill="{TEXT}">']
    for i, line in enumerate(lines):
        baseline = top + i * TITLE_LINE + TITLE_LINE / 2 + TITLE_SIZE * 0.35
        text.append(f'<tspan x="{_n(box.cx)}" y="{_n(baseline)}">{_text(line)}</tspan>')
    if node.sub:
        baseline = top + len(lines) * TITLE_LINE + SUB_LINE / 2 + SUB_SIZE * 0.35
        colour = "#8c1d18" if node.kind == "missing" else MUTED
        text.append(
            f'<tspan x="{_n(box.cx)}" y="{_n(baseline)}" font-size="{SUB_SIZE}" '
            f'fill="{colour}">{_text(node.sub)}</tspan>'
        )
    text.append("</text>")
    parts.append("".join(text))
    parts.append("</g>")
    return "".join(parts)


def _shape(
    node: _Node, box: _Box, inset: float, fill: str, stroke: str, width: str, dash: str
) -> str:
    w, h = box.w - 2 * inset, box.h - 2 * inset
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}'
    if node.kind == "decision":
        cx, cy = box.cx, box.cy
        points = [(cx, cy - h / 2), (cx + w / 2, cy), (cx, cy + h / 2), (cx - w / 2, cy)]
        d = "M" + "L".join(f"{_n(px)} {_n(py)}" for px, py in points) + "Z"
        return f'<path d="{d}" {paint} stroke-linejoin="round"/>'
    radius = 10 if node.kind == "screen" else 2
    radius = max(0.0, radius - inset) if inset > 0 else radius - inset
    return (
        f'<rect x="{_n(box.cx - w / 2)}" y="{_n(box.cy - h / 2)}" width="{_n(w)}" '
        f'height="{_n(h)}" rx="{_n(max(radius, 0.0))}" {paint}/>'
    )


def _legend(words: dict[str, str], has_back: bool, has_missing: bool) -> tuple[str, float]:
    entries: list[tuple[str, str]] = [
        ("screen", words["legend_screen"]),
        ("decision", words["legend_decision"]),
        ("offline", words["legend_offline"]),
        ("end", words["legend_end"]),
    ]
    if has_back:
        entries.append(("back", words["legend_back"]))
    if has_missing:
        entries.append(("missing", words["legend_missing"]))
    x = float(MARGIN)
    cy = MARGIN + 12.0
    parts = ['<g class="legend" font-size="12">']
    for kind, label in entries:
        if kind == "decision":
            parts.append(
                f'<path d="M{_n(x + 14)} {_n(cy - 10)}L{_n(x + 28)} {_n(cy)}L{_n(x + 14)} '
                f'{_n(cy + 10)}L{_n(x)} {_n(cy)}Z" fill="{SHAPES["decision"][0]}" '
                f'stroke="{SHAPES["decision"][1]}" stroke-width="1.5"/>'
            )
        elif kind == "back":
            parts.append(
                f'<path d="M{_n(x)} {_n(cy)}H{_n(x + 28)}" stroke="{BACK}" stroke-width="1.75" '
                f'stroke-dasharray="7 5" fill="none"/>'
            )
        elif kind == "end":
            fill, stroke, _ = SHAPES["screen"]
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(cy - 9)}" width="28" height="18" rx="5" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
                f'<rect x="{_n(x + 3)}" y="{_n(cy - 6)}" width="22" height="12" rx="3" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
            )
        else:
            fill, stroke, dash = SHAPES[kind]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            rx = 5 if kind == "screen" else 1
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(cy - 9)}" width="28" height="18" rx="{rx}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash_attr}/>'
            )
        parts.append(
            f'<text x="{_n(x + 36)}" y="{_n(cy + 12 * 0.35)}" fill="{MUTED}">{_text(label)}</text>'
        )
        x += 36 + _text_width(label, 12) + 22
    parts.append("</g>")
    return "".join(parts), x - MARGIN


# --- description (what a screen reader says instead of the picture) ----------------------


def _description(nodes: list[_Node], edges: list[_Edge], lang: str) -> str:
    """The drawing in words: counts, where it starts and ends, and every split with its
    conditions, so a screen reader user gets what the picture shows."""
    sv = lang != "en"
    steps = [node for node in nodes if node.kind != "missing"]
    count = {kind: sum(1 for node in steps if node.kind == kind) for kind in SHAPES}
    branches = sum(len(edge.labels) for edge in edges)
    conditional = sum(1 for edge in edges for label in edge.labels if label)
    back = sum(1 for edge in edges if edge.back)
    otherwise = _WORDS["sv" if sv else "en"]["otherwise"]

    def q(node: _Node) -> str:
        title = _clean(node.title)
        return f"”{title}”" if sv else f"“{title}”"

    if sv:
        parts = [
            f"{len(steps)} steg: {_count(count['screen'], 'skärm', 'skärmar')}, "
            f"{count['decision']} beslut och {count['offline']} steg utanför e-tjänsten.",
            f"{_count(branches, 'väg', 'vägar')} mellan stegen, {conditional} med villkor"
            + (f", {back} tillbaka till ett tidigare steg." if back else "."),
        ]
    else:
        parts = [
            f"{_count(len(steps), 'step', 'steps')}: "
            f"{_count(count['screen'], 'screen', 'screens')}, "
            f"{_count(count['decision'], 'decision', 'decisions')} and "
            f"{_count(count['offline'], 'step', 'steps')} outside the e-service.",
            f"{_count(branches, 'branch', 'branches')} between the steps, "
            f"{conditional} with a condition"
            + (f", {back} back to an earlier step." if back else "."),
        ]
    start = next((node for node in nodes if node.start), None)
    ends = ", ".join(q(node) for node in steps if node.end)
    if start is not None:
        if sv:
            parts.append(
                f"Resan börjar med {q(start)}" + (f" och slutar med {ends}." if ends else ".")
            )
        else:
            parts.append(f"It starts at {q(start)}" + (f" and ends at {ends}." if ends else "."))
    missing = [node.step_id for node in nodes if node.kind == "missing"]
    if missing:
        parts.append(("Steg som saknas: " if sv else "Missing steps: ") + ", ".join(missing) + ".")
    for n, node in enumerate(nodes):
        out = [edge for edge in edges if edge.source == n]
        if sum(len(edge.labels) for edge in out) < 2:
            continue
        routes = []
        for edge in out:
            target = q(nodes[edge.target])
            for label in edge.labels:
                if label and label != otherwise:
                    routes.append(f"till {target} om {label}" if sv else f"to {target} if {label}")
                else:
                    routes.append(f"annars till {target}" if sv else f"otherwise to {target}")
        parts.append(f"{'Från' if sv else 'From'} {q(node)}: {', '.join(routes)}.")
    return " ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


__all__ = ["flow_svg"]
