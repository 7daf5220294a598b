"""Tests for summariser.html: reading an HTML page's article text (trafilatura, with a plain-text
fallback) and telling HTML from text."""

from __future__ import annotations

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.html import html_to_text, looks_like_html, plain_text

PAGE = """<!DOCTYPE html>
<html><head><title>Site title</title><style>p { color: red; }</style>
<script>var killed = 999; document.write("<p>999 dead</p>");</script></head>
<body>
<header><a href="/">Home</a> <a href="/world">World</a></header>
<nav><ul><li>Politics</li><li>Sport</li></ul></nav>
<article>
<h1>Syria: 24 civilians killed in Idlib</h1>
<p>At least 24 civilians   were killed &amp; 60 wounded in
   air strikes on Idlib, the Syrian Observatory said&nbsp;on Tuesday.</p>
<figure><img src="x.jpg"><figcaption>Smoke rises over Idlib (Reuters)</figcaption></figure>
<p>&ldquo;We have nowhere to go,&rdquo; said Umm Ahmed, 40.<br>She fled with her children.</p>
<noscript>Enable JavaScript</noscript>
<aside>Related: 300 killed elsewhere</aside>
<form><input name="q"><button>Search</button></form>
</article>
<footer>&copy; 2020 News Corp</footer>
</body></html>"""


def test_html_to_text_keeps_article_drops_boilerplate() -> None:
    text = html_to_text(PAGE)
    assert text == "\n\n".join([
        "Syria: 24 civilians killed in Idlib",  # the title, once (it is also the body's <h1>)
        "At least 24 civilians were killed & 60 wounded in air strikes on Idlib, the Syrian "
        "Observatory said on Tuesday.",
        "\u201cWe have nowhere to go,\u201d said Umm Ahmed, 40.",
        "She fled with her children.",
    ])
    for gone in ("999", "color", "Home", "Politics", "Smoke", "JavaScript", "300", "Search",
                 "News Corp", "Site title", "2020"):  # no date guessed from the copyright line
        assert gone not in text


NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Shelling kills 23 in Kessra | World News</title>
<meta property="article:published_time" content="2024-03-04T08:00:00Z">
<script>trackVisitor("SCRIPT-SECRET");</script></head>
<body>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p><button>Accept all</button></div>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article>
<header><h1>Shelling kills 23 in Kessra</h1>
<ul class="share"><li><a href="#">Share on Facebook</a></li><li><a href="#">Share on X</a></li></ul></header>
<p>At least 23 people were killed by shelling in Kessra on Monday when shells hit the central
market, regional officials said in a statement on Tuesday morning.</p>
<p>Residents said the shelling continued through the night and that rescue teams were still
searching the rubble near the bus station for survivors.</p>
<p>The regional governor declared three days of mourning and asked residents to stay in shelters
until the bombardment stops.</p>
</article>
<aside class="related"><h2>Related stories</h2>
<ul><li><a href="/a">Ninety-nine killed in Dorvan raid</a></li>
<li><a href="/b">Floods hit the Serna valley</a></li></ul>
</aside>
<section id="comments"><h2>2 comments</h2><div class="comment"><p>Surely 500 died there, not 23.</p></div>
<div class="comment"><p>Terrible news from Kessra again.</p></div></section>
<footer><p>Copyright 2024 World News. All rights reserved.</p></footer>
</body></html>"""


def test_a_news_page_reads_title_then_date_then_its_paragraphs() -> None:
    assert html_to_text(NEWS_PAGE) == (
        "Shelling kills 23 in Kessra\n"  # from <title>/<h1>, without the site name
        "2024-03-04\n"  # from <meta article:published_time>
        "\n"
        "At least 23 people were killed by shelling in Kessra on Monday when shells hit the central "
        "market, regional officials said in a statement on Tuesday morning.\n"
        "\n"
        "Residents said the shelling continued through the night and that rescue teams were still "
        "searching the rubble near the bus station for survivors.\n"
        "\n"
        "The regional governor declared three days of mourning and asked residents to stay in "
        "shelters until the bombardment stops."
    )


def test_the_title_line_is_what_the_headline_reader_takes() -> None:
    from summariser.narrative import lead

    assert lead.title(html_to_text(NEWS_PAGE)) == "Shelling kills 23 in Kessra"


@pytest.mark.parametrize(("html", "text"), [
    ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),  # trafilatura: nothing; plain text
    ("<div><nav>menu</div><p>Body survives.</p>", "Body survives."),  # the unclosed nav still goes
    ("<p>a</p></div></div></span><p>b", "a\n\nb"),  # stray end tags change nothing
    ("<<<>>>&&&;;<p", "<<<>>>&&&;;<p"),  # not markup: kept as the text it is (plain text)
    ("<script>never closed", ""),  # an unclosed script is still no text
    ("&#99999999; &#x110000; &bogus; &amp", "\ufffd \ufffd &bogus; &"),  # no code point: U+FFFD
])
def test_html_to_text_broken_markup(html: str, text: str) -> None:
    assert html_to_text(html) == text


FRAGMENT = ("<title>Kessra</title><style>p{}</style><div><nav>Home<p>Four people were <b>killed</b>\n"
            "  in Kessra.</p><script>var dead = 99;</script>Police said.<footer>World News")


def test_plain_text_keeps_every_visible_text_and_no_code() -> None:
    # No element but <script> and <style> hides text, so an unclosed one cannot hide the rest.
    assert plain_text(FRAGMENT) == \
        "Kessra\n\nHome\n\nFour people were killed in Kessra.\n\nPolice said.\n\nWorld News"


@pytest.mark.parametrize("extractor", ["nothing", "raises"])
def test_when_trafilatura_finds_no_article_the_plain_text_is_kept(monkeypatch: pytest.MonkeyPatch,
                                                                 extractor: str) -> None:
    def bare_extraction(page: str, **options: object) -> None:
        if extractor == "raises":
            raise RuntimeError("extractor bug")
        return None

    monkeypatch.setattr(trafilatura, "bare_extraction", bare_extraction)
    assert html_to_text(NEWS_PAGE) == plain_text(NEWS_PAGE)
    assert "At least 23 people were killed by shelling in Kessra" in html_to_text(NEWS_PAGE)


def test_a_page_without_visible_text_is_empty() -> None:
    assert html_to_text("<html><head><title></title></head><body><script>x()</script></body></html>") == ""


def test_looks_like_html() -> None:
    assert looks_like_html(PAGE)
    assert looks_like_html("<p>One.</p><p>Two.</p><div>Three</div>")
    assert not looks_like_html("At least 24 people were killed.\nIf a < b and b > c, fine.")
    assert not looks_like_html("")


_FAST = settings(max_examples=200, deadline=None)


@_FAST
@given(st.text())
def test_html_to_text_never_raises(text: str) -> None:
    for page in (text, "<p>" + text + "</div><script>" + text):
        out = html_to_text(page)
        # Stripped lines, paragraphs apart by one blank line, nothing at either end.
        assert out == out.strip() and "\n\n\n" not in out
        assert all(line == line.strip() for line in out.split("\n"))
    looks_like_html(text)
