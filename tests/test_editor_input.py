"""Editors' input as their tools really produce it: forbidden characters, Unicode forms, labels
typed in several spellings, lists written as one text, values cut by YAML, phone numbers."""

from __future__ import annotations

import re
import unicodedata

import lxml.etree
import pytest

from sitekit import DEFAULT_CONFIG, build, make_site, post
from zqsite.errors import BuildFailed

# Every character XML 1.0 forbids: C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF.
FORBIDDEN = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + ["\ud800", "\udfff", "\ufffe", "\uffff"]


def yaml_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def forbidden_site(tmp_path, escaped: bool):
    """Post i carries FORBIDDEN[i] in every field, contacts.yaml and labels.yaml entry i too,
    site.yaml all of them; raw, or as YAML escapes (and HTML character references in the body)."""
    def put(char: str) -> str:
        return yaml_escape(char) if escaped else char

    files, contacts, labels = {}, [], []
    for i, char in enumerate(FORBIDDEN):
        c = put(char)
        body = f"&#x{ord(char):X};" if escaped else char
        files[f"posts/p{i}.md"] = (
            f'---\ntitle: "Plant{c} opening {i}"\ndate: 2024-01-01\nlabels: ["L{i}{c}"]\n'
            f'summary: "Sum{c}mary {i}"\nsource: "Sou{c}rce {i}"\ncontacts:\n  - c{i}\n'
            f'  - {{name: "In{c}line {i}", address: "Ro{c}ad {i}"}}\n---\n\nBo{body}dy {i}.\n')
        contacts.append(f'c{i}:\n  name: "Bu{c}reau {i}"\n  note: "No{c}te"\n  tel: "0758-36{c}11228"\n')
        labels.append(f'"L{i}{c}":\n  names: {{ja: "J{c}a{i}"}}\n')
    all_chars = " ".join(put(char) for char in FORBIDDEN)  # apart: U+D800 then U+DFFF would be one pair
    config = DEFAULT_CONFIG.replace('title: "Test Blog"', f'title: "Test{put(FORBIDDEN[0])} Blog"')
    config = config.replace('description: "A blog built by the tests"', f'description: "Desc{all_chars}ription"')
    config += f'author: "Au{all_chars}thor"\n'
    files["contacts.yaml"] = "".join(contacts)
    files["labels.yaml"] = "".join(labels)
    site = make_site(tmp_path, config=None,
                     files={name: text.encode("utf-8", "surrogatepass") for name, text in files.items()})
    (site.root / "site.yaml").write_bytes(config.encode("utf-8", "surrogatepass"))
    return site.__class__(site.root, site.content, site.root / "site.yaml", site.output)


@pytest.mark.parametrize("escaped", [False, True], ids=["raw", "escaped"])
def test_each_forbidden_character_is_removed_from_each_field_with_a_warning(tmp_path, escaped):
    site = forbidden_site(tmp_path, escaped)
    report = build(site)
    warned = {(w.path, w.line, re.search(r"U\+([0-9A-F]{4})", w.message).group(1))
              for w in report.warnings if w.message.startswith("removed ")}
    expected = set()
    for i, char in enumerate(FORBIDDEN):
        code = f"{ord(char):04X}"
        # title, labels, summary, source, the inline contact (name and address), the body
        expected |= {(f"posts/p{i}.md", line, code) for line in (2, 4, 5, 6, 9, 12)}
        expected |= {("contacts.yaml", 4 * i + line, code) for line in (2, 3, 4)}  # name, note, tel
        expected |= {("labels.yaml", 2 * i + line, code) for line in (1, 2)}  # the label, its name
        expected |= {("site.yaml", line, code) for line in (2, 9)}  # description, author
    expected.add(("site.yaml", 1, f"{ord(FORBIDDEN[0]):04X}"))
    config_path = str(site.config)
    warned = {(("site.yaml" if path == config_path else path), line, code) for path, line, code in warned}
    assert sorted(expected - warned) == []

    for i in range(len(FORBIDDEN)):
        doc = site.html(f"/2024/01/plant-opening-{i}.html")
        assert doc.xpath("string(//h1)") == f"Plant opening {i}"
        assert f"Body {i}." in doc.xpath("string(//*[contains(@class,'e-content')])")
        assert site.out(f"/label/l{i}/").is_file()
        assert f"Bureau {i}" in site.out("/contacts/").read_text(encoding="utf-8")
        assert "TEL;TYPE=WORK,VOICE:+86 758 3611228" in site.out(f"/contacts/c{i}.vcf").read_text(encoding="utf-8")
    forbidden = re.compile("[" + "".join(FORBIDDEN) + "]")
    for path in site.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".vcf", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not forbidden.search(text), path
            references = re.findall(r"&#([xX][0-9a-fA-F]+|[0-9]+);", text)
            codes = [int(r[1:], 16) if r[0] in "xX" else int(r) for r in references]
            assert not [c for c in codes if c <= 0x10FFFF and forbidden.match(chr(c))], path
            if path.suffix == ".xml":
                lxml.etree.fromstring(path.read_bytes())  # every feed and sitemap is well-formed XML


def test_japanese_label_names_from_labels_yaml_lose_the_character(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["dasha"], language="ja")},
                     labels='dasha:\n  names: {ja: "大\\x0b沙"}\n')
    report = build(site)
    assert "labels.yaml:2: warning: removed the invisible control character U+000B" in [str(w) for w in report.warnings]
    assert site.html("/2024/01/a.html").xpath("//a[contains(@class,'p-category')]/text()") == ["大沙"]


# --- Unicode normal forms ----------------------------------------------------------------

def test_text_typed_on_a_mac_is_the_text_typed_on_windows(tmp_path):
    nfc = "ガーデン"  # kana with a voiced mark, composed (Windows) ...
    nfd = unicodedata.normalize("NFD", nfc)  # ... and decomposed (macOS)
    assert nfc != nfd
    site = make_site(tmp_path, posts={
        "a.md": post(f"{nfd} opens", "2024-01-01", labels=[nfd]),
        "b.md": post(f"{nfc} grows", "2024-01-02", labels=[nfc]),
        f"{nfd}.md": post("🎉", "2024-01-03", labels=[nfc]),
    }, labels=f"{nfd}:\n  slug: garden\n")
    report = build(site)
    assert not report.warnings or all("made from the file name" in w.message for w in report.warnings)
    assert f"{nfc} opens" in site.out("/label/garden/").read_text(encoding="utf-8")
    assert f"{nfc} grows" in site.out("/label/garden/").read_text(encoding="utf-8")
    assert site.html("/2024/01/opens.html").xpath("string(//h1)") == f"{nfc} opens"
    assert site.out(f"/2024/01/{nfc}.html").is_file()  # a file name's NFD becomes an NFC address


# --- labels that differ only in case or width ----------------------------------------------

def test_labels_differing_in_case_or_width_are_one_label_spelled_as_most_posts_do(tmp_path):
    site = make_site(tmp_path, posts={
        "a.md": post("A", "2024-01-01", labels=["Travel"]),
        "b.md": post("B", "2024-01-02", labels=["travel"]),
        "c.md": post("C", "2024-01-03", labels=["travel", "TRAVEL"]),
        "d.md": post("D", "2024-01-04", labels=["ｔｒａｖｅｌ"]),
    })
    report = build(site)
    warnings = sorted(str(w) for w in report.warnings)
    assert warnings == [
        "posts/a.md:4: warning: label 'Travel' is published as 'travel' (as most posts spell it): "
        "they differ only in capitals or character width; write it so to silence this",
        "posts/c.md:4: warning: label 'TRAVEL' is published as 'travel' (as most posts spell it): "
        "they differ only in capitals or character width; write it so to silence this",
        "posts/d.md:4: warning: label 'ｔｒａｖｅｌ' is published as 'travel' (as most posts spell it): "
        "they differ only in capitals or character width; write it so to silence this",
    ]
    page = site.out("/label/travel/").read_text(encoding="utf-8")
    for title in ("A", "B", "C", "D"):
        assert page.count(f"/2024/01/{title.lower()}.html\"") >= 1
    doc = site.html("/2024/01/c.html")
    assert doc.xpath("//a[contains(@class,'p-category')]/text()") == ["travel"]  # listed once
    assert [p.name for p in site.out("/label/").parent.iterdir() if p.is_dir()] == ["travel"]


def test_labels_yaml_spelling_wins_and_ties_go_to_the_oldest_post(tmp_path):
    site = make_site(tmp_path / "yaml", posts={
        "a.md": post("A", "2024-01-01", labels=["dasha"]), "b.md": post("B", "2024-01-02", labels=["dasha"]),
        "c.md": post("C", "2024-01-03", labels=["DASHA"])}, labels="Dasha:\n  names: {ja: 大沙}\n")
    report = build(site)
    assert {w.path for w in report.warnings} == {"posts/a.md", "posts/b.md", "posts/c.md"}
    assert all("(as labels.yaml spells it)" in w.message for w in report.warnings)
    assert site.html("/2024/01/c.html").xpath("//a[contains(@class,'p-category')]/text()") == ["Dasha"]

    tie = make_site(tmp_path / "tie", posts={
        "new.md": post("New", "2024-05-01", labels=["sihui"]), "old.md": post("Old", "2024-01-01", labels=["Sihui"])})
    report = build(tie)
    assert [str(w) for w in report.warnings] == [
        "posts/new.md:4: warning: label 'sihui' is published as 'Sihui' (as the oldest post spells it): "
        "they differ only in capitals or character width; write it so to silence this"]


def test_genuinely_different_labels_sharing_a_url_stay_an_error(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["Dasha"]),
                                      "b.md": post("B", "2024-01-02", labels=["dasha!", "DASHA!"])})
    with pytest.raises(BuildFailed) as failure:
        build(site)
    assert [p.message for p in failure.value.problems.errors] == [
        "label 'DASHA!' gets the same URL /label/dasha/ as label 'Dasha': write them the same way, "
        "or give one a slug in labels.yaml"]


# --- lists written as one text ----------------------------------------------------------------

@pytest.mark.parametrize("written, line, fix", [
    ("labels: 肇慶, 四會", 4, "labels: [肇慶, 四會]"),
    ("labels: 肇慶、四會", 4, "labels: [肇慶, 四會]"),
    ("labels: 肇慶，四會，大沙", 4, "labels: [肇慶, 四會, 大沙]"),
    ("labels:\n  - 肇慶、四會\n  - dasha", 5, "labels: [肇慶, 四會, dasha]"),
])
def test_labels_written_as_one_text_are_an_error_with_the_fix(tmp_path, written, line, fix):
    site = make_site(tmp_path, posts={"a.md": f"---\ntitle: A\ndate: 2024-01-01\n{written}\n---\nText\n"})
    with pytest.raises(BuildFailed) as failure:
        build(site)
    [error] = failure.value.problems.errors
    assert str(error).startswith(f"posts/a.md:{line}: error: '肇慶")
    assert f"is several labels written as one: write {fix} (or quote it if it is one label)" in str(error)


def test_a_quoted_label_with_a_comma_is_one_label(tmp_path):
    site = make_site(tmp_path, posts={"a.md": '---\ntitle: A\ndate: 2024-01-01\nlabels: "Sihui, Guangdong"\n---\nText\n'})
    build(site)
    assert site.out("/label/sihui-guangdong/").is_file()


def test_contacts_written_as_one_text_are_an_error_with_the_fix(tmp_path):
    contacts = 'a:\n  name: A\nb:\n  name: B\n'
    site = make_site(tmp_path, posts={"a.md": "---\ntitle: A\ndate: 2024-01-01\nlabels: [x]\ncontacts: a, b\n---\n"},
                     contacts=contacts)
    with pytest.raises(BuildFailed) as failure:
        build(site)
    assert [str(p) for p in failure.value.problems.errors] == [
        "posts/a.md:5: error: 'a, b' is several contact ids written as one: write contacts: [a, b]"]


# --- values cut by YAML at " #" ---------------------------------------------------------------

def test_a_value_cut_at_a_comment_is_a_warning_at_its_line(tmp_path):
    site = make_site(tmp_path, posts={"a.md": (
        "---\ntitle: Fixture C# #1 tip\ndate: 2024-01-01  # the day it opened\nlabels: [x]\n"
        "draft: false # not a draft\nsource: Sihui News #3\n---\nText\n")})
    report = build(site)
    assert sorted(str(w) for w in report.warnings) == [
        "posts/a.md:2: warning: 'title' was cut at ' #': YAML reads '#1 tip' as a comment; "
        "quote the value to keep it all: title: \"Fixture C# #1 tip\"",
        "posts/a.md:6: warning: 'source' was cut at ' #': YAML reads '#3' as a comment; "
        "quote the value to keep it all: source: \"Sihui News #3\""]
    fixed = make_site(tmp_path / "q", posts={"a.md": '---\ntitle: "Fixture C# #1 tip"\ndate: 2024-01-01\nlabels: [x]\n---\nT\n'})
    assert not build(fixed).warnings
    assert fixed.html("/2024/01/fixture-c-1-tip.html").xpath("string(//h1)") == "Fixture C# #1 tip"


# --- phone numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("tel", "javascript:alert(1)"), ("fax", "https://example.org/fax"),
                                          ("whatsapp", "ask at the desk")])
def test_a_contact_number_that_is_not_a_phone_number_is_an_error_at_its_line(tmp_path, field, value):
    contacts = f'bureau:\n  name: Bureau\n  {field}: "{value}"\n'
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"], contacts=["bureau"])},
                     contacts=contacts)
    with pytest.raises(BuildFailed) as failure:
        build(site)
    [error] = failure.value.problems.errors
    assert str(error).startswith(f"contacts.yaml:3: error: contact 'bureau': {field} '{value}' is not a phone number")


def test_an_inline_contact_number_is_checked_at_its_post_line(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"],
                                                   contacts=[{"name": "Desk", "tel": "call us"}])})
    with pytest.raises(BuildFailed) as failure:
        build(site)
    [error] = failure.value.problems.errors
    assert str(error).startswith("posts/a.md:8: error: contact 'inline-1': tel 'call us' is not a phone number")


def test_a_number_with_too_few_digits_is_a_warning(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"], contacts=["bureau"])},
                     contacts='bureau:\n  name: Bureau\n  tel: "3611228"\n  fax: "0758-3611188"\n')
    report = build(site)
    assert [str(w) for w in report.warnings] == [
        "contacts.yaml:3: warning: contact 'bureau': tel '3611228' has only 9 digits with the country code "
        "(+863611228): is a part missing?"]
    assert 'href="tel:+863611228"' in site.out("/2024/01/a.html").read_text(encoding="utf-8")


# --- titles without letters or digits ------------------------------------------------------------

def test_a_title_of_punctuation_or_emoji_only_says_which_address_it_got(tmp_path):
    site = make_site(tmp_path, posts={"launch-day.md": post("🎉!!!", "2024-01-01", labels=["x"])})
    report = build(site)
    assert [str(w) for w in report.warnings] == [
        "posts/launch-day.md:2: warning: the title has no letters or digits to make an address from: the post "
        "is at /2024/01/launch-day.html, made from the file name; add 'slug: …' (a-z, 0-9, -) to choose another"]
    assert site.html("/2024/01/launch-day.html").xpath("string(//h1)") == "🎉!!!"
    with_slug = make_site(tmp_path / "s", posts={"launch-day.md": post("🎉!!!", "2024-01-01", labels=["x"], slug="party")})
    assert not build(with_slug).warnings and with_slug.out("/2024/01/party.html").is_file()


# --- how warnings are printed --------------------------------------------------------------------

def test_build_prints_each_kind_of_warning_once_with_its_first_few_and_verbose_or_check_all(tmp_path, capsys):
    from zqsite.cli import main

    posts = {f"p{i}.md": post(f"P{i}", "2024-01-01", labels=["x"], tags="y") for i in range(10)}
    posts["n.md"] = "---\ntitle: N\ndate: 2024-01-02\n---\nText\n"
    site = make_site(tmp_path, posts=posts)
    args = ["--content", str(site.content), "--config", str(site.config), "--no-cache"]

    assert main(["build", *args, "--output", str(site.output)]) == 0
    printed = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    tags = [line for line in printed if "unknown key 'tags'" in line]
    assert [line.split("posts/")[1] for line in tags] == [
        f"{name}:6: warning: unknown key 'tags' is ignored; did you mean 'labels'?" for name in ("p0.md", "p1.md", "p2.md")]
    assert [line.split("posts/")[1] for line in printed if "no labels" in line] == [
        "n.md:2: warning: this post has no labels: it appears on no label page"]
    assert "  … and 7 more warnings like the one above" in printed
    assert printed[-1] == "zqsite: 11 warnings of 2 kinds, 7 not shown (build --verbose or check shows every one)"

    for command in (["build", *args, "--output", str(site.output), "--verbose"], ["check", *args]):
        assert main(command) == 0
        printed = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
        assert len([line for line in printed if "unknown key 'tags'" in line]) == 10 and len(printed) == 11


# --- draft pages ----------------------------------------------------------------------------------

def test_a_draft_page_is_published_only_with_drafts(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"])},
                     pages={"about.md": "---\ntitle: About\ndraft: true\n---\nSoon.\n", "contact.md": "---\ntitle: Contact\n---\nHi.\n"})
    report = build(site)
    assert [str(w) for w in report.warnings] == ["pages/about.md:3: warning: draft: not published (build with --drafts to see it)"]
    assert not site.out("/p/about.html").exists() and site.out("/p/contact.html").is_file()
    assert "/p/about.html" not in site.out("/").read_text(encoding="utf-8")  # not in the menu either
    build(site, include_drafts=True)
    assert site.html("/p/about.html").xpath("string(//h1)") == "About"
    assert "/p/about.html" in site.out("/").read_text(encoding="utf-8")


def test_two_labels_yaml_entries_that_differ_only_in_case_are_one_label_with_a_warning(tmp_path):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["dasha"])},
                     labels="Dasha:\n  names: {ja: 大沙}\nDASHA:\n  names: {ja: 大廈}\n")
    report = build(site)
    assert "labels.yaml: warning: labels 'Dasha' and 'DASHA' differ only in capitals or character width: they are " \
           "one label, and the entry 'DASHA' is not used" in [str(w) for w in report.warnings]
    assert site.html("/2024/01/a.html").xpath("//a[contains(@class,'p-category')]/text()") == ["Dasha"]
