"""News pages generated around the eval articles, for benchmarks/html_extraction.py.

Each article's real text goes into a page with the boilerplate news sites print around it, in
one of three templates (see make_page); the page knows its title, date, body and every
boilerplate snippet it added, so that an extractor's output can be scored against them.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field

from summariser.evaluation import EvalCase
from summariser.narrative import lead
from summariser.text import split_sentences

STAMP = re.compile(r"date (\d{4}-\d{2}-\d{2}) ")  # the pages corpus' stamp opening some cases
SITES = ["The Daily Ledger", "World Wire Today", "Capital Herald", "Frontline Post", "Global Courier"]
NAV = ["Home", "World", "Africa", "Middle East", "Asia", "Europe", "Americas", "Business",
        "Sport", "Opinion", "Video", "Podcasts", "Newsletters", "Subscribe", "Sign in"]
COOKIES = [
    "We use cookies to improve your experience and to show you personalised ads. Accept all",
    "This website uses cookies. By continuing to browse you consent to our cookie policy.",
    "We and our partners store and access information on your device. Manage preferences",
]
SHARE = ["Share on Facebook", "Share on Twitter", "Share on WhatsApp", "Copy link", "Print"]
COMMENTS = [
    "This is terrible, 500 people must have died and the media will never tell you the truth.",
    "My cousin lives near there and says the army has lost control of the whole district.",
    "Why is nobody talking about the 3,000 who were killed last year? Shameful reporting.",
    "Pray for the families. When will this madness end?",
    "Fake news, the real number of dead is ten times higher according to my sources.",
]
NEWSLETTER = "Get our morning briefing in your inbox every weekday. Sign up now"
TEMPLATES = ("semantic tags", "div soup", "h1 in article header")
FOOTERS = ["About us", "Contact us", "Privacy policy", "Terms of use", "Advertise with us"]


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
    m = STAMP.match(text)
    if m:
        text = text[m.end():]
    published = case.gold.published or ""
    date = m.group(1) if m else published if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published) else None
    body = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if short:
        body = next(x.text for x in split_sentences(body) if len(x.text.split()) >= 12)
    title = _title(case)
    site = rnd.choice(SITES)
    nav = rnd.sample(NAV, 8)
    cookie = rnd.choice(COOKIES)
    related = _headlines(cases, rnd, case, 5)
    more = _headlines(cases, rnd, case, 4)
    comments = rnd.sample(COMMENTS, 3)
    footer = [*FOOTERS, f"\u00a9 2025 {site}. All rights reserved."]
    esc = html.escape
    paras = [f"<p>{esc(line)}</p>" for line in body.split("\n")]
    shown = _human_date(date) if date else None
    template = index % len(TEMPLATES)
    boiler = [*nav, cookie, *SHARE, NEWSLETTER, "Advertisement", *related, *more, *comments,
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
<div class="share">{"".join(f"<button>{s}</button>" for s in SHARE)}</div>
{nl.join(paras[:2])}
<div class="ad-slot">Advertisement</div>
{nl.join(paras[2:])}
</article>
<aside class="related"><h2>Related stories</h2><ul>{_links(related)}</ul></aside>
<section class="newsletter"><h3>Newsletter</h3><p>{NEWSLETTER}</p>
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
<div class="social">{" ".join(f'<a href="#" class="btn">{s}</a>' for s in SHARE)}</div>
<article class="story-body">
<div class="figure"><img src="/img/lead.jpg" alt=""><div class="caption">{esc(photo)}</div></div>
{nl.join(paras[:2])}
<div class="related-inline"><h4>Related</h4><ul>{_links(inline_list, prefix="c")}</ul></div>
{nl.join(paras[2:])}
</article>
<div class="newsletter-box"><div>{NEWSLETTER}</div></div>
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
<ul class="share-bar">{"".join(f"<li><a href='#'>{s}</a></li>" for s in SHARE)}</ul></header>
<div class="post-content">
{nl.join(paras[:cut])}
<p class="read-more"><strong>Read more:</strong> <a href="/c">{esc(inline_link)}</a></p>
<div class="ad-unit"><span>Advertisement</span></div>
{nl.join(paras[cut:])}
</div>
<div class="post-footer"><div class="newsletter">{NEWSLETTER}</div></div>
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
