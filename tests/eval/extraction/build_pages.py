"""Regenerate the extraction eval set: `pages/<slug>.html` and `gold/<slug>.txt` from `articles.py`.

Run from the repository root: `.venv/bin/python tests/eval/extraction/build_pages.py`. The templates imitate real
news sites' clutter (captions, share widgets, comment threads, cookie walls, related-links boxes, tables of
contents, newsletter boxes, pull quotes); the gold body is the article text only, paragraphs separated by blank lines.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from articles import ARTICLES  # noqa: E402


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def slugify(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def head(article: dict[str, Any]) -> str:
    parts = [
        '<meta charset="utf-8">',
        f"<title>{escape(article['title'])} | {escape(article['site'])}</title>",
        f'<meta property="og:title" content="{html.escape(article["title"])}">',
        f'<meta property="og:site_name" content="{html.escape(article["site"])}">',
        f'<link rel="canonical" href="https://{slugify(article["site"])}.example/news/{article["slug"]}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    if article["author"]:
        parts.append(f'<meta name="author" content="{html.escape(article["author"])}">')
    if article["date"]:
        parts.append(f'<meta property="article:published_time" content="{article["date"]}">')
    return "<head>\n" + "\n".join(parts) + "\n</head>"


def site_header(article: dict[str, Any]) -> str:
    sections = ["News", "Politics", "Business", "Sport", "Opinion", "Weather", "Puzzles"]
    links = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in sections)
    return (
        f'<header class="masthead"><a class="logo" href="/">{escape(article["site"])}</a>'
        f'<nav class="primary"><ul>{links}</ul></nav>'
        '<form class="search"><input type="search" placeholder="Search"><button>Go</button></form>'
        '<a class="subscribe" href="/subscribe">Subscribe from 1 pound a week</a></header>'
    )


def site_footer(article: dict[str, Any]) -> str:
    return (
        '<footer class="site-footer"><ul><li><a href="/about">About us</a></li>'
        '<li><a href="/contact">Contact the newsroom</a></li><li><a href="/privacy">Privacy notice</a></li>'
        '<li><a href="/cookies">Cookie settings</a></li><li><a href="/terms">Terms and conditions</a></li></ul>'
        f"<p>&copy; 2025 {escape(article['site'])}. All rights reserved. Registered in England.</p></footer>"
    )


def byline(article: dict[str, Any]) -> str:
    who = article["author"] or "Staff reporter"
    when = article["date"] or ""
    return (
        f'<div class="byline"><span class="author">By <a href="/authors/{slugify(who)}">{escape(who)}</a>'
        f'</span> <time datetime="{when}">{when[:10]}</time></div>'
    )


def share_widget() -> str:
    return (
        '<div class="share-tools" aria-label="Share this article"><span>Share this article</span>'
        '<a href="#" class="share-facebook">Facebook</a> <a href="#" class="share-x">X</a> '
        '<a href="#" class="share-whatsapp">WhatsApp</a> <a href="#" class="share-email">Email</a> '
        '<button class="copy-link">Copy link</button></div>'
    )


def paragraph_html(paragraph: str) -> str:
    if paragraph.startswith("## "):
        heading = paragraph[3:]
        return f'<h2 id="{slugify(heading)}">{escape(heading)}</h2>'
    return f"<p>{escape(paragraph)}</p>"


def body_html(article: dict[str, Any], inserts: dict[int, str] | None = None) -> str:
    inserts = inserts or {}
    chunks = []
    for index, paragraph in enumerate(article["paragraphs"]):
        if paragraph == "TABLE":
            chunks.append(table_html(article["table"]))
        else:
            chunks.append(paragraph_html(paragraph))
        if index in inserts:
            chunks.append(inserts[index])
    return "\n".join(chunks)


def table_html(rows: list[list[str]]) -> str:
    header = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f'<table class="data"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def figure(caption: str, credit: str = "Photograph: Staff photographer") -> str:
    return (
        f'<figure class="lead-image"><img src="/images/photo.jpg" alt="">'
        f'<figcaption>{escape(caption)} <span class="credit">{credit}</span></figcaption></figure>'
    )


def related_box(titles: list[str]) -> str:
    items = "".join(f'<li><a href="/news/{slugify(t)}">{escape(t)}</a></li>' for t in titles)
    return f'<aside class="related-links"><h3>Related stories</h3><ul>{items}</ul></aside>'


def read_more(title: str) -> str:
    return f'<p class="read-more"><strong>Read more:</strong> <a href="/news/{slugify(title)}">{escape(title)}</a></p>'


def page(article: dict[str, Any], main: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n{head(article)}\n<body>\n{site_header(article)}\n'
        f"{main}\n{site_footer(article)}\n</body>\n</html>\n"
    )


def classic(article: dict[str, Any]) -> str:
    inserts = {
        1: read_more("Council leader defends spending plans"),
        2: '<div class="advert"><span>Advertisement</span></div>',
    }
    main = (
        f'<main><article class="story"><h1>{escape(article["title"])}</h1>{byline(article)}{share_widget()}'
        f"{figure('A view of the site at the centre of the decision.')}"
        f'<div class="story-body">{body_html(article, inserts)}</div>{share_widget()}'
        '<ul class="tags"><li><a href="/t/local">Local government</a></li><li><a href="/t/politics">Politics</a></li>'
        f"</ul></article>{related_box(['Five things to know this week', 'Weather warning for the weekend'])}</main>"
    )
    return page(article, main)


def liveblog(article: dict[str, Any]) -> str:
    entries = []
    times = ["07:02", "07:41", "08:15", "08:58", "09:30", "10:12"]
    paragraphs = article["paragraphs"]
    for number, start in enumerate(range(0, len(paragraphs), 2)):
        heading, text = paragraphs[start], paragraphs[start + 1]
        entries.append(
            f'<div class="live-entry" id="post-{number}"><div class="entry-meta"><time>{times[number]}</time>'
            f'<span class="entry-author">{escape(article["author"])}</span></div>'
            f"{paragraph_html(heading)}<p>{escape(text)}</p>"
            '<div class="entry-share"><a href="#">Share</a> <a href="#">Copy link</a></div></div>'
        )
    entries.reverse()  # live blogs show the newest entry first; the gold follows page order
    main = (
        f'<main><div class="liveblog"><h1>{escape(article["title"])}</h1>'
        '<div class="live-badge">LIVE</div><p class="updated">Updated a few minutes ago</p>'
        '<div class="key-events"><h3>Key events</h3><ul><li><a href="#post-0">Show key events only</a></li>'
        "</ul></div>" + "".join(entries) + '<button class="load-more">Load more updates</button></div></main>'
    )
    return page(article, main)


def cookiewall(article: dict[str, Any]) -> str:
    banner = (
        '<div id="consent-banner" class="cookie-wall" role="dialog" aria-modal="true"><h2>We value your privacy</h2>'
        "<p>We and our partners store and access information on your device, such as cookies, to personalise "
        "advertising and content, measure performance and develop our products. You can accept all, reject all "
        "or manage your preferences at any time.</p>"
        '<button>Accept all</button> <button>Reject all</button> <a href="/cookies">Manage preferences</a></div>'
    )
    main = (
        f'{banner}<div id="content"><div class="article-wrapper"><h1 class="headline">{escape(article["title"])}'
        f'</h1>{byline(article)}<section class="article-content">{body_html(article)}</section>'
        f"{share_widget()}</div></div>"
    )
    return page(article, main)


def comments(article: dict[str, Any]) -> str:
    thread = (
        '<section id="comments" class="comments"><h2>Comments (3)</h2>'
        '<div class="comment"><span class="commenter">ValeResident62</span>'
        "<p>This is outrageous, the council never listens to anyone who actually lives here.</p></div>"
        '<div class="comment"><span class="commenter">kmb_1990</span><p>Not surprised at all. Same thing happened '
        "ten years ago and nobody learned anything.</p></div>"
        '<div class="comment"><span class="commenter">Fred W</span><p>Does anyone know if the buses will still '
        "run on Sundays?</p></div>"
        '<form class="comment-form"><textarea placeholder="Join the discussion"></textarea>'
        "<button>Post comment</button></form></section>"
    )
    main = (
        f"<main><article><header><h1>{escape(article['title'])}</h1>{byline(article)}</header>"
        f'<div class="entry-content">{body_html(article)}</div></article>{share_widget()}{thread}</main>'
    )
    return page(article, main)


def pullquote(article: dict[str, Any]) -> str:
    quote = f'<aside class="pull-quote"><blockquote><p>{escape(article["pull_quote"])}</p></blockquote></aside>'
    main = (
        f'<main><article class="news-article"><h1>{escape(article["title"])}</h1>{byline(article)}'
        f'<div class="article-body">{body_html(article, {1: quote})}</div></article>'
        f"{related_box(['Inside the numbers', 'What the report recommends'])}</main>"
    )
    return page(article, main)


def related(article: dict[str, Any]) -> str:
    inside = related_box(["Councils told to find more land", "Residents launch legal challenge"])
    inserts = {0: inside, 2: read_more("What the government's new targets mean")}
    main = (
        f"<main><article><h1>{escape(article['title'])}</h1>{byline(article)}"
        f'<div class="body-copy">{body_html(article, inserts)}</div>'
        '<p class="correction-note">Have a story? Email our newsroom.</p></article>'
        f"{related_box(['Most read: Town centre plan revealed', 'Most read: Road closures this week'])}</main>"
    )
    return page(article, main)


def toc(article: dict[str, Any]) -> str:
    headings = [p[3:] for p in article["paragraphs"] if p.startswith("## ")]
    items = "".join(f'<li><a href="#{slugify(h)}">{escape(h)}</a></li>' for h in headings)
    main = (
        f'<main><article class="explainer"><h1>{escape(article["title"])}</h1>{byline(article)}'
        f'<nav class="table-of-contents" aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'
        f'<div class="explainer-body">{body_html(article)}</div>{share_widget()}</article></main>'
    )
    return page(article, main)


def captionecho(article: dict[str, Any]) -> str:
    echoed = article["paragraphs"][article["caption_index"]]
    inserts = {article["caption_index"]: figure(echoed, "Photograph: Reader submission")}
    main = (
        f"<main><article><h1>{escape(article['title'])}</h1>{byline(article)}"
        f"{figure('The scene earlier this week.')}"
        f'<div class="article-text">{body_html(article, inserts)}</div>'
        '<div class="gallery"><figure><img src="/g1.jpg" alt=""><figcaption>Image 1 of 3</figcaption></figure>'
        '<figure><img src="/g2.jpg" alt=""><figcaption>Image 2 of 3</figcaption></figure></div>'
        f"{share_widget()}</article></main>"
    )
    return page(article, main)


def newsletter(article: dict[str, Any]) -> str:
    box = (
        '<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our free newsletter and '
        'get the top stories in your inbox every weekday.</p><input type="email" placeholder="Your email">'
        "<button>Sign up</button></div>"
    )
    main = (
        f"<main><article><h1>{escape(article['title'])}</h1>{share_widget()}{byline(article)}"
        f'<div class="article__body">{body_html(article, {1: box})}</div>'
        '<p class="follow">Follow us on social media for the latest updates.</p></article></main>'
    )
    return page(article, main)


def table(article: dict[str, Any]) -> str:
    main = (
        f"<main><article><h1>{escape(article['title'])}</h1>{byline(article)}"
        f'<div class="story-text">{body_html(article)}</div>'
        f"{read_more('How waiting times compare nationally')}</article></main>"
    )
    return page(article, main)


TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    "classic": classic,
    "liveblog": liveblog,
    "cookiewall": cookiewall,
    "comments": comments,
    "pullquote": pullquote,
    "related": related,
    "toc": toc,
    "captionecho": captionecho,
    "newsletter": newsletter,
    "table": table,
}


def gold_body(article: dict[str, Any]) -> str:
    paragraphs = []
    source = article["paragraphs"]
    if article["template"] == "liveblog":  # entries appear newest first on the page
        pairs = [source[i : i + 2] for i in range(0, len(source), 2)]
        source = [p for pair in reversed(pairs) for p in pair]
    for paragraph in source:
        if paragraph == "TABLE":
            paragraphs.extend(" | ".join(row) for row in article["table"])
        else:
            paragraphs.append(paragraph.removeprefix("## "))
    return "\n\n".join(paragraphs) + "\n"


def main() -> None:
    (HERE / "pages").mkdir(exist_ok=True)
    (HERE / "gold").mkdir(exist_ok=True)
    for article in ARTICLES:
        (HERE / "pages" / f"{article['slug']}.html").write_text(TEMPLATES[article["template"]](article))
        (HERE / "gold" / f"{article['slug']}.txt").write_text(gold_body(article))
    print(f"wrote {len(ARTICLES)} pages")


if __name__ == "__main__":
    main()
