"""HTML to text: the old hand-written stripper vs trafilatura, on news pages around the eval articles.

The repository holds no real HTML pages (tests/data has text and cpuinfo files only), so each of
the 78 eval articles (evals/cases/*.txt: real article text, page noise included) is wrapped in a
generated news page: site navigation, a cookie banner, share buttons, a newsletter box, an
advertisement slot, "related stories" link lists, a comments section and a footer, in one of three
templates, in turn: semantic HTML5 tags (<header>, <nav>, <main>, <aside>, <footer>); <div> soup
with class names only, a captioned photo and a "Related" list inside the story; an article whose
<h1> sits in its own <header>, with the date only in <meta> tags and a "Read more:" link between
paragraphs. The title (the article's own title line, else its URL's slug, else its case id) is in
<title> (with the site name) and <h1>; the body in <article><p>, one <p> per line of the case (a
leading "date YYYY-MM-DD" stamp of the stored copy becomes the page's date).

Per extractor:

* body sentences: share of the article's sentences (split_sentences over the lines the product's
  page-noise marking keeps, body_spans) found in the output, whitespace aside;
* evidence: share of the gold figures' evidence quotes found in the output (what grounding needs);
* boilerplate in text: share of the page's boilerplate snippets (menu items, banner, buttons,
  related headlines, comments, footer) found in the output; a snippet that also occurs in the
  article itself is not counted;
* boilerplate in body: the same, after the product's page-noise marking (body_spans) of the output,
  i.e. what the pipeline would read as article;
* title first: the output's first line is the title (the product reads the first lines for the
  headline); title kept: the title is a line of the output; date: the page's date is in the output
  (ISO or as printed), of the pages that have one (34: the cases with a known publication day);
* ms per page: mean wall time of the conversion (warm; each extractor once over every page first).

The same pages are also made short, with only the article's first sentence (a news brief), where
trafilatura has less to go on.

    .venv/bin/python benchmarks/html_extraction.py
    .venv/bin/python benchmarks/html_extraction.py --show 3      # print the first pages' outputs

The old stripper is kept here, verbatim from summariser/text.py before the switch, and nowhere in
the package. A third row runs the product's conversion with trafilatura's default (balanced) focus
instead of favor_precision, to show what that setting changes.
"""

from __future__ import annotations

import html
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from _common import EVALS, base_parser, header, machine, md_table, write_json

from summariser import html as summariser_html
from summariser.evaluation import EvalCase, load_cases
from summariser.html import html_to_text
from summariser.narrative import lead
from summariser.page_noise import body_spans
from summariser.text import split_sentences

# --- the old stripper (summariser/text.py until the switch to trafilatura) -------------------------

_SKIP_TAGS = frozenset(
    "script style nav header footer aside form figcaption noscript template svg head iframe "
    "button select object embed canvas".split()
)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table thead tbody tfoot section article "
    "blockquote pre hr figure main address title caption details summary".split()
)
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)


class _TextExtractor(HTMLParser):
    """Collects visible text, one line per block element, skipping boilerplate elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []  # open non-void elements, approximately (HTML is forgiving)
        self.skip_depth = 0

    def _recount(self) -> None:
        self.skip_depth = sum(1 for t in self.stack if t in _SKIP_TAGS)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in _VOID_TAGS:
            return
        self.stack.append(tag)
        if tag in _SKIP_TAGS:
            self.skip_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in self.stack:
            # Closing an element also closes anything left open inside it, so an unclosed
            # <nav> inside a <div> cannot swallow the rest of the page.
            idx = len(self.stack) - 1 - self.stack[::-1].index(tag)
            del self.stack[idx:]
            self._recount()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if "pre" not in self.stack:
            # Line breaks in the markup are just spaces; only block elements break lines.
            data = re.sub(r"\s+", " ", data)
        self.parts.append(data)


def old_html_to_text(html: str) -> str:
    """Visible article text of an HTML page: one line per paragraph or heading.

    Drops script, style, nav, header, footer, aside, form, figcaption, noscript (and head,
    template, svg, iframe, button); unescapes entities; collapses whitespace within lines and
    removes blank lines. Never raises on broken markup.
    """
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser should not raise, but a page must not crash us
        pass
    raw = "".join(parser.parts)
    lines = (re.sub(r"\s+", " ", line).strip() for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def balanced_html_to_text(page: str) -> str:
    """The product's conversion with trafilatura's default focus instead of favor_precision."""
    saved = summariser_html._OPTIONS
    summariser_html._OPTIONS = {**saved, "favor_precision": False}
    try:
        return html_to_text(page)
    finally:
        summariser_html._OPTIONS = saved


# --- generated pages --------------------------------------------------------------------------------

_STAMP = re.compile(r"date (\d{4}-\d{2}-\d{2}) ")  # the pages corpus' stamp opening some cases
_SITES = ["The Daily Ledger", "World Wire Today", "Capital Herald", "Frontline Post", "Global Courier"]
_NAV = ["Home", "World", "Africa", "Middle East", "Asia", "Europe", "Americas", "Business",
        "Sport", "Opinion", "Video", "Podcasts", "Newsletters", "Subscribe", "Sign in"]
_COOKIES = [
    "We use cookies to improve your experience and to show you personalised ads. Accept all",
    "This website uses cookies. By continuing to browse you consent to our cookie policy.",
    "We and our partners store and access information on your device. Manage preferences",
]
_SHARE = ["Share on Facebook", "Share on Twitter", "Share on WhatsApp", "Copy link", "Print"]
_COMMENTS = [
    "This is terrible, 500 people must have died and the media will never tell you the truth.",
    "My cousin lives near there and says the army has lost control of the whole district.",
    "Why is nobody talking about the 3,000 who were killed last year? Shameful reporting.",
    "Pray for the families. When will this madness end?",
    "Fake news, the real number of dead is ten times higher according to my sources.",
]
_NEWSLETTER = "Get our morning briefing in your inbox every weekday. Sign up now"
_TEMPLATES = ("semantic tags", "div soup", "h1 in article header")
_FOOTERS = ["About us", "Contact us", "Privacy policy", "Terms of use", "Advertise with us"]


@dataclass
class Page:
    case: EvalCase
    html: str
    title: str
    date: str | None  # ISO; None when the page shows none
    date_shown: str | None  # as printed on the page
    body: str  # the article text the page carries
    boilerplate: list[str] = field(default_factory=list)


def _title(case: EvalCase) -> str:
    """The article's own title line when it has one (as the product's headline reader finds it),
    else its URL's slug, else its case id, in sentence case."""
    own = lead.title(case.text)
    if own:
        return own
    slug = (case.gold.url or "").rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.html?$", "", slug)
    words = [w for w in re.split(r"[-_]+", slug) if w and not (w.isdigit() and len(w) >= 5)]
    if len(words) < 4:
        words = re.sub(r"^real-[a-z]{2}-", "", case.id).split("-")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _human_date(iso: str) -> str:
    y, m, d = iso.split("-")
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    return f"{int(d)} {months[int(m) - 1]} {y}"


def _headlines(cases: list[EvalCase], rnd: random.Random, me: EvalCase, n: int) -> list[str]:
    others = [c for c in cases if c.id != me.id]
    return [_title(c) for c in rnd.sample(others, n)]


def _links(items: list[str], item: str = "li", prefix: str = "a") -> str:
    """One link per headline, each in its own <item> element."""
    return "".join(f'<{item}><a href="/{prefix}{i}">{html.escape(h)}</a></{item}>'
                   for i, h in enumerate(items))


def make_page(case: EvalCase, cases: list[EvalCase], index: int, *, short: bool = False) -> Page:
    """The page of ``case`` in template ``index % 3``; ``short``: with the article's first
    sentence of 12 words or more only (a news brief, mostly under trafilatura's 250-character
    minimum for a main text)."""
    rnd = random.Random(index)
    text = case.text
    m = _STAMP.match(text)
    if m:
        text = text[m.end():]
    published = case.gold.published or ""
    date = m.group(1) if m else published if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published) else None
    body = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if short:
        body = next(x.text for x in split_sentences(body) if len(x.text.split()) >= 12)
    title = _title(case)
    site = rnd.choice(_SITES)
    nav = rnd.sample(_NAV, 8)
    cookie = rnd.choice(_COOKIES)
    related = _headlines(cases, rnd, case, 5)
    more = _headlines(cases, rnd, case, 4)
    comments = rnd.sample(_COMMENTS, 3)
    footer = [*_FOOTERS, f"\u00a9 2025 {site}. All rights reserved."]
    esc = html.escape
    paras = [f"<p>{esc(line)}</p>" for line in body.split("\n")]
    shown = _human_date(date) if date else None
    template = index % len(_TEMPLATES)
    boiler = [*nav, cookie, *_SHARE, _NEWSLETTER, "Advertisement", *related, *more, *comments,
              *footer, site]
    nl = "\n"
    foot_links = " ".join(f"<a href='/x'>{f}</a>" for f in footer[:-1])
    if template == 0:  # semantic HTML5: header, nav, main, article, aside, section, footer
        time_tag = f'<time datetime="{date}">{shown}</time>' if date else ""
        threads = "".join(f'<div class="comment"><span class="author">reader{i}</span>'
                          f"<p>{esc(c)}</p></div>" for i, c in enumerate(comments))
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | {site}</title>
<script>window.dataLayer = [{{"section": "world"}}];</script><style>.nav{{display:flex}}</style></head>
<body>
<div class="cookie-banner" role="dialog"><p>{esc(cookie)}</p><button>Accept</button></div>
<header class="site-header"><a class="logo" href="/">{site}</a>
<nav><ul>{"".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in nav)}</ul></nav></header>
<main>
<article>
<h1>{esc(title)}</h1>
<p class="byline">By Staff Reporter {time_tag}</p>
<div class="share">{"".join(f"<button>{s}</button>" for s in _SHARE)}</div>
{nl.join(paras[:2])}
<div class="ad-slot">Advertisement</div>
{nl.join(paras[2:])}
</article>
<aside class="related"><h2>Related stories</h2><ul>{_links(related)}</ul></aside>
<section class="newsletter"><h3>Newsletter</h3><p>{_NEWSLETTER}</p>
<form><input type="email"><button>Sign up</button></form></section>
<aside class="more"><h2>More from World</h2><ul>{_links(more, prefix="b")}</ul></aside>
<section id="comments" class="comments"><h2>{len(comments)} comments</h2>
{threads}
</section>
</main>
<footer><ul>{"".join(f"<li><a href='/x'>{f}</a></li>" for f in footer[:-1])}</ul>
<p>{esc(footer[-1])}</p></footer>
</body></html>"""
    elif template == 1:  # <div> soup: class names only; a captioned photo and links in the story
        date_div = f'<div class="meta">Published {shown}</div>' if date else ""
        photo = (f"Residents inspect the damage on {rnd.choice(['Monday', 'Tuesday', 'Sunday'])}. "
                 f"Photo: {rnd.choice(['AFP', 'Reuters', 'AP'])}")
        inline_list = _headlines(cases, rnd, case, 2)
        boiler += [photo, *inline_list]
        page = f"""<html><head><title>{esc(title)} - {site}</title>
<script src="/static/app.js"></script></head>
<body>
<div id="cookie-notice"><span>{esc(cookie)}</span> <a href="#">Accept</a></div>
<div class="top-bar"><div class="brand">{site}</div>
<div class="menu">{" | ".join(f'<a href="/{n.lower()}">{n}</a>' for n in nav)}</div></div>
<div class="container"><div class="row"><div class="col-main">
<div class="headline"><h1>{esc(title)}</h1></div>
{date_div}
<div class="social">{" ".join(f'<a href="#" class="btn">{s}</a>' for s in _SHARE)}</div>
<article class="story-body">
<div class="figure"><img src="/img/lead.jpg" alt=""><div class="caption">{esc(photo)}</div></div>
{nl.join(paras[:2])}
<div class="related-inline"><h4>Related</h4><ul>{_links(inline_list, prefix="c")}</ul></div>
{nl.join(paras[2:])}
</article>
<div class="newsletter-box"><div>{_NEWSLETTER}</div></div>
<div class="related-box"><div class="title">Related stories</div>
{_links(related, item="div")}</div>
<div class="comments-area"><div class="comments-title">{len(comments)} comments</div>
{"".join(f'<div class="comment-body"><p>{esc(c)}</p></div>' for c in comments)}</div>
</div>
<div class="col-side"><div class="widget"><div class="title">More from World</div>
{_links(more, item="div", prefix="b")}</div>
<div class="ad">Advertisement</div></div>
</div></div>
<div class="footer">{foot_links}<div>{esc(footer[-1])}</div></div>
</body></html>"""
    else:  # the <h1> in the article's own <header>, the date only in <meta>, "Read more" in the story
        meta = (f'<meta property="article:published_time" content="{date}T08:00:00Z">'
                if date else "")
        inline_link = _headlines(cases, rnd, case, 1)[0]
        boiler.append(inline_link)
        cut = max(1, len(paras) // 2)
        page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{esc(title)} | {site}</title>
<meta property="og:title" content="{esc(title)}">{meta}
<meta property="og:site_name" content="{site}">
<script type="application/javascript">var ads = {{"slot": "top"}};</script></head>
<body>
<div class="consent"><p>{esc(cookie)}</p><button>Accept all</button><button>Reject all</button></div>
<nav class="main-nav">{"".join(f'<a href="/{n.lower()}">{n}</a>' for n in nav)}</nav>
<div class="page">
<article class="post">
<header class="post-header"><h1 class="post-title">{esc(title)}</h1>
<ul class="share-bar">{"".join(f"<li><a href='#'>{s}</a></li>" for s in _SHARE)}</ul></header>
<div class="post-content">
{nl.join(paras[:cut])}
<p class="read-more"><strong>Read more:</strong> <a href="/c">{esc(inline_link)}</a></p>
<div class="ad-unit"><span>Advertisement</span></div>
{nl.join(paras[cut:])}
</div>
<div class="post-footer"><div class="newsletter">{_NEWSLETTER}</div></div>
</article>
<div class="related-posts"><h3>Related stories</h3><ul>{_links(related)}</ul></div>
<div id="disqus_thread"><h3>{len(comments)} comments</h3>
<ul class="comment-list">{"".join(f'<li class="comment"><p>{esc(c)}</p></li>' for c in comments)}</ul></div>
<div class="sidebar"><h3>More from World</h3><ul>{_links(more, prefix="b")}</ul></div>
</div>
<footer class="site-footer">{foot_links}<p>{esc(footer[-1])}</p></footer>
</body></html>"""
        shown = None  # the date is only in the markup
    return Page(case, page, title, date, shown, body, boiler)


# --- scoring ------------------------------------------------------------------------------------------


def _flat(s: str) -> str:
    return " ".join(s.split())


def _has_words(haystack: str, needle: str) -> bool:
    """``needle`` in ``haystack`` as whole words, whitespace aside (for short snippets: "Home")."""
    return re.search(r"(?<!\w)" + re.escape(_flat(needle)) + r"(?!\w)", haystack) is not None


@dataclass
class Score:
    sentences: int = 0
    sentences_found: int = 0
    evidence: int = 0
    evidence_found: int = 0
    boiler: int = 0
    boiler_in_text: int = 0
    boiler_in_body: int = 0
    titles: int = 0
    titles_of: int = 0
    titles_kept: int = 0  # the title is a line of the output, first or not
    dated: int = 0
    dates_found: int = 0
    ms: list[float] = field(default_factory=list)


def score(page: Page, out: str, s: Score) -> None:
    flat, body = _flat(out), _flat(page.body)
    body_of_out = _flat("\n".join(out[a:b] for a, b in body_spans(out)))
    ref = [x.text for a, b in body_spans(page.body) for x in split_sentences(page.body, a, b)]
    s.sentences += len(ref)
    s.sentences_found += sum(_flat(x) in flat for x in ref)
    quotes = [f.evidence for f in page.case.gold.figures if f.evidence and _flat(f.evidence) in body]
    s.evidence += len(quotes)
    s.evidence_found += sum(_flat(q) in flat for q in quotes)
    article = _flat(page.body)
    for snippet in page.boilerplate:
        if _has_words(article, snippet) or _has_words(_flat(page.title), snippet):
            continue  # the article (or its title) says it too: not evidence of a leak
        s.boiler += 1
        s.boiler_in_text += _has_words(flat, snippet)
        s.boiler_in_body += _has_words(body_of_out, snippet)
    lines = [_flat(line) for line in out.splitlines() if line.strip()]
    s.titles_of += 1
    s.titles += lines[:1] == [_flat(page.title)]
    s.titles_kept += _flat(page.title) in lines
    if page.date:
        s.dated += 1
        s.dates_found += page.date in out or bool(page.date_shown and page.date_shown in out)


def _ratio(found: int, total: int) -> str:
    return f"{found / total:.1%} ({found}/{total})" if total else "-"


def run(pages: list[Page], extractors: dict[str, Callable[[str], str]], show: int
        ) -> tuple[list[list[str]], list[list[str]], dict[str, object]]:
    """The summary rows, the rows by template and every number, per extractor."""
    for convert in extractors.values():  # warm up: imports, caches
        for page in pages:
            convert(page.html)
    rows, by_template, payload = [], [], {}
    for name, convert in extractors.items():
        s, per = Score(), [Score() for _ in _TEMPLATES]
        for i, page in enumerate(pages):
            started = time.perf_counter()
            out = convert(page.html)
            s.ms.append((time.perf_counter() - started) * 1000)
            score(page, out, s)
            score(page, out, per[i % len(_TEMPLATES)])
            if i < show:
                print(f"--- {name}: {page.case.id} ({_TEMPLATES[i % len(_TEMPLATES)]})\n{out}\n")
        rows.append([
            name, _ratio(s.sentences_found, s.sentences), _ratio(s.evidence_found, s.evidence),
            _ratio(s.boiler_in_text, s.boiler), _ratio(s.boiler_in_body, s.boiler),
            f"{s.titles}/{len(pages)}", f"{s.titles_kept}/{len(pages)}", f"{s.dates_found}/{s.dated}",
            f"{statistics.mean(s.ms):.2f}", f"{sorted(s.ms)[int(0.95 * (len(s.ms) - 1))]:.2f}",
        ])
        for template, t in zip(_TEMPLATES, per, strict=True):
            by_template.append([name, template, _ratio(t.boiler_in_text, t.boiler),
                                _ratio(t.boiler_in_body, t.boiler), _ratio(t.titles, t.titles_of),
                                f"{t.dates_found}/{t.dated}"])
        payload[name] = {**{k: v for k, v in vars(s).items() if k != "ms"},
                         "ms_mean": statistics.mean(s.ms), "ms": s.ms,
                         "by_template": {tn: vars(t) for tn, t in zip(_TEMPLATES, per, strict=True)}}
    return rows, by_template, payload


_COLUMNS = ["extractor", "body sentences", "gold evidence", "boilerplate in text",
            "boilerplate in body", "title first", "title kept", "date", "ms/page", "p95 ms"]


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print the outputs for the first N pages")
    parser.add_argument("--large-mb", type=float, default=0,
                        help="also time one page of this many MB (the eval articles, repeated)")
    args = parser.parse_args()
    info = machine()
    from importlib import metadata

    info["trafilatura_version"] = metadata.version("trafilatura")
    cases = load_cases(EVALS, "all")
    extractors: dict[str, Callable[[str], str]] = {
        "old stripper (html.parser)": old_html_to_text,
        "trafilatura (product: favor_precision)": html_to_text,
        "trafilatura, balanced (its default focus)": balanced_html_to_text,
    }
    full = run([make_page(case, cases, i) for i, case in enumerate(cases)], extractors, args.show)
    short = run([make_page(case, cases, i, short=True) for i, case in enumerate(cases)],
                extractors, 0)
    print(header("HTML to text: the old stripper vs trafilatura", info))
    print(f"{len(cases)} generated pages ({len(_TEMPLATES)} templates) around the eval articles' "
          f"real text; trafilatura {info['trafilatura_version']}\n")
    print(md_table(_COLUMNS, full[0]))
    print()
    print(md_table(["extractor", "template", "boilerplate in text", "boilerplate in body",
                    "title first", "date"], full[1]))
    print(f"\nShort pages: the same {len(cases)} pages with the article's first sentence only\n")
    print(md_table(_COLUMNS, short[0]))
    large: dict[str, float] = {}
    if args.large_mb:
        paras = [f"<p>{html.escape(line)}</p>" for case in cases for line in case.text.splitlines()
                 if line.strip()]
        repeat = int(args.large_mb * 1e6 / sum(len(x) for x in paras)) + 1
        page = ("<html><head><title>Large</title></head><body><article>" + "".join(paras * repeat)
                + "</article></body></html>")
        for name, convert in extractors.items():
            started = time.perf_counter()
            convert(page)
            large[name] = time.perf_counter() - started
        print(f"\nOne page of {len(page) / 1e6:.1f} MB: "
              + "; ".join(f"{name} {secs:.2f} s" for name, secs in large.items()))
    write_json(args.json, {"machine": info, "full": full[2], "short": short[2], "large_s": large})


if __name__ == "__main__":
    main()
