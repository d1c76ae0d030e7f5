// Static pages for the course's home pages, glossary and lessons (<lang>.html, <lang>/glossary.html,
// <lang>/<slug>.html), written into the build by scripts/post-build.mjs. Each is index.html with the page's title,
// description and language, and its text already in the markup: header, table of contents, the lesson's prose,
// pager, footer, in the app's own classes.
// A reader sees the lesson as soon as the HTML arrives (and without JavaScript, and so do search engines); when
// the app starts, src/main.rs removes this copy and renders the live page in the same task, so nothing is painted
// in between. Widgets and questions need the app: the static copy leaves them out, and carries them for the app
// (the body minus its prose, in a script block), so the lesson's body is not fetched a second time.
// Hosts serve /en/sessions from en/sessions.html (nginx: try_files $uri $uri.html ...; GitHub Pages does it).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const LANGS = ['en', 'ko'];
const other = (lang) => (lang === 'en' ? 'ko' : 'en');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fill = (template, vars) => template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => String(vars[k]));

/** The course from content/: slugs in order, each language's front matter. */
function course(source) {
  const dir = process.env.MSA_CONTENT_DIR ?? join(source, 'content');
  const summary = readFileSync(join(dir, 'SUMMARY.md'), 'utf8');
  const slugs = [...summary.matchAll(/\]\(([a-z0-9-]+)\.md\)/g)].map((m) => m[1]);
  return slugs.map((slug) => {
    const texts = {};
    for (const lang of LANGS) {
      const front = readFileSync(join(dir, lang, `${slug}.md`), 'utf8').split('\n---\n')[0].split('\n').slice(1);
      texts[lang] = Object.fromEntries(front.map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
    }
    return { slug, texts };
  });
}

/** A lesson body (lesson-format): prose blocks, and how many questions it has. */
function body(staging, lang, slug) {
  const wire = readFileSync(join(staging, 'lessons', lang, `${slug}.txt`), 'utf8');
  const blocks = wire.slice(wire.indexOf('\n') + 1).split('\u001e').map((b) => b.split('\u001f'));
  const prose = blocks.filter((b) => b[0] === 'H').map((b) => b[1]);
  const toc = prose.flatMap((h) => [...h.matchAll(/<h([23]) id="([^"]+)">([\s\S]*?)<\/h\1>/g)].map((m) => ({ level: m[1], id: m[2], html: m[3] })));
  // The rest of the body for the app (src/content.rs, body_in_copy): the body with every prose block left empty
  // (lesson_format::without_prose), in a script block the browser neither runs nor shows. It must not end the
  // script early.
  const skeleton = wire.slice(0, wire.indexOf('\n') + 1)
    + blocks.map((b) => (b[0] === 'H' ? 'H\u001f' : b.join('\u001f'))).join('\u001e');
  if (/<\/script|<!--|<script/i.test(skeleton)) throw new Error(`prerender: ${lang}/${slug}: a widget or question holds "<script" or "<!--"`);
  return { prose, toc, skeleton, quizzes: blocks.filter((b) => b[0] === 'Q').length };
}

/** The glossary in one language (lesson_format::glossary): its terms in the order the page lists them. */
function glossary(staging, lang) {
  const wire = readFileSync(join(staging, 'lessons', lang, 'glossary.txt'), 'utf8');
  const body = wire.slice(wire.indexOf('\n') + 1);
  return body ? body.split('\u001e').map((t) => {
    const [id, name, other, definition, used] = t.split('\u001f');
    return { id, name, other, definition, used: used.split(' ').filter(Boolean) };
  }) : [];
}

// `sheets`: index.html's stylesheet link (allSheets), each bundle's (bundleSheets), and each lesson's bundle
// (pages: slug -> bundle; absent: core), so that a static page links only its own bundle's styles.
export function prerender(staging, source, sheets) {
  const shell = readFileSync(join(staging, 'index.html'), 'utf8');
  const base = shell.match(/<base href="([^"]*)"/)[1];
  const t = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(source, 'locales', `${l}.json`), 'utf8'))]));
  const lessons = course(source);
  const bodies = Object.fromEntries(LANGS.map((l) => [l, Object.fromEntries(lessons.map((x) => [x.slug, body(staging, l, x.slug)]))]));

  const page = (lang, path, switchPath, title, description, main, head = '') => {
    const s = t[lang];
    const slug = path.split('/')[2];
    const bundle = (slug && sheets.pages[slug]) || 'core';
    const what = slug === 'glossary' ? ' data-glossary=""' : slug && slug !== 'challenges' ? ` data-lesson="${slug}"` : '';
    const html = `<div id="prerendered" class="prerendered" data-lang="${lang}"${what}>`
      + `<a class="skip-link" href="${base}${path.slice(1)}#main">${esc(s.skip_to_content)}</a>`
      + `<header class="site-header"><a href="${base}${lang}" class="site-header__home" aria-label="${esc(s.home_link)}"><span class="site-header__logo" aria-hidden="true">◆</span>${esc(s.site_name)}</a>`
      + `<nav class="site-header__tools"><a href="${base}${switchPath.slice(1)}" class="site-header__lang" hreflang="${other(lang)}" lang="${other(lang)}">${esc(s.switch_language)}</a>`
      + `<button class="site-header__theme" type="button" aria-pressed="false" disabled><span class="site-header__icon" aria-hidden="true">◐</span>${esc(s.theme_to_dark)}</button></nav></header>`
      + `<main id="main" tabindex="-1">${main}</main>`
      + `<footer class="site-footer"><p>${esc(s.footer)}</p></footer></div>`;
    if (!shell.includes(sheets.allSheets)) throw new Error('prerender: index.html does not link the stylesheet');
    return shell
      .replace(sheets.allSheets, sheets.bundleSheets[bundle])
      // The app's files load once the text has painted (see the boot script), not from <head>.
      .replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, '')
      .replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
      .replace(/<title>[^<]*<\/title>/, `<title>${esc(title)}</title>\n    <meta name="description" content="${esc(description)}" />${head}`)
      .replace(/<body>/, `<body>\n${html}`);
  };

  let n = 0;
  const write = (file, html) => {
    mkdirSync(join(staging, file, '..'), { recursive: true });
    writeFileSync(join(staging, file), html);
    n += 1;
  };
  for (const lang of LANGS) {
    const s = t[lang];
    // The course map, as a first-time reader sees it (the app then shows this device's progress).
    const items = lessons.map((l, i) => {
      const x = l.texts[lang];
      const q = bodies[lang][l.slug].quizzes;
      return `<li class="course__item"><span class="course__number">${esc(fill(s.lesson_number, { n: i + 1 }))}</span>`
        + `<h3 class="course__title"><a href="${base}${lang}/${l.slug}">${esc(x.title)}</a></h3>`
        + `<p class="course__summary">${esc(x.summary)}</p>`
        + `<p class="course__meta"><span>${esc(fill(s.minutes, { n: x.minutes }))}</span><span class="course__status">${esc(s.progress_new)}</span></p>`
        + (q ? `<p class="course__quiz">${esc(fill(s.quiz_score, { right: 0, total: q }))}</p>` : '')
        + `<div class="meter" role="progressbar" aria-label="${esc(`${s.progress_label}: ${x.title}`)}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"></div></li>`;
    }).join('');
    const labs = [['proxy', s.proxy.lab_title, s.proxy.lab_summary], ['race', s.race.title, s.race.lab_summary], ['arch', s.arch.lab_title, s.arch.lab_summary]]
      .map(([name, title, summary]) => `<li class="labs__item"><a href="${base}${lang}/lab/${name}">${esc(title)}</a><p>${esc(summary)}</p></li>`).join('');
    const home = `<section class="hero"><h1>${esc(s.site_name)}</h1><p class="hero__tagline">${esc(s.tagline)}</p>`
      + `<p><a href="${base}${lang}/${lessons[0].slug}" class="button button--primary">${esc(s.start_course)}</a></p></section>`
      + `<section class="course" aria-labelledby="course-heading"><h2 id="course-heading">${esc(s.course_heading)}</h2><p>${esc(s.course_intro)}</p>`
      + `<ol class="course__list">${items}</ol><p class="course__glossary"><a href="${base}${lang}/glossary">${esc(s.glossary)}</a></p>`
      + `<p class="course__glossary course__challenges-link"><a href="${base}${lang}/challenges">${esc(s.challenge_ui.nav)}</a></p></section>`
      + `<section class="labs" aria-labelledby="labs-heading"><h2 id="labs-heading">${esc(s.labs_heading)}</h2><p>${esc(s.labs_intro)}</p><ul class="labs__list">${labs}</ul></section>`;
    const homePage = page(lang, `/${lang}`, `/${other(lang)}`, `${s.site_name} · ${s.course_heading}`, s.tagline, home);
    write(`${lang}.html`, homePage);
    // Also as the folder's index: some hosts answer /en with a redirect to /en/ when a folder en/ exists.
    write(`${lang}/index.html`, homePage);

    // The glossary, as the app lists it. The app fetches the same terms (lessons/<lang>/glossary.txt) before it
    // replaces this copy, so the copy's <head> starts that download.
    const entries = glossary(staging, lang).map((g) => `<div class="glossary__entry" id="${esc(g.id)}"><dt class="glossary__term">${esc(g.name)}`
      + `<span class="glossary__other">${esc(s.glossary_other_name)} <span lang="${other(lang)}">${esc(g.other)}</span></span></dt>`
      + `<dd class="glossary__definition"><p>${esc(g.definition)}</p><p class="glossary__used">${esc(s.glossary_used_in)} `
      + g.used.map((slug) => lessons.find((l) => l.slug === slug)).filter(Boolean)
        .map((l) => `<a href="${base}${lang}/${l.slug}" class="glossary__lesson">${esc(l.texts[lang].title)}</a>`).join('')
      + `</p></dd></div>`).join('');
    const terms = `<section class="glossary"><h1>${esc(s.glossary)}</h1><p class="glossary__intro">${esc(s.glossary_intro)}</p>`
      + `<dl class="glossary__list">${entries}</dl></section>`;
    const preload = `\n    <link rel="preload" href="${base}lessons/${lang}/glossary.txt" as="fetch" crossorigin="anonymous" />`;
    write(`${lang}/glossary.html`, page(lang, `/${lang}/glossary`, `/${other(lang)}/glossary`, `${s.glossary} · ${s.site_name}`, s.glossary_intro, terms, preload));

    // The challenges page (src/routes/challenges.rs) as a first-time reader sees it: every challenge not yet solved,
    // by lesson, each linked to where its lesson holds it (the challenge directives of content/<lang>/<slug>.md).
    const u = s.challenge_ui;
    const sections = lessons.map((l) => {
      const md = readFileSync(join(source, 'content', lang, `${l.slug}.md`), 'utf8');
      const ids = [...md.matchAll(/^```widget challenge-[a-z]+\nid = ([a-z0-9-]+)$/gm)].map((m) => m[1]);
      if (!ids.length) return '';
      const rows = ids.map((id) => {
        const k = id.replace(/-/g, '_');
        return `<tr data-challenge="${id}"><th scope="row"><a href="${base}${lang}/${l.slug}#challenge-${id}">${esc(s.challenges[`${k}_title`])}</a></th>`
          + `<td>${esc(s.challenges[`${k}_goal`])}</td><td class="challenges-page__state">${esc(u.page_not_yet)}</td></tr>`;
      }).join('');
      return `<h2><a href="${base}${lang}/${l.slug}#challenges">${esc(l.texts[lang].title)}</a></h2><div class="table-wrap"><table class="challenges-page__table">`
        + `<thead><tr><th scope="col">${esc(u.kicker)}</th><th scope="col">${esc(u.page_goal)}</th><th scope="col">${esc(u.page_state)}</th></tr></thead>`
        + `<tbody>${rows}</tbody></table></div>`;
    }).join('');
    const total = (sections.match(/<tr data-challenge=/g) || []).length;
    const challenges = `<section class="challenges-page"><h1>${esc(u.page_title)}</h1><p class="challenges-page__intro">${esc(u.page_intro)}</p>`
      + `<p class="challenges-page__count">${esc(u.page_count.replace("{solved}", "0").replace("{total}", String(total)))}</p>${sections}</section>`;
    write(`${lang}/challenges.html`, page(lang, `/${lang}/challenges`, `/${other(lang)}/challenges`, `${u.page_title} · ${s.site_name}`, u.page_intro, challenges));

    lessons.forEach((l, i) => {
      const x = l.texts[lang];
      const b = bodies[lang][l.slug];
      const toc = b.toc.map((h) => `<li class="toc__item toc__item--h${h.level}"><a href="${lang}/${l.slug}#${h.id}">${h.html}</a></li>`).join('');
      const side = lessons.map((m) => (m.slug === l.slug
        ? `<li class="sidebar__lesson--current"><a href="${base}${lang}/${m.slug}" aria-current="page">${esc(m.texts[lang].title)}</a></li>`
        : `<li><a href="${base}${lang}/${m.slug}">${esc(m.texts[lang].title)}</a></li>`)).join('');
      const link = (m, rel, dir) => `<a href="${base}${lang}/${m.slug}" class="pager__link pager__link--${rel}" rel="${rel}"><span class="pager__dir">${dir}</span><span class="pager__title">${esc(m.texts[lang].title)}</span></a>`;
      const main = `<div class="lesson-layout"><aside class="sidebar">`
        + `<details class="sidebar__group"><summary>${esc(s.contents)}</summary><nav aria-label="${esc(s.contents)}"><ul class="toc">${toc}</ul></nav></details>`
        + `<details class="sidebar__group"><summary>${esc(s.lessons)}</summary><nav aria-label="${esc(s.lessons)}"><ol class="sidebar__lessons">${side}</ol>`
        + `<p class="sidebar__extra"><a href="${base}${lang}/glossary">${esc(s.glossary)}</a></p></nav></details></aside>`
        + `<article class="lesson" lang="${lang}"><header class="lesson__header"><p class="lesson__eyebrow">${esc(fill(s.lesson_number, { n: i + 1 }))} · ${esc(fill(s.minutes, { n: x.minutes }))}</p>`
        + `<h1>${esc(x.title)}</h1><p class="lesson__summary">${esc(x.summary)}</p></header>`
        + `<div class="lesson__body">${b.prose.map((p) => `<div class="prose">${p}</div>`).join('')}</div>`
        + `<script type="text/plain" id="lesson-wire">${b.skeleton}</script>`
        + `<nav class="pager" aria-label="${esc(s.pager_label)}">${i > 0 ? link(lessons[i - 1], 'prev', `← ${esc(s.previous)}`) : ''}${i + 1 < lessons.length ? link(lessons[i + 1], 'next', `${esc(s.next)} →`) : ''}</nav>`
        + `</article></div>`;
      write(`${lang}/${l.slug}.html`, page(lang, `/${lang}/${l.slug}`, `/${other(lang)}/${l.slug}`, `${x.title} · ${s.site_name}`, x.summary, main));
    });
  }
  return n;
}
