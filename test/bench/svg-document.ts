/**
 * Checks shared by the chart tests: an SVG document is well-formed XML (parsed by @xmpp/xml's
 * parser, Herald's own stanza parser), has an <svg> root, and no coordinate is NaN or infinite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Parser, type Element } from '@xmpp/xml';

/** Attributes holding coordinates or lengths: each must be a finite number (polyline: pairs of them). */
const NUMERIC = ['x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'width', 'height'];

/** The whole document, or a throw: unclosed, mismatched or text outside the root. */
export function parseXml(text: string): Element {
  const parser = new Parser();
  let root: Element | undefined;
  let done = false;
  const errors: Error[] = [];
  parser.on('start', (el: Element) => (root = el));
  // The parser hands the root's children out one by one (a stream's stanzas): put them back.
  parser.on('element', (el: Element) => root!.append(el));
  parser.on('end', () => (done = true));
  parser.on('error', (e: Error) => errors.push(e));
  parser.write(text);
  assert.deepEqual(errors, [], 'well-formed XML');
  assert.ok(root && done, 'a complete document');
  return root;
}

export function parseSvg(text: string): Element {
  const root = parseXml(text);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  for (const el of descendants(root)) {
    for (const attr of NUMERIC) {
      const v = el.attrs[attr] as string | undefined;
      if (v !== undefined) assert.ok(Number.isFinite(Number(v)), `<${el.name} ${attr}="${v}">`);
    }
    if (el.name === 'polyline') {
      for (const pair of String(el.attrs.points).split(' ')) {
        assert.ok(pair.split(',').every((c) => Number.isFinite(Number(c))), `polyline point ${pair}`);
      }
    }
  }
  return root;
}

/** The chart named by the output's `# chart:` line, parsed; its `<g class="series">` names. */
export function chartOf(stdout: string, name: string): { root: Element; series: string[] } {
  const m = new RegExp(`^# chart: (.+/${name}-[^/]+\\.svg)$`, 'm').exec(stdout);
  assert.ok(m, `a # chart: line for ${name} in\n${stdout}`);
  const root = parseSvg(readFileSync(m[1]!, 'utf8'));
  return { root, series: seriesNames(root) };
}

export function seriesNames(root: Element): string[] {
  return descendants(root)
    .filter((el) => el.name === 'g' && el.attrs.class === 'series')
    .map((el) => String(el.attrs['data-name']));
}

export function texts(root: Element): string[] {
  return descendants(root)
    .filter((el) => el.name === 'text' || el.name === 'title')
    .map((el) => el.getText());
}

function descendants(el: Element): Element[] {
  return el.getChildElements().flatMap((child) => [child, ...descendants(child)]);
}
