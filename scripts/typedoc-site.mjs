/**
 * A TypeDoc plugin for nn's API site (loaded by typedoc.json):
 *
 * - guides, examples and the bench are project documents; each is named by
 *   its first heading ("XOR by back-propagation"), not by its path
 *   ("examples/xor/README");
 * - a readme's first heading is dropped where it repeats the page's title
 *   (the site's "nn", a module's "@nn/tensor"), so no page shows it twice;
 * - the header's site-relative links (the activation gallery) are made
 *   relative to each page, which TypeDoc's `navigationLinks` does not do.
 */
import { MarkdownEvent, PageEvent, ReflectionKind, RendererEvent } from 'typedoc';

const SITE_LINKS = ['gallery/'];

/** @param {import('typedoc').Application} app */
export function load(app) {
  // At render time: with entryPointStrategy "packages" the project is merged from the packages', not converted.
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    for (const doc of event.project.getReflectionsByKind(ReflectionKind.Document)) {
      const first = doc.content.find((part) => part.kind === 'text')?.text ?? '';
      const heading = /^\s*#\s+(.+)$/m.exec(first);
      if (heading && !('title' in doc.frontmatter)) doc.name = heading[1].replace(/[`*_]/g, '').trim();
    }
  });

  app.renderer.on(MarkdownEvent.PARSE, (event) => {
    const model = event.page.model;
    if (!model.kindOf?.(ReflectionKind.Project | ReflectionKind.Module)) return;
    const heading = /^\s*<h1[^>]*>([\s\S]*?)<\/h1>\s*/.exec(event.parsedText);
    if (heading && [model.name, model.packageName].includes(text(heading[1]))) {
      event.parsedText = event.parsedText.slice(heading[0].length);
    }
  });

  app.renderer.on(PageEvent.END, (page) => {
    if (page.contents === undefined) return;
    const up = '../'.repeat(page.url.split('/').length - 1);
    for (const link of SITE_LINKS) page.contents = page.contents.replaceAll(`href="${link}`, `href="${up}${link}`);
  });
}

/** The visible text of an HTML fragment. */
function text(html) {
  return html.replace(/<[^>]+>/g, '').replace(/&#x40;|&#64;/g, '@').trim();
}
