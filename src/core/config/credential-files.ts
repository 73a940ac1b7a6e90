/**
 * Credential files the configuration names (PEM pairs, CA bundles, keys, JSON accounts), read and
 * checked in one way for start and for `herald check`: what is wrong with a file is a problem
 * naming its config key and path, in an operator's words (configured-file.ts, pem.ts).
 */
import { checkTlsPair, parseCertificates, type Parsed } from '../pem.js';
import type { FileProblem } from './config-file-error.js';
import { readConfiguredFile } from './configured-file.js';

/** A file the configuration names: the key that names it (the pool's own, or the section's it inherits) and its path. */
export interface ConfiguredFile {
  readonly key: string;
  readonly path: string;
}

/** A credential, or every problem of the files it comes from. */
export type Loaded<T> = { ok: true; value: T } | { ok: false; problems: FileProblem[] };

/** The file's text; a missing file's problem gets `hint`, where to find the right one. */
export function loadText(file: ConfiguredFile, hint = ''): Loaded<string> {
  if (file.path === '') return refused(file, 'is an empty path');
  const text = readConfiguredFile(file.path);
  if (text.ok) return text;
  return refused(file, text.problem + (text.problem === 'no such file' ? hint : ''));
}

function refused<T>(file: ConfiguredFile, cause: string): Loaded<T> {
  return { ok: false, problems: [{ key: file.key, path: file.path, cause }] };
}

/** Parses a file's text; its problem is said against the file. */
export function parsedFrom<T>(file: ConfiguredFile, text: Loaded<string>, parse: (text: string) => Parsed<T>): Loaded<T> {
  if (!text.ok) return text;
  const parsed = parse(text.value);
  return parsed.ok ? parsed : refused(file, parsed.problem);
}

/** A TLS certificate (valid now) and its own private key, each problem said against its file (pem.ts checkTlsPair). */
export function loadTlsPair(certFile: ConfiguredFile, keyFile: ConfiguredFile): Loaded<{ cert: string; key: string }> {
  const cert = loadText(certFile);
  const key = loadText(keyFile);
  if (!cert.ok || !key.ok) return { ok: false, problems: [...(cert.ok ? [] : cert.problems), ...(key.ok ? [] : key.problems)] };
  const problems = checkTlsPair(cert.value, key.value);
  const found: FileProblem[] = [];
  if (problems.cert) found.push({ key: certFile.key, path: certFile.path, cause: problems.cert });
  if (problems.key) found.push({ key: keyFile.key, path: keyFile.path, cause: problems.key });
  return found.length > 0 ? { ok: false, problems: found } : { ok: true, value: { cert: cert.value, key: key.value } };
}

/** An extra CA to trust: one or more PEM certificates. */
export function loadCa(file: ConfiguredFile): Loaded<string> {
  return parsedFrom(file, loadText(file), (text) => {
    const certs = parseCertificates(text, { leaf: false });
    return certs.ok ? { ok: true, value: text } : certs;
  });
}
