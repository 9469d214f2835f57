"""Which pages may be the link a family follows.

A service's ``url`` is the organisation's own page. A news article or a copy of a document on
a document-sharing site can be a *source* for a claim (``sources``), never the link: it may
be years old, say nothing about how to get help, or carry advertising. :func:`link_problem`
says why a link is not one, or None; ``services validate`` and the national build use it.

>>> link_problem("https://docslib.org/doc/123/hampshire-guide")
'docslib.org is a document-sharing site, not the organisation'
>>> link_problem("https://www.yorkshirepost.co.uk/news/crime/acer-house-york-5023939")
'yorkshirepost.co.uk is a news site, not the organisation'
>>> link_problem("https://news.leeds.gov.uk/new-centre-to-help-young-offenders")
"a news article (news.leeds.gov.uk), not the service's own page"
>>> link_problem("https://www.sussex-pcc.gov.uk/about/news/pcc-secures-extra-funding-for-young-victims/")
"a news article (sussex-pcc.gov.uk), not the service's own page"
>>> link_problem("https://www.avonandsomerset-pcc.gov.uk/Your-PCC/PCC-Blog/2020/Feb/BeHeard.aspx")
"a news article (avonandsomerset-pcc.gov.uk), not the service's own page"
>>> link_problem("https://www.wiltshire.gov.uk/article/1446/Youth-offending") is None  # a council page
True
>>> link_problem("https://dev.cqc.org.uk/location/RW1R7/inspection-summary")
'dev.cqc.org.uk is a development or staging copy of a site, not the live page'
>>> link_problem("https://www.leeds.gov.uk/one-minute-guides/youth-justice") is None
True
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["DOCUMENT_SHARING", "NEWS_SITES", "STAGING_HOSTS", "is_staging_host", "link_problem"]

#: Sites that host copies of other organisations' documents.
DOCUMENT_SHARING: frozenset[str] = frozenset({
    "docslib.org", "documents.pub", "issuu.com", "cupdf.com", "fdocuments.in", "fdocuments.net", "fdocuments.us",
    "readkong.com", "pdfslide.net", "vdocuments.mx", "vdocuments.net", "yumpu.com", "docplayer.net",
    "scribd.com", "studylib.net", "dokumen.tips", "silo.tips", "kipdf.com", "pdf4pro.com",
})

#: News publishers whose articles have been cited as sources.
NEWS_SITES: frozenset[str] = frozenset({
    "bbc.co.uk", "bbc.com", "bbci.co.uk", "feeds.bbci.co.uk", "theguardian.com", "independent.co.uk",
    "yorkshirepost.co.uk", "yorkpress.co.uk", "yorkmix.com", "kentonline.co.uk", "shropshirestar.com",
    "cumberlandnews.co.uk", "chad.co.uk", "ukpol.org.uk", "parliamenttoday.com", "leedsstar.co.uk",
    "honorok.com", "itv.com", "skynews.com", "news.sky.com", "mirror.co.uk", "dailymail.co.uk",
    "thetimes.co.uk", "telegraph.co.uk", "manchestereveningnews.co.uk", "liverpoolecho.co.uk",
    "birminghammail.co.uk", "chroniclelive.co.uk", "nottinghampost.com", "leicestermercury.co.uk",
    "plymouthherald.co.uk", "bristolpost.co.uk", "edp24.co.uk", "eadt.co.uk", "examinerlive.co.uk",
    "thenorthernecho.co.uk", "gazettelive.co.uk", "teessidelive.co.uk", "lancs.live", "lep.co.uk",
    "thestar.co.uk", "derbytelegraph.co.uk", "stokesentinel.co.uk", "expressandstar.com",
    "coventrytelegraph.net", "southerndailyecho.co.uk", "dorsetecho.co.uk", "swindonadvertiser.co.uk",
    "oxfordmail.co.uk", "cornwalllive.com", "devonlive.com", "somersetlive.co.uk", "kentlive.news",
    "sussexexpress.co.uk", "theargus.co.uk", "hertfordshiremercury.co.uk", "bedfordtoday.co.uk",
    "northamptonchron.co.uk", "lincolnshirelive.co.uk", "hulldailymail.co.uk", "grimsbytelegraph.co.uk",
    "thisisthewestcountry.co.uk", "wiltshiretimes.co.uk", "newsandstar.co.uk", "nwemail.co.uk",
    "magzter.com", "pressreader.com",
})

#: A path segment that holds news items, press releases or blog posts ("news",
#: "latest-news", "News-and-Events", "news-and-appeals", "press-releases", "PCC-Blog"): a page
#: below one is an article about a service, not the service's own page (the section's own
#: index, with nothing below it, is not refused).
_NEWS_SEGMENTS = frozenset({"news", "press", "press-releases", "press-release", "newsroom", "blog", "blogs",
                            "media-centre", "stories"})


def _is_news_segment(segment: str) -> bool:
    seg = segment.lower()
    return (seg in _NEWS_SEGMENTS or seg.startswith(("news-", "press-")) or seg.endswith(("-news", "-blog"))
            or "news" in seg.split("_"))


#: Development, staging and content-management copies of sites (seen in stored pages): the
#: page may never have been public, or may have moved; the live site is the link.
STAGING_PREFIXES: tuple[str, ...] = ("dev.", "test.", "preview.", "staging.", "stage.", "uat.", "cms.")
STAGING_HOSTS: frozenset[str] = frozenset({
    "axis12.com", "verseonecloud.com", "azurewebsites.net", "herokuapp.com", "webc-dev.co.uk",
})


def _registered(host: str) -> str:
    return host.removeprefix("www.")


def is_staging_host(host: str) -> bool:
    """Whether a host is a development or staging copy of a site (never named to a family).

    >>> is_staging_host("theauthorityv13-auth.azurewebsites.net"), is_staging_host("www.nspcc.org.uk")
    (True, False)
    """
    host = _registered(host.lower())
    return host.startswith(STAGING_PREFIXES) or any(host == h or host.endswith("." + h) for h in STAGING_HOSTS)


def link_problem(url: str) -> str | None:
    """Why ``url`` cannot be the link a family follows (None: it can)."""
    parts = urlsplit(url)
    host = _registered((parts.hostname or "").lower())
    for site in DOCUMENT_SHARING:
        if host == site or host.endswith("." + site):
            return f"{site} is a document-sharing site, not the organisation"
    for site in NEWS_SITES:
        if host == site or host.endswith("." + site):
            return f"{site} is a news site, not the organisation"
    if is_staging_host(host):
        return f"{host} is a development or staging copy of a site, not the live page"
    segments = [seg for seg in parts.path.split("/") if seg]
    in_news = any(_is_news_segment(seg) for seg in segments[:-1])  # something below a news section
    if host.startswith("news.") or in_news:
        return f"a news article ({host}), not the service's own page"
    return None
