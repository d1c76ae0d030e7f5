//! One lesson file: front matter, then Markdown with widget directives.

use crate::quiz;
use crate::{Aside, Block, ContentError, KeyKind, Known, Lesson, Link, TocEntry, Widget, WidgetSpec};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::path::Path;

/// Parses and checks one lesson. `lang` and the file name's slug must agree with the front matter. Links to
/// other lessons are collected in [`Lesson::links`] and checked by [`crate::load_site`], which knows them all;
/// widget directives and glossary links are checked here against `known`.
pub fn parse_lesson(file: &Path, src: &str, lang: &str, known: &Known) -> Result<Lesson, Vec<ContentError>> {
    let mut errors = Vec::new();
    let err = |line: usize, msg: String| ContentError::new(file, line, msg);

    let (front, body, body_first_line) = match split_front_matter(src) {
        Some(parts) => parts,
        None => return Err(vec![err(1, "a lesson must start with front matter between two `---` lines".into())]),
    };

    let mut slug = None;
    let mut title = None;
    let mut minutes = None;
    let mut summary = None;
    for (i, raw) in front.lines().enumerate() {
        let line_no = i + 2;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            errors.push(err(line_no, format!("front matter line `{line}` is not `key: value`")));
            continue;
        };
        let value = value.trim().to_string();
        if value.is_empty() {
            errors.push(err(line_no, format!("front matter key `{}` has no value", key.trim())));
            continue;
        }
        match key.trim() {
            "slug" => slug = Some(value),
            "title" => title = Some(value),
            "summary" => summary = Some(value),
            "minutes" => match value.parse::<u32>() {
                Ok(m) if (1..=240).contains(&m) => minutes = Some(m),
                _ => errors.push(err(line_no, format!("minutes must be a whole number from 1 to 240, not `{value}`"))),
            },
            other => errors.push(err(
                line_no,
                format!("unknown front matter key `{other}` (expected slug, title, minutes, summary)"),
            )),
        }
    }
    let file_slug = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    match &slug {
        Some(s) if *s != file_slug => {
            errors.push(err(1, format!("slug `{s}` does not match the file name `{file_slug}.md`")))
        }
        None => errors.push(err(1, "front matter is missing `slug`".into())),
        _ => {}
    }
    for (name, missing) in [("title", title.is_none()), ("minutes", minutes.is_none()), ("summary", summary.is_none())]
    {
        if missing {
            errors.push(err(1, format!("front matter is missing `{name}`")));
        }
    }

    let line_of = line_index(body, body_first_line);
    let mut blocks = Vec::new();
    let mut toc = Vec::new();
    let mut links = Vec::new();
    let mut pending: Vec<Event> = Vec::new();
    let mut heading: Option<(u8, String, String, usize)> = None; // level, id, text so far, line
    let mut terms = Vec::new();
    // An open fenced directive: (what it is, body, line of the opening fence).
    let mut fence: Option<(Fence, String, usize)> = None;
    let mut asides = Vec::new();
    let mut in_table_head = false;
    let mut head_cell: Option<(String, usize)> = None; // text so far, line

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_directive(&info) => {
                let name = info.trim().strip_prefix("widget").unwrap_or_default().trim().to_string();
                fence = Some((Fence::Widget(name), String::new(), line));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.trim() == "quiz" => {
                fence = Some((Fence::Quiz, String::new(), line));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_aside(&info) => {
                let kind = info.trim().strip_prefix("aside").unwrap_or_default().trim().to_string();
                fence = Some((Fence::Aside(kind), String::new(), line));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.trim() == "predict" => {
                fence = Some((Fence::Predict, String::new(), line));
            }
            Event::Text(text) if fence.is_some() => {
                if let Some((_, body, _)) = fence.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) if fence.is_some() => {
                let Some((what, text, line)) = fence.take() else { continue };
                // pulldown-cmark ends a fence left open at the end of the file: the directive would swallow the rest
                // of the lesson, so its closing fence must be there.
                let src = body[range.clone()].trim_end();
                let last = src.lines().last().map(str::trim_start).unwrap_or_default();
                let closed = src.lines().count() > 1 && (last.starts_with("```") || last.starts_with("~~~"));
                if !closed {
                    errors.push(err(line, format!("directive `{}` is never closed", what.name())));
                    continue;
                }
                let block = match what {
                    Fence::Quiz => quiz::parse_quiz(&text, line + 1).map(Block::Quiz),
                    Fence::Predict => crate::predict::parse_predict(&text, line + 1).map(Block::Predict),
                    Fence::Widget(name) => parse_widget(&name, &text, line, known.widgets).map(Block::Widget),
                    // An aside is prose: its HTML joins the prose around it, so the static copy and the app show it
                    // alike, and it needs no script to open (a native <details>).
                    Fence::Aside(kind) => {
                        let section = toc.last().map(|t: &TocEntry| t.id.clone()).unwrap_or_default();
                        let ctx = AsideContext { lang, file_slug: &file_slug, known };
                        match render_aside(&kind, &text, line, &ctx, &mut links, &mut terms) {
                            Ok(html) => {
                                asides.push(Aside { kind, section, line });
                                pending.push(Event::Html(CowStr::from(html)));
                            }
                            Err(msgs) => errors.extend(msgs.into_iter().map(|(l, m)| err(l, m))),
                        }
                        continue;
                    }
                };
                match block {
                    Ok(b) => {
                        flush_html(&mut pending, &mut blocks);
                        blocks.push(b);
                    }
                    Err(msgs) => errors.extend(msgs.into_iter().map(|(l, m)| err(l, m))),
                }
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                let lvl = heading_number(level);
                if lvl == 1 {
                    errors.push(err(line, "a lesson has no `#` heading: its title comes from the front matter".into()));
                }
                let id = id.map(|s| s.to_string()).unwrap_or_default();
                if (lvl == 2 || lvl == 3) && !is_valid_id(&id) {
                    errors.push(err(
                        line,
                        "a `##` or `###` heading needs an id of lowercase letters, digits and dashes, \
                         the same in every language: `## Health checks {#health-checks}`"
                            .into(),
                    ));
                }
                if !id.is_empty() && toc.iter().any(|t: &TocEntry| t.id == id) {
                    errors.push(err(line, format!("heading id `{id}` is used twice")));
                }
                heading = Some((lvl, id, String::new(), line));
                pending.push(Event::Start(Tag::Heading {
                    level,
                    id: heading.as_ref().map(|h| CowStr::from(h.1.clone())).filter(|s| !s.is_empty()),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((lvl, id, text, line)) = heading.take() {
                    if lvl == 2 || lvl == 3 {
                        toc.push(TocEntry { level: lvl, id, text: text.trim().to_string(), line });
                    }
                }
                pending.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Text(ref t) | Event::Code(ref t) if heading.is_some() => {
                if let Some(h) = heading.as_mut() {
                    h.2.push_str(t);
                }
                pending.push(event);
            }
            // A glossary term: links to the glossary page, with the definition as its tooltip.
            Event::Start(Tag::Link { link_type, dest_url, id, .. }) if dest_url.starts_with("glossary:") => {
                let (href, title) = match glossary_link(&dest_url, lang, known) {
                    Ok(x) => x,
                    Err(m) => {
                        errors.push(err(line, m));
                        (CowStr::from(""), CowStr::from(""))
                    }
                };
                terms.push((dest_url.trim_start_matches("glossary:").to_string(), line));
                pending.push(Event::Start(Tag::Link { link_type, dest_url: href, title, id }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = match rewrite_link(&dest_url, lang, &file_slug, line) {
                    Ok((href, link)) => {
                        if let Some(l) = link {
                            links.push(l);
                        }
                        CowStr::from(href)
                    }
                    Err(m) => {
                        errors.push(err(line, m));
                        dest_url
                    }
                };
                pending.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
            }
            Event::Start(Tag::Image { ref dest_url, .. }) if dest_url.contains("://") || dest_url.starts_with("//") => {
                errors.push(err(line, format!("image `{dest_url}` is on another site: the course is self-contained")));
            }
            // A table's header cells name its columns for screen readers: none may be empty.
            Event::Start(Tag::TableHead) => {
                in_table_head = true;
                pending.push(event);
            }
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                pending.push(event);
            }
            Event::Start(Tag::TableCell) if in_table_head => {
                head_cell = Some((String::new(), line));
                pending.push(event);
            }
            Event::End(TagEnd::TableCell) if in_table_head => {
                if let Some((text, l)) = head_cell.take() {
                    if text.trim().is_empty() {
                        errors.push(err(l, "a table's header cell is empty: name the column".into()));
                    }
                }
                pending.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) if head_cell.is_some() => {
                if let Some(c) = head_cell.as_mut() {
                    c.0.push_str(t);
                }
                pending.push(event);
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                errors.push(err(line, "raw HTML is not allowed in lessons: use Markdown or a widget".into()));
            }
            other => pending.push(other),
        }
    }
    if let Some((what, _, line)) = fence {
        errors.push(err(line, format!("directive `{}` is never closed", what.name())));
    }
    flush_html(&mut pending, &mut blocks);

    if errors.is_empty() {
        Ok(Lesson {
            slug: slug.unwrap_or_default(),
            lang: lang.to_string(),
            title: title.unwrap_or_default(),
            minutes: minutes.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            toc,
            blocks,
            links,
            terms,
            asides,
        })
    } else {
        Err(errors)
    }
}

/// `---\n<front>\n---\n<body>`: returns (front, body, the 1-based line the body starts on).
fn split_front_matter(src: &str) -> Option<(&str, &str, usize)> {
    let rest = src.strip_prefix("---\n").or_else(|| src.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_first_line = front.lines().count() + 3;
            return Some((front, body, body_first_line));
        }
        offset += line.len();
    }
    None
}

/// Maps a byte offset in the body to its 1-based line number in the file.
fn line_index(body: &str, first_line: usize) -> impl Fn(usize) -> usize + '_ {
    let starts: Vec<usize> = std::iter::once(0).chain(body.match_indices('\n').map(|(i, _)| i + 1)).collect();
    move |offset| first_line + starts.partition_point(|&s| s <= offset).saturating_sub(1)
}

fn is_directive(info: &str) -> bool {
    let info = info.trim();
    info == "widget" || info.starts_with("widget ")
}

fn is_aside(info: &str) -> bool {
    let info = info.trim();
    info == "aside" || info.starts_with("aside ")
}

/// The fenced blocks that are not code: a widget (by name), a question, a prediction, an aside (by kind).
enum Fence {
    Widget(String),
    Quiz,
    Predict,
    Aside(String),
}

impl Fence {
    fn name(&self) -> String {
        match self {
            Fence::Widget(n) => format!("widget {n}"),
            Fence::Quiz => "quiz".into(),
            Fence::Predict => "predict".into(),
            Fence::Aside(k) => format!("aside {k}"),
        }
    }
}

/// A glossary link's href and tooltip (the term's definition in `lang`), or why it does not resolve.
fn glossary_link<'a>(dest: &str, lang: &str, known: &Known) -> Result<(CowStr<'a>, CowStr<'a>), String> {
    let term_id = dest.trim_start_matches("glossary:");
    let li = crate::LANGS.iter().position(|l| *l == lang).unwrap_or(0);
    let href = CowStr::from(format!("{lang}/glossary#{term_id}"));
    match known.glossary.iter().find(|t| t.id == term_id) {
        Some(t) => Ok((href, CowStr::from(t.definitions.get(li).cloned().unwrap_or_default()))),
        None => Err(format!("glossary link to `{term_id}`: content/glossary.md has no such term")),
    }
}

struct AsideContext<'a, 'k> {
    lang: &'a str,
    file_slug: &'a str,
    known: &'a Known<'k>,
}

/// An aside (```` ```aside production ````): its body is Markdown, rendered here to a `<details>` closed by default
/// whose summary is the kind's label in the lesson's language ([`crate::ASIDES`]). The body is prose only: no
/// headings (a section inside a closed box would be a table-of-contents entry the reader cannot see), no widgets,
/// questions or nested asides, no raw HTML; links and glossary terms are checked as in the rest of the lesson.
/// `fence_line` is the opening fence's line; errors carry their own lines.
fn render_aside(
    kind: &str,
    body: &str,
    fence_line: usize,
    ctx: &AsideContext,
    links: &mut Vec<Link>,
    terms: &mut Vec<(String, usize)>,
) -> Result<String, Vec<(usize, String)>> {
    let mut errors = Vec::new();
    let li = crate::LANGS.iter().position(|l| *l == ctx.lang).unwrap_or(0);
    let label = match crate::ASIDES.iter().find(|a| a.kind == kind) {
        Some(a) => a.labels[li],
        None => {
            let kinds: Vec<&str> = crate::ASIDES.iter().map(|a| a.kind).collect();
            return Err(vec![(fence_line, format!("unknown aside `{kind}` (known: {})", kinds.join(", ")))]);
        }
    };
    if body.trim().is_empty() {
        return Err(vec![(fence_line, format!("aside `{kind}` is empty"))]);
    }
    let line_of = line_index(body, fence_line + 1);
    let mut events = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(Tag::Heading { .. }) => {
                errors.push((line, "an aside holds no headings: put the section outside it".into()));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if is_directive(info) || is_aside(info) || info.trim() == "quiz" =>
            {
                errors.push((line, "an aside holds prose only: no widget, question or aside inside it".into()));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                errors.push((line, "raw HTML is not allowed in lessons: use Markdown or a widget".into()));
            }
            Event::Start(Tag::Image { ref dest_url, .. }) if dest_url.contains("://") || dest_url.starts_with("//") => {
                errors.push((line, format!("image `{dest_url}` is on another site: the course is self-contained")));
            }
            Event::Start(Tag::Link { link_type, dest_url, id, .. }) if dest_url.starts_with("glossary:") => {
                match glossary_link(&dest_url, ctx.lang, ctx.known) {
                    Ok((href, title)) => events.push(Event::Start(Tag::Link { link_type, dest_url: href, title, id })),
                    Err(m) => errors.push((line, m)),
                }
                terms.push((dest_url.trim_start_matches("glossary:").to_string(), line));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                match rewrite_link(&dest_url, ctx.lang, ctx.file_slug, line) {
                    Ok((href, link)) => {
                        links.extend(link);
                        events.push(Event::Start(Tag::Link { link_type, dest_url: CowStr::from(href), title, id }));
                    }
                    Err(m) => errors.push((line, m)),
                }
            }
            other => events.push(other),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut inner = String::new();
    pulldown_cmark::html::push_html(&mut inner, events.into_iter());
    let label_html = label.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    Ok(format!(
        "<details class=\"aside aside--{kind}\"><summary class=\"aside__summary\">{label_html}</summary>\
         <div class=\"aside__body\">\n{inner}</div></details>\n"
    ))
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
}

/// Turns an author's link into the href the page uses, and notes which lesson it points at.
///
/// Authors write site paths (`/en/sessions`, `/ko/ddd#aggregate`) or `#anchor` for the same lesson. The page
/// gets them relative to the document's `<base href>` (`en/sessions`), so the same build works from a domain's
/// root and from a sub-path. Links to other sites pass unchanged.
fn rewrite_link(dest: &str, lang: &str, slug: &str, line: usize) -> Result<(String, Option<Link>), String> {
    if dest.starts_with("https://") || dest.starts_with("http://") || dest.starts_with("mailto:") {
        return Ok((dest.to_string(), None));
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let (link_lang, link_slug) = if path.is_empty() {
        (lang.to_string(), slug.to_string())
    } else {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (path.starts_with('/'), parts.as_slice()) {
            (true, [l, s]) if crate::LANGS.contains(l) && !s.is_empty() => (l.to_string(), s.to_string()),
            // A lab page, optionally with a query that sets the widget's state.
            (true, [l, "lab", w]) if crate::LANGS.contains(l) && !w.is_empty() && anchor.is_none() => {
                let href = format!("{l}/lab/{w}");
                let name = w.split('?').next().unwrap_or_default();
                return Ok((href, Some(Link { lang: l.to_string(), slug: format!("lab/{name}"), anchor: None, line })));
            }
            _ => {
                return Err(format!(
                    "link `{dest}` is not a lesson: write `/ko/<slug>`, `/en/<slug>#section`, `#section` or \
                     `/en/lab/<widget>`"
                ))
            }
        }
    };
    if anchor.as_deref() == Some("") {
        return Err(format!("link `{dest}` has an empty #section"));
    }
    let href = match &anchor {
        Some(a) => format!("{link_lang}/{link_slug}#{a}"),
        None => format!("{link_lang}/{link_slug}"),
    };
    Ok((href, Some(Link { lang: link_lang, slug: link_slug, anchor, line })))
}

/// Checks a directive body against the widget's spec. Errors carry their own line numbers.
fn parse_widget(name: &str, body: &str, line: usize, widgets: &[WidgetSpec]) -> Result<Widget, Vec<(usize, String)>> {
    if name.starts_with("predict-") {
        return Err(vec![(line, format!("`{name}` stands for ```predict blocks; write the prediction as one"))]);
    }
    let Some(spec) = widgets.iter().find(|w| w.name == name) else {
        let known: Vec<&str> = widgets.iter().map(|w| w.name).collect();
        let known = if known.is_empty() { "none yet".to_string() } else { known.join(", ") };
        return Err(vec![(line, format!("unknown widget `{name}` (known: {known})"))]);
    };
    let mut errors = Vec::new();
    let mut params: Vec<(String, String)> = Vec::new();
    for (i, raw) in body.lines().enumerate() {
        let l = line + 1 + i;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let Some((k, v)) = text.split_once('=') else {
            errors.push((l, format!("widget `{name}`: `{text}` is not `key = value`")));
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        let Some(key) = spec.keys.iter().find(|s| s.name == k) else {
            let keys: Vec<&str> = spec.keys.iter().map(|s| s.name).collect();
            errors.push((l, format!("widget `{name}` has no key `{k}` (keys: {})", keys.join(", "))));
            continue;
        };
        if params.iter().any(|(pk, _)| pk == k) {
            errors.push((l, format!("widget `{name}`: key `{k}` is given twice")));
            continue;
        }
        match key.kind {
            KeyKind::Text if v.is_empty() => errors.push((l, format!("widget `{name}`: `{k}` is empty"))),
            KeyKind::Int { min, max } => match v.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => {}
                _ => errors
                    .push((l, format!("widget `{name}`: `{k}` must be a whole number from {min} to {max}, not `{v}`"))),
            },
            KeyKind::OneOf(choices) if !choices.contains(&v) => {
                errors.push((l, format!("widget `{name}`: `{k}` must be one of {}, not `{v}`", choices.join(", "))))
            }
            _ => {}
        }
        params.push((k.to_string(), v.to_string()));
    }
    for key in spec.keys.iter().filter(|k| k.required) {
        if !params.iter().any(|(k, _)| k == key.name) {
            errors.push((line, format!("widget `{name}` needs `{} = ...`", key.name)));
        }
    }
    if errors.is_empty() {
        Ok(Widget { name: name.to_string(), params, line })
    } else {
        Err(errors)
    }
}

fn flush_html(pending: &mut Vec<Event>, blocks: &mut Vec<Block>) {
    if pending.is_empty() {
        return;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pending.drain(..));
    // A code block scrolls sideways on a narrow screen: focusable, so the keyboard can scroll it too. (Raw HTML
    // is refused in lessons, so every `<pre>` here is one pulldown-cmark wrote.)
    let html = html.replace("<pre>", "<pre tabindex=\"0\">");
    if !html.trim().is_empty() {
        blocks.push(Block::Html(html));
    }
}
