// SPDX-License-Identifier: MIT
// Marp CLI's settings for the decks (scripts/slides passes this file; paths are its callers').
export default {
  html: true,  // our own decks: <div class="source"> names the file under a code block
  options: {
    markdown: { breaks: false },  // a wrapped line in the Markdown is not a line break on the slide
    emoji: { shortcode: false, unicode: false },  // no twemoji images from a CDN: the site is offline
    math: false,  // no `$...$` typesetting: `$` in prose stays a dollar
  },
};
