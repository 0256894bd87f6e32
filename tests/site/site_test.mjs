// SPDX-License-Identifier: MIT
// The course site in a real browser: headless Chromium (puppeteer-core, the system's
// Chromium), window 1280 x 720, the size a projector shows. Builds nothing: run
// `scripts/slides --site` first (the CTest test `site_browser` does both).
//
// Checks, one printed line per failure (deck and slide number):
//  - index.html and every deck: each href/src resolves to a file inside build/site (the
//    site is self-contained: no http(s) URL, nothing outside the folder), and an anchor
//    (#id) names an id that exists in the target page;
//  - index.html links every deck of slides/ (slides and PDF handout) and shows every figure;
//  - every deck renders: the page holds as many slides as the Markdown has, at 1280 x 720;
//  - no slide overflows: every element of a slide lies inside the slide's 1280 x 720 box, no
//    element clips content (scrollWidth/Height beyond its box), and no code is drawn smaller
//    than 16 px (its computed size times any scaling, so Marp's auto-fitting is caught too);
//  - the presenter view opens; the speaker notes (HTML comments) of the Markdown are the
//    presenter notes of those slides, and no note shows a snippet marker or an SPDX line;
//  - each PDF handout exists and has one page per slide.
// Exit code: 0 all passed, 1 a check failed, 2 the site was not built.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import puppeteer from 'puppeteer-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// The site folder: build/site, or a copy of it anywhere (argument 1): it must be self-contained.
const SITE = path.resolve(process.argv[2] || path.join(ROOT, 'build', 'site'));
const WIDTH = 1280, HEIGHT = 720, MIN_CODE_PX = 16;
const failures = [];
const fail = (where, what) => failures.push(`FAIL ${where}: ${what}`);

// Slides in a Markdown deck: `---` lines outside code blocks, after the front matter.
function countSlides(markdown) {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  let count = 1, inCode = false;
  for (const line of body.split('\n')) {
    if (/^(```|~~~)/.test(line)) inCode = !inCode;
    else if (!inCode && /^---\s*$/.test(line)) count += 1;
  }
  return count;
}

// The slides (1-based) whose Markdown holds a speaker note: an HTML comment that is not a
// Marp directive (`<!-- _class: dense -->`, `<!-- paginate: false -->`, ...).
const DIRECTIVES = /^\s*_?(class|paginate|header|footer|theme|style|backgroundColor|backgroundImage|backgroundPosition|backgroundRepeat|backgroundSize|color|size|headingDivider|lang|math|title|author|description|image|keywords|url|marp|transition|fit)\s*:?/;
function slidesWithNotes(markdown) {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  const prose = [''];  // each slide's text outside code blocks
  let inCode = false;
  for (const line of body.split('\n')) {
    if (/^(```|~~~)/.test(line)) inCode = !inCode;
    else if (!inCode && /^---\s*$/.test(line)) prose.push('');
    else if (!inCode) prose[prose.length - 1] += line + '\n';
  }
  return prose.map((text, i) => ([...text.matchAll(/<!--([\s\S]*?)-->/g)].some((m) => !DIRECTIVES.test(m[1])) ? i + 1 : 0))
    .filter((n) => n > 0);
}

// Pages in a PDF: /Type /Page objects, also those inside compressed object streams.
function countPdfPages(file) {
  const data = fs.readFileSync(file);
  if (data.subarray(0, 5).toString('latin1') !== '%PDF-') return -1;
  const texts = [data.toString('latin1')];
  let at = 0;
  for (;;) {
    const start = data.indexOf('stream', at, 'latin1');
    if (start < 0) break;
    let begin = start + 6;
    if (data[begin] === 0x0d) begin += 1;
    if (data[begin] === 0x0a) begin += 1;
    const end = data.indexOf('endstream', begin, 'latin1');
    if (end < 0) break;
    try { texts.push(zlib.inflateSync(data.subarray(begin, end)).toString('latin1')); } catch { /* not Flate */ }
    at = end + 9;
  }
  return texts.reduce((n, t) => n + (t.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length, 0);
}

const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const text = fs.readFileSync(file, 'utf8');
    idCache.set(file, new Set([...text.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1])));
  }
  return idCache.get(file);
}

// One href/src, resolved by the browser against its page: inside the site, present, anchor found.
function checkLink(where, raw, resolved, pageFile, pageIds) {
  if (/^data:/.test(raw)) return;
  if (!resolved.startsWith('file:')) return fail(where, `'${raw}' is not a file of the site (external URL)`);
  const url = new URL(resolved);
  const file = decodeURIComponent(url.pathname);
  if (!file.startsWith(SITE + path.sep)) return fail(where, `'${raw}' points outside build/site`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return fail(where, `'${raw}': no such file`);
  const anchor = decodeURIComponent(url.hash.slice(1));
  if (!anchor) return;
  const ids = file === pageFile ? pageIds : (/\.html$/.test(file) ? idsOf(file) : null);
  if (ids && !ids.has(anchor)) fail(where, `'${raw}': no id '${anchor}' in ${path.relative(SITE, file)}`);
}

async function links(page) {
  return page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll('[href], [src]')) {
      for (const attribute of ['href', 'src']) {
        const raw = el.getAttribute(attribute);
        if (raw === null) continue;
        const slide = el.closest('section[id]');
        found.push({ raw, resolved: new URL(raw, document.baseURI).href, slide: slide ? slide.id : null });
      }
    }
    return { found, ids: [...document.querySelectorAll('[id]')].map((e) => e.id) };
  });
}

// Every slide at once: bespoke hides inactive slides (content-visibility), so show them all
// (they overlap, each in its own 1280 x 720 box) and measure each against its own section.
async function measureSlides(page) {
  await page.addStyleTag({ content: 'svg.bespoke-marp-slide { content-visibility: visible !important; }' });
  return page.evaluate((minCode) => {
    const describe = (el) => {
      const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
      return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''}> "${text}"`;
    };
    const slides = [...document.querySelectorAll('svg[data-marpit-svg] > foreignObject > section')];
    return slides.map((section, index) => {
      const problems = [];
      const box = section.getBoundingClientRect();
      const scale = box.width / section.offsetWidth;
      if (Math.abs(section.offsetWidth - 1280) > 0.5 || Math.abs(section.offsetHeight - 720) > 0.5) {
        problems.push(`the slide is ${section.offsetWidth} x ${section.offsetHeight}, not 1280 x 720`);
      }
      if (section.querySelector('[data-marp-fitting], marp-auto-scaling')) problems.push('Marp auto-scales (fits) content');
      const spilled = new Set();  // report the outermost element that spills, not each of its children
      for (const el of section.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const out = Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom) / scale;
        if (out > 1) {
          spilled.add(el);
          if (!spilled.has(el.parentElement) && !spilled.has(el.parentElement?.parentElement)) {
            problems.push(`${describe(el)} spills out of the slide by ${Math.round(out)} px`);
          }
        }
        const style = getComputedStyle(el);
        if (style.overflow !== 'visible' && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
          problems.push(`${describe(el)} clips its content (${el.scrollWidth} x ${el.scrollHeight} in ${el.clientWidth} x ${el.clientHeight})`);
        }
        if ((el.tagName === 'CODE' || el.tagName === 'PRE') && el.offsetWidth > 0) {
          const drawn = parseFloat(style.fontSize) * (r.width / el.offsetWidth) / scale;
          if (drawn < minCode - 0.01) problems.push(`${describe(el)}: code drawn at ${drawn.toFixed(1)} px (< ${minCode} px)`);
        }
      }
      if (section.scrollHeight > section.clientHeight + 1 || section.scrollWidth > section.clientWidth + 1) {
        problems.push(`content is ${section.scrollWidth} x ${section.scrollHeight}, more than the slide`);
      }
      return { number: index + 1, problems };
    });
  }, MIN_CODE_PX);
}

async function main() {
  const index = path.join(SITE, 'index.html');
  if (!fs.existsSync(index)) {
    console.log(`FAIL ${path.relative(ROOT, index)} does not exist: run scripts/slides --site first`);
    return 2;
  }
  const decks = fs.readdirSync(path.join(ROOT, 'slides')).filter((f) => /^\d\d-.*\.md$/.test(f)).sort();
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
  });
  let slidesSeen = 0, linksSeen = 0;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: WIDTH, height: HEIGHT });
    page.on('pageerror', (e) => fail(page.url().split('/').pop(), `script error: ${e.message}`));

    // The index: its links, every deck and every figure linked.
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
    const top = await links(page);
    const topIds = new Set(top.ids);
    for (const l of top.found) checkLink('index.html', l.raw, l.resolved, index, topIds);
    linksSeen += top.found.length;
    const targets = new Set(top.found.map((l) => path.relative(SITE, decodeURIComponent(new URL(l.resolved).pathname))));
    for (const deck of decks) {
      const stem = deck.replace(/\.md$/, '');
      for (const kind of ['html', 'pdf']) {
        if (!targets.has(`decks/${stem}.${kind}`)) fail('index.html', `does not link decks/${stem}.${kind}`);
      }
    }
    for (const figure of fs.readdirSync(path.join(ROOT, 'slides', 'img'))) {
      if (/\.(svg|png|jpe?g)$/i.test(figure) && !targets.has(`img/${figure}`)) fail('index.html', `does not show img/${figure}`);
    }

    // Each deck: renders all its slides, links resolve, nothing overflows, notes are clean, PDF complete.
    for (const deck of decks) {
      const stem = deck.replace(/\.md$/, '');
      const expected = countSlides(fs.readFileSync(path.join(ROOT, 'slides', deck), 'utf8'));
      const file = path.join(SITE, 'decks', `${stem}.html`);
      if (!fs.existsSync(file)) { fail(stem, `decks/${stem}.html does not exist`); continue; }
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const found = await links(page);
      const ids = new Set(found.ids);
      for (const l of found.found) checkLink(l.slide ? `${stem} slide ${l.slide}` : stem, l.raw, l.resolved, file, ids);
      linksSeen += found.found.length;
      const slides = await measureSlides(page);
      slidesSeen += slides.length;
      if (slides.length !== expected) fail(stem, `the page shows ${slides.length} slides, the Markdown has ${expected}`);
      for (const s of slides) for (const p of s.problems) fail(`${stem} slide ${s.number}`, p);
      const notes = await page.$$eval('.bespoke-marp-note', (n) =>
        n.filter((e) => e.textContent.trim()).map((e) => ({ slide: Number(e.dataset.index) + 1, text: e.textContent })));
      for (const note of notes) {
        if (/snippet:|SPDX-License|quoted:/.test(note.text)) {
          fail(`${stem} slide ${note.slide}`, `a presenter note shows a marker: ${note.text.trim().slice(0, 60)}`);
        }
      }
      const source = path.join(SITE, 'src', deck);
      if (fs.existsSync(source)) {
        const expectedNotes = slidesWithNotes(fs.readFileSync(source, 'utf8'));
        const shown = notes.map((n) => n.slide).join(',');
        if (expectedNotes.join(',') !== shown) {
          fail(stem, `presenter notes on slides [${shown}], the deck has speaker notes on slides [${expectedNotes.join(',')}]`);
        }
      }
      // The presenter view (key p) opens: the slide, the next one, the notes.
      await page.goto(`${pathToFileURL(file).href}?view=presenter`, { waitUntil: 'load' });
      if (!(await page.$('.bespoke-marp-presenter-container .bespoke-marp-presenter-note-container'))) {
        fail(stem, 'the presenter view does not open');
      }
      const pdf = path.join(SITE, 'decks', `${stem}.pdf`);
      const pages = fs.existsSync(pdf) ? countPdfPages(pdf) : -1;
      if (pages !== expected) fail(stem, `the PDF handout has ${pages < 0 ? 'no' : pages} pages, the Markdown ${expected} slides`);
    }
  } finally {
    await browser.close();
  }
  for (const line of failures) console.log(line);
  console.log(`site test: ${decks.length} decks, ${slidesSeen} slides, ${linksSeen} links: ` +
    (failures.length ? `${failures.length} failures` : 'all passed'));
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
