"""The one accessible table, the one citation function and the escaping helpers."""

from __future__ import annotations

import re

import pytest

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.markup import Cell, Html, esc, join, md, table_html

HOSTILE = '<img src=x onerror=alert(1)> "q" & $\\frac$ **b**'


def test_esc_makes_markup_and_math_inert():
    out = esc(HOSTILE)
    assert "<img" not in out and "&lt;img" in out and "&quot;q&quot;" in out and "&amp;" in out
    assert "$\\frac$" not in out and out.count("<span>$</span>") == 2
    assert esc(Html("<b>x</b>")) == "<b>x</b>", "trusted markup passes unchanged"
    assert esc(esc("a<b")) == esc("a<b"), "escaping twice changes nothing"


def test_md_makes_markdown_inert():
    out = md("**b** [l](javascript:x) <i> $a$ `c` & _u_")
    assert out == r"\*\*b\*\* \[l\]\(javascript:x\) \<i\> \$a\$ \`c\` &amp; \_u\_"


def test_table_escapes_plain_cells_and_keeps_trusted_ones():
    page = table_html(["Name <h>", "Badge"], [[HOSTILE, Html("<b>ok</b>")]], caption="Cap & <c>")
    assert "<img" not in page and "<b>ok</b>" in page
    assert '<caption style="text-align:left;font-weight:600;padding:4px">Cap &amp; &lt;c&gt;</caption>' in page
    assert page.count('<th scope="col"') == 2 and "Name &lt;h&gt;" in page


def test_table_row_headers_groups_and_styled_cells():
    page = table_html(["A", "B"], groups=[("First", [["x", Cell("y", "background:#FFF", title='t "1"')]])],
                      row_headers=True)
    assert '<th scope="rowgroup" colspan="2"' in page
    assert re.search(r'<th scope="row" style="[^"]*">x</th>', page)
    assert '<td style="text-align:left;vertical-align:top;border-bottom:1px solid #ccc;padding:4px;background:#FFF" ' \
           'title="t &quot;1&quot;">y</td>' in page
    assert table_html(None, [("k", "v")]).count("<thead>") == 0


def test_join_escapes_and_says_when_empty():
    assert join(["a<", Html("<br>")]) == "a&lt;<br><br>"
    assert join([]) == "—"


def test_one_citation_function_in_three_forms():
    kb = load_knowledge_base()
    ref = "bensimon_1994"
    text = queries.cite(ref, kb, "text")
    full = queries.cite(ref, kb, "full")
    short = queries.cite(f"{ref};{ref}", kb, "short")
    assert "<" not in text and "1994" in text and "doi:" in text
    assert 'href="https://doi.org/' in full and "<i>" in full
    assert short.startswith("Bensimon G et al. (1994) <a href=") and short.count("Bensimon") == 1
    assert queries.cite("", kb, "short") == "—"
    with pytest.raises(ValueError, match="valid: full, short, text"):
        queries.cite(ref, kb, "long")
