"""HTML to text: the old hand-written stripper vs trafilatura, on news pages around the eval articles.

The repository holds no real HTML pages (tests/data has text and cpuinfo files only), so each of
the 78 eval articles (evals/cases/*.txt: real article text, page noise included) is wrapped in a
generated news page (benchmarks/_news_pages.py): site navigation, a cookie banner, share
buttons, a newsletter box, an advertisement slot, "related stories" link lists, a comments
section and a footer, in one of three templates, in turn: semantic HTML5 tags (<header>, <nav>,
<main>, <aside>, <footer>); <div> soup with class names only, a captioned photo and a "Related"
list inside the story; an article whose <h1> sits in its own <header>, with the date only in
<meta> tags and a "Read more:" link between paragraphs. The title (the article's own title line,
else its URL's slug, else its case id) is in <title> (with the site name) and <h1>; the body in
<article><p>, one <p> per line of the case (a leading "date YYYY-MM-DD" stamp of the stored copy
becomes the page's date).

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
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from _common import EVALS, base_parser, header, machine, md_table, write_json
from _news_pages import TEMPLATES, Page, make_page

from summariser import html as summariser_html
from summariser.evaluation import load_cases
from summariser.html import html_to_text
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
        s, per = Score(), [Score() for _ in TEMPLATES]
        for i, page in enumerate(pages):
            started = time.perf_counter()
            out = convert(page.html)
            s.ms.append((time.perf_counter() - started) * 1000)
            score(page, out, s)
            score(page, out, per[i % len(TEMPLATES)])
            if i < show:
                print(f"--- {name}: {page.case.id} ({TEMPLATES[i % len(TEMPLATES)]})\n{out}\n")
        rows.append([
            name, _ratio(s.sentences_found, s.sentences), _ratio(s.evidence_found, s.evidence),
            _ratio(s.boiler_in_text, s.boiler), _ratio(s.boiler_in_body, s.boiler),
            f"{s.titles}/{len(pages)}", f"{s.titles_kept}/{len(pages)}", f"{s.dates_found}/{s.dated}",
            f"{statistics.mean(s.ms):.2f}", f"{sorted(s.ms)[int(0.95 * (len(s.ms) - 1))]:.2f}",
        ])
        for template, t in zip(TEMPLATES, per, strict=True):
            by_template.append([name, template, _ratio(t.boiler_in_text, t.boiler),
                                _ratio(t.boiler_in_body, t.boiler), _ratio(t.titles, t.titles_of),
                                f"{t.dates_found}/{t.dated}"])
        payload[name] = {**{k: v for k, v in vars(s).items() if k != "ms"},
                         "ms_mean": statistics.mean(s.ms), "ms": s.ms,
                         "by_template": {tn: vars(t) for tn, t in zip(TEMPLATES, per, strict=True)}}
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
    print(f"{len(cases)} generated pages ({len(TEMPLATES)} templates) around the eval articles' "
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
